"""The 花名册 and a batch made by a real huey worker, in Chromium: the progress bar polls until the job is done."""
import signal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

import tasks
from models import Role
from tests.chain_world import staff
from tests.e2e.test_review_chain_browser import log_in, menu
from tests.test_committee import office_of
from tests.test_roster import entry
from tests.wizard_world import make_unit, open_plan

pytestmark = pytest.mark.browser


@pytest.fixture
def queued(app, monkeypatch):
    """Jobs go to the SQLite queue (not run at once); `start()` starts a consumer, stopped after the test."""
    monkeypatch.setattr(tasks, "_worker_app", app)
    tasks.huey.immediate = False
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer = tasks.huey.create_consumer(workers=1, worker_type="thread", periodic=False, initial_delay=0.05,
                                          max_delay=0.2)
    yield consumer.start
    consumer.stop(graceful=True)
    tasks.huey.immediate = True
    for number, handler in handlers.items():
        signal.signal(number, handler)


def test_an_office_reads_the_roster_and_makes_it_in_the_background(page, queued):
    plan, unit = open_plan(), make_unit("越城建工集团")
    for number, name in enumerate(("王一", "李二", "赵三"), 1):
        entry(plan, unit, number, office_of(3), name=name)
    log_in(page, staff(Role.COMMITTEE_OFFICE, committee_number=3, username="pwh_roster"))
    menu(page).get_by_role("link", name="评委会评审对象花名册", exact=True).click()
    page.get_by_label("评审工作计划").select_option(str(plan.id))
    page.get_by_role("button", name="查询").click()
    table = page.locator("table.roster")
    expect(table.locator("tbody tr")).to_have_count(3)
    expect(table.locator("tbody tr").first).to_contain_text("王一")
    page.get_by_label("材料").select_option("roster")
    page.get_by_role("button", name="开始生成").click()
    expect(page.get_by_text("排队中")).to_be_visible()
    expect(page.get_by_label("生成进度")).to_have_attribute("value", "0")
    queued()  # the worker comes up only now: the page must notice by itself
    expect(page.get_by_text("已完成")).to_be_visible(timeout=20_000)
    expect(page.get_by_label("生成进度")).to_have_attribute("value", "100")
    with page.expect_download() as download:
        page.get_by_role("link", name="下载").click()
    assert download.value.suggested_filename.endswith("办公室）.xlsx")
    with open(download.value.path(), "rb") as saved:
        sheet = load_workbook(saved).active
    assert [sheet.cell(row, 2).value for row in range(3, 6)] == ["王一", "李二", "赵三"]
