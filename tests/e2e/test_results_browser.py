"""The results 公示 clicked through in Chromium: the committee office publishes it, a visitor objects on the public page
(no login, 图形验证码), the office dismisses the objection, and after the period the office confirms: the applicant
sees 评审通过. "After the period" is set by moving the stored period into the past, as the unit's 公示 tests do."""
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from models import CaptchaChallenge, ResultPublicity, Role
from tests.chain_world import decided, staff
from tests.conftest import make_unit
from tests.e2e.test_review_chain_browser import flash, log_in, log_out, menu, row
from tests.wizard_world import open_plan

pytestmark = pytest.mark.browser


def latest_captcha_answer():
    return CaptchaChallenge.select().order_by(CaptchaChallenge.id.desc()).get().answer


def test_publish_object_dismiss_confirm(page):
    plan, unit = open_plan(3), make_unit("越城建工集团")
    officer = staff(Role.COMMITTEE_OFFICE, committee_number=3, username="pwh_3")
    application = decided(plan, unit, 1, officer.organisation, name="李通过")
    applicant = application.applicant
    applicant.password_hash = officer.password_hash  # the same PASSWORD
    applicant.save()
    page.on("dialog", lambda dialog: dialog.accept())

    log_in(page, officer)
    menu(page).get_by_role("link", name="评审结果公示", exact=True).click()
    page.get_by_label("评审工作计划").select_option(label=plan.title)
    page.get_by_role("button", name="显示待公示人员").click()
    expect(page.get_by_role("checkbox", name="选择 李通过")).to_be_checked()
    page.wait_for_load_state()
    page.get_by_role("button", name="发布公示").click()
    expect(flash(page)).to_contain_text("评审结果公示已发布")
    log_out(page)

    page.goto("/")
    page.get_by_role("link", name="评审结果公示").click()
    expect(row(page, "李通过")).to_contain_text("工程师")
    expect(page.get_by_role("main")).not_to_contain_text(applicant.id_number)
    page.get_by_role("link", name="提出异议").click()
    page.get_by_label("对哪位公示对象提出异议").select_option(label=f"李通过（越城建工集团，{application.profession.name}）")
    page.get_by_label("您的真实姓名").fill("钱举报")
    page.get_by_label("联系方式").fill("13911112222")
    page.get_by_label("异议内容").fill("其某工程业绩证明疑似伪造。")
    expect(page.locator("#captcha-image")).to_have_js_property("complete", True)
    page.get_by_label("图形验证码").fill(latest_captcha_answer())
    page.get_by_role("button", name="提交异议").click()
    expect(flash(page)).to_have_text("您的异议已提交，评委会办公室将核查处理。")

    log_in(page, officer)
    menu(page).get_by_role("link", name="异议处理", exact=True).click()
    row(page, "钱举报").get_by_role("link", name="处理").click()
    expect(page.get_by_role("main")).to_contain_text("其某工程业绩证明疑似伪造。")
    page.get_by_role("radio", name="不成立（维持公示结果）").check()
    page.get_by_label("书面处理意见").fill("经向建设单位核实，业绩证明真实。")
    page.get_by_role("button", name="提交处理结论").click()
    expect(flash(page)).to_contain_text("已处理：不成立")
    publicity = ResultPublicity.get()
    expect(page.get_by_role("main")).to_contain_text(f"公示期至 {publicity.ends_on}，{publicity.ends_on + timedelta(days=1)} 起可确认")
    expect(page.get_by_role("button", name="确认评审结果")).to_be_disabled()

    ResultPublicity.update(starts_on=date.today() - timedelta(days=9), ends_on=date.today() - timedelta(days=1)).execute()
    page.reload()
    page.get_by_role("button", name="确认评审结果").click()
    expect(flash(page)).to_have_text("已确认：1 人评审通过，0 人评审未通过。")
    log_out(page)

    log_in(page, applicant)
    menu(page).get_by_role("link", name="我的申报", exact=True).click()
    expect(page.locator(f"#application-{application.id}")).to_contain_text("评审通过")
