"""An application travels from 提交 to the committee's decision, with one 退回 and resubmission on the way."""

from models import Application, ApplicationStatus, ReviewAction, Role, Stage
from tests.chain_world import as_user, compose, decide, meeting_tally, publicise_and_send, staff, submitted
from tests.wizard_world import step_url


def state(application):
    fresh = Application.get_by_id(application.id)
    return fresh.status, fresh.stage, fresh.stage_organisation.name if fresh.stage_organisation else None


def test_a_mid_application_goes_from_the_unit_to_the_committee(client):
    application, applicant = submitted(client)
    unit = staff(Role.UNIT, unit=application.unit)
    as_user(client, unit)
    assert "待职称申报资格审查" in client.get("/home").get_data(as_text=True)
    assert "职称申报资格审查" in client.get("/review/applications").get_data(as_text=True)
    decide(client, application, "return", "继续教育证明不清晰")
    assert state(application)[0] == ApplicationStatus.RETURNED
    as_user(client, applicant)
    assert client.post(step_url(application, 6), data={"confirm": "y"}).status_code == 302
    assert state(application) == (ApplicationStatus.AT_UNIT, Stage.UNIT, application.unit.name)

    as_user(client, unit)
    decide(client, application, "pass", "同意")
    assert publicise_and_send(client, unit, application).status_code == 302
    assert state(application) == (ApplicationStatus.PENDING, Stage.CONSTRUCTION_BUREAU, "越城区住房和城乡建设局")

    for role, next_holder in ((Role.CONSTRUCTION_BUREAU, "越城区人力社保局"),
                              (Role.HR_BUREAU, "越城区建设工程中级专业技术职务任职资格评审委员会办公室")):
        as_user(client, staff(role))
        assert "待办" in client.get("/home").get_data(as_text=True)
        decide(client, application, "pass", "符合条件")
        assert state(application)[0] == ApplicationStatus.STAGE_PASSED
        client.post("/review/recommend")
        assert state(application)[2] == next_holder

    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    compose(office, application.plan)
    as_user(client, office)
    meeting_tally(client, application)
    assert state(application)[0] == ApplicationStatus.DECIDED
    actions = [a.action for a in ReviewAction.select().where(ReviewAction.application == application).order_by(ReviewAction.id)]
    assert actions == ["submit", "return", "resubmit", "pass", "publicity", "send", "pass", "recommend", "pass",
                       "recommend", "decided"]
    as_user(client, applicant)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "继续教育证明不清晰" in page and "评审会已表决，待结果公示" in page
