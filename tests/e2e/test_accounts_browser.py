"""Accounts clicked through in Chromium: registration, log in and out, each role's menu, assigned accounts, the captcha."""
import re

import pytest
from playwright.sync_api import expect

from models import CaptchaChallenge
from services.demo import DEMO_PASSWORD, seed_demo
from services.reference import BUREAUS
from tests.conftest import ID_MALE, PASSWORD, make_applicant

pytestmark = pytest.mark.browser

WRONG_CHECK_DIGIT = ID_MALE[:17] + "4"

# Demo login → what its home page says, the organisation it is bound to, and menu items it must show.
ROLE_HOMES = [
    ("13800000001", "申报人员首页", None, ["个人基本信息", "我的业绩档案", "高级职称评审", "中级职称评审"]),
    ("unit_demo", "用人单位首页", "绍兴示范建设集团有限公司", ["业绩档案审核", "职称申报资格审查"]),
    ("jsj_yuecheng", "建设主管部门首页", "越城区住房和城乡建设局", ["收费设定", "缴费管理", "待审查", "审核推荐", "评委会评审对象花名册"]),
    ("rsj_yuecheng", "人力社保部门首页", "越城区人力社保局", ["收费设定", "缴费管理", "待审查", "审核推荐", "评委会评审对象花名册"]),
    ("talent_demo", "人才交流中心首页", "绍兴市人才交流中心", ["收费设定", "缴费管理", "待审查", "审核推荐", "评委会评审对象花名册"]),
    ("pwh_yuecheng", "评委会办公室首页", "越城区建设工程中级专业技术职务任职资格评审委员会办公室",
     ["评审对象", "专家库", "评委会组成", "评审会议", "评委会评审对象花名册", "评审结果公示", "异议处理", "复查申请", "电子证书",
      "诚信档案", "收费设定", "缴费管理"]),
    ("expert_demo", "评审专家首页", None, ["我的评审会议"]),
    ("admin", "平台管理员首页", None, ["账号管理", "评委会与专业", "诚信档案", "短信发件箱", "操作日志"]),
]
EVERY_ITEM = {item for *_, items in ROLE_HOMES for item in items}


def menu(page):
    return page.get_by_role("navigation", name="功能菜单")


def field(page, label):
    """A form field's block: its label, input, help text and the errors shown next to it."""
    return page.locator(".field").filter(has=page.get_by_label(label, exact=True))


def log_in(page, username, password):
    page.goto("/login")
    page.get_by_label("登录名（申报人员为手机号）").fill(username)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录", exact=True).click()


def log_out(page):
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("您已安全退出。")
    expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
    expect(menu(page)).to_have_count(0)


def fill_registration(page, id_number):
    page.get_by_label("手机号").fill("13912345678")
    page.get_by_label("真实姓名").fill("李建国")
    page.get_by_label("身份证号").fill(id_number)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="注册", exact=True).click()


def test_applicant_registers_sees_home_and_logs_out_and_in(page):
    page.goto("/")
    page.get_by_role("link", name="申报人员注册").click()
    expect(page.get_by_role("heading", name="申报人员注册")).to_be_visible()

    fill_registration(page, WRONG_CHECK_DIGIT)
    expect(field(page, "身份证号").get_by_role("alert")).to_have_text(
        "身份证号校验位错误：第 18 位“4”与前 17 位不符，请核对号码。")
    expect(page.get_by_label("身份证号")).to_have_attribute("aria-invalid", "true")
    expect(page.get_by_label("身份证号")).to_have_value(WRONG_CHECK_DIGIT)
    expect(page.get_by_label("手机号")).to_have_value("13912345678")
    expect(page.get_by_label("真实姓名")).to_have_value("李建国")
    expect(field(page, "手机号").get_by_role("alert")).to_have_count(0)
    expect(menu(page)).to_have_count(0)

    fill_registration(page, ID_MALE)
    expect(page.get_by_role("status")).to_have_text(
        "注册信息已提交。请用手机号和刚才设置的密码登录；如该手机号或身份证号此前已注册，我们已向原注册手机发送短信，请用原账号登录。")
    expect(page.get_by_role("heading", name="登录", exact=True)).to_be_visible()
    log_in(page, "13912345678", PASSWORD)
    expect(page.get_by_role("heading", name="申报人员首页")).to_be_visible()
    expect(page.get_by_role("banner")).to_contain_text("李建国（申报人员）")
    for item in ("个人基本信息", "我的业绩档案", "高级职称评审", "中级职称评审"):
        expect(menu(page).get_by_role("link", name=item, exact=True)).to_be_visible()

    log_out(page)
    log_in(page, "13912345678", PASSWORD)
    expect(page.get_by_role("heading", name="申报人员首页")).to_be_visible()


@pytest.mark.parametrize(("username", "heading", "organisation", "items"), ROLE_HOMES,
                         ids=[row[0] for row in ROLE_HOMES])
def test_each_demo_role_lands_on_its_own_menu(page, username, heading, organisation, items):
    seed_demo()
    log_in(page, username, DEMO_PASSWORD)
    expect(page.get_by_role("heading", name=heading, exact=True)).to_be_visible()
    if organisation:
        expect(page.get_by_role("main")).to_contain_text(f"所属机构：{organisation}")
    for item in items:
        expect(menu(page).get_by_role("link", name=item, exact=True)).to_be_visible()
    for item in sorted(EVERY_ITEM - set(items)):
        expect(menu(page).get_by_role("link", name=item, exact=True)).to_have_count(0)
    log_out(page)


def test_admin_assigns_a_bureau_account_whose_holder_must_change_the_password(page):
    seed_demo()
    log_in(page, "admin", DEMO_PASSWORD)
    menu(page).get_by_role("link", name="账号管理").click()
    page.get_by_role("link", name="新建统一分配账号").click()
    page.wait_for_load_state()  # htmx must be running before the role changes, or the change reloads nothing

    organisation = page.get_by_label("所属机构")
    expect(organisation.locator("option")).to_have_text(["市直 · 绍兴市人才交流中心"])
    page.get_by_label("账号类型").select_option(label="建设主管部门")
    expect(organisation.locator("option")).to_have_text(
        [f"{region} · {construction}" for region, (construction, _hr) in BUREAUS.items()])

    organisation.select_option(label="越城区 · 越城区住房和城乡建设局")
    page.get_by_label("登录名").fill("jsj_yuecheng2")
    page.get_by_label("经办人姓名").fill("周审查")
    page.get_by_label("经办人手机号").fill("13700000003")
    page.get_by_role("button", name="创建账号").click()

    expect(page.get_by_role("heading", name="账号已创建")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("jsj_yuecheng2（周审查，建设主管部门，越城区住房和城乡建设局）")
    temporary = page.locator(".secret")
    expect(temporary).to_have_text(re.compile(r"^[A-Za-z0-9]{8,}$"))
    password = temporary.inner_text()

    log_out(page)
    log_in(page, "jsj_yuecheng2", password)
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()
    expect(page.get_by_role("status")).to_have_text("您的密码是管理员分配或重置的临时密码，请先修改密码。")
    page.goto("/home")
    expect(page.get_by_role("heading", name="修改密码")).to_be_visible()

    page.get_by_label("当前密码").fill(password)
    page.get_by_label("新密码", exact=True).fill("Yuecheng2026")
    page.get_by_label("确认新密码").fill("Yuecheng2026")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_have_text("密码已修改，其他设备上的登录已退出。")
    expect(page.get_by_role("heading", name="建设主管部门首页")).to_be_visible()
    expect(page.get_by_role("main")).to_contain_text("所属机构：越城区住房和城乡建设局")
    expect(menu(page).get_by_role("link", name="收费设定")).to_be_visible()


def test_three_wrong_passwords_bring_a_captcha_and_never_a_lock(page):
    make_applicant(mobile="13900000001")
    for attempt in range(3):
        log_in(page, "13900000001", "Wrong1234")
        expect(page.get_by_role("alert")).to_have_text("登录名或密码错误。")
        expect(page.get_by_alt_text("图形验证码")).to_have_count(1 if attempt == 2 else 0)

    image = page.get_by_alt_text("图形验证码")
    expect(image).to_have_js_property("naturalWidth", 160)  # drawn, and not blocked by the Content-Security-Policy
    first = image.get_attribute("src")
    page.get_by_role("button", name="看不清，换一张").click()
    expect(image).not_to_have_attribute("src", first)
    expect(image).to_have_js_property("naturalWidth", 160)

    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("图形验证码").fill(CaptchaChallenge.select().order_by(CaptchaChallenge.id.desc()).get().answer)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("heading", name="申报人员首页")).to_be_visible()
