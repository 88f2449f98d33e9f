"""The review chain as a state table, and the rules of each decision (SPEC §6).

For every role and every state an application can be in, each action either happens (a history row is written and
the application moves) or is refused (nothing changes, and the page says so or is not there).
"""
import json
from datetime import date, timedelta

import pytest

from models import (
    Application,
    ApplicationStatus,
    ApplicationType,
    Committee,
    FeeSetting,
    Level,
    Notification,
    Organisation,
    Profession,
    Publicity,
    ReviewAction,
    Role,
    SmsMessage,
    Stage,
)
from services import scoring, snapshot
from tests.chain_world import (
    as_user,
    compose,
    decide,
    filed,
    meeting_tally,
    place,
    publicise_and_send,
    staff,
    submitted,
)
from tests.conftest import make_unit, make_user, organisation
from tests.helpers import parse
from tests.wizard_world import CLAIMS_105, open_plan, step_url

S = ApplicationStatus
DECISIONS = {"pass", "return", "refuse"}
RESULTS = {"tally"}  # a meeting of the office, everyone present, its paper tally (workflow/meetings.py)
ACTIONS = (*sorted(DECISIONS), *sorted(RESULTS), "send", "recommend", "forward", "submit")

# name → (status, stage, holder); the holders are resolved by `holders()`.
POSITIONS = {
    "draft": (S.DRAFT, None, None),
    "at_unit": (S.AT_UNIT, Stage.UNIT, "unit"),
    "unit_passed": (S.UNIT_PASSED, Stage.UNIT, "unit"),
    "tc_pending": (S.PENDING, Stage.TALENT_CENTRE, "talent_centre"),
    "tc_passed": (S.STAGE_PASSED, Stage.TALENT_CENTRE, "talent_centre"),
    "cb_pending": (S.PENDING, Stage.CONSTRUCTION_BUREAU, "construction_bureau"),
    "cb_passed": (S.STAGE_PASSED, Stage.CONSTRUCTION_BUREAU, "construction_bureau"),
    "hr_pending": (S.PENDING, Stage.HR_BUREAU, "hr_bureau"),
    "hr_passed": (S.STAGE_PASSED, Stage.HR_BUREAU, "hr_bureau"),
    "at_committee": (S.AT_COMMITTEE, Stage.COMMITTEE, "committee_3"),
    "recommended": (S.RECOMMENDED, Stage.COMMITTEE, "committee_3"),
    "at_senior": (S.AT_COMMITTEE, Stage.SENIOR_COMMITTEE, "committee_12"),  # the 建设工程专业 plan's 高评委
    "passed": (S.PASSED, Stage.COMMITTEE, "committee_3"),
    "failed": (S.FAILED, Stage.COMMITTEE, "committee_3"),
    "returned": (S.RETURNED, None, None),
    "refused": (S.REFUSED, Stage.CONSTRUCTION_BUREAU, "construction_bureau"),
}

# actor → {position: the actions it may take there}; everything else is refused.
ALLOWED = {
    "applicant": {"draft": {"submit"}, "returned": {"submit"}},
    "unit": {"at_unit": DECISIONS, "unit_passed": {"send", "return", "refuse"}},  # an objection during 公示
    "talent_centre": {"tc_pending": DECISIONS, "tc_passed": {"recommend"}},
    "construction_bureau": {"cb_pending": DECISIONS, "cb_passed": {"recommend"}},
    "hr_bureau": {"hr_pending": DECISIONS, "hr_passed": {"recommend"}},
    "committee_3": {"at_committee": RESULTS, "recommended": {"forward"}},
    "committee_12": {"at_senior": RESULTS},
    "admin": {},
}


def office(name, application):
    if name == "unit":
        return application.unit
    if name.startswith("committee_"):
        number = int(name.removeprefix("committee_"))
        return Organisation.get((Organisation.kind == Role.COMMITTEE_OFFICE)
                                & (Organisation.committee == Committee.get(Committee.number == number)))
    return organisation(Role(name), None if name == "talent_centre" else "越城区")


def actor_for(name, application, applicant):
    if name == "applicant":
        return applicant
    if name == "admin":
        return make_user(Role.ADMIN)
    return make_user(Role.COMMITTEE_OFFICE if name.startswith("committee_") else Role(name),
                     organisation=office(name, application))


def act(client, application, action, publicity):
    seen = Application.get_by_id(application.id).version
    if action in DECISIONS:
        return client.post(f"/review/applications/{application.id}/decide",
                           data={"action": action, "reason": "材料不全" if action != "pass" else "同意", "seen": seen,
                                 "parts": "step_5"})
    if action in RESULTS:
        return meeting_tally(client, application)
    url = {"send": f"/review/publicity/{publicity.id}/send", "recommend": "/review/recommend",
           "forward": "/committee/forward", "submit": step_url(application, 6)}[action]
    return client.post(url, data={"confirm": "y"})


def snapshot_of(application):
    fresh = Application.get_by_id(application.id)
    return fresh.status, fresh.stage, fresh.stage_organisation_id, fresh.version, fresh.actions.count()


@pytest.mark.parametrize("actor", ALLOWED)
def test_each_role_may_act_only_where_it_holds_the_application(client, actor):
    """A senior 工程造价 application (category 1), so that every position of the chain exists for it (中推高)."""
    application, applicant = submitted(client, level=Level.SENIOR,
                                       info={"profession": Profession.get(Profession.name == "工程造价").id})
    for number, first in ((3, 1), (12, 11)):  # the committees of the 中评委 and the plan's 高评委, composed for the plan
        compose(staff(Role.COMMITTEE_OFFICE, committee_number=number), application.plan, start=first)
    publicity = Publicity.create(unit=application.unit, starts_on=date.today() - timedelta(days=9),
                                 ends_on=date.today() - timedelta(days=1))
    as_user(client, actor_for(actor, application, applicant))
    done, refusals = {}, []
    for position, (status, stage, holder) in POSITIONS.items():
        for action in ACTIONS:
            place(application, status, stage, office(holder, application) if holder else None, publicity=publicity)
            before = snapshot_of(application)
            response = act(client, application, action, publicity)
            after = snapshot_of(application)
            if after[-1] > before[-1]:
                assert after[:3] != before[:3], (position, action)
                assert response.status_code == 302, (position, action)
                done.setdefault(position, set()).add(action)
            else:
                assert after == before, (position, action)
                refusals.append((position, action, response.status_code))
    assert done == ALLOWED[actor]
    assert all(code in (302, 403, 404, 409) for _, _, code in refusals), refusals


# ---------------------------------------------------------------- decisions and their reasons

@pytest.mark.parametrize("at_bureau", [False, True], ids=["unit", "bureau"])
@pytest.mark.parametrize("action", ["return", "refuse"])
@pytest.mark.parametrize("reason", ["", "   \n"], ids=["empty", "blank"])
def test_return_and_refuse_need_a_reason(client, at_bureau, action, reason):
    plan, unit = open_plan(), make_unit("越城建工集团")
    if at_bureau:
        application = filed(plan, unit, 1, organisation(Role.CONSTRUCTION_BUREAU, "越城区"))
        as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    else:
        application = filed(plan, unit, 1, unit, S.AT_UNIT, Stage.UNIT)
        as_user(client, staff(Role.UNIT, unit=unit))
    before = snapshot_of(application)
    response = decide(client, application, action, reason)
    assert response.status_code == 409
    label = {(False, "return"): "退回", (False, "refuse"): "不通过",
             (True, "return"): "退回修改", (True, "refuse"): "审查不通过"}[at_bureau, action]
    page = parse(response)
    assert [p.text() for p in page.find_all("p", cls="error")] == [f"{label}必须填写理由。"], "said beside the reason box"
    assert snapshot_of(application) == before


@pytest.mark.parametrize("action", ["", "approve", "通过"])
def test_a_decision_that_is_none_of_the_three_is_named_not_unknown(client, action):
    plan, unit = open_plan(), make_unit("越城建工集团")
    application = filed(plan, unit, 1, unit, S.AT_UNIT, Stage.UNIT)
    as_user(client, staff(Role.UNIT, unit=unit))
    before = snapshot_of(application)
    text = decide(client, application, action, "理由").get_data(as_text=True)
    assert f"审查结果“{action}”无效：请点击通过、退回或不通过按钮。" in text and "未知" not in text
    text = client.post("/review/applications/bulk", data={"ids": [application.id], "action": action},
                       follow_redirects=True).get_data(as_text=True)
    assert "请点击通过、退回或不通过按钮。" in text and "未知" not in text
    assert snapshot_of(application) == before


def at_unit():
    unit = make_unit("越城建工集团")
    application = filed(open_plan(), unit, 1, unit, S.AT_UNIT, Stage.UNIT)
    return application, application.applicant


def test_a_pass_keeps_its_opinion_in_the_history(client):
    application, applicant = at_unit()
    as_user(client, staff(Role.UNIT, unit=application.unit))
    decide(client, application, "pass", "  业绩属实，同意申报  ")
    last = application.actions.order_by(ReviewAction.id.desc()).first()
    assert (last.action, last.reason, last.action_label) == ("pass", "业绩属实，同意申报", "通过")
    assert Application.get_by_id(application.id).status == S.UNIT_PASSED
    notice = Notification.select().where(Notification.user == applicant).order_by(Notification.id.desc()).first()
    assert "通过越城建工集团审查" in notice.title


def test_a_return_unlocks_the_application_and_resubmission_starts_again_at_the_unit(client):
    application, applicant = submitted(client)
    application = place(application, S.PENDING, Stage.CONSTRUCTION_BUREAU, organisation(Role.CONSTRUCTION_BUREAU, "越城区"))
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    assert decide(client, application, "return", "社保证明不全").status_code == 302
    fresh = Application.get_by_id(application.id)
    assert (fresh.status, fresh.stage, fresh.stage_organisation_id) == (S.RETURNED, None, None)

    as_user(client, applicant)
    page = client.get(step_url(application, 3)).get_data(as_text=True)
    assert "退回修改" in page and "社保证明不全" in page
    assert client.post(step_url(application, 6), data={"confirm": "y"}).status_code == 302
    fresh = Application.get_by_id(application.id)
    assert (fresh.status, fresh.stage, fresh.stage_organisation_id) == (S.AT_UNIT, Stage.UNIT, application.unit_id)
    history = [(a.action, a.reason) for a in fresh.actions.order_by(ReviewAction.id)]
    assert history == [("submit", ""), ("return", "社保证明不全"), ("resubmit", "")]
    timeline = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "退回修改" in timeline and "社保证明不全" in timeline and "修改后重新提交" in timeline


def test_a_refusal_ends_the_application(client):
    application, applicant = submitted(client)
    as_user(client, staff(Role.UNIT, unit=application.unit))
    decide(client, application, "refuse", "不符合申报条件")
    assert Application.get_by_id(application.id).status == S.REFUSED
    as_user(client, applicant)
    assert client.post(step_url(application, 6), data={"confirm": "y"}).status_code == 302
    assert Application.get_by_id(application.id).status == S.REFUSED
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "不通过" in page and "不符合申报条件" in page


@pytest.mark.parametrize("action, words", [("pass", "通过"), ("return", "退回"), ("refuse", "不通过")])
def test_the_applicant_is_told_in_app_and_by_sms(client, action, words):
    application, applicant = at_unit()
    as_user(client, staff(Role.UNIT, unit=application.unit))
    decide(client, application, action, "理由甲")
    notice = Notification.select().where(Notification.user == applicant).order_by(Notification.id.desc()).first()
    sms = SmsMessage.select().where(SmsMessage.user == applicant).order_by(SmsMessage.id.desc()).first()
    assert words in notice.title and sms.mobile == applicant.mobile and notice.title in sms.body
    if action != "pass":
        assert "理由甲" in notice.body and "理由甲" in sms.body


def test_the_applicant_is_told_of_the_committee_result_too(client):
    application, applicant = at_unit()
    application = place(application, S.AT_COMMITTEE, Stage.COMMITTEE, office("committee_3", application))
    office_user = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    compose(office_user, application.plan)
    as_user(client, office_user)
    meeting_tally(client, application, (0, 3, 0))
    sms = SmsMessage.select().where(SmsMessage.user == applicant).order_by(SmsMessage.id.desc()).first()
    assert "评审会议表决" in sms.body and "结果公示" in sms.body


# ---------------------------------------------------------------- bulk decisions and 审核推荐

def bureau_world(count=3, **kwargs):
    plan = open_plan()
    unit = make_unit("越城建工集团")
    bureau = organisation(Role.CONSTRUCTION_BUREAU, "越城区")
    return plan, unit, bureau, [filed(plan, unit, n, bureau, **kwargs) for n in range(1, count + 1)]


def test_bulk_decisions_report_what_was_done_and_what_was_skipped(client):
    _, _, bureau, apps = bureau_world()
    place(apps[2], S.STAGE_PASSED, Stage.CONSTRUCTION_BUREAU, bureau)
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    response = client.post("/review/applications/bulk", data={"ids": [a.id for a in apps], "action": "pass",
                                                               "reason": "符合条件"}, follow_redirects=True)
    assert "2 件已审查通过，1 件当前不能处理" in response.get_data(as_text=True)
    assert [Application.get_by_id(a.id).status for a in apps] == [S.STAGE_PASSED] * 3
    assert ReviewAction.select().where(ReviewAction.action == "pass").count() == 2


@pytest.mark.parametrize(("action", "reason", "message"), [
    ("return", "缺社保证明", "不能批量退回。请点击申报人姓名打开申报详情页"),  # each 退回 ticks that submission's parts
    ("refuse", "  ", "必须填写理由"),
])
def test_a_bulk_return_is_refused_and_a_bulk_refusal_needs_a_reason(client, action, reason, message):
    _, _, _, apps = bureau_world(2)
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    response = client.post("/review/applications/bulk", data={"ids": [a.id for a in apps], "action": action,
                                                               "reason": reason}, follow_redirects=True)
    assert message in response.get_data(as_text=True)
    assert [Application.get_by_id(a.id).status for a in apps] == [S.PENDING] * 2


def test_the_recommend_list_is_paged_searchable_and_one_page_costs_the_same_statements_at_any_length(client, app):
    """审核推荐 listed every passed application with four lookups per row (3 s at 100k, issue 14): now 20 a page, newest
    first, searchable by name, and the number of statements does not grow with the rows."""
    from models import db

    _, _, bureau, apps = bureau_world(23, status=S.STAGE_PASSED)
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))

    def statements(url):
        seen = []
        original = db.obj.execute_sql
        db.obj.execute_sql = lambda sql, *a, **k: seen.append(sql) or original(sql, *a, **k)
        try:
            page = client.get(url).get_data(as_text=True)
        finally:
            db.obj.execute_sql = original
        return len(seen), page

    many, first = statements("/review/recommend")
    assert "审查通过、待推荐的申报共 23 件" in first and "共 23 条，第 1 / 2 页" in first
    assert first.count('<td class="name">') == 20
    _, second = statements("/review/recommend?page=2")
    assert second.count('<td class="name">') == 3
    _, found = statements("/review/recommend?q=申报人007")
    assert found.count('<td class="name">') == 1 and "申报人007" in found and "共 1 条" in found
    for application in apps[3:]:
        place(application, S.PENDING, Stage.CONSTRUCTION_BUREAU, bureau)
    few, page = statements("/review/recommend")
    assert page.count('<td class="name">') == 3 and "尚未审查 20 件" in page
    assert few == many


def test_recommend_passes_on_every_passed_application_and_says_what_it_skipped(client):
    _, _, bureau, apps = bureau_world(4)
    for application in apps[:2]:
        place(application, S.STAGE_PASSED, Stage.CONSTRUCTION_BUREAU, bureau)
    place(apps[3], S.REFUSED, Stage.CONSTRUCTION_BUREAU, bureau)
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    page = client.get("/review/recommend").get_data(as_text=True)
    assert apps[0].applicant.real_name in page and apps[2].applicant.real_name not in page
    response = client.post("/review/recommend", follow_redirects=True)
    hr = organisation(Role.HR_BUREAU, "越城区")
    assert f"2 件已推荐至{hr.name}，1 件尚未审查未推荐" in response.get_data(as_text=True)
    assert [(Application.get_by_id(a.id).status, Application.get_by_id(a.id).stage_organisation_id) for a in apps] == [
        (S.PENDING, hr.id), (S.PENDING, hr.id), (S.PENDING, bureau.id), (S.REFUSED, bureau.id)]


# ---------------------------------------------------------------- 待审查: filters, search, pages, counts

def test_the_queue_filters_searches_pages_and_counts(client):
    plan, unit, bureau, apps = bureau_world(23)
    other = apps[0]
    Application.update(application_type=ApplicationType.TRANSFER, status=S.STAGE_PASSED).where(
        Application.id == other.id).execute()
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))

    def names(query=""):
        page = client.get(f"/review/applications?{query}").get_data(as_text=True)
        return {a.applicant.real_name for a in apps if f">{a.applicant.real_name}<" in page}, page

    shown, page = names()
    assert len(shown) == 20 and "待审查（22）" in page and "审查通过，待审核推荐（1）" in page
    assert len(names("page=2")[0]) == 3
    assert names("type=transfer")[0] == {other.applicant.real_name}
    assert names("state=stage_passed")[0] == {other.applicant.real_name}
    assert names("q=申报人007")[0] == {"申报人007"}
    assert names(f"q={apps[4].applicant.id_number}")[0] == {apps[4].applicant.real_name}
    assert len(names(f"plan={plan.id}&page=2")[0]) == 3
    assert names(f"plan={plan.id + 1000}")[0] == set()
    assert names(f"profession={plan.profession_links[0].profession_id + 1000}")[0] == set()


def test_the_unit_calls_its_queue_by_the_notices_name(client):
    application, _ = submitted(client)
    as_user(client, staff(Role.UNIT, unit=application.unit))
    page = client.get("/review/applications").get_data(as_text=True)
    assert "职称申报资格审查" in page and "张三" in page
    detail = client.get(f"/review/applications/{application.id}").get_data(as_text=True)
    assert all(word in detail for word in ("通过", "退回", "不通过"))
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    place(application, S.PENDING, Stage.CONSTRUCTION_BUREAU, organisation(Role.CONSTRUCTION_BUREAU, "越城区"))
    assert "待审查" in client.get("/review/applications").get_data(as_text=True)
    detail = client.get(f"/review/applications/{application.id}").get_data(as_text=True)
    assert all(word in detail for word in ("审查通过", "退回修改", "审查不通过"))


# ---------------------------------------------------------------- 收费设定

@pytest.mark.parametrize("form, saved, error", [
    ({"charges": "yes", "amount": "300"}, (True, 300), None),
    ({"charges": "no", "amount": ""}, (False, 0), None),
    ({"charges": "no", "amount": "300"}, (False, 0), None),
    ({"charges": "yes", "amount": ""}, None, "须填写收费金额"),
    ({"charges": "yes", "amount": "-1"}, None, "金额须在 0–100000 元之间"),
])
def test_fee_setting(client, form, saved, error):
    user = staff(Role.HR_BUREAU)
    as_user(client, user)
    assert "收费（系统默认" in client.get("/review/fees").get_data(as_text=True)
    response = client.post("/review/fees", data=form, follow_redirects=True)
    setting = FeeSetting.get_or_none(FeeSetting.organisation == user.organisation_id)
    if error:
        assert error in response.get_data(as_text=True) and setting is None
    else:
        assert "收费设定已保存" in response.get_data(as_text=True)
        assert (setting.charges, setting.amount) == saved


def test_fee_settings_belong_to_each_office(client):
    yuecheng, keqiao = staff(Role.CONSTRUCTION_BUREAU), staff(Role.CONSTRUCTION_BUREAU, region="柯桥区")
    as_user(client, yuecheng)
    client.post("/review/fees", data={"charges": "no"})
    as_user(client, keqiao)
    assert "收费（系统默认" in client.get("/review/fees").get_data(as_text=True)
    assert FeeSetting.get(FeeSetting.organisation == yuecheng.organisation_id).charges is False
    assert client.get("/review/fees").status_code == 200
    as_user(client, staff(Role.UNIT, unit=make_unit()))
    assert client.get("/review/fees").status_code == 403


def test_the_whole_way_keeps_every_reason_on_the_applicants_timeline(client):
    application, applicant = submitted(client)
    unit = staff(Role.UNIT, unit=application.unit)
    as_user(client, unit)
    decide(client, application, "pass", "单位意见：同意")
    publicise_and_send(client, unit, application)
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    decide(client, application, "pass", "建设局意见：符合")
    client.post("/review/recommend")
    as_user(client, staff(Role.HR_BUREAU))
    decide(client, application, "refuse", "人社局：学历不符")
    as_user(client, applicant)
    page = client.get(f"/applications/{application.id}").get_data(as_text=True)
    for words in ("单位意见：同意", "公示期", "报送越城区住房和城乡建设局", "建设局意见：符合", "审查通过", "审核推荐",
                  "审查不通过", "人社局：学历不符"):
        assert words in page, words


def test_reviewers_see_the_self_evaluation_item_by_item(client):
    plan, unit = open_plan(), make_unit("越城建工集团")
    application = filed(plan, unit, 1, unit, S.AT_UNIT, Stage.UNIT, application_type=ApplicationType.SELF_EVALUATION)
    application.self_evaluation, application.self_evaluation_total = json.dumps(CLAIMS_105), 105
    application.snapshot = snapshot.dumps(application)
    application.save()
    as_user(client, staff(Role.UNIT, unit=unit))
    table = parse(client.get(f"/review/applications/{application.id}")).find("table", cls="score-items")
    rows = {tr.find_all("td")[1].text(): [td.text() for td in tr.find_all("td")[2:]] for tr in table.find("tbody").find_all("tr")}
    assert len(rows) == len(scoring.items(scoring.DEFAULT_RUBRIC))
    assert rows["大中型工程项目技术负责人"] == ["3 项", "每项 15 分，最高 45 分", "45 分"]
    assert rows["从事本专业工作年限"] == ["15 年", "每年 2 分，最高 30 分", "30 分"]
    assert rows["硕士及以上学位"] == ["0 项", "每项 20 分，最高 20 分", "0 分"]
    assert "自评总分" in table.find("tfoot").text() and "105 分" in table.find("tfoot").text()
