"""一次性告知 in Chromium: the construction bureau returns with two ticked parts, the applicant's wizard marks exactly
those two, the applicant changes one and submits again, and the unit reviewer sees what changed since."""
import json

import pytest
from playwright.sync_api import expect

from models import Role, Stage
from tests.chain_world import place, staff
from tests.conftest import organisation
from tests.e2e.test_review_chain_browser import decide, flash, log_in, log_out, open_menu, row, submitted_for_browser
from tests.samples import pdf

pytestmark = pytest.mark.browser

REASON = "业绩证明与申报专业不符，社保证明不清晰，请一次改全"


def test_a_return_names_two_parts_the_wizard_marks_them_and_the_reviewer_sees_the_changes(page, app, tmp_path):
    application, applicant = submitted_for_browser(app)
    application = place(application, application.status.PENDING, Stage.CONSTRUCTION_BUREAU,
                        organisation(Role.CONSTRUCTION_BUREAU, "越城区"))
    data = json.loads(application.submissions.get().snapshot)
    achievement, attachment = data["achievements"][0], data["attachments"][0]
    parts = [f"相关业绩“{achievement['title']}”", attachment["label"]]
    name = applicant.real_name
    page.on("dialog", lambda dialog: dialog.accept())

    log_in(page, staff(Role.CONSTRUCTION_BUREAU, username="jsj_return"))
    open_menu(page, "待审查")
    decide(page, name, "退回修改", REASON, queue="待审查", parts=parts)
    expect(flash(page)).to_have_text(f"已退回修改：{name}。")
    log_out(page)

    # The applicant: the step list marks steps 4 and 5; the achievement row and the attachment row, and nothing else.
    log_in(page, applicant)
    open_menu(page, "我的申报")
    row(page, application.plan.title).get_by_role("link", name="继续填写（第 6 步）").click()
    page.wait_for_load_state()
    notice = page.locator("#returned")
    expect(notice).to_contain_text(REASON)
    for part in parts:
        expect(notice).to_contain_text(part)
    marked_steps = page.locator("ol.steps li.must-change")
    expect(marked_steps).to_have_count(2)
    expect(marked_steps.nth(0)).to_contain_text("4. 选择相关业绩")
    expect(marked_steps.nth(1)).to_contain_text("5. 上传相关附件")

    marked_steps.nth(0).get_by_role("link").click()
    page.wait_for_load_state()
    expect(page.locator("tr.must-change")).to_have_count(1)
    expect(page.locator(f"#achievement-{achievement['id']}")).to_have_class("must-change")

    page.locator("ol.steps li.must-change").nth(1).get_by_role("link").click()
    page.wait_for_load_state()
    expect(page.locator("tr.must-change")).to_have_count(1)
    marked_row = page.locator(f"#item-{attachment['key']}")
    expect(marked_row).to_have_class("must-change")
    scan = tmp_path / "社保证明（清晰版）.pdf"
    scan.write_bytes(pdf())
    marked_row.locator("input[type=file]").set_input_files(scan)
    page.get_by_role("button", name="下一步").click()
    expect(page.get_by_role("heading", name="第 6 步：预览确认提交")).to_be_visible()
    page.get_by_label("本人确认以上申报信息真实、准确、完整").check()
    page.get_by_role("button", name="提交", exact=True).click()
    expect(page.locator("main .status")).to_have_text("待单位审核")
    log_out(page)

    # The unit reviewer: what was asked, and what changed since the returned version, at the top of the page.
    log_in(page, staff(Role.UNIT, unit=application.unit, username="unit_return"))
    open_menu(page, "职称申报资格审查")
    row(page, name).get_by_role("link", name="审查", exact=True).click()
    since = page.locator("#since-return")
    expect(since).to_contain_text("第 2 次提交与第 1 次（被退回的版本）相比")
    expect(since).to_contain_text(REASON)
    expect(since.locator("ul.asked-parts li")).to_have_text(parts)
    expect(since.locator("table.diff")).to_contain_text(attachment["label"])
    expect(since.locator("table.diff")).to_contain_text("社保证明（清晰版）.pdf")
