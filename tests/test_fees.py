"""Step 7 费用缴纳 (issue 10): 收费设定, fee notices, payments one by one and from a bank statement, 免收, reminders."""
import base64
import io
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from werkzeug.security import generate_password_hash

from models import (
    Application,
    ApplicationStatus,
    AuditLog,
    FeeNotice,
    FeeSetting,
    FeeState,
    Level,
    Profession,
    ReviewAction,
    Role,
    SmsMessage,
    Stage,
)
from services import fees
from tests.chain_world import as_user, compose, decide, filed, meeting_tally, publicise_and_send, staff, submitted
from tests.conftest import PASSWORD, make_unit, organisation
from tests.wizard_world import open_plan
from workflow.fees import issue_notice, send_fee_reminders, set_fee

S = ApplicationStatus
REFERENCE = fees.reference(12, 345)


# ---------------------------------------------------------------- the payment reference

def test_a_reference_is_office_application_and_check_character():
    assert REFERENCE[:12] == "001200000345" and fees.is_valid_reference(REFERENCE)
    assert fees.reference(1, 1) != fees.reference(11, 0) and len(fees.reference(9999, 99999999)) == 13


@pytest.mark.parametrize("position", range(13))
def test_every_single_mistyped_character_is_caught(position):
    for char in "0123456789X":
        typo = REFERENCE[:position] + char + REFERENCE[position + 1:]
        assert fees.is_valid_reference(typo) is (typo == REFERENCE), typo


@pytest.mark.parametrize("position", range(12))
def test_two_swapped_neighbours_are_caught(position):
    swapped = REFERENCE[:position] + REFERENCE[position + 1] + REFERENCE[position] + REFERENCE[position + 2:]
    assert swapped == REFERENCE or not fees.is_valid_reference(swapped)


# ---------------------------------------------------------------- 收费设定 and notices

def charging(role=Role.HR_BUREAU, amount="300.00", days=3, committee_number=3):
    office = staff(role, committee_number=committee_number if role == Role.COMMITTEE_OFFICE else None)
    set_fee(office.organisation, office, True, amount, "评审费", days, 1, "绍兴市某某账户 3301")
    return office


def held(count=1, status=S.STAGE_PASSED):
    """Applications the 越城区 construction bureau passed, ready for 审核推荐 to the HR bureau."""
    plan, unit, bureau = open_plan(), make_unit("越城建工集团"), organisation(Role.CONSTRUCTION_BUREAU, "越城区")
    return [filed(plan, unit, n, bureau, status, Stage.CONSTRUCTION_BUREAU) for n in range(1, count + 1)]


def test_committee_offices_have_a_fee_setting_too(client):
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    as_user(client, office)
    response = client.post("/review/fees", data={"charges": "yes", "amount": "500", "fee_name": "中推高推荐费",
                                                 "deadline_days": "5", "reminder_days": "2", "payee": "某银行 123"},
                           follow_redirects=True)
    assert "收费设定已保存" in response.get_data(as_text=True)
    setting = FeeSetting.get(FeeSetting.organisation == office.organisation)
    assert (setting.amount, setting.fee_name, setting.deadline_days, setting.payee) == (500, "中推高推荐费", 5, "某银行 123")


@pytest.mark.parametrize("form, error", [
    ({"deadline_days": "0"}, "须为 1–60 个工作日"), ({"deadline_days": "61"}, "须为 1–60 个工作日"),
    ({"deadline_days": "5", "reminder_days": "5"}, "提醒须在缴费期限"),
])
def test_fee_setting_deadline_and_reminder_bounds(client, form, error):
    as_user(client, staff(Role.HR_BUREAU))
    response = client.post("/review/fees", data={"charges": "yes", "amount": "300", **form})
    assert response.status_code == 200 and error in response.get_data(as_text=True)


def test_recommend_issues_one_notice_with_sms_and_a_later_setting_change_leaves_it(client, app):
    office = charging()
    application, = held()
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    assert "1 件已推荐" in client.post("/review/recommend", follow_redirects=True).get_data(as_text=True)
    notice = FeeNotice.get(FeeNotice.application == application)
    due, _ = fees_due(date.today(), 3)
    assert (notice.organisation_id, notice.amount, notice.due_on, notice.state) == (
        office.organisation_id, Decimal("300.00"), due, FeeState.PENDING)
    assert fees.is_valid_reference(notice.reference)
    sms = SmsMessage.select().where(SmsMessage.user == application.applicant).order_by(SmsMessage.id.desc()).first()
    assert sms.body.startswith("【12333】您申报的") and "缴纳300.00元" in sms.body and notice.reference in sms.body
    assert ReviewAction.get(ReviewAction.action == "fee_notice").application_id == application.id
    set_fee(office.organisation, office, True, "999", "评审费", 20, 1, "新账户")
    with app.test_request_context():
        assert issue_notice(application, office.organisation, office) is None  # once per office
    assert FeeNotice.get_by_id(notice.id).amount == Decimal("300.00") and FeeNotice.select().count() == 1


def fees_due(today, days):
    from services.workdays import publicity_end_date
    return publicity_end_date(today, days)


def test_no_notice_from_an_office_that_does_not_charge(client):
    office = staff(Role.HR_BUREAU)
    set_fee(office.organisation, office, False, None)
    held()
    as_user(client, staff(Role.CONSTRUCTION_BUREAU))
    client.post("/review/recommend")
    assert FeeNotice.select().count() == 0


def test_the_deadline_counts_working_days_across_a_holiday(app):
    office = charging()
    application, = held()
    with app.test_request_context():
        notice = issue_notice(application, office.organisation, office, today=date(2025, 9, 30))
    assert notice.due_on == date(2025, 10, 10)  # 9-30, then 国庆 10-1..10-8 are not counted: 10-9, 10-10
    assert notice.shown_state(date(2025, 10, 10)) == FeeState.PENDING
    assert notice.shown_state(date(2025, 10, 11)) == FeeState.OVERDUE


# ---------------------------------------------------------------- applicant's step 7 and the office's list

def issued(app, count=1, amount="300.00"):
    office = charging(amount=amount)
    applications = held(count)
    with app.test_request_context():
        notices = [issue_notice(a, office.organisation, office) for a in applications]
    return office, notices


def as_applicant(client, notice):
    """Log in as a `filed` applicant (created without a usable password)."""
    applicant = notice.application.applicant
    applicant.password_hash = generate_password_hash(PASSWORD)
    applicant.save()
    return as_user(client, applicant)


def test_the_applicant_sees_the_notice_and_prints_it(client, app):
    _, (notice,) = issued(app)
    as_applicant(client, notice)
    page = client.get(f"/applications/{notice.application_id}/fees").get_data(as_text=True)
    assert all(text in page for text in ("待缴费", "300.00", notice.reference, "绍兴市某某账户 3301", str(notice.due_on)))
    printed = client.get(f"/applications/{notice.application_id}/fees/{notice.id}").get_data(as_text=True)
    assert "缴费通知书" in printed and notice.reference in printed


def test_confirming_one_payment_needs_the_exact_amount_and_is_audited(client, app):
    office, (notice,) = issued(app)
    as_user(client, office)
    url = f"/fees/{notice.id}/confirm"
    page = client.post(url, data={"amount": "299.99", "paid_on": str(date.today())}, follow_redirects=True)
    assert "实缴金额 299.99 元与应缴金额 300.00 元不符" in page.get_data(as_text=True)
    tomorrow = date.today() + timedelta(days=1)
    assert "不能晚于今天" in client.post(url, data={"amount": "300", "paid_on": str(tomorrow)},
                                       follow_redirects=True).get_data(as_text=True)
    assert FeeNotice.get_by_id(notice.id).state == FeeState.PENDING
    client.post(url, data={"amount": "300.00", "paid_on": str(date.today()), "note": "现场缴纳"})
    paid = FeeNotice.get_by_id(notice.id)
    assert (paid.state, paid.paid_amount, paid.note) == (FeeState.PAID, Decimal("300.00"), "现场缴纳")
    assert AuditLog.select().where(AuditLog.action == "fee.paid").count() == 1
    assert "已确认" not in client.post(url, data={"amount": "300", "paid_on": str(date.today())},
                                     follow_redirects=True).get_data(as_text=True).split("缴费管理")[0]
    assert ReviewAction.select().where(ReviewAction.action == "fee_paid").count() == 1
    as_applicant(client, notice)
    assert "已缴费" in client.get(f"/applications/{notice.application_id}/fees").get_data(as_text=True)


def test_the_list_counts_filters_searches_and_exports(client, app):
    office, notices = issued(app, 3)
    FeeNotice.update(due_on=date.today() - timedelta(days=1)).where(FeeNotice.id == notices[0].id).execute()
    as_user(client, office)
    page = client.get("/fees/").get_data(as_text=True)
    assert "待缴费（2）" in page and "已逾期（1）" in page and "已缴费（0）" in page
    overdue = client.get("/fees/?state=overdue").get_data(as_text=True)
    assert notices[0].reference in overdue and notices[1].reference not in overdue
    found = client.get(f"/fees/?q={notices[2].reference}").get_data(as_text=True)
    assert notices[2].reference in found and notices[1].reference not in found
    export = client.get("/fees/export.xlsx?state=overdue")
    assert export.status_code == 200 and export.headers["Content-Type"].startswith("application/vnd.openxml")
    cells = [[c.value for c in r] for r in load_workbook(io.BytesIO(export.data)).active.iter_rows()]
    assert [r[5] for r in cells[2:]] == [notices[0].reference] and cells[2][4] == "300.00" and cells[2][7] == "已逾期"


def test_an_office_sees_and_confirms_only_its_own_notices(client, app):
    _, (notice,) = issued(app)
    other = staff(Role.HR_BUREAU, region="柯桥区")
    as_user(client, other)
    assert notice.reference not in client.get("/fees/").get_data(as_text=True)
    assert client.post(f"/fees/{notice.id}/confirm", data={"amount": "300", "paid_on": str(date.today())}).status_code == 404
    assert client.post(f"/fees/{notice.id}/waive", data={"reason": "困难"}).status_code == 404
    assert FeeNotice.get_by_id(notice.id).state == FeeState.PENDING


# ---------------------------------------------------------------- 审核推荐 and 未缴费

def test_recommend_skips_an_unpaid_fee_of_its_own_until_it_is_paid_or_waived(client, app):
    hr = charging()
    plan, unit = open_plan(), make_unit("越城建工集团")
    applications = [filed(plan, unit, n, hr.organisation, S.STAGE_PASSED, Stage.HR_BUREAU) for n in (1, 2)]
    with app.test_request_context():
        for application in applications:
            issue_notice(application, hr.organisation, hr)
    as_user(client, hr)
    assert "0 件已推荐，2 件未缴费未推荐" in client.post("/review/recommend", follow_redirects=True).get_data(as_text=True)
    first = FeeNotice.get(FeeNotice.application == applications[0])
    assert "免收费用必须填写理由" in client.post(f"/fees/{first.id}/waive", data={"reason": ""},
                                           follow_redirects=True).get_data(as_text=True)
    client.post(f"/fees/{first.id}/waive", data={"reason": "低保家庭"})
    flashed = client.post("/review/recommend", follow_redirects=True).get_data(as_text=True)
    assert "1 件已推荐至" in flashed and "，1 件未缴费未推荐。" in flashed
    assert [Application.get_by_id(a.id).status for a in applications] == [S.AT_COMMITTEE, S.STAGE_PASSED]


# ---------------------------------------------------------------- bank statements

def csv_bytes(rows, encoding="utf-8", header="交易日期,贷方金额,付款人,摘要"):
    return "\r\n".join([header, *rows]).encode(encoding)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gbk"])
@pytest.mark.parametrize("header", ["交易日期,金额,付款人,附言", "交易日期,贷方金额,付款人,摘要"])
def test_statements_in_utf8_bom_or_gbk_with_either_headers(encoding, header):
    data = ("某银行账户明细\r\n" + header + "\r\n2026-03-02,\"1,300.00\",张三,评审费 " + REFERENCE + "\r\n").encode(encoding)
    row, = fees.parse_statement(data)
    assert (row.line, row.day, row.amount, row.payer, row.reference) == (3, date(2026, 3, 2), Decimal("1300.00"), "张三",
                                                                        REFERENCE)


@pytest.mark.parametrize("line, error", [
    ("2026-13-40,300,张三,x", "第 3 行：交易日期“2026-13-40”无法识别"),
    ("2026-03-02,三百,张三,x", "第 3 行：金额“三百”不是有效的收款金额"),
    ("2026-03-02,300.001,张三,x", "第 3 行：金额“300.001”"),
    ("2026-03-02,300", "第 3 行：只有 2 列"),
])
def test_a_malformed_line_is_named(line, error):
    with pytest.raises(fees.StatementError, match=error):
        fees.parse_statement(csv_bytes(["20260302,300,李四," + REFERENCE, line]))


@pytest.mark.parametrize("data, error", [
    ("日期,钱\r\n2026-03-02,300".encode(), "找不到表头"),
    (b"\xff\xfe\x00\x00\xc3", "既不是 UTF-8 也不是 GBK"),
    (csv_bytes(['2026-03-02,300,x,"' + "长" * 200_000 + '"']), "不是有效的 CSV"),
])
def test_a_file_that_is_no_statement_is_refused(data, error):
    with pytest.raises(fees.StatementError, match=error):
        fees.parse_statement(data)


def test_the_plan_sorts_rows_into_matched_mismatched_unknown_and_duplicates(app):
    office, (first, second, third) = issued(app, 3)
    wrong_check = first.reference[:12] + ("0" if first.reference[12] != "0" else "1")
    rows = fees.parse_statement(csv_bytes([
        f"2026-03-02,300.00,甲,{first.reference}", f"2026-03-02,300.00,甲,{first.reference}",
        f"2026-03-02,299.99,乙,{second.reference}", f"2026-03-02,300.01,丙,{third.reference}",
        f"2026-03-02,300.00,丁,{wrong_check}", "2026-03-02,300.00,戊,没有附言"]))
    from workflow.fees import statement_plan
    plan = statement_plan(office, rows)
    assert [r.line for r, _ in plan.matched] == [2] and [r.line for r, _ in plan.duplicates] == [3]
    assert [r.line for r, _ in plan.mismatched] == [4, 5] and [r.line for r in plan.unknown] == [6, 7]


def test_import_previews_then_confirms_once_and_twice_confirms_nothing_twice(client, app):
    office, (notice, other) = issued(app, 2)
    data = csv_bytes([f"2026-03-02,300.00,张三,{notice.reference}", f"2026-03-02,299.99,李四,{other.reference}"], "gbk")
    as_user(client, office)
    preview = client.post("/fees/import", data={"statement": (io.BytesIO(data), "流水.csv")},
                          content_type="multipart/form-data")
    assert "确认导入 1 笔" in preview.get_data(as_text=True) and FeeNotice.get_by_id(notice.id).state == FeeState.PENDING
    carried = base64.b64encode(data).decode()
    done = client.post("/fees/import", data={"carried": carried, "confirm": "yes"}, follow_redirects=True)
    assert "已确认 1 笔缴费；金额不符 1 笔" in done.get_data(as_text=True)
    paid = FeeNotice.get_by_id(notice.id)
    assert (paid.state, paid.paid_on, paid.paid_amount) == (FeeState.PAID, date(2026, 3, 2), Decimal("300.00"))
    again = client.post("/fees/import", data={"carried": carried, "confirm": "yes"}, follow_redirects=True)
    assert "已确认 0 笔缴费" in again.get_data(as_text=True) and "重复 1 笔" in again.get_data(as_text=True)
    assert ReviewAction.select().where(ReviewAction.action == "fee_paid").count() == 1
    assert FeeNotice.get_by_id(other.id).state == FeeState.PENDING


@pytest.mark.parametrize("form, message", [
    ({}, "请选择网银导出的 CSV 流水文件。"),
    ({"carried": "不是base64!"}, "请选择网银导出的 CSV 流水文件。"),
    ({"statement": (io.BytesIO(b""), "")}, "请选择网银导出的 CSV 流水文件。"),
    ({"statement": (io.BytesIO(b"x" * (2 * 1024 * 1024 + 1)), "流水.csv")}, "流水文件超过 2 MB，请按日期分段导出。"),
])
def test_an_import_without_a_usable_file_is_refused(client, app, form, message):
    office, (notice,) = issued(app)
    as_user(client, office)
    response = client.post("/fees/import", data={**form, "confirm": "yes"}, content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert FeeNotice.get_by_id(notice.id).state == FeeState.PENDING


def test_a_malformed_statement_changes_nothing(client, app):
    office, (notice,) = issued(app)
    data = csv_bytes([f"2026-03-02,300.00,张三,{notice.reference}", "2026-03-02,abc,李四,x"])
    as_user(client, office)
    response = client.post("/fees/import", data={"carried": base64.b64encode(data).decode(), "confirm": "yes"})
    assert response.status_code == 400 and "第 3 行" in response.get_data(as_text=True)
    assert FeeNotice.get_by_id(notice.id).state == FeeState.PENDING


# ---------------------------------------------------------------- reminders

def test_the_reminder_goes_out_once_from_its_working_day(app):
    office, (notice,) = issued(app)
    FeeNotice.update(due_on=date(2025, 10, 10)).where(FeeNotice.id == notice.id).execute()
    before = SmsMessage.select().count()
    with app.test_request_context():
        assert send_fee_reminders(date(2025, 9, 30)) == 0  # reminder 1 working day before 10-10 is 10-9 (国庆 before)
        assert send_fee_reminders(date(2025, 10, 9)) == 1
        assert send_fee_reminders(date(2025, 10, 9)) == 0
    sms = SmsMessage.select().order_by(SmsMessage.id.desc()).first()
    assert SmsMessage.select().count() == before + 1 and sms.body.startswith("【12333】") and notice.reference in sms.body


def test_no_reminder_after_the_deadline_or_once_paid(app):
    office, (late, paid) = issued(app, 2)
    FeeNotice.update(due_on=date(2025, 10, 10)).execute()
    FeeNotice.update(state=FeeState.PAID).where(FeeNotice.id == paid.id).execute()
    with app.test_request_context():
        assert send_fee_reminders(date(2025, 10, 11)) == 0
        assert send_fee_reminders(date(2025, 10, 10)) == 1


def test_the_fee_reminders_command_sends_the_due_reminders(app):
    office, (notice,) = issued(app)
    FeeNotice.update(due_on=date.today()).where(FeeNotice.id == notice.id).execute()
    result = app.test_cli_runner().invoke(args=["fee-reminders"])
    assert "已发送 1 条缴费提醒" in result.output
    assert "已发送 0 条缴费提醒" in app.test_cli_runner().invoke(args=["fee-reminders"]).output


def test_the_committee_records_no_result_while_its_own_fee_is_unpaid(client, app):
    office = charging(Role.COMMITTEE_OFFICE)
    plan, unit = open_plan(), make_unit("越城建工集团")
    application = filed(plan, unit, 1, office.organisation, S.AT_COMMITTEE, Stage.COMMITTEE)
    with app.test_request_context():
        notice = issue_notice(application, office.organisation, office)
    compose(office, plan)
    as_user(client, office)
    response = meeting_tally(client, application)
    assert response.status_code == 409 and "未缴费" in response.get_data(as_text=True)
    assert Application.get_by_id(application.id).status == S.AT_COMMITTEE
    client.post(f"/fees/{notice.id}/confirm", data={"amount": "300.00", "paid_on": str(date.today())})
    meeting_tally(client, application)
    assert Application.get_by_id(application.id).status == S.DECIDED


def test_forwarding_to_the_senior_committee_issues_its_fee_notice(client):
    senior = charging(Role.COMMITTEE_OFFICE, committee_number=12)  # the 建设工程专业 plan's 高评委
    mid = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    plan, unit = open_plan(3, level=Level.SENIOR), make_unit("越城建工集团")
    application = filed(plan, unit, 1, mid.organisation, S.RECOMMENDED, Stage.COMMITTEE,
                        profession=Profession.get(Profession.name == "工程造价"))
    as_user(client, mid)
    assert "1 件已推荐至高评委" in client.post("/committee/forward", follow_redirects=True).get_data(as_text=True)
    notice = FeeNotice.get(FeeNotice.application == application)
    assert (notice.organisation_id, notice.amount) == (senior.organisation_id, Decimal("300.00"))


def test_sending_after_the_publicity_issues_the_bureaus_fee_notice(client):
    application, _ = submitted(client)
    bureau = charging(Role.CONSTRUCTION_BUREAU)
    unit = staff(Role.UNIT, unit=application.unit)
    as_user(client, unit)
    assert decide(client, application, "pass").status_code == 302
    publicise_and_send(client, unit, application)
    notice = FeeNotice.get(FeeNotice.application == application)
    assert (notice.organisation_id, notice.state) == (bureau.organisation_id, FeeState.PENDING)


def test_the_worker_sends_the_fee_reminders_once_a_day_at_eight(app):
    import tasks

    assert tasks.remind_fees.s().validate_datetime(datetime(2026, 11, 27, 8, 0))
    assert not tasks.remind_fees.s().validate_datetime(datetime(2026, 11, 27, 9, 0))
    office, (notice,) = issued(app)
    FeeNotice.update(due_on=date.today()).where(FeeNotice.id == notice.id).execute()
    before = SmsMessage.select().count()
    with app.app_context():  # as the worker's own app would be
        tasks.remind_fees.call_local()
        tasks.remind_fees.call_local()
    assert SmsMessage.select().count() == before + 1
