"""The application wizard clicked through in Chromium as an applicant would, the pledge signed on a phone."""
import re

import pytest
from playwright.sync_api import expect

from models import Committee, Profession
from services import steps
from tests import photos
from tests.conftest import PASSWORD
from tests.wizard_world import PDF, applicant_ready, open_plan, passed_achievement

pytestmark = pytest.mark.browser

PHONE = {"viewport": {"width": 390, "height": 844}, "has_touch": True, "is_mobile": True}
# Strokes of a signature on the pad, in fractions of its width and height.
STROKES = (((0.1, 0.3), (0.25, 0.7), (0.35, 0.35)), ((0.4, 0.6), (0.55, 0.25), (0.6, 0.75)),
           ((0.65, 0.4), (0.9, 0.45)), ((0.7, 0.2), (0.8, 0.8)))


@pytest.fixture
def world(tmp_path):
    plan = open_plan()
    user = applicant_ready()
    single = passed_achievement(user, "越城区某住宅小区工程")
    collective = passed_achievement(user, "镜湖新区综合管廊工程", collective=True)
    files = {"photo": tmp_path / "证件照.jpg", "png": tmp_path / "其实是PNG.jpg", "pdf": tmp_path / "扫描件.pdf"}
    files["photo"].write_bytes(photos.jpeg())
    files["png"].write_bytes(photos.png())
    files["pdf"].write_bytes(PDF)
    return {"plan": plan, "user": user, "single": single, "collective": collective, "files": files,
            "profession": Profession.get_by_id(plan.profession_links[0].profession_id).name,
            "committee": Committee.get(Committee.number == 3).name, "years": steps.assessment_years(plan)}


@pytest.fixture
def phone(browser, live_server):
    context = browser.new_context(base_url=live_server, locale="zh-CN", **PHONE)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


@pytest.fixture
def page_without_js(browser, live_server, csrf_on):
    context = browser.new_context(base_url=live_server, locale="zh-CN", java_script_enabled=False)
    context.set_default_timeout(10_000)
    yield context.new_page()
    context.close()


def wizard(page):
    return page.locator("#wizard")


def expect_step(page, number, title):
    expect(page.get_by_role("heading", name=f"第 {number} 步：{title}")).to_be_visible()
    expect(page).to_have_url(re.compile(rf"/applications/\d+/step/{number}$"))


def next_step(page):
    page.get_by_role("button", name="下一步").click()


def field(page, label):
    return page.locator(".field").filter(has=page.get_by_label(label, exact=True))


def console_problems(*pages):
    """What the pages' scripts (htmx among them) complain about, as it happens.

    Chromium's own "Failed to load resource" lines are left out: the 400 of a refused signature, which the test
    expects.
    """
    problems = []
    for page in pages:
        page.on("console", lambda message: problems.append(message.text)
                if message.type in ("error", "warning") and not message.text.startswith("Failed to load resource")
                else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
    return problems


def log_in_and_apply(page, world):
    page.goto("/login")
    page.get_by_label("登录名（申报人员为手机号）").fill(world["user"].mobile)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    page.get_by_role("navigation", name="功能菜单").get_by_role("link", name="中级职称评审").click()
    page.get_by_role("link", name=world["plan"].title).click()
    page.get_by_role("button", name="马上申报").click()
    expect_step(page, 1, "证件照")


def upload_photo(page, world):
    photo_input = page.get_by_label("证件照", exact=True)
    photo_input.set_input_files(world["files"]["png"])
    next_step(page)
    expect(field(page, "证件照").get_by_role("alert")).to_contain_text("照片实际内容是 PNG，只接受 JPEG")
    expect_step(page, 1, "证件照")

    photo_input.set_input_files(world["files"]["photo"])
    next_step(page)
    expect_step(page, 2, "个人承诺")


def sign_on_phone(phone, link):
    phone.goto(link)
    expect(phone.get_by_role("heading", name="专业技术资格申报材料真实性保证书")).to_be_visible()
    confirm = phone.get_by_role("button", name="确认签名")
    confirm.click()
    expect(phone.get_by_role("alert")).to_contain_text("未收到签名")
    draw_signature(phone)
    confirm.click()
    expect(phone.get_by_role("status")).to_have_text("签名成功。请回到电脑上继续填写申报（页面会自动更新）。")


def draw_signature(page):
    page.wait_for_load_state()  # the pad listens only once app.js has run; on a busy machine the heading shows first
    box = page.locator("#signature-pad").bounding_box()
    for stroke in STROKES:
        points = [(box["x"] + fx * box["width"], box["y"] + fy * box["height"]) for fx, fy in stroke]
        page.mouse.move(*points[0])
        page.mouse.down()
        for point in points[1:]:
            page.mouse.move(*point, steps=8)
        page.mouse.up()


def signing_link(page):
    """The address behind the QR code, which the page also shows as text."""
    link = page.get_by_text("或在手机浏览器打开：").get_by_role("link")
    expect(link).to_have_text(re.compile(r"^http://127\.0\.0\.1:\d+/pledge/\S+$"))
    address = link.inner_text()
    expect(link).to_have_attribute("href", address)
    return address


def fill_info(page, world):
    page.get_by_label("正常申报", exact=True).check()
    page.get_by_label("从事专业").select_option(label=world["profession"])
    page.get_by_label("申报类别").select_option(label="施工与监理类")
    for year in world["years"]:
        page.get_by_label(f"{year}年度考核").select_option(label="合格")
    page.get_by_label("受理评审委员会").select_option(label=world["committee"])


def test_applicant_fills_the_whole_wizard_signs_on_the_phone_and_submits(page, phone, world):
    problems = console_problems(page, phone)
    log_in_and_apply(page, world)
    upload_photo(page, world)

    # Step 2: the QR code, and its link opened on a phone.
    expect(wizard(page).locator(".qr svg")).to_be_visible()
    expect(page.locator("#pledge-status")).to_contain_text("等待签名")
    page.evaluate("window.sameDocument = true")  # gone if the page were reloaded
    sign_on_phone(phone, signing_link(page))
    expect(page.locator("#pledge-status")).to_contain_text("已签署", timeout=10_000)
    assert page.evaluate("window.sameDocument") is True
    expect(page.get_by_role("img", name="本人签名")).to_be_visible()
    next_step(page)
    expect_step(page, 3, "填写申报信息")

    # Step 3: a look at 自评申报 and its live total, then 正常申报.
    page.get_by_label("自评申报", exact=True).check()
    page.get_by_role("button", name="开始自评").click()
    total = page.locator("#score-total")
    expect(total).to_have_text("自评总分 0 分（须达到 105 分）")
    page.get_by_label("大学本科学历或学士学位").fill("1")
    expect(total).to_have_text("自评总分 15 分（须达到 105 分）")
    page.get_by_label("从事本专业工作年限").fill("15")
    expect(total).to_have_text("自评总分 45 分（须达到 105 分）")
    page.get_by_label("大中型工程项目技术负责人").fill("5")  # capped at 45
    expect(total).to_have_text("自评总分 90 分（须达到 105 分）")

    fill_info(page, world)
    statement = page.get_by_label("本人述职")
    counter = page.locator("output.counter")
    expect(counter).to_have_text("已输入 0 / 1000 字")
    statement.press_sequentially("负责 住宅工程\n施工技术管理")
    expect(counter).to_have_text("已输入 12 / 1000 字")
    statement.evaluate("element => element.dataset.mark = 'typed here'")
    page.get_by_role("button", name="保存草稿").click()  # the message alone; the form is not drawn again
    expect(page.locator("#flash")).to_have_text("已保存草稿。")
    expect(statement).to_have_attribute("data-mark", "typed here")
    expect(statement).to_have_value("负责 住宅工程\n施工技术管理")
    next_step(page)
    expect_step(page, 4, "选择相关业绩")

    # Step 4: both achievements; the collective one needs the contributor evidence.
    page.get_by_role("checkbox", name=world["single"].title).check()
    page.get_by_role("checkbox", name=world["collective"].title).check()
    next_step(page)
    row = page.locator(f"#achievement-{world['collective'].id}")
    expect(row.get_by_role("alert")).to_have_text(f"集体项目“{world['collective'].title}”须上传本人系主要贡献者的依据。")
    expect_step(page, 4, "选择相关业绩")
    expect(page.get_by_role("checkbox", name=world["single"].title)).to_be_checked()
    page.get_by_label(f"“{world['collective'].title}”主要贡献者依据").set_input_files(world["files"]["pdf"])
    next_step(page)
    expect_step(page, 5, "上传相关附件")

    # Step 5: 继续教育 hours (89 refused, 90 accepted) and a scan for every item of the checklist.
    first, *others = world["plan"].years_checked
    page.get_by_label(f"{first}年继续教育学时", exact=True).fill("89")
    for year in others:
        page.get_by_label(f"{year}年继续教育学时", exact=True).fill("90")
    uploads = wizard(page).locator("table.checklist input[type=file]")
    expect(uploads.first).to_be_visible()
    for index in range(uploads.count()):
        uploads.nth(index).set_input_files(world["files"]["pdf"])
    next_step(page)
    expect(field(page, f"{first}年继续教育学时").get_by_role("alert")).to_have_text(
        f"{first} 年继续教育 89 学时，每年须满 90 学时。")
    expect(wizard(page).locator("table.checklist")).not_to_contain_text("未上传")
    page.get_by_label(f"{first}年继续教育学时", exact=True).fill("90")
    next_step(page)
    expect_step(page, 6, "预览确认提交")
    assert page.evaluate("window.sameDocument") is True, "steps 2–6 should swap the wizard panel (htmx), not reload"

    # Step 6: everything on one page, then 提交.
    main = page.get_by_role("main")
    for text in (world["user"].real_name, "正常申报", world["profession"], "施工与监理类", world["committee"],
                 "、".join(f"{year}合格" for year in world["years"]), "负责 住宅工程", world["single"].title,
                 world["collective"].title, "主要贡献者依据", f"{first}年继续教育", "90 学时"):
        expect(main).to_contain_text(text)
    expect(page.get_by_role("img", name="证件照")).to_be_visible()
    expect(main.locator(".error")).to_have_count(0)
    page.on("dialog", lambda dialog: dialog.accept())
    page.get_by_label("本人确认以上申报信息真实、准确、完整").check()
    page.get_by_role("button", name="提交").click()

    expect(page.get_by_role("heading", name="申报内容（第 1 次提交的版本）")).to_be_visible()
    expect(main.locator("#submission-1")).to_contain_text("首次提交")
    expect(main.locator("p").filter(has_text="当前：")).to_contain_text(f"{world['user'].organisation.name}，待单位审核")
    expect(page.get_by_role("status")).to_contain_text("申报已提交")
    expect(page.get_by_role("banner")).to_have_count(1)
    expect(page).to_have_url(re.compile(r"/applications/\d+$"))
    expect(page.get_by_role("button", name="下一步")).to_have_count(0)
    expect(main).to_contain_text(world["collective"].title)
    assert problems == []


def test_the_wizard_works_without_javascript(page_without_js, phone, world):
    page = page_without_js
    log_in_and_apply(page, world)
    upload_photo(page, world)

    sign_on_phone(phone, signing_link(page))
    next_step(page)
    expect_step(page, 3, "填写申报信息")

    page.get_by_label("自评申报", exact=True).check()
    page.get_by_role("button", name="开始自评").click()
    expect(page.locator("#score-total")).to_have_text("自评总分 0 分（须达到 105 分）")
    fill_info(page, world)
    page.get_by_label("本人述职").fill("负责住宅工程施工技术管理。")
    page.get_by_label("自评申报", exact=True).check()
    page.get_by_label("大学本科学历或学士学位").fill("1")
    next_step(page)
    expect_step(page, 3, "填写申报信息")
    expect(wizard(page).get_by_role("alert").filter(has_text="自评分")).to_have_text(
        "自评分 15 分，须达到 105 分才能以自评申报。")
    expect(page.locator("#score-total")).to_have_text("自评总分 15 分（须达到 105 分）")
    expect(page.get_by_label("本人述职")).to_have_value("负责住宅工程施工技术管理。")

    page.get_by_label("正常申报", exact=True).check()
    next_step(page)
    expect_step(page, 4, "选择相关业绩")
    expect(page.get_by_role("checkbox", name=world["single"].title)).to_be_visible()


def test_an_applicant_without_a_phone_signs_with_the_mouse_and_comes_back_to_step_3(page, world):
    problems = console_problems(page)
    log_in_and_apply(page, world)
    upload_photo(page, world)
    page.get_by_role("button", name="在本电脑上签名").click()  # a POST with its CSRF token: it issues a signing link
    expect(page.get_by_role("heading", name="专业技术资格申报材料真实性保证书")).to_be_visible()
    draw_signature(page)
    page.get_by_role("button", name="确认签名").click()
    expect_step(page, 3, "填写申报信息")
    expect(page.get_by_text("个人承诺已签署。")).to_be_visible()
    assert problems == []
