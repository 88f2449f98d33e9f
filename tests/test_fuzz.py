"""Hostile values on every route (issue 8): integers past 64 bits, negatives, words where numbers go, dates whose
arithmetic overflows, sNaN, control characters (NUL, which PostgreSQL refuses), very long and non-ASCII text, missing
fields, broken and active files — never a 5xx.

Every role crawls the app from its home page: the links show which routes exist for it (with real ids), the forms
which fields each route reads. Each field then receives each hostile value while the others keep the values the page
rendered (once per named submit button), so a value reaches the code behind a form that is otherwise valid. Path ids
get 2^63 and neighbours. The crawl must reach every route, so a new route is covered once the world shows it."""
import io
import re
from collections import deque
from datetime import date, timedelta
from itertools import cycle
from urllib.parse import urlencode, urlsplit

import pytest
from werkzeug.exceptions import HTTPException

from models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    ApplicationType,
    Certificate,
    DocumentIssue,
    FeeNotice,
    Holiday,
    Level,
    Objection,
    Recheck,
    ResultPublicity,
    Role,
    SmsMessage,
    SmsStatus,
    Stage,
    TitleRecord,
    now,
)
from services import fees, snapshot
from tests.chain_world import as_user, compose, decided, filed, place, staff, submitted
from tests.conftest import make_user
from tests.helpers import parse
from tests.samples import CODE_B, achievement, jpeg, pdf, png, register_unit
from tests.wizard_world import (
    attach_all,
    fill_info,
    open_plan,
    passed_achievement,
    pick,
    sign,
    start,
    step_url,
    upload_photo,
)
from workflow import issue_certificate
from workflow.meetings import create_meeting, open_vote, record_attendance

BIG = str(2**63)
# Every field gets each of CORE; the rest take turns, one per field (a form of a few fields meets them all).
CORE = [BIG, str(2**31), "abc", "9999-12-31", "sNaN", "王\x0b\x00五", None]  # None: the field is left out
OTHERS = ["-1", "0001-01-01", "Infinity", "x" * 5000, "名字\u202eé𠀀", "²", ""]
HOSTILE = CORE[:-1] + OTHERS
FILE = "<file>"  # a file input, in a form's fields
HOSTILE_FILES = [(b"", "空.pdf"), (jpeg()[:-40], "截断.jpg"), (pdf(catalog=b"/OpenAction << /S /JavaScript /JS (1) >> "), "脚本.pdf"),
                 (pdf(), "王\x0b五" + "长" * 300 + ".pdf"), (png(), "照片.jpg")]
PATH_VALUES = {"int": [BIG, str(2**31), "9" * 5000],
               "default": ["x" * 300, "王\x0b五", "%E4%B8"]}
QUERY_NAMES = ("page", "q", "publicity", "status", "role", "region", "year", "level", "kind", "unread", "stage", "type", "next",
               "starts_on", "back", "committee", "profession")
SKIPPED = {"static", "htmx_js", "auth.logout"}  # files, and the one link that would end the crawl
MAX_PAGES = 80  # per role (the committee office has grown: results 公示, objections, 复查, 电子证书, 诚信档案)


@pytest.fixture
def clients(app, client, signing_key):
    """A record of every kind a route can name, and a client logged in as each role (None: anonymous)."""
    application, applicant = submitted(client)
    plan, unit = application.plan, application.unit
    users = {role: staff(role, unit=unit, committee_number=3) for role in
             (Role.UNIT, Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU, Role.TALENT_CENTRE, Role.COMMITTEE_OFFICE, Role.ADMIN)}
    users[Role.APPLICANT] = applicant
    holders = {stage: users[role].organisation for stage, role in (
        (Stage.CONSTRUCTION_BUREAU, Role.CONSTRUCTION_BUREAU), (Stage.HR_BUREAU, Role.HR_BUREAU),
        (Stage.TALENT_CENTRE, Role.TALENT_CENTRE), (Stage.UNIT, Role.UNIT))}
    for number, stage in enumerate(holders, start=1):  # one application waiting at each office
        filed(plan, unit, number, holders[stage], ApplicationStatus.PENDING, stage)
    published, _ = (filed(plan, unit, n, unit, ApplicationStatus.UNIT_PASSED, Stage.UNIT) for n in (7, 8))
    office = users[Role.COMMITTEE_OFFICE].organisation
    place(filed(plan, unit, 9, office), ApplicationStatus.PENDING, Stage.COMMITTEE, office, committee=office.committee)
    plan.has_interviews = True  # so the committee office, which holds one, is offered to mark a 面试对象
    plan.save()
    filed(plan, unit, 10, office, ApplicationStatus.AT_COMMITTEE, Stage.COMMITTEE)  # on the 花名册
    listed, told, waiting = (decided(plan, unit, number, office, passed=passed)
                             for number, passed in ((11, True), (12, False), (13, True)))
    certified, _ = (place(filed(plan, unit, n, office), ApplicationStatus.PASSED, Stage.COMMITTEE, office,
                          meeting_date=date.today(), photo=application.photo) for n in (14, 15))
    with app.test_request_context():  # an issued 电子证书 (its public page and photo) and one still to issue
        issue_certificate(certified, users[Role.COMMITTEE_OFFICE])
    achievement(applicant)
    TitleRecord.create(user=applicant, name="工程师", profession="建筑施工", obtained_on=date(2015, 12, 1))
    draft = start(as_user(client, applicant), open_plan(3, Level.SENIOR))  # every step, its score and attachments
    upload_photo(client, draft)
    sign(client, draft)
    fill_info(client, draft)
    pick(client, draft, passed_achievement(applicant))
    attach_all(client, draft)
    Application.update(application_type=ApplicationType.SELF_EVALUATION).where(Application.id == draft.id).execute()
    unsigned = start(client, open_plan(4))  # a draft waiting for its pledge
    upload_photo(client, unsigned)
    client.get(step_url(unsigned, 2))
    open_plan(6)  # a plan still to apply for
    register_unit(app, approve=False, name="待审核建设有限公司", code=CODE_B, mobile="13700000022")
    Holiday.create(day=date.today() + timedelta(days=40), name="测试假日")
    users[Role.EXPERT] = meeting_world(app, users[Role.COMMITTEE_OFFICE], plan, unit)
    clients = {role: as_user(app.test_client(), user) for role, user in users.items()}
    clients[Role.UNIT].post("/review/publicity", data={"ids": [published.id], "starts_on": date.today().isoformat()})
    assert Application.get_by_id(published.id).publicity_id
    clients[None] = app.test_client()
    # a results 公示 open today (the public page and its objection form), with one objection; another passed one
    # still to publish; a 复查 of the failed one, and the applicant's own failed result of another plan to ask one
    published = clients[Role.COMMITTEE_OFFICE].post("/committee/results", data={
        "plan": plan.id, "ids": [listed.id], "starts_on": date.today().isoformat(), "how_to_object": "书面提出"})
    assert published.status_code == 302 and Application.get_by_id(waiting.id).result_publicity_id is None
    results = ResultPublicity.get()
    Objection.create(publicity=results, application=listed, name="钱举报", contact="13911112222", content="业绩存疑")
    Recheck.create(publicity=results, application=told, reason="评分有误")
    own = Application.create(applicant=applicant, plan=open_plan(5), unit=unit, submitted_at=now(), stage_since=now(),
                             status=ApplicationStatus.DECIDED, stage=Stage.COMMITTEE, stage_organisation=office,
                             decided_pass=False, result_publicity=results)
    own.snapshot = snapshot.dumps(own)
    own.save()
    made = clients[Role.COMMITTEE_OFFICE].post("/roster/batches", data={"plan": plan.id, "kind": "roster"})
    assert made.status_code == 302  # a finished batch: its page and its download
    SmsMessage.create(mobile="13900000001", body="测试短信", status=SmsStatus.FAILED, last_error="网关超时")
    DocumentIssue.create(application=application, number=f"{plan.year}-{application.id:06d}-F0ZZ01", sha256="0" * 64)
    hr = users[Role.HR_BUREAU].organisation  # a fee notice to pay, confirm and waive
    FeeNotice.create(application=application, organisation=hr, fee_name="评审费", amount=300, issued_on=date.today(),
                     reference=fees.reference(hr.id, application.id), due_on=date.today() + timedelta(days=14))
    return clients, f"/pledge/{Application.get_by_id(unsigned.id).pledge_token}"


def _endpoint(app, url, method="GET"):
    """(endpoint, view args) of a URL of this app, or None."""
    parts = urlsplit(url)
    if parts.netloc not in ("", "localhost"):
        return None
    try:
        return app.url_map.bind("localhost").match(parts.path, method=method)
    except HTTPException:  # not found, method not allowed, or a redirect (RequestRedirect)
        return None


def _fields(form):
    """The form's fields with the value the page gives them (the first option of a select, a checked box's value;
    FILE for a file input)."""
    fields = {}
    for control in [form, *form.iter()] if form is not None else []:
        name = control.attrs.get("name")
        if not name or control.tag not in ("input", "select", "textarea"):
            continue
        if control.attrs.get("type") == "file":
            value = FILE
        elif control.tag == "select":
            options = control.find_all("option")
            value = next((o.attrs.get("value", o.text()) for o in options if "selected" in o.attrs),
                         options[0].attrs.get("value", options[0].text()) if options else "")
        elif control.tag == "textarea":
            value = control.text()
        elif control.attrs.get("type") in ("checkbox", "radio"):
            if name in fields:
                continue
            value = control.attrs.get("value", "y")
        else:
            value = control.attrs.get("value", "")
        fields.setdefault(name, value)
    return fields


def crawl(app, client, *extra):
    """Every page reachable by links from the home page (and `extra`): {endpoint: url}, {key: (endpoint, url, method,
    fields)}.

    Forms count with their action; an element with hx-get or hx-post as a form of its own name and its form's fields."""
    pages, forms, seen, queue = {}, {}, set(), deque(["/home", "/", *extra])
    while queue and len(seen) < MAX_PAGES:
        url = queue.popleft()
        match = _endpoint(app, url)
        if url in seen or match is None or match[0] in SKIPPED:
            continue
        seen.add(url)
        response = client.get(url)
        pages.setdefault(match[0], url)
        if response.status_code != 200 or response.mimetype != "text/html":
            continue
        page = parse(response)
        for link in page.find_all("a"):
            href = link.attrs.get("href", "")
            if href and not href.startswith(("#", "mailto:", "javascript:")):
                queue.append(href if href.startswith("/") else url.split("?")[0].rsplit("/", 1)[0] + "/" + href)
        for element in page.iter():
            method = next((m for m in ("get", "post") if f"hx-{m}" in element.attrs), None)
            if element.tag == "form" and not method:
                method, action = element.attrs.get("method", "get"), element.attrs.get("action") or url.split("?")[0]
            elif method:
                action = element.attrs[f"hx-{method}"]
            else:
                continue
            target = _endpoint(app, action, method.upper())
            if target and target[0] not in SKIPPED:
                fields = {**_fields(_form_of(element)), **_fields(element)}
                buttons = [{b.attrs["name"]: b.attrs.get("value", "")} for b in element.find_all("button") if "name" in b.attrs]
                for button in buttons or [{}]:  # a form whose buttons say what to do: once per button
                    # One of each: every plan's edit form is the same form.
                    key = (target[0], method.upper(), tuple(fields), tuple(button.items()))
                    forms.setdefault(key, (target[0], action.split("?")[0], method.upper(), {**fields, **button}))
    return pages, forms


def _form_of(element):
    while element is not None and element.tag != "form":
        element = element.parent
    return element


def hostile_paths(app, url):
    """The URL with each path variable replaced, in turn, by hostile values of its kind."""
    endpoint, args = _endpoint(app, url)
    rule = next(r for r in app.url_map.iter_rules(endpoint))
    for name, converter in rule._converters.items():
        kind = "int" if type(converter).__name__.endswith("IntegerConverter") else "default"
        for value in PATH_VALUES[kind]:
            yield _build(rule, {**args, name: value})


def _build(rule, args):
    path = rule.rule
    for name, value in args.items():
        path = re.sub(rf"<(?:[^<>]+:)?{name}>", str(value), path)
    return path


def hostile_forms(fields):
    """Each field with the hostile values (a file input: the hostile files) in turn, the other fields as rendered."""
    others = cycle(OTHERS)
    rendered = {name: value for name, value in fields.items() if value is not FILE}
    for name, value in fields.items():
        for hostile in HOSTILE_FILES if value is FILE else [*CORE, next(others)]:
            data = {k: v for k, v in rendered.items() if k != name}
            if isinstance(hostile, tuple):
                data[name] = (io.BytesIO(hostile[0]), hostile[1])
            elif hostile is not None:
                data[name] = hostile
            yield data


def _request(client, method, url, data):
    try:
        if method == "GET":
            query = urlencode(data) if data else ""
            return client.get(url + ("?" + query if query else "")).status_code, ""
        files = any(isinstance(value, tuple) for value in data.values())
        return client.post(url, data=data, content_type="multipart/form-data" if files else None).status_code, ""
    except Exception as error:  # noqa: BLE001 - the app raised: a 500 in production
        return 500, f"{type(error).__name__}: {error}"[:200]


def meeting_world(app, office_user, plan, unit):
    """The committee composed for the plan, a meeting whose first item is open for online votes and whose second, an
    interview candidate, waits; returns the account of an expert who may vote."""
    members = compose(office_user, plan)
    candidate = filed(plan, unit, 16, office_user.organisation, ApplicationStatus.AT_COMMITTEE, Stage.COMMITTEE)
    Application.update(interview_candidate=True).where(Application.id == candidate.id).execute()
    members[0].user = make_user(Role.EXPERT, "expert_fuzz")
    members[0].save()
    with app.test_request_context():
        meeting = create_meeting(office_user, plan, date.today(), "第一会议室")
        record_attendance(office_user, meeting, [e.id for e in members])
        open_vote(office_user, meeting.items.order_by(AgendaItem.position).first())
    return members[0].user


def test_no_hostile_value_on_any_route_gives_a_server_error(app, clients):
    failures, reached, sent = [], set(), set()

    def send(role, method, url, data):
        status, error = _request(clients[role], method, url, data)
        if status >= 500:
            failures.append((role, method, url, {k: v[:20] for k, v in data.items()}, status, error))

    clients, pledge_url = clients
    # The 图形验证码 image shows on the login page only after failed logins, and the public verification pages open
    # from QR codes printed on paper: the anonymous crawl starts there too.
    certificate, issue = Certificate.get(), DocumentIssue.get()
    extra = {None: [pledge_url, "/login/captcha.png", f"/verify/documents/{issue.number}",
                    f"/verify/certificates/{certificate.number}?token={certificate.verify_token}"]}
    crawls = {role: crawl(app, client, *extra.get(role, [])) for role, client in clients.items()}
    # Each route and each form once, by the first role that reaches it; the administrator's requests (password resets
    # among them) go last, not to end the others' sessions.
    for role in sorted(crawls, key=lambda role: role == Role.ADMIN):
        pages, forms = crawls[role]
        for endpoint, url in pages.items():
            if endpoint not in reached:
                reached.add(endpoint)
                for value in HOSTILE:
                    send(role, "GET", url, {name: value for name in QUERY_NAMES})
                for path in hostile_paths(app, url):
                    send(role, "GET", path, {})
        for key, (endpoint, action, method, fields) in forms.items():
            if key not in sent:  # forms the roles share, once
                sent.add(key)
                reached.add(endpoint)
                for data in hostile_forms(fields):
                    send(role, method, action, data)
    assert not failures, "\n".join(map(repr, failures))
    unreached = {rule.endpoint for rule in app.url_map.iter_rules()} - SKIPPED - reached
    assert not unreached, f"{sorted(unreached)}: routes the crawl did not reach (give the world a record that shows them)"
