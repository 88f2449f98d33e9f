"""Every 提交 is kept (第 1 次提交, 第 2 次提交 …) with what changed; reviewers see exactly what was submitted."""
import io

from models import (
    Achievement,
    AchievementFile,
    ApplicationAchievement,
    ApplicationFile,
    ApplicationStatus,
    Role,
    Stage,
    StoredFile,
    Submission,
)
from services import snapshot, storage
from tests.chain_world import as_user, decide, place, staff, submitted
from tests.conftest import login, make_applicant, organisation
from tests.samples import pdf
from tests.wizard_world import PDF, applicant_ready, fill_info, fill_to_preview, open_plan, passed_achievement, step_url
from workflow import WorkflowError, save_achievement, select_achievements

OLD_STATEMENT = "负责多个住宅工程的施工技术管理。"
NEW_STATEMENT = "负责多个住宅工程的施工技术管理，补充：主持某桥梁工程。"


def resubmitted(client):
    """Submitted, returned by the unit, then the statement rewritten and one attachment replaced before 提交 again."""
    application, applicant = submitted(client)
    unit = staff(Role.UNIT, unit=application.unit)
    as_user(client, unit)
    decide(client, application, "return", "请补充述职")
    as_user(client, applicant)
    assert fill_info(client, application, statement=NEW_STATEMENT).status_code == 302
    replaced = ApplicationFile.select().where(ApplicationFile.application == application).order_by(ApplicationFile.id)[-1]
    client.post(f"/applications/{application.id}/files/{replaced.id}/remove", data={"step": 5})
    hours = {f"hours_{year}": "90" for year in application.plan.years_checked}
    client.post(step_url(application, 5), data={**hours, f"file_{replaced.key}": (io.BytesIO(PDF), "新的证明.pdf")},
                content_type="multipart/form-data")
    assert client.post(step_url(application, 6), data={"confirm": "y"}).status_code == 302
    return application, applicant, unit, replaced


def test_a_resubmission_after_a_return_keeps_the_first_version(client):
    application, applicant, _, replaced = resubmitted(client)

    first, second = snapshot.submissions(application)
    assert (first.number, second.number) == (1, 2)
    assert first.data["info"]["statement"] == OLD_STATEMENT
    assert second.data["info"]["statement"] == NEW_STATEMENT
    assert replaced.file_id in snapshot.file_ids(first.data), "the first version keeps its attachment references"
    assert replaced.file_id not in snapshot.file_ids(second.data)
    assert ("本人述职", OLD_STATEMENT, NEW_STATEMENT) in second.changes
    assert any(label == replaced.key or "新的证明.pdf" in now for label, _, now in second.changes)


def test_the_applicant_and_the_reviewer_see_every_submission_and_open_the_first(client):
    application, applicant, unit, replaced = resubmitted(client)
    for user, page in ((applicant, f"/applications/{application.id}"),
                       (unit, f"/review/applications/{application.id}")):
        as_user(client, user)
        latest = client.get(page).get_data(as_text=True)
        assert "第 1 次提交" in latest and "第 2 次提交" in latest
        assert "与上一次提交相比的变化" in latest and "本人述职" in latest
        assert "申报内容（第 2 次提交的版本）" in latest
        timeline = latest.split(">办理过程</h2>")[1].split("</table>")[0]
        assert 'href="#submission-1">（第 1 次提交）' in timeline and 'href="#submission-2">（第 2 次提交）' in timeline

        first = client.get(f"{page}?submission=1").get_data(as_text=True)
        assert "申报内容（第 1 次提交的版本）" in first
        assert OLD_STATEMENT in first.split("申报内容（第 1 次提交的版本）")[1]
        assert NEW_STATEMENT not in first.split("申报内容（第 1 次提交的版本）")[1]
        assert client.get(f"/files/{replaced.file_id}").status_code == 200, "a file of the first version stays open"
        for missing in ("3", "0", "-1", "99999999999999999999999"):
            assert client.get(f"{page}?submission={missing}").status_code == 404


def test_a_returned_application_still_shows_its_submissions_to_its_applicant(client):
    application, applicant = submitted(client)
    as_user(client, staff(Role.UNIT, unit=application.unit))
    decide(client, application, "return", "请补充述职")
    as_user(client, applicant)

    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "办理过程" in page and "请补充述职" in page and "修改申报" in page, "the timeline, and the way to the wizard"
    page = client.get(f"/applications/{application.id}?submission=1").get_data(as_text=True)
    assert "第 1 次提交" in page and OLD_STATEMENT in page


def test_the_diff_names_each_changed_field_in_chinese():
    before = {"applicant": {"unit": "甲公司"}, "info": {"statement": "旧", "mid_again": False},
              "attachments": [{"key": "k", "label": "学历证书", "files": [{"id": 1, "name": "a.pdf", "size": 1}]}]}
    after = {"applicant": {"unit": "乙公司"}, "info": {"statement": "旧", "mid_again": True},
             "attachments": [{"key": "k", "label": "学历证书", "files": [{"id": 2, "name": "a.pdf", "size": 1}]}]}

    assert snapshot.changes(before, after) == [
        ("工作单位", "甲公司", "乙公司"), ("再次通过中级申报", "否", "是"), ("学历证书", "a.pdf", "a.pdf（已重新上传）"),
    ]
    assert snapshot.changes(before, before) == []


def _stored(app, name, owner):
    return storage.save(pdf(), name, storage.ATTACHMENT, app.config["UPLOAD_FOLDER"], owner)


def test_the_bureau_sees_an_achievements_files_as_submitted_not_as_edited_since(app, client):
    user = applicant_ready()
    application = fill_to_preview(client, user, open_plan())
    item = Achievement.get(Achievement.owner == user)
    kept = _stored(app, "中标通知书.pdf", user)
    AchievementFile.create(achievement=item, file=kept)
    assert client.post(step_url(application, 6), data={"confirm": "y"}).status_code == 302
    bureau = organisation(Role.CONSTRUCTION_BUREAU, "越城区")
    application = place(application, ApplicationStatus.PENDING, Stage.CONSTRUCTION_BUREAU, bureau)
    # After 提交 the applicant swaps the achievement's file: a new version for the unit's archive review.
    added = _stored(app, "后来补的合同.pdf", user)
    save_achievement(item, user, [added], [kept.id])

    as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    page = client.get(f"/review/applications/{application.id}").get_data(as_text=True)
    assert "中标通知书.pdf" in page and "后来补的合同.pdf" not in page
    assert client.get(f"/files/{kept.id}").status_code == 200, "removed since, but part of what was submitted"
    assert client.get(f"/files/{added.id}").status_code == 404, "added after 提交: not part of the submission"


def test_step_4_refuses_evidence_for_another_persons_achievement(client):
    user = applicant_ready()
    application = fill_to_preview(client, user, open_plan())
    foreign = passed_achievement(make_applicant("13900000009", "33060219900101028X", "李四"), "别人的工程", True)
    files = StoredFile.select().count()
    login(client, user)

    response = client.post(step_url(application, 4), content_type="multipart/form-data", data={
        "achievement": [str(foreign.id)], f"evidence_{foreign.id}": (io.BytesIO(PDF), "依据.pdf")})

    assert f"业绩 #{foreign.id} 不是您本人已通过审核的业绩" in response.get_data(as_text=True)
    assert StoredFile.select().count() == files, "nothing is stored for it"
    assert not ApplicationAchievement.select().where(ApplicationAchievement.achievement == foreign).exists()


def test_select_achievements_refuses_evidence_keyed_to_a_foreign_achievement(app, client):
    user = applicant_ready()
    application = fill_to_preview(client, user, open_plan())
    foreign = passed_achievement(make_applicant("13900000009", "33060219900101028X", "李四"), "别人的工程", True)
    evidence = _stored(app, "依据.pdf", user)
    try:
        select_achievements(application, user, [foreign.id], {foreign.id: evidence})
    except WorkflowError as error:
        assert f"业绩 #{foreign.id}" in str(error)
    else:
        raise AssertionError("evidence for another person's achievement was accepted")
    assert Submission.select().count() == 0


def test_after_a_version_kept_by_the_upgrade_the_next_submission_follows_it(client):
    """006 numbers an upgraded application's only kept version by its 提交 count (here 2); the next one is 3."""
    application, applicant = submitted(client)
    Submission.update(number=2).where(Submission.application == application).execute()
    as_user(client, staff(Role.UNIT, unit=application.unit))
    decide(client, application, "return", "请补充述职")
    as_user(client, applicant)
    assert client.post(step_url(application, 6), data={"confirm": "y"}).status_code == 302

    assert [s.number for s in snapshot.submissions(application)] == [2, 3]
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "更早的提交未保存" in page and "第 3 次提交" in page
