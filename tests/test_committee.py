"""Committee offices (SPEC §6.3–4): results decided by a meeting (computed, recorded as DECIDED), and the senior routes — category 1 professions via
their 中评委's recommendation (中推高), category 2 straight to the 高评委 office (the office of committee 1)."""
from datetime import date, timedelta

import pytest

from models import (
    Application,
    ApplicationStatus,
    Committee,
    Level,
    Organisation,
    Profession,
    ReviewAction,
    Role,
    Stage,
)
from tests.chain_world import (
    as_user,
    compose,
    decide,
    decide_by_meeting,
    filed,
    meeting_tally,
    place,
    publicise_and_send,
    staff,
    submitted,
)
from tests.conftest import make_unit, organisation
from tests.helpers import parse
from tests.wizard_world import open_plan
from workflow import WorkflowError, review

S = ApplicationStatus
TODAY = date.today()


def office_of(number):
    return Organisation.get((Organisation.kind == Role.COMMITTEE_OFFICE)
                            & (Organisation.committee == Committee.get(Committee.number == number)))


@pytest.mark.parametrize("counts, outcome", [
    ((3, 0, 0), True),
    ((2, 1, 0), True),  # 3 voters need 2
    ((1, 1, 1), False),
    ((0, 3, 0), False),
    ((2, 0, 0), "计票不符：同意 2 + 不同意 0 + 弃权 0 = 2 票，应等于出席且未回避的评委 3 人"),
    ((2, 2, 0), "计票不符"),
])
def test_a_meetings_tally_decides_the_result(client, counts, outcome):
    plan, unit = open_plan(), make_unit("越城建工集团")
    application = filed(plan, unit, 1, office_of(3), S.AT_COMMITTEE, Stage.COMMITTEE)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    compose(office, plan)
    as_user(client, office)
    response = meeting_tally(client, application, counts)
    fresh = Application.get_by_id(application.id)
    if isinstance(outcome, bool):
        assert response.status_code == 302
        assert (fresh.status, fresh.decided_pass, fresh.meeting_date) == (S.DECIDED, outcome, TODAY)
        assert fresh.actions.get().action == "decided"
    else:
        assert response.status_code == 409 and outcome in response.get_data(as_text=True)
        assert (fresh.status, fresh.meeting_date, fresh.actions.count()) == (S.AT_COMMITTEE, None, 0)


def test_the_office_has_no_manual_result_any_more(client, app):
    assert "committee.result" not in app.view_functions
    plan, unit = open_plan(), make_unit("越城建工集团")
    application = filed(plan, unit, 1, office_of(3), S.AT_COMMITTEE, Stage.COMMITTEE)
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=3))
    response = client.post(f"/committee/applications/{application.id}/result", data={"result": "pass"})
    assert response.status_code in (404, 405)
    assert Application.get_by_id(application.id).status == S.AT_COMMITTEE



def test_the_office_cannot_decide_an_application_at_its_committee_through_the_review_chain(client, app):
    """Only the meeting decides: not /review's 通过/退回/不通过 (units and bureaus only), nor workflow.review."""
    plan, unit = open_plan(), make_unit("越城建工集团")
    application = filed(plan, unit, 1, office_of(3), S.AT_COMMITTEE, Stage.COMMITTEE)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    assert not application.can_review(office)
    as_user(client, office)
    for action in ("pass", "return", "refuse"):
        assert decide(client, application, action, "理由").status_code == 403
    with app.test_request_context():
        for action in ("pass", "return", "refuse"):
            with pytest.raises(WorkflowError, match="您不能审查该申报"):
                review(Application.get_by_id(application.id), office, action, "理由", parts=("step_3",))
    fresh = Application.get_by_id(application.id)
    assert (fresh.status, fresh.version, fresh.actions.count()) == (S.AT_COMMITTEE, application.version, 0)
    detail = client.get(f"/committee/applications/{application.id}").get_data(as_text=True)
    assert "评审结果由评审会议表决产生" in detail

def test_the_committee_queue_lists_what_awaits_its_meeting(client):
    plan, unit = open_plan(), make_unit("越城建工集团")
    waiting = filed(plan, unit, 1, office_of(3), S.AT_COMMITTEE, Stage.COMMITTEE, name="待评甲")
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=3))
    page = client.get("/committee/applications").get_data(as_text=True)
    assert "待评甲" in page and "待评委会评审（1）" in page
    detail = client.get(f"/committee/applications/{waiting.id}").get_data(as_text=True)
    assert "评审结果由评审会议表决产生" in detail and "录入结果" not in detail


def test_the_senior_committees_queue_does_not_show_the_mid_committees_meeting_date_as_its_own(client):
    plan, unit = open_plan(3, level=Level.SENIOR), make_unit("越城建工集团")
    senior = office_of(1)
    application = filed(plan, unit, 1, senior, S.AT_COMMITTEE, Stage.SENIOR_COMMITTEE, name="中推高甲")
    place(application, S.AT_COMMITTEE, Stage.SENIOR_COMMITTEE, senior, meeting_date=TODAY - timedelta(days=20))
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=1))

    def meeting_cell():
        table = parse(client.get("/committee/applications")).find("table", cls="list")
        column = [th.text() for th in table.find("thead").find_all("th")].index("会议日期")
        return table.find("tr", id=f"application-{application.id}").find_all("td")[column].text().strip()

    assert meeting_cell() == "", "the date on record is the 中评委's meeting"
    place(application, S.PASSED, Stage.SENIOR_COMMITTEE, senior, meeting_date=TODAY)
    assert meeting_cell() == TODAY.isoformat()


def senior_at_hr(client, profession_name):
    """A senior application of a 越城区 unit, chosen committee 3, at the HR bureau, passed and 审核推荐."""
    plan, unit = open_plan(3, level=Level.SENIOR), make_unit("越城建工集团")
    hr = organisation(Role.HR_BUREAU, "越城区")
    application = filed(plan, unit, 1, hr, stage=Stage.HR_BUREAU,
                        profession=Profession.get(Profession.name == profession_name))
    place(application, S.PENDING, Stage.HR_BUREAU, hr, committee=Committee.get(Committee.number == 3))
    as_user(client, staff(Role.HR_BUREAU))
    assert decide(client, application, "pass", "同意推荐").status_code == 302
    assert "1 件已推荐" in client.post("/review/recommend", follow_redirects=True).get_data(as_text=True)
    return Application.get_by_id(application.id)


def test_a_category_1_senior_applicant_needs_the_mid_committees_recommendation(client):
    application = senior_at_hr(client, "建筑工程管理")
    assert (application.status, application.stage, application.stage_organisation_id) == (
        S.AT_COMMITTEE, Stage.COMMITTEE, office_of(3).id)

    mid_office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    compose(mid_office, application.plan)
    as_user(client, mid_office)
    assert "中评委推荐" in client.get(f"/committee/applications/{application.id}").get_data(as_text=True)
    assert meeting_tally(client, application).status_code == 302
    fresh = Application.get_by_id(application.id)
    assert (fresh.status, fresh.decided_pass, fresh.meeting_date) == (S.RECOMMENDED, True, TODAY)
    assert "申报人001" in client.get("/committee/forward").get_data(as_text=True)
    response = client.post("/committee/forward", follow_redirects=True)
    assert "1 件已推荐至高评委" in response.get_data(as_text=True)
    fresh = Application.get_by_id(application.id)
    assert (fresh.status, fresh.stage, fresh.stage_organisation_id) == (
        S.AT_COMMITTEE, Stage.SENIOR_COMMITTEE, office_of(12).id), "the plan's 高评委, not committee 1"
    assert "0 件已推荐至高评委" in client.post("/committee/forward", follow_redirects=True).get_data(as_text=True)

    senior_office = staff(Role.COMMITTEE_OFFICE, committee_number=12)
    compose(senior_office, application.plan, start=11)
    as_user(client, senior_office)
    assert "高评委办公室无需推荐" in client.post("/committee/forward", follow_redirects=True).get_data(as_text=True)
    assert meeting_tally(client, application).status_code == 302
    fresh = Application.get_by_id(application.id)
    assert (fresh.status, fresh.decided_pass) == (S.DECIDED, True)
    actions = [(a.action, a.organisation_id) for a in fresh.actions.order_by(ReviewAction.id)]
    assert actions[-3:] == [("result_pass", office_of(3).id), ("forward", office_of(3).id),
                            ("decided", office_of(12).id)]


def test_a_mid_committee_that_fails_a_senior_applicant_ends_it(client):
    application = senior_at_hr(client, "工程造价")
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    compose(office, application.plan)
    as_user(client, office)
    assert meeting_tally(client, application, (1, 2, 0)).status_code == 302
    fresh = Application.get_by_id(application.id)
    assert (fresh.status, fresh.decided_pass) == (S.DECIDED, False)
    assert "0 件已推荐至高评委" in client.post("/committee/forward", follow_redirects=True).get_data(as_text=True)


@pytest.mark.parametrize("profession", ["岩土工程", "建筑工程（施工）", "给排水"])
def test_a_category_2_senior_applicant_goes_straight_to_the_senior_committee(client, profession):
    application = senior_at_hr(client, profession)
    assert (application.status, application.stage, application.stage_organisation_id) == (
        S.AT_COMMITTEE, Stage.SENIOR_COMMITTEE, office_of(12).id)


def test_a_senior_application_made_in_the_wizard_travels_the_whole_chain(client):
    """岩土工程 chosen in step 3 of the 高级 plan, through every office, to the 高评委's result."""
    geotechnical = Profession.get(Profession.name == "岩土工程")
    application, applicant = submitted(client, level=Level.SENIOR, info={"profession": geotechnical.id})
    assert (application.plan.level, application.profession_id) == (Level.SENIOR, geotechnical.id)
    unit = staff(Role.UNIT, unit=application.unit)
    as_user(client, unit)
    decide(client, application, "pass", "同意")
    publicise_and_send(client, unit, application)
    for role in (Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU):
        as_user(client, staff(role))
        decide(client, application, "pass", "符合条件")
        client.post("/review/recommend")
    fresh = Application.get_by_id(application.id)
    assert (fresh.status, fresh.stage_organisation_id) == (S.AT_COMMITTEE, office_of(12).id)
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=3))
    assert client.get(f"/committee/applications/{application.id}").status_code == 404
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=1))
    assert client.get(f"/committee/applications/{application.id}").status_code == 404
    senior_office = staff(Role.COMMITTEE_OFFICE, committee_number=12)
    compose(senior_office, application.plan)
    as_user(client, senior_office)
    assert meeting_tally(client, application, (0, 3, 0)).status_code == 302
    as_user(client, applicant)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "评审会已表决，待结果公示" in page and "评审会表决（结果待公示）" in page
    assert "不同意" not in page, "the result is released only after the results 公示"


@pytest.mark.parametrize("passed", [True, False])
def test_decide_by_meeting_runs_a_lawful_meeting_for_other_tests(app, passed):
    plan, unit = open_plan(), make_unit("越城建工集团")
    applications = [filed(plan, unit, n, office_of(3), S.AT_COMMITTEE, Stage.COMMITTEE) for n in (1, 2)]
    meeting = decide_by_meeting(app, staff(Role.COMMITTEE_OFFICE, committee_number=3), applications, passed=passed)
    assert meeting.items.count() == 2
    for application in applications:
        fresh = Application.get_by_id(application.id)
        assert (fresh.status, fresh.decided_pass, fresh.meeting_date) == (S.DECIDED, passed, TODAY)


def test_a_recommended_application_whose_route_ends_at_the_mid_committee_is_not_forwarded(client):
    """A recommendation of a 中级 plan's application (its plan changed since) stays with the 中评委, nothing breaks."""
    plan, unit = open_plan(), make_unit("越城建工集团")
    application = filed(plan, unit, 1, office_of(3), S.RECOMMENDED, Stage.COMMITTEE)
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=3))
    assert "0 件已推荐至高评委" in client.post("/committee/forward", follow_redirects=True).get_data(as_text=True)
    assert Application.get_by_id(application.id).stage_organisation_id == office_of(3).id
