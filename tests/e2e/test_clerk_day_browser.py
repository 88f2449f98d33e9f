"""A clerk's day at 1024×768 (issue 13): the queue fits and names open cases, the three decision buttons and the
reason they insist on, the form beside the materials, the signed pledge page, and the rubric form."""
import pytest
from playwright.sync_api import expect

from models import Role, Stage
from services.pagination import PER_PAGE
from tests.chain_world import filed, staff
from tests.conftest import PASSWORD, make_user
from tests.e2e import test_wizard_browser as wizard_pages
from tests.e2e.test_review_chain_browser import flash, log_in, open_menu, submitted_for_browser
from tests.e2e.test_wizard_browser import (
    console_problems,
    draw_signature,
    expect_step,
    fill_info,
    log_in_and_apply,
    next_step,
    sign_on_phone,
    signing_link,
    upload_photo,
)
from tests.wizard_world import open_plan

pytestmark = pytest.mark.browser
world, phone = wizard_pages.world, wizard_pages.phone  # the wizard tests' fixtures: a plan, an applicant, a phone
SMALL_SCREEN = {"width": 1024, "height": 768}


@pytest.fixture
def small(page):
    page.set_viewport_size(SMALL_SCREEN)
    return page


@pytest.fixture
def desk(app):
    """张三's submitted application and a full page of others at his unit, one with a long name."""
    application, applicant = submitted_for_browser(app)
    for number in range(2, PER_PAGE + 1):
        filed(application.plan, application.unit, number, application.unit, stage=Stage.UNIT,
              name="欧阳慕容长孙" if number == 2 else None)
    return application, applicant, staff(Role.UNIT, unit=application.unit, username="unit_desk")


def test_the_queue_fits_at_1024_px_and_names_open_their_case(small, desk):
    application, applicant, clerk = desk
    failed = []
    small.on("response", lambda response: failed.append(response.url) if response.status >= 400 else None)
    log_in(small, clerk)
    open_menu(small, "职称申报资格审查")
    small.wait_for_load_state()
    assert small.evaluate("document.documentElement.scrollWidth") <= SMALL_SCREEN["width"], "no sideways scrolling"
    line = small.evaluate("parseFloat(getComputedStyle(document.body).lineHeight)")
    names = small.locator("table.queue td.name a")
    expect(names).to_have_count(PER_PAGE)
    for cell in ("td.name a", "span.status", "td:last-child a"):
        heights = [box["height"] for box in (e.bounding_box() for e in small.locator(f"table.queue tbody {cell}").all())]
        assert max(heights) < 1.5 * line, f"{cell} wraps: {heights} (one line is {line} px)"
    widths = [e.bounding_box()["width"] for e in small.locator("table.queue tbody td.name").all()]
    assert min(widths) > 2 * 14, f"a 姓名 column one character wide: {widths}"
    plan = small.locator("table.queue tbody tr").first.locator("span.clip").nth(1)
    expect(plan).to_have_attribute("title", application.plan.title)
    assert plan.bounding_box()["height"] < 1.5 * line

    small.get_by_role("link", name=applicant.real_name, exact=True).click()
    expect(small.get_by_role("heading", name=f"{applicant.real_name}：{application.plan.title}")).to_be_visible()
    small.wait_for_load_state("networkidle")
    assert failed == [], "nothing missing on first load"
    icon = small.request.get(small.locator("link[rel=icon]").get_attribute("href"))
    assert icon.ok and icon.headers["content-type"].startswith("image/svg+xml"), "the favicon exists"


def test_the_decision_buttons_ask_for_a_reason_before_anything_else_beside_the_materials(small, desk):
    application, applicant, clerk = desk
    dialogs = []
    small.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))
    log_in(small, clerk)
    small.goto(f"/review/applications/{application.id}")
    small.wait_for_load_state()
    form = small.locator("form.decision")
    expect(form.get_by_role("button")).to_have_text(["通过", "退回", "不通过"])
    expect(form.get_by_role("radio")).to_have_count(0)

    materials, decision = small.locator(".materials"), small.locator(".decision-column")
    beside, below = materials.bounding_box(), decision.bounding_box()
    assert below["x"] >= beside["x"] + beside["width"] and below["y"] < 300, (beside, below)
    expect(small.get_by_role("navigation", name="本页目录").get_by_role("link")).to_contain_text(
        ["办理过程", "提交记录", "个人信息", "个人承诺", "申报信息", "相关业绩", "相关附件"])

    for button in ("退回", "不通过"):
        form.get_by_role("button", name=button, exact=True).click()
        expect(form.get_by_role("alert")).to_have_text(f"{button}必须填写理由：请在上面填写理由，再点击“{button}”。")
        expect(small.get_by_label("审查意见 / 理由")).to_be_focused()
    assert dialogs == [], "no confirmation before the reason is there"
    small.get_by_label("审查意见 / 理由").fill("缺少继续教育证明")
    form.get_by_role("checkbox").first.check()  # 一次性告知: what must change
    form.get_by_role("button", name="退回", exact=True).click()
    expect(flash(small)).to_have_text(f"已退回：{applicant.real_name}。")
    assert dialogs == ["确定退回吗？提交后不能撤回。"]

    small.goto(f"/review/applications/{application.id}")
    small.emulate_media(media="print")
    expect(small.locator(".decision-column")).to_be_hidden()
    expect(small.get_by_role("heading", name="办理过程")).to_be_visible()


def test_a_signed_pledge_leaves_no_warning_no_qr_code_and_no_message_behind(small, phone, world):
    problems = console_problems(small)
    log_in_and_apply(small, world)
    upload_photo(small, world)
    next_step(small)
    expect(small.get_by_text("尚未签署个人承诺")).to_be_visible()
    sign_on_phone(phone, signing_link(small))
    expect(small.locator("#pledge-status")).to_contain_text("已签署")
    expect(small.get_by_text("尚未签署个人承诺")).to_have_count(0)
    expect(small.locator(".qr svg")).to_have_count(0)
    expect(small.get_by_text("或在手机浏览器打开：")).to_have_count(0)
    expect(small.get_by_text("本人郑重承诺")).to_contain_text("学历、资历、业绩、论文")
    next_step(small)
    expect_step(small, 3, "填写申报信息")
    assert problems == []


def test_the_message_of_signing_here_does_not_follow_into_the_next_steps(small, world):
    log_in_and_apply(small, world)
    upload_photo(small, world)
    small.get_by_role("button", name="在本电脑上签名").click()
    draw_signature(small)
    small.get_by_role("button", name="确认签名").click()
    expect_step(small, 3, "填写申报信息")
    expect(small.get_by_text("个人承诺已签署。")).to_be_visible()
    small.wait_for_load_state()
    fill_info(small, world)
    small.get_by_label("本人述职").fill("负责多个住宅工程的施工技术管理。")
    next_step(small)
    expect_step(small, 4, "选择相关业绩")
    expect(small.get_by_text("个人承诺已签署。")).to_have_count(0)


def test_the_rubric_form_names_a_mistake_and_previews(small, app):
    plan = open_plan()
    admin = make_user(Role.ADMIN, "root_desk")
    small.goto("/login")
    small.get_by_label("登录名（申报人员为手机号）").fill(admin.username)
    small.get_by_label("密码", exact=True).fill(PASSWORD)
    small.get_by_role("button", name="登录", exact=True).click()
    small.goto(f"/admin/plans/{plan.id}/edit")
    points = small.get_by_label("第 1 行每单位分值")
    expect(points).to_have_value("20")
    points.fill("二十")
    small.get_by_label("第 2 行条目").fill("")
    small.get_by_role("button", name="保存", exact=True).click()
    cell = small.locator("#rubric td").filter(has=small.get_by_label("第 1 行每单位分值"))
    expect(cell.get_by_role("alert")).to_have_text("第 1 行：每单位分值“二十”须为 1–100 的整数。")
    expect(small.get_by_label("第 1 行每单位分值")).to_have_value("二十")
    expect(small.locator("#rubric td").filter(has=small.get_by_label("第 2 行条目")).get_by_role("alert")).to_have_text(
        "第 2 行：请填写条目名称。")
    expect(small.locator("#rubric .banner")).to_have_text("自评细则有 2 处错误，首处：第 1 行：每单位分值“二十”须为 1–100 的整数。")
    expect(small.get_by_text("JSON")).to_have_count(0)

    small.get_by_label("第 1 行每单位分值").fill("25")
    small.get_by_label("第 1 行上限").fill("25")
    small.get_by_label("第 2 行条目").fill("大学本科学历或学士学位")
    small.get_by_role("button", name="预览自评细则").click()
    preview = small.get_by_role("region", name="自评细则预览")
    expect(preview).to_contain_text("满分 404 分")
    expect(preview).to_contain_text("硕士及以上学位每项 25 分，最高 25 分")
