"""缴费管理 of a charging office: the fee list, 确认缴费 one by one, 免收, and the bank statement import (preview, then
confirm). Every query goes through fee_notices_visible_to; every change through workflow/fees.py."""
import base64
from datetime import date
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints import role_required
from blueprints.uploads import upload_or_carried
from forms.review import ConfirmPaymentForm
from models import Application, FeeNotice, FeeState, ReviewPlan, Role, User, fee_notices_visible_to
from services import exports
from services.fees import StatementError, parse_statement
from services.pagination import filter_list, paginate
from services.values import whole_number
from workflow import WorkflowError
from workflow.fees import confirm_payment, import_statement, statement_plan, waive_fee

bp = Blueprint("fees", __name__, url_prefix="/fees")
offices_only = role_required(Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU, Role.TALENT_CENTRE, Role.COMMITTEE_OFFICE)
MAX_STATEMENT = 2 * 1024 * 1024


def _in_state(state, today):
    """The condition of the notices a state's tab lists (逾期 is a pending notice past its due date)."""
    if state == FeeState.OVERDUE:
        return (FeeNotice.state == FeeState.PENDING) & (FeeNotice.due_on < today)
    if state == FeeState.PENDING:
        return (FeeNotice.state == FeeState.PENDING) & (FeeNotice.due_on >= today)
    return FeeNotice.state == state


def filtered_notices(today):
    """The office's notices with the list's filters (plan, state, name / id number / reference) applied."""
    query = (fee_notices_visible_to(current_user).select(FeeNotice, Application, User, ReviewPlan)
             .join(Application).join(User, on=Application.applicant).switch(Application).join(ReviewPlan)
             .switch(FeeNotice))
    if (plan_id := whole_number(request.args.get("plan"))) is not None:
        query = query.where(Application.plan == plan_id)
    query = filter_list(query, request.args, search=(User.real_name, User.id_number, FeeNotice.reference),
                        states={state.value: _in_state(state, today) for state in FeeState})
    return query.order_by(FeeNotice.due_on, FeeNotice.id)


def state_counts(today):
    return [(state, fee_notices_visible_to(current_user).where(_in_state(state, today)).count()) for state in FeeState]


@bp.route("/")
@offices_only
def notice_list():
    today = date.today()
    plans = ReviewPlan.select().where(ReviewPlan.id.in_(
        fee_notices_visible_to(current_user).join(Application).select(Application.plan)))
    return render_template("fees/list.html", page=paginate(filtered_notices(today), request.args.get("page")),
                           counts=state_counts(today), plans=plans, args=request.args, today=today)


@bp.route("/export.xlsx")
@offices_only
def export():
    today = date.today()
    name = f"缴费情况_{current_user.organisation.name}_{today}.xlsx"
    data = exports.xlsx(f"{current_user.organisation.name}缴费情况", exports.FEE_COLUMNS, list(filtered_notices(today)))
    return data, 200, {"Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}


def _own_notice(fee_id):
    notice = fee_notices_visible_to(current_user).where(FeeNotice.id == fee_id).first()
    if notice is None:
        abort(404)
    return notice


@bp.route("/<int:fee_id>/confirm", methods=["POST"])
@offices_only
def confirm(fee_id):
    notice = _own_notice(fee_id)
    form = ConfirmPaymentForm()
    if not form.validate_on_submit():
        flash("；".join(e for errors in form.errors.values() for e in errors), "warning")
        return redirect(url_for("fees.notice_list"))
    try:
        confirm_payment(notice, current_user, form.amount.data, form.paid_on.data, form.note.data,
                        ip=request.remote_addr or "")
    except WorkflowError as error:
        flash(str(error), "warning")
    else:
        flash(f"已确认 {notice.application.applicant.real_name} 缴纳{notice.fee_name} {notice.amount} 元。", "success")
    return redirect(url_for("fees.notice_list"))


@bp.route("/<int:fee_id>/waive", methods=["POST"])
@offices_only
def waive(fee_id):
    notice = _own_notice(fee_id)
    try:
        waive_fee(notice, current_user, request.form.get("reason", ""), ip=request.remote_addr or "")
    except WorkflowError as error:
        flash(str(error), "warning")
    else:
        flash(f"已免收 {notice.application.applicant.real_name} 的{notice.fee_name}。", "success")
    return redirect(url_for("fees.notice_list"))


@bp.route("/import", methods=["GET", "POST"])
@offices_only
def statement_import():
    """银行流水导入: the first post shows what would be confirmed; only the second (确认导入) confirms."""
    if request.method == "GET":
        return render_template("fees/import.html", plan=None)
    data = upload_or_carried("statement", MAX_STATEMENT)
    if not data:
        flash("请选择网银导出的 CSV 流水文件。", "warning")
        return render_template("fees/import.html", plan=None), 400
    if len(data) > MAX_STATEMENT:
        flash("流水文件超过 2 MB，请按日期分段导出。", "warning")
        return render_template("fees/import.html", plan=None), 400
    try:
        rows = parse_statement(data)
    except StatementError as error:
        flash(f"未导入任何记录：{error}", "warning")
        return render_template("fees/import.html", plan=None), 400
    if request.form.get("confirm") == "yes":
        try:
            plan = import_statement(current_user, rows, ip=request.remote_addr or "")
        except WorkflowError as error:
            flash(f"未导入任何记录：{error}", "warning")
            return render_template("fees/import.html", plan=None), 409
        flash(f"已确认 {len(plan.matched)} 笔缴费；金额不符 {len(plan.mismatched)} 笔、附言无法识别 {len(plan.unknown)} 笔、"
              f"重复 {len(plan.duplicates)} 笔未处理。", "success")
        return redirect(url_for("fees.notice_list"))
    return render_template("fees/import.html", plan=statement_plan(current_user, rows),
                           carried=base64.b64encode(data).decode())

