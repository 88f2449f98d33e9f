"""Every route × every role, with the ids of the other side's records (another unit, region, committee, applicant):
no 5xx, refused (403/404/410 or sent to log in), not a word of the other side's data shown, nothing of it changed.

The routes come from app.url_map and their path parameters from PARAMETERS, so a route added later is covered by
construction; one whose parameter PARAMETERS does not know fails the test until it is given a foreign record.
"""
from dataclasses import dataclass, field
from datetime import date, timedelta
from urllib.parse import urlencode

from models import (
    Achievement,
    AchievementFile,
    AgendaItem,
    Application,
    ApplicationFile,
    ApplicationStatus,
    BatchKind,
    Certificate,
    DocumentBatch,
    DocumentIssue,
    Expert,
    FeeNotice,
    Holiday,
    Level,
    Meeting,
    Notification,
    Objection,
    Organisation,
    Publicity,
    Recheck,
    ResultPublicity,
    ReviewPlan,
    Role,
    SmsMessage,
    Stage,
    StoredFile,
    UnitReview,
    User,
    now,
)
from services import certificates, fees, storage
from services.idcard import check_char
from tests.chain_world import compose, filed, place, staff, submitted
from tests.conftest import ID_FEMALE, ID_MALE, login, make_user, organisation
from tests.samples import CODE_A, CODE_B, credit_code, pdf, register_unit
from tests.wizard_world import passed_achievement
from workflow.experts import open_expert_account
from workflow.meetings import create_meeting, record_attendance

SKIPPED = {"static": "serves the files under static/ to anyone: no records, no roles"}
DENIED = {403, 404, 410}  # 410: the pledge page's answer to a used or expired link
MISSING_ID = 987654
CODE_C = credit_code("91330602MA8H9J1K2")
ID_THIRD = "33060219920202003" + check_char("33060219920202003")


@dataclass
class Parameter:
    """How to fill a path parameter: with the ids a side's records have under `key` (or with `values`, for what is
    not a record); `owned` records are refused to every non-administrator of the other side; `missing` names none."""

    key: object = None
    values: list = field(default_factory=list)
    owned: bool = True
    missing: object = MISSING_ID

    def pick(self, side):
        return side[self.key] if self.key else self.values


PARAMETERS = {
    "application_id": Parameter(Application),
    "link_id": Parameter(ApplicationFile),
    "file_id": Parameter(StoredFile),
    "achievement_id": Parameter(Achievement),
    "notice_id": Parameter(Notification),
    "fee_id": Parameter(FeeNotice),
    "publicity_id": Parameter(Publicity),
    "result_publicity_id": Parameter(ResultPublicity),
    "objection_id": Parameter(Objection),
    "recheck_id": Parameter(Recheck),
    "unit_id": Parameter(Organisation),
    "user_id": Parameter(User),
    "message_id": Parameter(SmsMessage),
    "batch_id": Parameter(DocumentBatch),
    "expert_id": Parameter(Expert),
    "meeting_id": Parameter(Meeting),
    "item_id": Parameter(AgendaItem),
    # the pledge link's token is the credential itself: a side's is an expired one, which must tell nothing
    "token": Parameter("token", missing="no-such-token"),
    # reference data every signed-in user may read (plans) or only the administrator edits (holidays)
    "plan_id": Parameter("plan", owned=False),
    # a 评审表's number is public by design: printed on it and in its QR code; the check page names no one
    "document_number": Parameter("document", owned=False, missing="2000-000000-000000"),
    "holiday_id": Parameter("holiday", owned=False),
    "certificate_number": Parameter("certificate", owned=False, missing="20260310000425"),
    "number": Parameter(values=list(range(1, 8)), owned=False, missing=None),
    "level": Parameter(values=["mid", "senior"], owned=False, missing=None),
}


@dataclass
class Side:
    ids: dict  # model (or "plan", "token", "holiday") -> ids of the side's records
    markers: list = field(default_factory=list)  # text only its records carry
    hidden_from: set = field(default_factory=set)  # who of our side is refused its records and never shown its text


@dataclass
class World:
    users: dict  # who -> our side's account (None: anonymous); the administrator last, as it may change their records
    ours: dict  # model (or "plan", "token", "holiday") -> ids of our side's records
    others: dict  # name -> Side: "theirs" (another region, committee, unit), "neighbour" (another unit of our region)

    @property
    def theirs(self):
        return self.others["theirs"].ids


def _side(app, client, *, region, committee, unit_name, person, mobile, first, code):
    """One side: a unit with a submitted application (files, achievements, statement), more at every later stage,
    a draft, a 公示, notices, an SMS and a unit awaiting approval with its letter; returns (ids, its distinct text)."""
    statement = f"{person['name']}的述职：负责{unit_name}的工程。"
    application, applicant = submitted(client, mobile=mobile, region=region, unit_name=unit_name,
                                       committee_number=committee, info={"statement": statement}, person=person)
    unit, plan = application.unit, application.plan
    with app.test_request_context():
        work = passed_achievement(applicant, title=f"{person['name']}的独有业绩工程")
        stored = storage.save(pdf(), "业绩证明.pdf", storage.ATTACHMENT, app.config["UPLOAD_FOLDER"], uploaded_by=applicant)
        AchievementFile.create(achievement=work, file=stored)
        pending_unit, contact = register_unit(app, approve=False, name=f"{unit_name}分公司", mobile=f"137{first:08d}",
                                              code=code, region_name=region)
    contact.real_name = pending_unit.contact_name = f"{person['name']}的人事"
    contact.save()
    pending_unit.save()
    construction, hr = organisation(Role.CONSTRUCTION_BUREAU, region), organisation(Role.HR_BUREAU, region)
    office = Organisation.get((Organisation.kind == Role.COMMITTEE_OFFICE)
                              & (Organisation.committee == application.committee))
    S = ApplicationStatus
    later = [
        filed(plan, unit, first + 1, construction, name=f"{person['name']}乙"),
        filed(plan, unit, first + 2, hr, S.STAGE_PASSED, Stage.HR_BUREAU, f"{person['name']}丙"),
        filed(plan, unit, first + 3, office, S.AT_COMMITTEE, Stage.COMMITTEE, f"{person['name']}丁"),
        filed(plan, unit, first + 4, office, S.RECOMMENDED, Stage.COMMITTEE, f"{person['name']}戊"),
        filed(plan, unit, first + 5, unit, S.UNIT_PASSED, Stage.UNIT, f"{person['name']}己"),
    ]
    publicity = Publicity.create(unit=unit, starts_on=date.today(), ends_on=date.today() + timedelta(days=7))
    place(later[-1], S.UNIT_PASSED, Stage.UNIT, unit, publicity=publicity)
    passed = filed(plan, unit, first + 10, office, S.PASSED, Stage.COMMITTEE, f"{person['name']}癸")
    later.append(passed)
    # a results 公示 that has ended (the public page lists past ones by plan, not by name), with an objection to its
    # listed name and a 复查 of the failed one
    results = ResultPublicity.create(plan=plan, office=office, starts_on=date.today() - timedelta(days=20),
                                     ends_on=date.today() - timedelta(days=10))
    listed, told = (place(filed(plan, unit, first + n, office, name=f"{person['name']}{suffix}"), status, Stage.COMMITTEE,
                          office, decided_pass=passed, result_publicity=results)
                    for n, suffix, status, passed in ((6, "庚", S.RESULT_PUBLICITY, True), (7, "壬", S.DECIDED, False)))
    later += [listed, told]
    objection = Objection.create(publicity=results, application=listed, name=f"{person['name']}的异议人",
                                 contact="13911112222", content=f"{person['name']}庚的业绩存疑")
    recheck = Recheck.create(publicity=results, application=told, reason=f"{person['name']}壬的复查理由")
    # the applicant's own draft of another plan, with an attachment, at the last step; its signing link has expired
    draft = Application.create(applicant=applicant, plan=ReviewPlan.select().where(ReviewPlan.id != plan.id).first(),
                               unit=unit, step_reached=7, pledge_token=f"expired-{first}",
                               pledge_token_expires=now() - timedelta(hours=1))
    ApplicationFile.create(application=draft, key="other", file=stored)
    applications = [application, *later, draft]
    notices = [Notification.create(user=a.applicant, title=f"{a.applicant.real_name}的申报已受理")
               for a in applications]
    fee = FeeNotice.create(application=later[0], organisation=construction, fee_name="评审费", amount=300,
                           reference=fees.reference(construction.id, later[0].id), issued_on=date.today(),
                           due_on=date.today() + timedelta(days=14), payee=f"{unit_name}专用收款账户")
    sms = SmsMessage.create(user=applicant, mobile=applicant.mobile, body=f"{applicant.real_name}，您的申报已受理。")
    office_user = make_user(Role.COMMITTEE_OFFICE, f"office_{first}", organisation=office)
    batch = DocumentBatch.create(kind=BatchKind.ROSTER, plan=plan, organisation=office, requested_by=office_user)
    # its number is printed on it and typed by anyone; the page names no one without the QR link's token or the name
    certificate = Certificate.create(application=passed, number=certificates.number_for(2026, 3, Level.MID, passed.id),
                                     issued_on=date.today(), issued_by=office_user, verify_token=f"token-{first}")
    members = compose(office_user, plan, start=first)  # the committee of the side's meeting, on its 丁's agenda
    with app.test_request_context():
        meeting = create_meeting(office_user, plan, date.today(), f"{unit_name}评审会场")
        record_attendance(office_user, meeting, [e.id for e in members])
        voter, _ = open_expert_account(office_user, members[0], f"expert_{first}")
    people = [a.applicant for a in applications] + [contact]
    files = {f.id for f in StoredFile.select().where(StoredFile.uploaded_by.in_(people))}
    files |= {r.letter_id for r in UnitReview.select().where(UnitReview.unit == pending_unit)}
    side = {
        Application: [a.id for a in applications],
        ApplicationFile: [f.id for f in ApplicationFile.select().where(ApplicationFile.application.in_(applications))],
        StoredFile: sorted(files),
        Achievement: [a.id for a in Achievement.select().where(Achievement.owner.in_(people))],
        Notification: [n.id for n in notices],
        Publicity: [publicity.id],
        Organisation: [unit.id, pending_unit.id],
        User: [p.id for p in people],
        SmsMessage: [sms.id],
        FeeNotice: [fee.id],
        DocumentBatch: [batch.id],
        ResultPublicity: [results.id], Objection: [objection.id], Recheck: [recheck.id],
        Certificate: [certificate.id],
        "certificate": [certificate.number],
        Expert: [e.id for e in members],
        Meeting: [meeting.id],
        AgendaItem: [i.id for i in meeting.items],
        "expert account": voter,
        "plan": [plan.id], "token": [draft.pledge_token],
        "document": [DocumentIssue.create(application=application, number=f"{plan.year}-{application.id:06d}-{first:06X}",
                                          sha256="0" * 64).number],
    }
    # not the unit's name: approved units are the 现工作单位 every applicant chooses from
    return side, [pending_unit.name, statement, work.title, *(p.real_name for p in people),
                  *(p.id_number for p in people if p.id_number)]


def build_world(app, client):
    """Our side in 越城区 (committee 3), theirs in 柯桥区 (committee 4), a neighbour unit in 越城区 (committee 3);
    our side's accounts of every role log in."""
    ours, _ = _side(app, client, region="越城区", committee=3, unit_name="越城本方建工集团", mobile="13900000001",
                    first=1, code=CODE_A, person={"id_number": ID_MALE, "name": "本方甲"})
    theirs = Side(*_side(app, client, region="柯桥区", committee=4, unit_name="柯桥外方营造公司", mobile="13900000002",
                         first=21, code=CODE_B, person={"id_number": ID_FEMALE, "name": "外方甲"}))
    neighbour = Side(*_side(app, client, region="越城区", committee=3, unit_name="越城邻方安装公司", mobile="13900000003",
                            first=41, code=CODE_C, person={"id_number": ID_THIRD, "name": "邻方甲"}))
    unit, plan = Application.get_by_id(ours[Application][0]).unit, Application.get_by_id(ours[Application][0]).plan
    talent_centre = organisation(Role.TALENT_CENTRE)  # the only one: the other side's applications never pass it
    ours[Application].append(filed(plan, unit, 9, talent_centre, stage=Stage.TALENT_CENTRE, name="本方甲辛").id)
    ours["holiday"] = theirs.ids["holiday"] = neighbour.ids["holiday"] = [
        Holiday.create(day=date(2030, 1, 2), name="元旦补休").id]
    applicant = User.get_by_id(ours[User][0])
    users = {
        "anonymous": None, "applicant": applicant, "unit": staff(Role.UNIT, unit=applicant.organisation),
        "unit awaiting approval": User.get_by_id(ours[User][-1]), "talent centre": staff(Role.TALENT_CENTRE),
        "construction bureau": staff(Role.CONSTRUCTION_BUREAU), "HR bureau": staff(Role.HR_BUREAU),
        "committee office": staff(Role.COMMITTEE_OFFICE, committee_number=3),
        "senior committee office": staff(Role.COMMITTEE_OFFICE, committee_number=1),
        "expert": ours.pop("expert account"),
        "admin": make_user(Role.ADMIN, "admin_ours"),
    }
    theirs.hidden_from = set(users) - {"admin"}
    # our region's bureaus and committee office hold the neighbour's applications (and the committee office forwards
    # one to the 高评委 as the matrix runs); its people are no one else's
    neighbour.hidden_from = {"anonymous", "applicant", "unit", "unit awaiting approval", "talent centre", "expert"}
    return World(users, ours, {"theirs": theirs, "neighbour": neighbour})


def _cycle(picked):
    """Value sets that use every value of each list at least once (cycling the shorter lists)."""
    for i in range(max(map(len, picked.values()), default=1)):
        yield {name: values[i % len(values)] for name, values in picked.items()}


def _variants(parameters, world):
    """(whose, values): our records, then each other side's; for nested records, ours with one of another side's
    inside (e.g. our application, their attachment); then ids of nothing."""
    ours = {name: p.pick(world.ours) for name, p in parameters.items()}
    yield from (("ours", values) for values in _cycle(ours))
    owned = [name for name, p in parameters.items() if p.owned]
    for whose, side in world.others.items():
        other = {name: p.pick(side.ids) for name, p in parameters.items()}
        yield from ((whose, values) for values in _cycle(other))
        for name in owned if len(owned) > 1 else ():
            yield from ((whose, values) for values in _cycle({**ours, name: other[name]}))
    if any(p.missing is not None for p in parameters.values()):
        yield "missing", {name: p.pick(world.ours)[0] if p.missing is None else p.missing
                          for name, p in parameters.items()}


def _requests(app, world):
    """(method, path, whose, owned, headers) for every rule but SKIPPED; a KeyError names a parameter PARAMETERS lacks."""
    rules = sorted((r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED),
                   key=lambda r: (r.endpoint == "auth.logout", r.rule))  # logging out last
    # the lists' search and filters, asked for another side's people (by part of a name, as the search box echoes
    # what was typed) and plan
    search = {whose: "?" + urlencode({"q": User.get_by_id(side.ids[User][0]).real_name[:-1], "plan": side.ids["plan"][0]})
              for whose, side in world.others.items()}
    for rule in rules:
        parameters = {name: PARAMETERS[name] for name in rule.arguments}
        owned = any(p.owned for p in parameters.values())
        for method in sorted(rule.methods & {"GET", "POST"}):
            for whose, values in _variants(parameters, world):
                path = rule.build(values, append_unknown=False)[1] + search.get(whose, "")
                yield method, path, whose, owned, {}
                if whose in world.others and method == "GET":  # htmx gets fragments, rendered by other templates
                    yield method, path, whose, owned, {"HX-Request": "true"}


def _form(world):
    """What a POST carries: the other side's ids in the fields that take ids, and the answers that would act."""
    theirs = world.theirs
    return {"ids": [str(i) for i in theirs[Application] + theirs[Achievement]],
            "achievement": [str(i) for i in theirs[Achievement]], "action": "pass", "result": "pass",
            "reason": "矩阵测试", "meeting_date": date.today().isoformat(), "confirm": "y"}


def _foreign_rows(world):
    """The other region's rows as they stand (but the SMS outbox, which any commit may send on); the neighbour's
    may be changed by our region's offices."""
    return {model: list(model.select().where(model.id.in_(ids)).order_by(model.id).dicts())
            for model, ids in world.theirs.items() if isinstance(model, type) and model is not SmsMessage}


def _problems(response, where, whose, must_refuse, shown):
    """What is wrong with one response; `shown` is the text it carries of sides hidden from its reader."""
    code = response.status_code
    refused = code in DENIED or (code == 302 and response.location.startswith("/login"))
    found = [f"{where}: {code}"] if code >= 500 else []
    if must_refuse and not refused and code < 500:
        found.append(f"{where}: {code} {response.location or ''} for {whose} records instead of a refusal")
    if shown:
        found.append(f"{where}: shows " + ", ".join(sorted(shown)))
    return found


def test_every_path_parameter_has_a_way_to_a_foreign_record(app):
    unmapped = {(rule.endpoint, name) for rule in app.url_map.iter_rules() if rule.endpoint not in SKIPPED
                for name in rule.arguments if name not in PARAMETERS}
    assert not unmapped, "add these path parameters to PARAMETERS (how to pick the other side's record)"


def test_no_one_reaches_the_other_sides_records_by_any_route(app, client):
    world = build_world(app, client)
    form, before, problems, requests, admin_saw = _form(world), _foreign_rows(world), [], 0, set()
    for who, user in world.users.items():
        if user is not None and user.is_admin:
            changed = [m.__name__ for m, rows in _foreign_rows(world).items() if rows != before[m]]
            problems += [f"our side changed the other side's {name} rows" for name in changed]
        hidden = {whose for whose, side in world.others.items() if who in side.hidden_from}
        markers = [marker for whose in hidden for marker in world.others[whose].markers]
        browser = app.test_client()
        if user:
            assert login(browser, user).status_code == 200
        for method, path, whose, owned, headers in _requests(app, world):
            response = browser.open(path, method=method, data=form if method == "POST" else None, headers=headers)
            body = response.get_data().decode("utf-8", "replace")
            where = f"{who} {method} {path}" + (" (htmx)" if headers else "")
            problems += _problems(response, where, whose, whose == "missing" or (owned and whose in hidden),
                                  {marker for marker in markers if marker in body})
            if who == "admin":
                admin_saw |= {marker for marker in world.others["theirs"].markers if marker in body}
            requests += 1
    assert not problems, f"{len(problems)} of {requests} requests:\n" + "\n".join(problems)
    assert "外方甲" in admin_saw, "the administrator sees everyone: the other side's text must be findable"
