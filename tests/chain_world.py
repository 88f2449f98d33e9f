"""Helpers for review-chain tests: a submitted application and the accounts of every office on its way."""
from datetime import date, timedelta

from models import Application, ApplicationStatus, ApplicationType, Committee, Organisation, Role, Stage, User, now
from services import snapshot
from services.idcard import check_char, parse
from tests.conftest import login, make_user, organisation
from tests.wizard_world import applicant_ready, fill_info, fill_to_preview, open_plan, step_url


def submitted(client, mobile="13900000001", region="越城区", unit_name="越城建工集团", committee_number=3, info=None,
              person=None, **plan):
    """An applicant of `unit_name` who has filled and submitted an application; returns (application, applicant).

    `info` answers step 3 again with these overrides (e.g. profession=<id>) before 提交; `person` gives the
    applicant's id_number and name.
    """
    plan = open_plan(committee_number, **plan)
    user = applicant_ready(mobile, region, unit_name, **(person or {}))
    application = fill_to_preview(client, user, plan, committee_number)
    if info:
        assert fill_info(client, application, committee_number, **info).status_code == 302
    response = client.post(step_url(application, 6), data={"confirm": "y"})
    assert response.status_code == 302
    client.post("/logout")
    return Application.get_by_id(application.id), user


def staff(role, region="越城区", unit=None, committee_number=None, username=None):
    """An account of an office: the unit's HR person, a bureau of `region`, the talent centre, a committee office."""
    if role == Role.UNIT:
        org = unit
    elif role == Role.COMMITTEE_OFFICE:
        org = Organisation.get((Organisation.kind == role)
                               & (Organisation.committee == Committee.get(Committee.number == committee_number)))
    else:
        org = organisation(role, region if role != Role.TALENT_CENTRE else None)
    return make_user(role, username, organisation=org)


def as_user(client, user):
    client.post("/logout")
    login(client, user)
    return client


def decide(client, application, action, reason="", parts=("step_3",)):
    """通过 / 退回 / 不通过 from the application's page; a 退回 ticks `parts` (一次性告知; ignored otherwise)."""
    return client.post(f"/review/applications/{application.id}/decide",
                       data={"action": action, "reason": reason, "seen": Application.get_by_id(application.id).version,
                             "parts": list(parts)})


def publicise_and_send(client, unit_user, application, today=None):
    """Start a publicity today, then pretend it ended yesterday and 报送."""
    from models import Publicity

    client.post("/review/publicity", data={"ids": [application.id], "starts_on": (today or date.today()).isoformat()})
    publicity = Publicity.get(Publicity.unit == unit_user.organisation)
    publicity.starts_on, publicity.ends_on = date.today() - timedelta(days=9), date.today() - timedelta(days=1)
    publicity.save()
    return client.post(f"/review/publicity/{publicity.id}/send")


def place(application, status, stage=None, holder=None, **extra):
    """Put `application` where a test needs it (set-up only; the app itself moves it through workflow.py)."""
    Application.update(status=status, stage=stage, stage_organisation=holder, version=Application.version + 1,
                       **extra).where(Application.id == application.id).execute()
    return Application.get_by_id(application.id)


def filed(plan, unit, number, holder, status=None, stage=None, name=None, profession=None, application_type=None):
    """A cheap submitted application of a fresh applicant, straight in the database (for lists of many rows)."""
    first17 = f"33060219800101{number:03d}"
    person = parse(first17 + check_char(first17))
    applicant = User.create(username=f"1380000{number:04d}", password_hash="-", role=Role.APPLICANT,
                            real_name=name or f"申报人{number:03d}", mobile=f"1380000{number:04d}",
                            id_number=person.number, gender=person.gender, birth_date=person.birth_date,
                            organisation=unit)
    application = Application.create(
        applicant=applicant, plan=plan, unit=unit, submitted_at=now(), stage_since=now(),
        status=status or ApplicationStatus.PENDING, stage=stage or Stage.CONSTRUCTION_BUREAU, stage_organisation=holder,
        profession=profession or plan.profession_links[0].profession,
        application_type=application_type or ApplicationType.NORMAL, committee=plan.committee_links[0].committee)
    application.snapshot = snapshot.dumps(application)
    application.save()
    return application


def decided(plan, unit, number, office, passed=True, meeting_date=None, **extra):
    """A cheap application the committee `office` has voted on (DECIDED, its computed result not yet released)."""
    stage = Stage.SENIOR_COMMITTEE if office.committee.is_senior else Stage.COMMITTEE
    return place(filed(plan, unit, number, office, **extra), ApplicationStatus.DECIDED, stage=stage, holder=office,
                 decided_pass=passed, meeting_date=meeting_date or date.today() - timedelta(days=1))
def pool_expert(committee, number, **extra):
    """Expert `number` of a committee's 专家库 (the same person when asked again), with a valid 身份证号."""
    from models import Expert

    first17 = f"33010219700101{number:03d}"
    values = {"name": f"评委{number:02d}", "unit_name": f"评委{number:02d}所在设计院", **extra}
    expert, _ = Expert.get_or_create(committee=committee, id_number=first17 + check_char(first17), defaults=values)
    return expert


def compose(office_user, plan, count=3, start=1):
    """评委会组成 of `count` experts of the office's pool: the first 主任委员, the second 副主任委员, the rest 委员."""
    from models import MemberRole
    from workflow.experts import compose_committee

    committee = office_user.organisation.committee
    chosen = [pool_expert(committee, n) for n in range(start, start + count)]
    roles = [MemberRole.CHAIR, MemberRole.DEPUTY] + [MemberRole.MEMBER] * (count - 2)
    compose_committee(office_user, plan, {e.id: role for e, role in zip(chosen, roles, strict=True)})
    return chosen


def decide_by_meeting(app, office_user, applications, passed=True, held_on=None):
    """Run a minimal valid meeting through the workflow: a committee of 3 for the applications' plan, all present,
    one paper tally per application (3 同意, or 3 不同意). The applications end DECIDED (or RECOMMENDED for a
    中评委's pass of a senior applicant). Returns the meeting."""
    from models import AgendaItem
    from workflow.meetings import create_meeting, enter_tally, record_attendance

    plan = applications[0].plan
    with app.test_request_context():
        members = compose(office_user, plan)
        meeting = create_meeting(office_user, plan, held_on or date.today(), "评委会会议室")
        record_attendance(office_user, meeting, [e.id for e in members])
        for application in applications:
            item = AgendaItem.get((AgendaItem.meeting == meeting) & (AgendaItem.application == application))
            enter_tally(office_user, item, *((3, 0, 0) if passed else (0, 3, 0)))
    return meeting


def meeting_tally(client, application, counts=(3, 0, 0), follow_redirects=False):
    """Through the office's pages (its committee for the plan already composed): a meeting for the application's plan,
    every member present, the paper tally entered for `application`. Returns the last response."""
    from models import AgendaItem, Meeting

    before = Meeting.select().order_by(Meeting.id.desc()).first()
    response = client.post("/committee/meetings", data={"plan": application.plan_id, "held_on": date.today().isoformat(),
                                                         "place": "评委会会议室"})
    meeting = Meeting.select().where(Meeting.id > (before.id if before else 0)).first()
    if meeting is None:
        return response
    client.post(f"/committee/meetings/{meeting.id}/attendance", data={"present": [r.expert_id for r in meeting.attendance]})
    item = AgendaItem.get_or_none((AgendaItem.meeting == meeting) & (AgendaItem.application == application))
    if item is None:
        return response
    return client.post(f"/committee/agenda/{item.id}/tally", follow_redirects=follow_redirects,
                       data=dict(zip(("agree", "disagree", "abstain"), map(str, counts), strict=True)))
