"""The administrator: assigned accounts, reference data, the SMS outbox and the audit log."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import htmx
from blueprints import role_required
from forms import add_error
from forms.admin import AccountForm, HolidayForm
from models import (
    ASSIGNED_ROLES,
    AuditLog,
    Committee,
    Holiday,
    Organisation,
    Region,
    Role,
    SmsMessage,
    SmsStatus,
    UnitReview,
    UnitStatus,
    User,
    organisations_visible_to,
    users_visible_to,
)
from services import accounts, audit, sms, workdays
from services.pagination import paginate
from services.txn import atomic
from services.values import whole_number
from workflow import WorkflowError, approve_unit, refuse_unit

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@role_required(Role.ADMIN)
def _admin_only():
    return None


def _organisation_choices(role):
    orgs = Organisation.select().where(Organisation.kind == role).order_by(Organisation.region, Organisation.name)
    return [(o.id, f"{o.region.name + ' · ' if o.region else ''}{o.name}") for o in orgs]


@bp.route("/accounts")
def accounts_list():
    query = users_visible_to(current_user).order_by(User.id.desc())
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(User.username.contains(q) | User.real_name.contains(q) | User.mobile.contains(q))
    role = request.args.get("role", "")
    if role in Role._value2member_map_:
        query = query.where(User.role == Role(role))
    return render_template("admin/accounts.html", page=paginate(query, request.args.get("page")),
                           q=q, role=role, roles=list(Role))


@bp.route("/accounts/new", methods=["GET", "POST"])
def account_new():
    form = AccountForm()
    role = Role(form.role.data) if form.role.data in {r.value for r in ASSIGNED_ROLES} else ASSIGNED_ROLES[0]
    form.organisation.choices = _organisation_choices(role)
    if htmx.trigger_name == "role":
        # htmx: the role changed, offer that role's organisations (the form itself is not submitted).
        return render_template("admin/_organisation_select.html", form=form)
    if form.validate_on_submit():
        organisation = Organisation.get_or_none(Organisation.id == form.organisation.data)
        temporary = accounts.new_temporary_password()
        try:
            user = accounts.create_account(
                current_user, username=form.username.data, real_name=form.real_name.data, password=temporary,
                role=role, mobile=(form.mobile.data or "").strip(), organisation=organisation,
                must_change_password=True, ip=request.remote_addr,
            )
        except accounts.AccountError as error:
            add_error(form, error.field, str(error))
        else:
            return render_template("admin/password_issued.html", user=user, password=temporary, created=True)
    return render_template("admin/account_form.html", form=form)


@bp.route("/accounts/<int:user_id>/reset-password", methods=["POST"])
def reset_password(user_id):
    user = users_visible_to(current_user).where(User.id == user_id).first() or abort(404)
    temporary = accounts.reset_password(current_user, user, ip=request.remote_addr)
    return render_template("admin/password_issued.html", user=user, password=temporary, created=False)


@bp.route("/units")
def units():
    query = organisations_visible_to(current_user).where(Organisation.kind == Role.UNIT).order_by(Organisation.id.desc())
    status = request.args.get("status", UnitStatus.PENDING.value)
    if status in UnitStatus._value2member_map_:
        query = query.where(Organisation.status == UnitStatus(status))
    region = request.args.get("region", "")
    if (region_id := whole_number(region)) is not None:
        query = query.where(Organisation.region == region_id)
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(Organisation.name.contains(q) | Organisation.credit_code.contains(q.upper()))
    units_only = Organisation.select().where(Organisation.kind == Role.UNIT)
    counts = {s: units_only.where(Organisation.status == s).count() for s in UnitStatus}
    return render_template("admin/units.html", page=paginate(query, request.args.get("page")), status=status,
                           region=region, q=q, counts=counts, regions=Region.select().order_by(Region.sort_order))


def _unit_or_404(unit_id):
    return (organisations_visible_to(current_user)
            .where((Organisation.id == unit_id) & (Organisation.kind == Role.UNIT)).first() or abort(404))


@bp.route("/units/<int:unit_id>")
def unit_detail(unit_id):
    unit = _unit_or_404(unit_id)
    staff = User.select().where(User.organisation == unit).order_by(User.role, User.real_name)
    return render_template("admin/unit_detail.html", unit=unit, staff=staff,
                           reviews=unit.reviews.order_by(UnitReview.id.desc()))


@bp.route("/units/<int:unit_id>/decide", methods=["POST"])
def unit_decide(unit_id):
    unit = _unit_or_404(unit_id)
    try:
        action = request.form.get("action")
        if action == "approve":
            approve_unit(unit, current_user, ip=request.remote_addr)
            flash(f"“{unit.name}”已审核通过，已通知单位经办人。", "success")
        elif action != "refuse":
            raise WorkflowError("请选择审核通过或退回。")
        else:
            refuse_unit(unit, current_user, request.form.get("reason"), ip=request.remote_addr)
            flash(f"“{unit.name}”已退回，已通知单位经办人。", "success")
    except WorkflowError as error:
        flash(str(error), "error")
        return redirect(url_for("admin.unit_detail", unit_id=unit.id))
    return redirect(url_for("admin.units"))


@bp.route("/committees")
def committees():
    return render_template("admin/committees.html", committees=Committee.select().order_by(Committee.number))


@bp.route("/outbox")
def outbox():
    query = SmsMessage.select().order_by(SmsMessage.id.desc())
    status = request.args.get("status", "")
    if status in SmsStatus._value2member_map_:
        query = query.where(SmsMessage.status == SmsStatus(status))
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(SmsMessage.mobile.contains(q) | SmsMessage.body.contains(q))
    counts = {s: SmsMessage.select().where(SmsMessage.status == s).count() for s in SmsStatus}
    return render_template("admin/outbox.html", page=paginate(query, request.args.get("page")),
                           status=status, q=q, counts=counts)


@bp.route("/outbox/<int:message_id>/retry", methods=["POST"])
def outbox_retry(message_id):
    message = SmsMessage.get_or_none(SmsMessage.id == message_id) or abort(404)
    with atomic():
        sms.retry_now(message, current_user, ip=request.remote_addr or "")
    sms.deliver_due()
    message = SmsMessage.get_by_id(message_id)
    flash(f"短信 #{message.id} 已重新发送：{message.status.label}。", "info")
    return redirect(url_for("admin.outbox"))


@bp.route("/holidays", methods=["GET", "POST"])
def holidays():
    """节假日设置: for a year the holiday calendar does not cover, the days the State Council announced."""
    form = HolidayForm()
    if form.validate_on_submit():
        try:
            workdays.enter_day(form.day.data, form.kind.data == "workday", (form.name.data or "").strip(), current_user,
                               ip=request.remote_addr or "")
        except ValueError as error:
            add_error(form, "day", str(error))
        else:
            flash(f"{form.day.data} 已录入。", "success")
            return redirect(url_for("admin.holidays"))
    this_year = date.today().year
    years = [(y, workdays.covered(y)) for y in range(this_year - 1, this_year + 3)]
    entered = Holiday.select().order_by(Holiday.day.desc())
    return render_template("admin/holidays.html", form=form, years=years, page=paginate(entered, request.args.get("page")))


@bp.route("/holidays/<int:holiday_id>/remove", methods=["POST"])
def holiday_remove(holiday_id):
    holiday = Holiday.get_or_none(Holiday.id == holiday_id) or abort(404)
    workdays.remove_day(holiday, current_user, ip=request.remote_addr or "")
    flash(f"{holiday.day} 已删除。", "success")
    return redirect(url_for("admin.holidays"))


@bp.route("/audit")
def audit_log():
    query = AuditLog.select().order_by(AuditLog.id.desc())
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(AuditLog.action.contains(q) | AuditLog.action.in_(audit.actions_matching(q))
                            | AuditLog.target.contains(q) | AuditLog.detail.contains(q))
    page = paginate(query, request.args.get("page"))
    return render_template("admin/audit.html", page=page, q=q, targets=audit.target_labels(page.items),
                           action_label=audit.action_label)
