"""Step 7 费用缴纳 clicked through in Chromium: the HR bureau charges, the construction bureau's 审核推荐 hands the
application over, the applicant sees the notice (and the SMS is in the outbox), the bureau imports a bank statement
(preview, then confirm) and the applicant sees 已缴费."""
import pytest
from playwright.sync_api import expect

from models import ApplicationStatus, FeeNotice, Role, SmsMessage, Stage
from tests.chain_world import place, staff
from tests.conftest import organisation
from tests.e2e.test_review_chain_browser import flash, log_in, log_out, open_menu, row, submitted_for_browser

pytestmark = pytest.mark.browser


def test_an_office_charges_and_a_statement_marks_the_fee_paid(app, page, tmp_path):
    application, applicant = submitted_for_browser(app)
    place(application, ApplicationStatus.STAGE_PASSED, Stage.CONSTRUCTION_BUREAU,
          organisation(Role.CONSTRUCTION_BUREAU, "越城区"))
    construction, hr = staff(Role.CONSTRUCTION_BUREAU, username="jsj_fee"), staff(Role.HR_BUREAU, username="rsj_fee")

    page.on("dialog", lambda dialog: dialog.accept())  # 审核推荐 asks before it moves every passed application
    log_in(page, hr)
    open_menu(page, "收费设定")
    page.get_by_label("收费金额（元）").fill("300")
    page.get_by_label("收费名称").fill("评审费")
    page.get_by_label("缴费期限（工作日）").fill("5")
    page.get_by_label("收款单位、开户行及账号").fill("越城区人力社保局 工商银行 1211")
    page.get_by_role("button", name="保存", exact=True).click()
    expect(flash(page)).to_have_text("收费设定已保存。")
    log_out(page)

    log_in(page, construction)
    open_menu(page, "审核推荐")
    page.get_by_role("button", name="审核推荐", exact=True).click()
    expect(flash(page)).to_contain_text("1 件已推荐至")
    log_out(page)

    notice = FeeNotice.get(FeeNotice.application == application)
    sms = SmsMessage.select().where(SmsMessage.user == applicant).order_by(SmsMessage.id.desc()).first()
    assert sms.body.startswith("【12333】您申报的") and notice.reference in sms.body

    log_in(page, applicant)
    page.goto(f"/applications/{application.id}/fees")
    card = page.locator(f"#fee-{notice.id}")
    expect(card).to_contain_text("待缴费")
    expect(card).to_contain_text(notice.reference)
    expect(card).to_contain_text("越城区人力社保局 工商银行 1211")
    log_out(page)

    statement = tmp_path / "流水.csv"
    statement.write_bytes(f"交易日期,贷方金额,付款人,摘要\r\n2026-03-02,300.00,{applicant.real_name},{notice.reference}\r\n"
                          .encode("gbk"))
    log_in(page, hr)
    open_menu(page, "缴费管理")
    expect(row(page, applicant.real_name)).to_contain_text("待缴费")
    page.get_by_role("link", name="导入银行流水").click()
    page.get_by_label("流水文件（CSV）").set_input_files(str(statement))
    page.get_by_role("button", name="预览").click()
    expect(page.locator("#matched-count")).to_have_text("1")
    assert FeeNotice.get_by_id(notice.id).state.value == "pending"  # the preview changes nothing
    page.get_by_role("button", name="确认导入 1 笔").click()
    expect(flash(page)).to_contain_text("已确认 1 笔缴费")
    expect(row(page, applicant.real_name)).to_contain_text("已缴费")
    log_out(page)

    log_in(page, applicant)
    page.goto(f"/applications/{application.id}/fees")
    expect(page.locator(f"#fee-{notice.id}")).to_contain_text("已缴费")
