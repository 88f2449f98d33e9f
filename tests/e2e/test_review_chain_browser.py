"""The review chain clicked through in Chromium: unit (退回, then 通过), 公示 and 报送, construction bureau,
HR bureau, committee office (a meeting's tally), with the applicant resubmitting on the way and reading the whole timeline."""
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from models import Publicity, Role
from services.workdays import publicity_end_date
from tests.chain_world import compose, staff, submitted
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser

RETURN_REASON = "继续教育证明扫描件不清晰，请重新上传"
CONSTRUCTION = "越城区住房和城乡建设局"
HR = "越城区人力社保局"


def submitted_for_browser(app):
    """A submitted application and its applicant, made through the test client (which posts without CSRF tokens)."""
    csrf = app.config["WTF_CSRF_ENABLED"]
    app.config["WTF_CSRF_ENABLED"] = False
    try:
        return submitted(app.test_client())
    finally:
        app.config["WTF_CSRF_ENABLED"] = csrf


@pytest.fixture
def chain(app):
    """A submitted application of 张三 (越城建工集团, 中评委 3) and an account for each office on its way."""
    application, applicant = submitted_for_browser(app)
    return {"application": application, "applicant": applicant,
            "unit": staff(Role.UNIT, unit=application.unit, username="unit_yjjg"),
            "construction": staff(Role.CONSTRUCTION_BUREAU, username="jsj_yc"),
            "hr": staff(Role.HR_BUREAU, username="rsj_yc"),
            "office": staff(Role.COMMITTEE_OFFICE, committee_number=3, username="pwh_3")}


def menu(page):
    return page.get_by_role("navigation", name="功能菜单")


def open_menu(page, item):
    menu(page).get_by_role("link", name=item, exact=True).click()
    expect(page.get_by_role("heading", name=item, exact=True)).to_be_visible()


def flash(page):
    return page.locator("#flash").get_by_role("status")


def log_in(page, user):
    page.goto("/login")
    page.get_by_label("登录名（申报人员为手机号）").fill(user.username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(menu(page)).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()


def row(page, name):
    return page.locator("table.list tbody tr").filter(has_text=name)


def decide(page, name, action, opinion, queue="职称申报资格审查", link="审查", parts=()):
    """From the queue, open `name`'s application, tick the `parts` to change (退回), write the opinion or reason and
    click the `action` button."""
    open_menu(page, queue)
    row(page, name).get_by_role("link", name=link, exact=True).click()
    expect(page.get_by_role("heading", name=f"{name}：", exact=False)).to_be_visible()
    page.wait_for_load_state()
    for part in parts:
        page.get_by_role("checkbox", name=part, exact=True).check()
    page.get_by_label("审查意见 / 理由").fill(opinion)
    page.get_by_role("button", name=action, exact=True).click()


def column(table, title):
    """The cells of a table's column, found by its heading."""
    number = table.locator("thead th").all_inner_texts().index(title) + 1
    return table.locator(f"tbody td:nth-child({number})")


def bureau_passes_and_recommends(page, user, name, organisation):
    log_in(page, user)
    expect(page.get_by_role("main")).to_contain_text(f"所属机构：{organisation}")
    open_menu(page, "待审查")
    expect(row(page, name)).to_contain_text("待审查")
    decide(page, name, "审查通过", "材料齐全，符合申报条件", queue="待审查")
    expect(flash(page)).to_have_text(f"已审查通过：{name}。")
    expect(row(page, name)).to_contain_text("审查通过，待审核推荐")

    open_menu(page, "审核推荐")
    expect(page.get_by_role("main")).to_contain_text("审查通过、待推荐的申报共 1 件；尚未审查 0 件")
    expect(row(page, name)).to_be_visible()
    page.get_by_role("button", name="审核推荐", exact=True).click()
    expect(flash(page)).to_contain_text("1 件已推荐至")
    expect(page.get_by_role("main")).to_contain_text("没有待推荐的申报。")
    log_out(page)


def test_an_application_goes_from_submission_through_every_office_to_评审通过(page, chain):
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    application, applicant = chain["application"], chain["applicant"]
    name, unit_name = applicant.real_name, application.unit.name
    today = date.today()

    # The unit returns the application with a reason; the decision is confirmed first.
    log_in(page, chain["unit"])
    open_menu(page, "职称申报资格审查")
    expect(row(page, name)).to_contain_text("待单位审核")
    decide(page, name, "退回", RETURN_REASON, parts=["第5步 上传相关附件（整步）"])
    expect(flash(page)).to_have_text(f"已退回：{name}。")
    assert dialogs == ["确定退回吗？提交后不能撤回。"], "the reason is asked for before the confirmation"
    expect(row(page, name)).to_contain_text("已退回修改")
    log_out(page)

    # The applicant reads the reason in the notice and on the wizard, and submits again from step 6.
    log_in(page, applicant)
    open_menu(page, "消息通知")
    notice = row(page, f"您的职称申报被{unit_name}退回")
    expect(notice).to_contain_text(f"理由：{RETURN_REASON}。请修改后重新提交。")
    open_menu(page, "我的申报")
    expect(row(page, application.plan.title)).to_contain_text("已退回修改")
    row(page, application.plan.title).get_by_role("link", name="继续填写（第 6 步）").click()
    expect(page.get_by_role("heading", name="第 6 步：预览确认提交")).to_be_visible()
    expect(page.locator(".notice")).to_contain_text(f"本申报已被{unit_name}退回修改，理由：{RETURN_REASON}")
    page.get_by_label("本人确认以上申报信息真实、准确、完整").check()
    page.get_by_role("button", name="提交", exact=True).click()
    expect(flash(page)).to_have_text("申报已提交，等待单位职称申报资格审查。审核结果将通过短信和站内消息通知您。")
    expect(page.locator("main .status")).to_have_text("待单位审核")
    log_out(page)

    # The unit passes it with an opinion, starts the 公示 today and sees when it ends.
    log_in(page, chain["unit"])
    decide(page, name, "通过", "同意申报")
    expect(flash(page)).to_have_text(f"已通过：{name}。")
    expect(row(page, name)).to_contain_text("单位审查通过，待公示报送")

    open_menu(page, "资格公示与报送")
    ends_on = publicity_end_date(today)[0]
    expect(page.get_by_role("checkbox", name=f"选择 {name}")).to_be_checked()
    expect(page.get_by_label("公示开始日期")).to_have_value(today.isoformat())
    expect(page.locator("#publicity-end")).to_contain_text(f"公示至 {ends_on}（5 个工作日）")
    page.get_by_role("button", name="开始公示").click()
    expect(flash(page)).to_contain_text(f"公示已开始：{today} 至 {ends_on}")
    record = page.locator("tr[id^=publicity-]").filter(has_text=f"{today} 至 {ends_on}")
    expect(record).to_contain_text("起可报送")

    with page.expect_download() as download:
        record.get_by_role("link", name="导出公示表").click()
    assert download.value.suggested_filename == f"公示表_{today}.xlsx"
    sheet = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    cells = [str(cell.value) for line in sheet.iter_rows() for cell in line if cell.value is not None]
    assert name in cells and unit_name in cells and f"公示期：{today} 至 {ends_on}" in cells

    send = record.get_by_role("button", name="报送")
    expect(send).to_be_disabled()
    expect(record).to_contain_text(f"公示期至 {ends_on:%m-%d}，{ends_on + timedelta(days=1):%m-%d} 起可报送")
    send.evaluate("button => button.disabled = false")  # the server refuses as well, not only the button
    send.click()
    expect(flash(page)).to_have_text(f"公示期至 {ends_on} 结束，{ends_on + timedelta(days=1)} 起才能报送。")
    expect(record).to_contain_text("起可报送")

    # Test-only: the publicity period has passed.
    Publicity.update(starts_on=today - timedelta(days=9), ends_on=today - timedelta(days=1)).execute()
    page.reload()
    record = page.locator("tr[id^=publicity-]").first
    expect(record).to_contain_text("公示期满，可报送")
    record.get_by_role("button", name="报送").click()
    expect(flash(page)).to_have_text("1 件已报送越城区住房和城乡建设局。")
    expect(record).to_contain_text("已于")
    expect(record.get_by_role("button", name="报送")).to_have_count(0)
    log_out(page)

    # The construction bureau sets 不收费, passes and recommends; the HR bureau passes and recommends.
    log_in(page, chain["construction"])
    open_menu(page, "收费设定")
    expect(page.get_by_role("main")).to_contain_text("当前：收费（系统默认，尚未设定金额）")
    page.get_by_role("radio", name="不收费").check()
    page.get_by_role("button", name="保存", exact=True).click()
    expect(flash(page)).to_have_text("收费设定已保存。")
    expect(page.get_by_role("main")).to_contain_text("当前：不收费")
    expect(page.get_by_role("radio", name="不收费")).to_be_checked()
    log_out(page)
    bureau_passes_and_recommends(page, chain["construction"], name, CONSTRUCTION)
    bureau_passes_and_recommends(page, chain["hr"], name, HR)

    # The committee office (its committee of 3 composed for the plan) holds today's meeting: all present, the paper
    # ballots' tally entered; the result is computed and waits for the results 公示.
    compose(chain["office"], application.plan)
    log_in(page, chain["office"])
    open_menu(page, "评审对象")
    expect(row(page, name)).to_contain_text("待评委会评审")
    open_menu(page, "评审会议")
    page.get_by_label("会议日期").fill(today.isoformat())
    page.get_by_label("会议地点").fill("第一会议室")
    page.get_by_role("button", name="新建会议").click()
    expect(flash(page)).to_have_text("已创建评审会议，议程 1 件。请登记出席情况。")
    for box in page.get_by_role("checkbox").all():
        box.check()
    page.get_by_role("button", name="保存出席情况").click()
    expect(flash(page)).to_contain_text("应到 3 人，实到 3 人，须至少 2 人出席，会议有效")
    row(page, name).get_by_role("link", name="回避与表决").click()
    for label, count in (("同意", "3"), ("不同意", "0"), ("弃权", "0")):
        page.get_by_label(label, exact=True).fill(count)
    page.get_by_role("button", name="录入计票结果").click()
    expect(flash(page)).to_have_text("已录入计票结果，评审结果已按规则计算。")
    expect(page.locator("#result")).to_have_text("通过")
    open_menu(page, "评审对象")
    expect(row(page, name)).to_contain_text("评审会已表决，待结果公示")
    expect(row(page, name)).to_contain_text(today.isoformat())
    log_out(page)

    # The applicant sees that the meeting has voted (the result comes with its 公示) and every step, the 退回 and its
    # reason among them.
    log_in(page, applicant)
    open_menu(page, "我的申报")
    expect(row(page, application.plan.title)).to_contain_text("评审会已表决，待结果公示")
    row(page, application.plan.title).get_by_role("link", name="查看").click()
    expect(page.locator("main .status")).to_have_text("评审会已表决，待结果公示")
    timeline = page.locator("table.timeline")
    expect(column(timeline, "操作")).to_have_text(
        ["提交（第 1 次提交）", "退回", "修改后重新提交（第 2 次提交）", "通过", "资格公示", "报送", "审查通过", "审核推荐", "审查通过",
         "审核推荐", "评审会表决（结果待公示）"])
    expect(column(timeline, "环节")).to_have_text(
        ["申报人员", unit_name, "申报人员", unit_name, unit_name, unit_name, CONSTRUCTION, CONSTRUCTION, HR, HR,
         "越城区建设工程中级专业技术职务任职资格评审委员会办公室"])
    reasons = column(timeline, "意见或理由")
    expect(reasons.nth(1)).to_have_text(f"{RETURN_REASON}须修改：第5步 上传相关附件（整步）")  # 一次性告知
    expect(reasons.nth(3)).to_have_text("同意申报")
    expect(reasons.nth(6)).to_have_text("材料齐全，符合申报条件")

    decision, recommendation = "确定审查通过吗？提交后不能撤回。", "将全部 1 件审查通过的申报推荐至下一级，确定吗？"
    assert dialogs == ["确定退回吗？提交后不能撤回。", "提交后将由单位审核，审核期间不能修改。确定提交吗？",
                       "确定通过吗？提交后不能撤回。", "报送后不能撤回，确定报送吗？", "报送后不能撤回，确定报送吗？",
                       decision, recommendation, decision, recommendation, "录入后按规则计算评审结果，不能修改。确定吗？"], \
        "every irreversible step asks for confirmation first"
