"""Results 公示 after the meeting (issue 11): publishing, the public page, objections, 复查 and 确认 (decide now, release
later: the computed result becomes the applicant's only when the office confirms it after the period)."""
import io
import re
from datetime import date, timedelta

import pytest

from models import (
    Application,
    ApplicationStatus,
    CaptchaChallenge,
    Notification,
    Objection,
    ObjectionState,
    Recheck,
    RecheckOutcome,
    ResultPublicity,
    Role,
    StoredFile,
)
from services.workdays import publicity_end_date
from tests.chain_world import as_user, decided, staff
from tests.conftest import make_unit
from tests.samples import pdf
from tests.wizard_world import open_plan
from workflow import WorkflowError, ask_recheck, confirm_results, decide_objection, lodge_objection

S = ApplicationStatus
TODAY = date.today()
ID_PATTERN = re.compile(r"\d{17}[\dX]")


@pytest.fixture
def world(client):
    """Committee 3's office with two passed and one failed application of its mid plan, voted yesterday (in a request
    context, so the workflow verbs called directly can link their notifications)."""
    plan, unit = open_plan(3), make_unit("越城建工集团")
    officer = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    office = officer.organisation
    passed = [decided(plan, unit, n, office, name=name) for n, name in ((1, "李通过"), (2, "王通过"))]
    failed = decided(plan, unit, 3, office, passed=False, name="赵未过")
    as_user(client, officer)
    with client.application.test_request_context():
        yield plan, officer, passed, failed


def publish(client, plan, ids, starts_on=TODAY):
    return client.post("/committee/results", data={"plan": plan.id, "ids": ids, "starts_on": starts_on.isoformat(),
                                                   "how_to_object": "请向评委会办公室书面提出。"})


def ended(publicity, days_ago=1):
    """Pretend the period ended `days_ago` days ago (tests control "today" through the stored dates)."""
    ResultPublicity.update(starts_on=TODAY - timedelta(days=days_ago + 8), ends_on=TODAY - timedelta(days=days_ago)).where(
        ResultPublicity.id == publicity.id).execute()
    return ResultPublicity.get_by_id(publicity.id)


def next_workday(day):
    return publicity_end_date(day + timedelta(days=1), 1)[0]


def fresh(application):
    return Application.get_by_id(application.id)


def test_publishing_lists_the_passed_and_tells_the_failed(client, world):
    plan, officer, passed, failed = world
    response = publish(client, plan, [a.id for a in passed])
    assert response.status_code == 302
    publicity = ResultPublicity.get()
    assert (publicity.starts_on, publicity.ends_on) == (TODAY, publicity_end_date(TODAY)[0])
    assert [fresh(a).status for a in passed] == [S.RESULT_PUBLICITY, S.RESULT_PUBLICITY]
    told = fresh(failed)
    assert (told.status, told.result_publicity_id) == (S.DECIDED, publicity.id)  # not yet released
    notice = Notification.get(Notification.user == failed.applicant)
    assert "未通过" in notice.title and "复查" in notice.body


@pytest.mark.parametrize(("starts_on", "error"), [
    (TODAY - timedelta(days=1), "早于今天"),
    (TODAY, "请选择至少一名评审会表决通过"),
])
def test_a_publicity_that_cannot_start(client, world, starts_on, error):
    plan, officer, passed, failed = world
    ids = [] if starts_on == TODAY else [passed[0].id]
    response = publish(client, plan, ids + [failed.id], starts_on)
    assert response.status_code == 200 and error in response.get_data(as_text=True)
    assert not ResultPublicity.select().exists()


def test_the_public_page_shows_names_without_any_id_number(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    client.post("/logout")
    html = client.get("/results").get_data(as_text=True)
    for application in passed:
        assert application.applicant.real_name in html and "工程师" in html and application.unit.name in html
        assert application.profession.name in html
    assert "赵未过" not in html  # a failed result is told to its applicant, never published
    assert "请向评委会办公室书面提出。" in html
    assert not ID_PATTERN.search(html)
    for application in (*passed, failed):
        number = application.applicant.id_number
        assert number not in html and number[-6:] not in html and number[:6] + "19" not in html


def solved_captcha(client):
    client.get("/login/captcha.png")
    with client.session_transaction() as session:
        return CaptchaChallenge.get(CaptchaChallenge.token == session["captcha"]).answer


def object_to(client, publicity, application, **overrides):
    data = {"publicity": publicity.id, "application": application.id, "name": "钱举报", "contact": "13911112222",
            "content": "其业绩证明系伪造。", "captcha": solved_captcha(client), **overrides}
    return client.post("/results/objection", data=data, content_type="multipart/form-data")


def test_an_objection_with_evidence_is_taken_on_the_public_page(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    publicity = ResultPublicity.get()
    visitor = client.application.test_client()
    response = object_to(visitor, publicity, passed[0], evidence=(io.BytesIO(pdf()), "证据.pdf"))
    assert response.status_code == 302
    objection = Objection.get()
    assert (objection.name, objection.state, objection.application_id) == ("钱举报", ObjectionState.PENDING, passed[0].id)
    assert StoredFile.get_by_id(objection.evidence_id).content_type == "application/pdf"
    page = client.get(f"/committee/results/objections/{objection.id}")
    assert "其业绩证明系伪造" in page.get_data(as_text=True)
    assert client.get(f"/files/{objection.evidence_id}").status_code == 200  # the office opens the evidence


@pytest.mark.parametrize(("overrides", "error"), [
    ({"captcha": "WRONG"}, "图形验证码不正确"),
    ({"name": ""}, "此项必填"),
    ({"content": "x" * 2001}, "不超过 2000 个字"),
])
def test_an_objection_with_a_problem_is_refused_in_place(client, world, overrides, error):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    visitor = client.application.test_client()
    response = object_to(visitor, ResultPublicity.get(), passed[0], **overrides)
    assert response.status_code == 200 and error in response.get_data(as_text=True)
    assert "13911112222" in response.get_data(as_text=True)  # what was typed is kept
    assert not Objection.select().exists()


def test_objections_are_limited_per_address(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    visitor, publicity = client.application.test_client(), ResultPublicity.get()
    for _ in range(10):
        assert object_to(visitor, publicity, passed[0], captcha="WRONG").status_code == 200
    refused = object_to(visitor, publicity, passed[0])
    assert refused.status_code == 429 and "每小时最多提交 10 次异议" in refused.get_data(as_text=True)
    assert not Objection.select().exists()


def test_no_objection_outside_the_period_or_against_someone_not_listed(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [passed[0].id])
    publicity = ResultPublicity.get()
    with pytest.raises(WorkflowError, match="不在该公示名单中"):
        lodge_objection(publicity, fresh(passed[1]), "钱举报", "139", "内容", today=TODAY)
    with pytest.raises(WorkflowError, match=f"公示期为 {publicity.starts_on} 至 {publicity.ends_on}，期外不受理异议"):
        lodge_objection(publicity, fresh(passed[0]), "钱举报", "139", "内容", today=publicity.ends_on + timedelta(days=1))


def test_confirm_is_refused_on_the_last_day_and_accepted_the_next_working_day(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    publicity = ResultPublicity.get()
    last = publicity.ends_on
    with pytest.raises(WorkflowError, match=f"公示期至 {last}，{last + timedelta(days=1)} 起可确认"):
        confirm_results(publicity, officer, today=last)
    assert confirm_results(publicity, officer, today=next_workday(last)) == (2, 1)
    assert [fresh(a).status for a in passed] == [S.PASSED, S.PASSED]
    assert fresh(failed).status == S.FAILED
    assert Notification.select().where(Notification.title.contains("评审通过")).count() >= 2


def test_confirm_through_the_page_after_the_period(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    publicity = ResultPublicity.get()
    refused = client.post(f"/committee/results/{publicity.id}/confirm", follow_redirects=True).get_data(as_text=True)
    assert f"公示期至 {publicity.ends_on}，{publicity.ends_on + timedelta(days=1)} 起可确认" in refused
    ended(publicity)
    done = client.post(f"/committee/results/{publicity.id}/confirm", follow_redirects=True).get_data(as_text=True)
    assert "已确认：2 人评审通过，1 人评审未通过" in done
    assert ResultPublicity.get().confirmed_at is not None


def test_an_unanswered_objection_blocks_confirm_and_a_dismissed_one_does_not(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    publicity = ResultPublicity.get()
    objection = lodge_objection(publicity, fresh(passed[0]), "钱举报", "139", "内容", today=TODAY)
    publicity = ended(publicity)
    with pytest.raises(WorkflowError, match=f"异议 #{objection.id}（针对李通过，.*由钱举报提出）尚未处理"):
        confirm_results(publicity, officer)
    response = client.post(f"/committee/results/objections/{objection.id}",
                           data={"outcome": "dismissed", "decision": "经核查，业绩证明真实。"})
    assert response.status_code == 302
    assert Objection.get().state == ObjectionState.DISMISSED
    assert confirm_results(ResultPublicity.get(), officer) == (2, 1)
    assert fresh(passed[0]).status == S.PASSED


def test_an_upheld_objection_fails_the_application_with_its_reason_in_the_timeline(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    publicity = ResultPublicity.get()
    objection = lodge_objection(publicity, fresh(passed[0]), "钱举报", "139", "业绩造假", today=TODAY)
    response = client.post(f"/committee/results/objections/{objection.id}",
                           data={"outcome": "upheld", "decision": "经核查，某工程业绩证明系伪造。"})
    assert response.status_code == 302
    assert fresh(passed[0]).status == S.FAILED
    applicant = passed[0].applicant
    applicant.password_hash = officer.password_hash
    applicant.save()
    as_user(client, applicant)
    timeline = client.get(f"/applications/{passed[0].id}").get_data(as_text=True)
    assert "异议成立" in timeline and "经核查，某工程业绩证明系伪造。" in timeline
    assert confirm_results(ended(publicity), officer) == (1, 1)  # the upheld one stays FAILED
    assert fresh(passed[0]).status == S.FAILED


def test_a_decision_needs_its_written_reason(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    objection = lodge_objection(ResultPublicity.get(), fresh(passed[0]), "钱举报", "139", "内容", today=TODAY)
    response = client.post(f"/committee/results/objections/{objection.id}", data={"outcome": "upheld", "decision": ""})
    assert response.status_code == 200 and "此项必填" in response.get_data(as_text=True)
    with pytest.raises(WorkflowError, match="已处理"):
        decide_objection(objection, officer, False, "不成立")
        decide_objection(objection, officer, False, "不成立")


def test_a_recheck_within_the_period_blocks_confirm_until_answered(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    applicant = failed.applicant
    applicant.password_hash = officer.password_hash
    applicant.save()
    as_user(client, applicant)
    assert "申请复查" in client.get(f"/applications/{failed.id}").get_data(as_text=True)
    response = client.post(f"/me/applications/{failed.id}/recheck", data={"reason": "本人业绩评分有误。"})
    assert response.status_code == 302
    recheck = Recheck.get()
    publicity = ended(ResultPublicity.get())
    with pytest.raises(WorkflowError, match=f"复查申请 #{recheck.id}（赵未过，.*）尚未答复"):
        confirm_results(publicity, officer)
    as_user(client, officer)
    client.post(f"/committee/results/rechecks/{recheck.id}", data={"outcome": "maintained", "answer": "经复核，维持。"})
    assert Recheck.get().outcome == RecheckOutcome.MAINTAINED
    assert confirm_results(ResultPublicity.get(), officer) == (2, 1)
    assert fresh(failed).status == S.FAILED


def test_a_recheck_after_the_period_is_refused(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    publicity = ResultPublicity.get()
    with pytest.raises(WorkflowError, match=f"复查须在公示期内（{publicity.starts_on} 至 {publicity.ends_on}）提出"):
        ask_recheck(fresh(failed), failed.applicant, "理由", today=publicity.ends_on + timedelta(days=1))
    ask_recheck(fresh(failed), failed.applicant, "理由", today=publicity.ends_on)  # the last day still counts
    with pytest.raises(WorkflowError, match="每次公示可申请一次"):
        ask_recheck(fresh(failed), failed.applicant, "再次", today=publicity.ends_on)


def test_a_recheck_answered_with_a_new_review_goes_back_to_the_committee(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    recheck = ask_recheck(fresh(failed), failed.applicant, "理由", today=TODAY)
    client.post(f"/committee/results/rechecks/{recheck.id}", data={"outcome": "re_review", "answer": "提交评委会重新评审。"})
    back = fresh(failed)
    assert (back.status, back.decided_pass, back.result_publicity_id) == (S.AT_COMMITTEE, None, None)
    assert confirm_results(ended(ResultPublicity.get()), officer) == (2, 0)
    assert fresh(failed).status == S.AT_COMMITTEE  # its new vote decides; 确认 of this 公示 leaves it alone


def test_another_office_cannot_reach_the_publicity(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    publicity = ResultPublicity.get()
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=4))
    assert client.get(f"/committee/results/{publicity.id}").status_code == 404
    assert client.post(f"/committee/results/{publicity.id}/confirm").status_code == 404


def test_the_demo_shows_a_current_results_publicity(client):
    from services.demo import seed_demo

    seed_demo()
    html = client.get("/results").get_data(as_text=True)
    assert "陈公示" in html and "刘公示" in html and "周未过" not in html and "提出异议" in html
    assert not ID_PATTERN.search(html)


def test_the_office_lists_objections_and_rechecks_with_search_and_states(client, world):
    plan, officer, passed, failed = world
    publish(client, plan, [a.id for a in passed])
    publicity = ResultPublicity.get()
    first = lodge_objection(publicity, fresh(passed[0]), "钱举报", "139", "业绩存疑", today=TODAY)
    lodge_objection(publicity, fresh(passed[1]), "孙反映", "138", "论文存疑", today=TODAY)
    decide_objection(first, officer, False, "不成立")
    ask_recheck(fresh(failed), failed.applicant, "评分有误", today=TODAY)
    found = client.get("/committee/results/objections?q=孙反映").get_data(as_text=True)
    assert "孙反映" in found and "钱举报" not in found
    pending = client.get("/committee/results/objections?state=pending").get_data(as_text=True)
    assert "孙反映" in pending and "钱举报" not in pending and "不成立（1）" in pending
    rechecks = client.get("/committee/results/rechecks?q=赵未过").get_data(as_text=True)
    assert "赵未过" in rechecks and "待答复（1）" in rechecks
