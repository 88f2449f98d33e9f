"""Issue 3 clicked through in Chromium: a unit registers with its letter, the administrator approves it, an applicant
picks it in 个人基本信息 and adds a project, the unit returns it with a reason, the applicant edits it, the unit passes it."""
import re

import pytest
from playwright.sync_api import expect

from models import Role
from tests.conftest import PASSWORD, make_applicant, make_user
from tests.samples import CODE_A, jpeg, pdf

pytestmark = pytest.mark.browser

UNIT = "绍兴越城建工有限公司"
PROJECT = "越城区某住宅小区工程"


def log_in(page, username):
    page.goto("/login")
    page.get_by_label("登录名（申报人员为手机号）").fill(username)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="登录", exact=True).click()
    expect(page.get_by_role("navigation", name="功能菜单")).to_be_visible()


def log_out(page):
    page.get_by_role("button", name="退出", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("您已安全退出。")


def open_menu(page, item):
    page.get_by_role("navigation", name="功能菜单").get_by_role("link", name=item, exact=True).click()


def field(page, label):
    return page.locator(".field").filter(has=page.get_by_label(label, exact=True))


def register_the_unit(page):
    page.goto("/unit/register")
    page.get_by_label("单位名称").fill(UNIT)
    page.get_by_label("统一社会信用代码").fill(CODE_A[:17] + ("0" if CODE_A[17] != "0" else "1"))
    page.get_by_label("所属地区").select_option(label="越城区")
    page.get_by_label("单位性质").select_option(label="民营企业")
    page.get_by_label("否").check()
    page.get_by_label("单位经办人姓名").fill("王人事")
    page.get_by_label("经办人手机号").fill("13700000011")
    page.get_by_label("授权委托证明").set_input_files(
        files=[{"name": "授权委托证明.pdf", "mimeType": "application/pdf", "buffer": pdf()}])
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="提交注册").click()

    # A wrong check character is shown next to the code; the letter already sent is kept.
    expect(field(page, "统一社会信用代码").get_by_role("alert")).to_contain_text("校验位错误")
    expect(page.get_by_label("单位名称")).to_have_value(UNIT)
    expect(page.get_by_text("已上传：授权委托证明.pdf")).to_be_visible()
    page.get_by_label("统一社会信用代码").fill(CODE_A)
    page.get_by_label("密码", exact=True).fill(PASSWORD)
    page.get_by_label("确认密码").fill(PASSWORD)
    page.get_by_role("button", name="提交注册").click()

    expect(page.get_by_role("status")).to_contain_text(f"“{UNIT}”已注册，授权委托证明已提交平台管理员审核")
    expect(page.locator(".status-line")).to_contain_text("待审核")
    expect(page.get_by_role("link", name="授权委托证明.pdf")).to_be_visible()
    log_out(page)


def approve_the_unit(page, admin):
    log_in(page, admin.username)
    open_menu(page, "单位审核")
    page.get_by_role("link", name=UNIT).click()
    letter = page.get_by_role("link", name="授权委托证明.pdf")
    expect(letter).to_have_attribute("href", re.compile(r"^/files/\d+$"))
    assert page.request.get(letter.get_attribute("href")).body() == pdf(), "the administrator can open the letter"
    with page.expect_navigation():
        page.get_by_role("button", name="通过", exact=True).click()  # confirm() is accepted, see the test
    expect(page.get_by_role("status")).to_have_text(f"“{UNIT}”已审核通过，已通知单位经办人。")
    log_out(page)


def fill_profile(page):
    open_menu(page, "个人基本信息")
    page.get_by_label("从事工程技术工作起始时间").fill("2008-07-01")
    page.get_by_label("现工作单位").select_option(label=f"{UNIT}（越城区）")
    page.get_by_label("学历", exact=True).select_option(label="大学本科")
    page.get_by_label("学位", exact=True).select_option(label="学士")
    page.get_by_label("毕业院校").fill("浙江大学")
    page.get_by_label("所学专业").fill("土木工程")
    page.get_by_label("毕业时间").fill("2008-06-30")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("status")).to_have_text("个人基本信息已保存。")
    expect(page.locator("#work-years")).to_contain_text("年（按工作起始时间计算的实足年限）")
    expect(page.get_by_label("现工作单位")).to_have_value(re.compile(r"^[1-9]\d*$"))


def add_project(page):
    open_menu(page, "我的业绩档案")
    page.get_by_role("link", name="工程项目", exact=True).click()
    page.get_by_label("项目名称").fill(PROJECT)
    page.get_by_label("本人角色").fill("项目技术负责人")
    page.get_by_label("开始时间").fill("2016-03-01")
    page.get_by_label("结束时间").fill("2018-06-30")
    page.get_by_label("规模或投资额").fill("建筑面积 5.2 万平方米")
    page.get_by_label("附件").set_input_files(
        files=[{"name": "施工合同.jpg", "mimeType": "image/jpeg", "buffer": jpeg()}])
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("status")).to_have_text(f"业绩“{PROJECT}”已保存，等待单位审核。")
    expect(page.get_by_role("link", name="施工合同.jpg")).to_be_visible()


def unit_decides(page, action, reason=""):
    log_in(page, "13700000011")
    open_menu(page, "业绩档案审核")
    row = page.locator("tbody tr").filter(has_text=PROJECT)
    expect(row).to_contain_text("张三")
    row.get_by_role("link", name=PROJECT).click()
    expect(page.get_by_role("link", name="施工合同.jpg")).to_be_visible()
    if reason:
        page.get_by_label("理由 / 意见（退回时必填）").fill(reason)
    page.get_by_role("button", name=action, exact=True).click()
    expect(page.get_by_role("status")).to_have_text(f"业绩“{PROJECT}”已{action}。")
    log_out(page)


def test_unit_registration_to_a_passed_achievement(page):
    page.on("dialog", lambda dialog: dialog.accept())
    admin = make_user(Role.ADMIN, "root")
    applicant = make_applicant()

    register_the_unit(page)
    approve_the_unit(page, admin)

    log_in(page, applicant.username)
    fill_profile(page)
    add_project(page)
    log_out(page)

    unit_decides(page, "退回", "缺少竣工验收证明")

    log_in(page, applicant.username)
    expect(page.get_by_text(f"业绩“{PROJECT}”被单位退回")).to_be_visible()
    open_menu(page, "我的业绩档案")
    expect(page.locator("tbody tr").filter(has_text=PROJECT)).to_contain_text("已退回")
    page.get_by_role("link", name=PROJECT).click()
    expect(page.get_by_role("alert")).to_have_text("单位退回理由：缺少竣工验收证明。请修改后保存，将重新提交单位审核。")
    page.get_by_role("link", name="修改", exact=True).click()
    page.get_by_label("附件").set_input_files(
        files=[{"name": "竣工验收证明.pdf", "mimeType": "application/pdf", "buffer": pdf()}])
    page.get_by_role("button", name="保存", exact=True).click()
    expect(page.get_by_role("link", name="竣工验收证明.pdf")).to_be_visible()
    expect(page.locator(".kv")).to_contain_text("待审核（第 2 版")
    log_out(page)

    unit_decides(page, "通过")

    log_in(page, applicant.username)
    open_menu(page, "我的业绩档案")
    expect(page.locator("tbody tr").filter(has_text=PROJECT)).to_contain_text("已通过")
