"""A whole 评审会议 in Chromium: the office composes the committee, holds the meeting with one recusal, opens the
online vote, three experts vote on their own accounts, and the office closes it and sees the computed result; then
the results 公示 and, after its period (moved into the past, as the 公示 tests do), the office's 确认."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from models import Application, ApplicationStatus, ResultPublicity, Role, Stage
from tests.chain_world import filed, pool_expert, staff
from tests.conftest import make_unit, make_user
from tests.e2e.test_review_chain_browser import flash, log_in, log_out, open_menu, row
from tests.wizard_world import open_plan

pytestmark = pytest.mark.browser


@pytest.fixture
def meeting_world():
    plan, unit = open_plan(), make_unit("越城建工集团")
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3, username="pwh_meet")
    application = filed(plan, unit, 1, office.organisation, ApplicationStatus.AT_COMMITTEE, Stage.COMMITTEE,
                        name="待评甲")
    experts = [pool_expert(office.organisation.committee, n) for n in range(1, 6)]
    experts[3].unit_name = unit.name  # works where the applicant works: the platform proposes the recusal
    experts[3].save()
    for expert in experts[:3]:
        expert.user = make_user(Role.EXPERT, f"expert_{expert.id}")
        expert.save()
    return {"plan": plan, "office": office, "application": application, "experts": experts}


def test_a_meeting_with_a_recusal_and_online_ballots(page, meeting_world):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    plan, office, experts = meeting_world["plan"], meeting_world["office"], meeting_world["experts"]

    log_in(page, office)
    open_menu(page, "评委会组成")
    row(page, plan.title).get_by_role("link", name="组成评委会").click()
    roles = ["主任委员", "副主任委员", "委员", "委员"]
    for expert, role in zip(experts, roles, strict=False):
        page.get_by_label(f"{expert.name}担任").select_option(label=role)
    page.get_by_role("button", name="保存评委会组成").click()
    expect(flash(page)).to_have_text("未保存：评委会组成人数须为单数（现为 4 人）。")
    expect(page.get_by_label(f"{experts[0].name}担任")).to_have_value("chair")  # the choices are kept
    page.get_by_label(f"{experts[4].name}担任").select_option(label="委员")
    page.get_by_role("button", name="保存评委会组成").click()
    expect(flash(page)).to_have_text(f"已保存“{plan.title}”的评委会组成（5 人）。")
    expect(row(page, plan.title)).to_contain_text("符合")

    open_menu(page, "评审会议")
    page.get_by_label("会议日期").fill("2026-11-27")
    page.get_by_label("会议地点").fill("第一会议室")
    page.get_by_role("button", name="新建会议").click()
    expect(flash(page)).to_have_text("已创建评审会议，议程 1 件。请登记出席情况。")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="保存出席情况").click()
    expect(flash(page)).to_contain_text("应到 5 人，实到 5 人，须至少 4 人出席，会议有效")

    row(page, "待评甲").get_by_role("link", name="回避与表决").click()
    page.get_by_role("button", name="开始在线投票").click()
    expect(flash(page)).to_contain_text(f"请先确认回避：{experts[3].name}（与申报人同一单位）")
    page.locator(f"#proposed-{experts[3].id}").get_by_role("button", name="确认回避").click()
    expect(flash(page)).to_have_text(f"已确认{experts[3].name}回避。")
    expect(page.locator(f"#recusal-{experts[3].id}")).to_contain_text("与申报人同一单位")
    expect(page.locator("#voters")).to_have_text("4")
    expect(page.locator("#needed")).to_have_text("3")
    page.get_by_role("button", name="开始在线投票").click()
    expect(page.locator("#cast-count")).to_contain_text("已投票 0 / 4 人")
    log_out(page)

    for expert in experts[:3]:
        log_in(page, expert.user)
        open_menu(page, "我的评审会议")
        row(page, "待评甲").get_by_role("link", name="投票").click()
        page.get_by_role("radio", name="同意", exact=True).check()
        page.get_by_role("button", name="提交选票").click()
        expect(flash(page)).to_contain_text("您对待评甲的投票已提交")
        expect(row(page, "待评甲")).to_contain_text("已投票")
        log_out(page)

    log_in(page, office)
    open_menu(page, "评审会议")
    page.get_by_role("link", name="进入会议").click()
    row(page, "待评甲").get_by_role("link", name="回避与表决").click()
    expect(page.locator("#cast-count")).to_contain_text("已投票 3 / 4 人")
    expect(page.locator("#tally")).to_have_count(0)
    page.get_by_role("button", name="结束投票并计票").click()
    expect(page.locator("#tally")).to_contain_text("应投 4 票，同意 3，不同意 0，弃权 0")
    expect(page.locator("#result")).to_have_text("通过")
    assert dialogs == ["提交后不能修改，确定提交吗？"] * 3 + ["结束投票后不能再投票，未投票的评委视为未同意。确定结束吗？"]

    # decided now, released later: the results 公示, then 确认 after its period
    open_menu(page, "评审结果公示")
    page.get_by_label("评审工作计划").select_option(label=plan.title)
    page.get_by_role("button", name="显示待公示人员").click()
    expect(page.get_by_role("checkbox", name="选择 待评甲")).to_be_checked()
    page.wait_for_load_state()
    page.get_by_role("button", name="发布公示").click()
    expect(flash(page)).to_contain_text("评审结果公示已发布")
    assert Application.get_by_id(meeting_world["application"].id).status == ApplicationStatus.RESULT_PUBLICITY
    ResultPublicity.update(starts_on=date.today() - timedelta(days=9), ends_on=date.today() - timedelta(days=1)).execute()
    page.reload()
    page.get_by_role("button", name="确认评审结果").click()
    expect(flash(page)).to_have_text("已确认：1 人评审通过，0 人评审未通过。")
    assert Application.get_by_id(meeting_world["application"].id).status == ApplicationStatus.PASSED
