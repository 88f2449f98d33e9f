"""收费设定 of the offices and step 7 费用缴纳: fee notices, payments (one by one or from a bank statement), waivers,
reminders. Every action is in the audit log and the application's timeline (a ReviewAction row)."""
from datetime import date
from decimal import Decimal

from flask import url_for

from models import FeeNotice, FeeSetting, FeeState, ReviewAction, now
from services import audit
from services import fees as rules
from services.notifications import notify
from services.txn import atomic
from services.workdays import is_workday, publicity_end_date
from workflow import CHANGED, WorkflowError, require_reason

SMS_SIGN = "【12333】"


def set_fee(organisation, actor, charges, amount, fee_name="评审费", deadline_days=10, reminder_days=2, payee="",
            ip=""):
    """收费设定 of an office: 收费 (amount, deadline and reminder in working days, payee, fee name) or 不收费."""
    if charges and amount in (None, ""):
        raise WorkflowError("选择“收费”时须填写收费金额。")
    amount = Decimal(amount) if charges else Decimal(0)
    if amount < 0:
        raise WorkflowError("收费金额不能为负数。")
    if charges and not 1 <= (deadline_days or 0) <= 60:
        raise WorkflowError(f"缴费期限须为 1–60 个工作日（填写的是 {deadline_days}）。")
    if charges and not 0 <= (reminder_days or 0) < deadline_days:
        raise WorkflowError(f"提醒须在缴费期限（{deadline_days} 个工作日）之内，填写的是截止前 {reminder_days} 个工作日。")
    with atomic():
        setting, _ = FeeSetting.get_or_create(organisation=organisation)
        if charges:
            setting.fee_name, setting.deadline_days, setting.reminder_days, setting.payee = (
                (fee_name or "").strip() or "评审费", deadline_days, reminder_days, payee.strip())
        setting.charges, setting.amount, setting.updated_by, setting.updated_at = charges, amount, actor, now()
        setting.save()
        audit.record(actor, "fee.set", f"organisation:{organisation.id}",
                     f"收费 {setting.fee_name} {Decimal(amount):.2f} 元，{deadline_days} 个工作日内缴纳" if charges else "不收费", ip)
    return setting


def _history(notice, actor, action, reason, ip=""):
    ReviewAction.create(application=notice.application, level=notice.application.stage.value if notice.application.stage
                        else "applicant", organisation=notice.organisation, actor=actor, action=action, reason=reason)
    audit.record(actor, f"fee.{action.removeprefix('fee_')}", f"fee_notice:{notice.id}", reason, ip)


def _link(notice):
    return url_for("wizard.fees", application_id=notice.application_id)


def issue_notice(application, organisation, actor, today=None, ip=""):
    """The fee notice of `organisation` for `application` when its setting is 收费; once, in the caller's transaction."""
    setting = FeeSetting.get_or_none(FeeSetting.organisation == organisation)
    if setting is None or not setting.charges or setting.amount <= 0:
        return None
    if FeeNotice.get_or_none((FeeNotice.application == application) & (FeeNotice.organisation == organisation)):
        return None
    today = today or date.today()
    due_on, _ = publicity_end_date(today, setting.deadline_days)
    notice = FeeNotice.create(application=application, organisation=organisation, fee_name=setting.fee_name,
                              amount=setting.amount.quantize(rules.CENT), payee=setting.payee, issued_on=today, due_on=due_on,
                              reference=rules.reference(organisation.id, application.id))
    text = (f"您申报的{application.plan.title}需缴纳{organisation.name}{notice.fee_name}，请于{due_on:%Y年%m月%d日}前"
            f"缴纳{notice.amount:.2f}元，缴费附言{notice.reference}。")
    _history(notice, actor, "fee_notice", f"{notice.fee_name} {notice.amount:.2f} 元，{due_on} 前缴纳，附言 {notice.reference}",
             ip)
    notify(application.applicant, f"缴费通知：{notice.fee_name} {notice.amount:.2f} 元", text + f"收款：{notice.payee}",
           link=_link(notice), sms_text=SMS_SIGN + text)
    return notice


def _settle(notice, actor, state, **changes):
    updated = FeeNotice.update(state=state, settled_by=actor, settled_at=now(), **changes).where(
        (FeeNotice.id == notice.id) & (FeeNotice.state == FeeState.PENDING)).execute()
    if not updated:
        raise WorkflowError(f"该缴费通知已是“{FeeNotice.get_by_id(notice.id).state.label}”。{CHANGED}")
    notice.state = state
    for name, value in changes.items():
        setattr(notice, name, value)


def _check_office(notice, actor):
    if notice.organisation_id != actor.organisation_id:
        raise WorkflowError("只能处理本单位的缴费通知。")


def confirm_payment(notice, actor, amount, paid_on, note="", today=None, ip=""):
    """确认缴费 of one notice: the exact amount, the day it was paid (not in the future), an optional note."""
    today = today or date.today()
    _check_office(notice, actor)
    if amount is None:
        raise WorkflowError(f"请填写实缴金额（应缴 {notice.amount:.2f} 元）。")
    if Decimal(amount) != notice.amount:
        raise WorkflowError(f"实缴金额 {Decimal(amount):.2f} 元与应缴金额 {notice.amount:.2f} 元不符，不能确认。")
    if paid_on is None or paid_on > today:
        raise WorkflowError(f"请填写缴费日期（不能晚于今天 {today}）。")
    with atomic():
        _settle(notice, actor, FeeState.PAID, paid_amount=Decimal(amount), paid_on=paid_on, note=(note or "").strip())
        _history(notice, actor, "fee_paid", f"{notice.fee_name} {Decimal(amount):.2f} 元，{paid_on} 缴纳" +
                 (f"（{notice.note}）" if notice.note else ""), ip)
        notify(notice.application.applicant, f"{notice.organisation.name}已确认收到{notice.fee_name} {Decimal(amount):.2f} 元",
               link=_link(notice), send_sms=False)


def waive_fee(notice, actor, reason, ip=""):
    """免收: the office waives its own fee, with a reason; the application is then no longer held up by it."""
    _check_office(notice, actor)
    reason = require_reason(reason, "免收费用")
    with atomic():
        _settle(notice, actor, FeeState.WAIVED, note=reason)
        _history(notice, actor, "fee_waived", f"{notice.fee_name}免收：{reason}", ip)
        notify(notice.application.applicant, f"{notice.organisation.name}已免收{notice.fee_name}", reason,
               link=_link(notice), send_sms=False)


def statement_plan(actor, rows):
    """The plan of a bank statement against the actor's office's notices (nothing changes)."""
    found = [r.reference for r in rows if r.reference]
    notices = FeeNotice.select().where((FeeNotice.organisation == actor.organisation_id)
                                       & FeeNotice.reference.in_(found or [""]))
    return rules.plan_statement(rows, {n.reference: n for n in notices})


def import_statement(actor, rows, ip=""):
    """Confirm the matched rows of a statement, planned again now, so a second import confirms nothing twice."""
    plan = statement_plan(actor, rows)
    with atomic():
        for row, notice in plan.matched:
            confirm_payment(notice, actor, row.amount, row.day, f"银行流水第 {row.line} 行，付款人 {row.payer}", ip=ip)
    return plan


def unpaid_here(applications_query, organisation):
    """Of `applications_query`, the ids with a 待缴费 notice of `organisation` (审核推荐 skips them: 未缴费)."""
    return {n.application_id for n in FeeNotice.select(FeeNotice.application).where(
        (FeeNotice.organisation == organisation) & (FeeNotice.state == FeeState.PENDING)
        & FeeNotice.application.in_(applications_query.select(applications_query.model.id)))}


def reminder_day(notice, reminder_days):
    """The working day `reminder_days` working days before the notice's deadline."""
    day, counted = notice.due_on, 0
    while counted < reminder_days:
        day = date.fromordinal(day.toordinal() - 1)
        counted += is_workday(day)
    return day


def send_fee_reminders(today=None):
    """The reminder SMS of every pending notice whose reminder day has come and whose deadline has not passed; once
    per notice, so running it again (the periodic worker, or `flask fee-reminders` by hand) sends nothing twice."""
    today = today or date.today()
    sent = 0
    settings = {s.organisation_id: s for s in FeeSetting.select()}
    for notice in FeeNotice.select().where((FeeNotice.state == FeeState.PENDING) & FeeNotice.reminded_at.is_null()
                                           & (FeeNotice.due_on >= today)):
        setting = settings.get(notice.organisation_id)
        if today < reminder_day(notice, setting.reminder_days if setting else 2):
            continue
        with atomic():
            if not FeeNotice.update(reminded_at=now()).where(
                    (FeeNotice.id == notice.id) & FeeNotice.reminded_at.is_null()).execute():
                continue
            text = (f"您申报的{notice.application.plan.title}的{notice.fee_name}{notice.amount:.2f}元尚未缴纳，"
                    f"请于{notice.due_on:%Y年%m月%d日}前缴纳，缴费附言{notice.reference}。")
            notify(notice.application.applicant, f"缴费提醒：{notice.fee_name}将于 {notice.due_on} 截止", text,
                   link=_link(notice), sms_text=SMS_SIGN + text)
            sent += 1
    return sent
