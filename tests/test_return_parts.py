"""一次性告知: a 退回 ticks the parts to change; they are stored with it, shown in the 办理过程, marked in the applicant's
wizard until resubmitted, and the resubmission shows the reviewer what changed since the returned version."""
import json

import pytest

from models import Application, ApplicationStatus, Notification, ReviewAction, Role, Stage
from services import return_parts
from tests.chain_world import as_user, decide, place, staff, submitted
from tests.conftest import organisation
from tests.helpers import parse
from tests.wizard_world import fill_info, step_url

S = ApplicationStatus


def returned(client, at_bureau=False, parts=None, reason="请按勾选的内容修改"):
    """A submitted application returned by the unit (or the construction bureau) with `parts` ticked; returns
    (application, applicant, reviewer, {name: key} of what it offered)."""
    application, applicant = submitted(client)
    if at_bureau:
        application = place(application, S.PENDING, Stage.CONSTRUCTION_BUREAU,
                            organisation(Role.CONSTRUCTION_BUREAU, "越城区"))
        reviewer = staff(Role.CONSTRUCTION_BUREAU)
    else:
        reviewer = staff(Role.UNIT, unit=application.unit)
    data = json.loads(application.submissions.get().snapshot)
    offered = {"step_3": "step_3", "achievement": f"achievement_{data['achievements'][0]['id']}",
               "attachment": f"file_{data['attachments'][0]['key']}", "step_1": "step_1"}
    as_user(client, reviewer)
    keys = [offered[name] for name in (parts or [])]
    response = decide(client, application, "return", reason, parts=keys)
    return Application.get_by_id(application.id), applicant, reviewer, offered, response


@pytest.mark.parametrize("at_bureau", [False, True], ids=["unit-退回", "bureau-退回修改"])
def test_the_ticked_parts_are_stored_with_the_return_and_shown_in_the_timeline(client, at_bureau):
    application, applicant, reviewer, offered, response = returned(client, at_bureau, ["achievement", "attachment"])
    assert response.status_code == 302 and application.status == S.RETURNED
    back = application.last_return
    assert [part["key"] for part in json.loads(back.parts)] == [offered["achievement"], offered["attachment"]]
    labels = [part["label"] for part in json.loads(back.parts)]
    assert labels[0].startswith("相关业绩“")

    for viewer, url in ((reviewer, f"/review/applications/{application.id}"), (applicant, f"/applications/{application.id}")):
        as_user(client, viewer)
        timeline = parse(client.get(url)).find("table", cls="timeline").text()
        assert all(f"须修改：{label}" in timeline for label in labels), timeline
    told = Notification.select().where(Notification.user == applicant).order_by(Notification.id.desc()).first()
    assert all(label in told.body for label in labels), told.body


@pytest.mark.parametrize(("parts", "reason", "message"), [
    ([], "请修改", "须勾选至少一项须修改的内容"),
    (["bogus_1"], "请修改", "须勾选至少一项须修改的内容"),  # a key the submission does not offer counts as none
    (["step_3"], "  ", "必须填写理由"),
], ids=["no-tick", "unknown-tick", "no-reason"])
def test_a_return_without_a_tick_or_a_reason_is_refused_and_keeps_what_was_typed(client, parts, reason, message):
    application, _ = submitted(client)
    as_user(client, staff(Role.UNIT, unit=application.unit))
    response = client.post(f"/review/applications/{application.id}/decide", data={
        "action": "return", "reason": reason, "seen": application.version, "parts": parts})
    assert response.status_code == 409
    page = parse(response)
    assert message in page.text()
    assert page.find("textarea", name="reason").text() == reason.strip()
    assert [box.attrs.get("value") for box in page.find_all("input", name="parts") if "checked" in box.attrs] == \
        [p for p in parts if p != "bogus_1"]
    assert Application.get_by_id(application.id).status == S.AT_UNIT
    assert not ReviewAction.select().where(ReviewAction.action == "return").exists()


def test_the_wizard_marks_exactly_the_ticked_parts(client):
    application, applicant, _, offered, _ = returned(client, parts=["achievement", "attachment"])
    achievement_id = offered["achievement"].removeprefix("achievement_")
    attachment_key = offered["attachment"].removeprefix("file_")
    as_user(client, applicant)

    step_4 = parse(client.get(step_url(application, 4)))
    assert {tr.attrs["id"] for tr in step_4.find_all("tr", cls="must-change")} == {f"achievement-{achievement_id}"}
    assert [li.find("a").text() if li.find("a") else li.find("span").text()
            for li in step_4.find_all("li", cls="must-change")] == ["4. 选择相关业绩", "5. 上传相关附件"]
    assert "请按勾选的内容修改" in step_4.find(id="returned").text()

    step_5 = parse(client.get(step_url(application, 5)))
    assert {tr.attrs["id"] for tr in step_5.find_all("tr", cls="must-change")} == {f"item-{attachment_key}"}
    step_3 = parse(client.get(step_url(application, 3)))
    assert step_3.find_all("tr", cls="must-change") == [] and step_3.find(id="step-marks") is None

    assert client.post(step_url(application, 6), data={"confirm": "y"}).status_code == 302
    as_user(client, staff(Role.UNIT, unit=application.unit))
    decide(client, application, "pass", "同意")
    as_user(client, applicant)
    assert return_parts.marks(Application.get_by_id(application.id)) == {}, "marks end with the resubmission"


def test_a_whole_step_is_marked_in_the_step_list_and_on_its_page(client):
    application, applicant, *_ = returned(client, parts=["step_3"])
    as_user(client, applicant)
    page = parse(client.get(step_url(application, 3)))
    assert "填写申报信息（整步）" in page.find(id="step-marks").text()
    assert len(page.find_all("li", cls="must-change")) == 1


def test_while_returned_the_applicant_still_sees_the_whole_timeline(client):
    application, applicant, *_ = returned(client, parts=["step_1"])
    as_user(client, applicant)
    response = client.get(f"/applications/{application.id}")
    assert response.status_code == 200
    page = parse(response)
    actions = [tr.find_all("td")[3].text() for tr in page.find("table", cls="timeline").find("tbody").find_all("tr")]
    assert [a.split("（")[0] for a in actions] == ["提交", "退回"]
    assert "修改申报" in page.find(id="returned").text()
    mine = parse(client.get("/applications")).find(id=f"application-{application.id}").text()
    assert "办理过程" in mine and "继续填写" in mine


def test_the_resubmission_shows_the_reviewer_the_changes_since_the_returned_version(client):
    application, applicant, reviewer, *_ = returned(client, parts=["step_3", "attachment"], reason="述职太简略")
    as_user(client, applicant)
    assert fill_info(client, application, statement="负责多个住宅工程的施工技术管理，主持编制专项施工方案十余项。").status_code == 302
    assert client.post(step_url(application, 6), data={"confirm": "y"}).status_code == 302

    as_user(client, reviewer)
    page = parse(client.get(f"/review/applications/{application.id}"))
    since = page.find(id="since-return")
    assert "第 2 次提交与第 1 次（被退回的版本）相比" in since.text() and "述职太简略" in since.text()
    asked = [li.text() for li in since.find("ul", cls="asked-parts").find_all("li")]
    assert asked[0] == "第3步 填写申报信息（整步）" and len(asked) == 2
    changed = [tr.find("th").text() for tr in since.find("table", cls="diff").find_all("tr")[1:]]
    assert changed == ["本人述职"]


def test_a_first_submission_shows_no_changes_since_a_return(client):
    application, _ = submitted(client)
    as_user(client, staff(Role.UNIT, unit=application.unit))
    page = parse(client.get(f"/review/applications/{application.id}"))
    assert page.find(id="since-return") is None
    assert page.find("fieldset", cls="return-parts") is not None
