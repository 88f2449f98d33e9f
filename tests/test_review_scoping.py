"""Each office sees and acts on its own applications only: a bureau of 柯桥区 gets nothing of 越城区's, by list or by URL."""
import pytest

from models import Application, ApplicationStatus, ReviewAction, Role, Stage
from tests.chain_world import as_user, decide, filed, place, staff, submitted
from tests.conftest import make_unit, organisation
from tests.wizard_world import open_plan

S = ApplicationStatus
BUREAUS = [(Role.CONSTRUCTION_BUREAU, Stage.CONSTRUCTION_BUREAU), (Role.HR_BUREAU, Stage.HR_BUREAU)]


def state(application):
    fresh = Application.get_by_id(application.id)
    return fresh.status, fresh.stage_organisation_id, fresh.version


@pytest.mark.parametrize("role, stage", BUREAUS, ids=["construction", "hr"])
def test_a_bureau_of_another_region_can_neither_see_nor_act(client, role, stage):
    plan, unit = open_plan(), make_unit("越城建工集团")
    yuecheng = organisation(role, "越城区")
    pending = filed(plan, unit, 1, yuecheng, stage=stage, name="越城甲")
    passed = filed(plan, unit, 2, yuecheng, S.STAGE_PASSED, stage, name="越城乙")
    before = [state(pending), state(passed)]
    as_user(client, staff(role, region="柯桥区"))

    queue = client.get("/review/applications").get_data(as_text=True)
    assert "越城甲" not in queue and "越城乙" not in queue and "没有符合条件的申报" in queue
    assert f'id="application-{pending.id}"' not in client.get("/review/applications?q=越城甲").get_data(as_text=True)
    assert client.get(f"/review/applications/{pending.id}").status_code == 404
    assert decide(client, pending, "pass", "同意").status_code == 404
    assert decide(client, pending, "refuse", "不同意").status_code == 404
    bulk = client.post("/review/applications/bulk", data={"ids": [pending.id], "action": "pass"}, follow_redirects=True)
    assert "0 件已" in bulk.get_data(as_text=True) and "，1 件当前不能处理" in bulk.get_data(as_text=True)
    recommend = client.post("/review/recommend", follow_redirects=True)
    assert "没有审查通过、待推荐的申报。该记录已被他人处理" in recommend.get_data(as_text=True)
    assert [state(pending), state(passed)] == before
    assert ReviewAction.select().count() == 0

    as_user(client, staff(role))
    assert "越城甲" in client.get("/review/applications").get_data(as_text=True)
    assert decide(client, pending, "pass", "同意").status_code == 302


def test_an_office_that_passed_it_on_still_sees_it_but_cannot_act(client):
    plan, unit = open_plan(), make_unit("越城建工集团")
    application = filed(plan, unit, 1, organisation(Role.CONSTRUCTION_BUREAU, "越城区"), name="越城甲")
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    decide(client, application, "pass", "同意")
    client.post("/review/recommend")
    assert Application.get_by_id(application.id).stage == Stage.HR_BUREAU
    assert "越城甲" in client.get("/review/applications").get_data(as_text=True)
    page = client.get(f"/review/applications/{application.id}")
    assert page.status_code == 200 and 'name="action"' not in page.get_data(as_text=True)
    before = state(application)
    response = decide(client, application, "return", "再看看")
    assert response.status_code == 409 and "不能审查" in response.get_data(as_text=True)
    assert state(application) == before


def test_a_unit_sees_its_own_staff_only(client):
    plan = open_plan()
    ours, theirs = make_unit("越城建工集团"), make_unit("越城路桥公司")
    mine = filed(plan, ours, 1, ours, S.AT_UNIT, Stage.UNIT, name="本单位甲")
    other = filed(plan, theirs, 2, theirs, S.AT_UNIT, Stage.UNIT, name="外单位乙")
    as_user(client, staff(Role.UNIT, unit=ours))
    queue = client.get("/review/applications").get_data(as_text=True)
    assert "本单位甲" in queue and "外单位乙" not in queue
    assert client.get(f"/review/applications/{other.id}").status_code == 404
    assert decide(client, other, "pass").status_code == 404
    assert state(other)[0] == S.AT_UNIT and client.get(f"/review/applications/{mine.id}").status_code == 200


def test_a_committee_office_sees_the_applications_addressed_to_its_committee_only(client):
    plan, unit = open_plan(), make_unit("越城建工集团")
    application = filed(plan, unit, 1, None, S.AT_COMMITTEE, Stage.COMMITTEE, name="越城甲")
    ours = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    place(application, S.AT_COMMITTEE, Stage.COMMITTEE, ours.organisation)
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=4))
    assert "越城甲" not in client.get("/committee/applications").get_data(as_text=True)
    assert client.get(f"/committee/applications/{application.id}").status_code == 404
    response = client.post("/committee/meetings", data={"plan": plan.id, "held_on": "2020-01-01", "place": "会议室"})
    assert response.status_code == 404 and state(application)[0] == S.AT_COMMITTEE
    as_user(client, ours)
    assert "越城甲" in client.get("/committee/applications").get_data(as_text=True)


def test_the_talent_centre_sees_only_what_went_through_it(client):
    plan, unit = open_plan(), make_unit("越城建工集团")
    filed(plan, unit, 1, organisation(Role.CONSTRUCTION_BUREAU, "越城区"), name="越城甲")
    as_user(client, staff(Role.TALENT_CENTRE))
    assert "越城甲" not in client.get("/review/applications").get_data(as_text=True)


@pytest.mark.parametrize("path", ["/review/applications", "/review/recommend", "/review/fees"])
def test_review_pages_are_for_offices(client, path):
    application, applicant = submitted(client)
    as_user(client, applicant)
    assert client.get(path).status_code == 403
    assert client.get("/committee/applications").status_code == 403


def test_the_files_of_an_application_are_for_the_offices_that_hold_or_handled_it(client):
    application, applicant = submitted(client)
    photo = f"/files/{application.photo_id}"
    yuecheng_cb = staff(Role.CONSTRUCTION_BUREAU)
    place(application, S.PENDING, Stage.CONSTRUCTION_BUREAU, yuecheng_cb.organisation)
    readers = {"holder": yuecheng_cb, "unit": staff(Role.UNIT, unit=application.unit),
               "柯桥 bureau": staff(Role.CONSTRUCTION_BUREAU, region="柯桥区"),
               "越城 HR before it arrives": staff(Role.HR_BUREAU), "committee 4": staff(Role.COMMITTEE_OFFICE, committee_number=4)}

    def codes():
        result = {}
        for name, user in readers.items():
            as_user(client, user)
            result[name] = client.get(photo).status_code
        return result

    assert codes() == {"holder": 200, "unit": 200, "柯桥 bureau": 404, "越城 HR before it arrives": 404,
                       "committee 4": 404}
    as_user(client, yuecheng_cb)
    decide(client, application, "pass", "同意")
    client.post("/review/recommend")
    readers["越城 HR holder"] = readers.pop("越城 HR before it arrives")
    readers["越城 bureau that handled it"] = readers.pop("holder")
    assert codes() == {"unit": 200, "柯桥 bureau": 404, "越城 HR holder": 200, "committee 4": 404,
                       "越城 bureau that handled it": 200}
