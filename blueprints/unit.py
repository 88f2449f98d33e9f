"""The employer (用人单位): registration, its own data, its staff and 业绩档案审核."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_user

from blueprints import role_required
from blueprints.uploads import keep_or_take_upload, stored_upload
from forms import add_error
from forms.unit import UnitForm, UnitRegistrationForm
from models import (
    Achievement,
    AchievementKind,
    AchievementStatus,
    Region,
    Role,
    UnitReview,
    User,
    achievements_visible_to,
    users_visible_to,
)
from services import accounts, storage, units
from services.pagination import paginate
from services.txn import atomic
from services.values import whole_numbers
from workflow import WorkflowError, pass_achievements, review_achievement
from workflow import units as workflow_units

bp = Blueprint("unit", __name__, url_prefix="/unit")
unit_only = role_required(Role.UNIT)


def _region_choices(form):
    form.region.choices = [(r.id, r.name) for r in Region.select().order_by(Region.sort_order)]


def _unit_data(form):
    return {name: getattr(form, name).data for name in units.UNIT_FIELDS}


def _validate_with_letter(form, required):
    """(valid, letter): the letter is taken even when other fields are wrong, so the form comes back holding it."""
    if not form.is_submitted():
        return False, None
    valid = form.validate()
    if "csrf_token" in form.errors:
        return False, None
    try:
        return valid, keep_or_take_upload(form.letter, form.letter_token, storage.LETTER, required=required)
    except storage.UploadError as error:
        add_error(form, "letter", str(error))
        return False, None


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = UnitRegistrationForm()
    _region_choices(form)
    valid, letter = _validate_with_letter(form, required=True)
    if valid:
        try:
            with atomic():
                unit, user = workflow_units.register_unit(_unit_data(form), form.password.data,
                                                          stored_upload(letter, storage.LETTER), ip=request.remote_addr)
        except accounts.AccountError as error:
            add_error(form, error.field, str(error))
        except storage.UploadError as error:
            add_error(form, "letter", str(error))
        else:
            login_user(user)
            flash(f"“{unit.name}”已注册，授权委托证明已提交平台管理员审核；审核结果将以短信通知 {user.mobile}。", "success")
            return redirect(url_for("unit.info"))
    return render_template("unit/register.html", form=form)


def _approved_unit():
    """The current unit, or a redirect to its info page while it is not approved yet."""
    unit = current_user.organisation
    if not unit.is_approved:
        flash(f"本单位授权委托证明{unit.status.label}，审核通过后才能使用此功能。", "warning")
        return None
    return unit


@bp.route("/info", methods=["GET", "POST"])
@unit_only
def info():
    unit = current_user.organisation
    form = UnitForm(obj=unit) if request.method == "GET" else UnitForm()
    _region_choices(form)
    if request.method == "GET":
        form.region.data = unit.region_id
        form.files_at_talent_centre.data = "yes" if unit.files_at_talent_centre else "no"
        form.ownership.data = unit.ownership.value if unit.ownership else ""
        form.industry_tag.data = unit.industry_tag.value if unit.industry_tag else ""
    if request.method == "POST" and unit.is_approved:
        abort(403)
    valid, letter = _validate_with_letter(form, required=False)
    if valid:
        try:
            workflow_units.correct_unit(unit, _unit_data(form), letter, current_user, ip=request.remote_addr)
        except (accounts.AccountError, WorkflowError) as error:
            add_error(form, getattr(error, "field", None), str(error))
        else:
            flash("单位信息已修改并重新提交审核。", "success")
            return redirect(url_for("unit.info"))
    return render_template("unit/info.html", unit=unit, form=form, reviews=unit.reviews.order_by(UnitReview.id.desc()))


@bp.route("/staff")
@unit_only
def staff():
    if _approved_unit() is None:
        return redirect(url_for("unit.info"))
    query = users_visible_to(current_user).where(User.role == Role.APPLICANT).order_by(User.real_name)
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(User.real_name.contains(q) | User.mobile.contains(q))
    return render_template("unit/staff.html", page=paginate(query, request.args.get("page")), q=q)


def _achievement_or_404(achievement_id):
    achievement = achievements_visible_to(current_user).where(Achievement.id == achievement_id).first()
    if achievement is None or not achievement.can_review(current_user):
        abort(404)
    return achievement


@bp.route("/achievements")
@unit_only
def achievements():
    if _approved_unit() is None:
        return redirect(url_for("unit.info"))
    query = achievements_visible_to(current_user).order_by(Achievement.updated_at.desc(), Achievement.id.desc())
    status = request.args.get("status", AchievementStatus.PENDING.value)
    if status in AchievementStatus._value2member_map_:
        query = query.where(Achievement.status == AchievementStatus(status))
    kind = request.args.get("kind", "")
    if kind in AchievementKind._value2member_map_:
        query = query.where(Achievement.kind == AchievementKind(kind))
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(User.real_name.contains(q) | Achievement.title.contains(q))
    counts = {s: achievements_visible_to(current_user).where(Achievement.status == s).count() for s in AchievementStatus}
    return render_template("unit/achievements.html", page=paginate(query, request.args.get("page")),
                           status=status, kind=kind, q=q, counts=counts)


@bp.route("/achievements/<int:achievement_id>")
@unit_only
def achievement_detail(achievement_id):
    achievement = _achievement_or_404(achievement_id)
    return render_template("unit/achievement_detail.html", a=achievement)


@bp.route("/achievements/<int:achievement_id>/review", methods=["POST"])
@unit_only
def achievement_review(achievement_id):
    achievement = _achievement_or_404(achievement_id)
    action = request.form.get("action")
    try:
        review_achievement(achievement, current_user, action, request.form.get("reason"),
                           request.form.get("version"), ip=request.remote_addr)
    except WorkflowError as error:
        flash(str(error), "error")
        return redirect(url_for("unit.achievement_detail", achievement_id=achievement.id))
    flash(f"业绩“{achievement.title}”已{'通过' if action == 'pass' else '退回'}。", "success")
    return redirect(url_for("unit.achievements"))


@bp.route("/achievements/bulk-pass", methods=["POST"])
@unit_only
def achievements_bulk_pass():
    ids = whole_numbers(request.form.getlist("ids"))
    if not ids:
        flash("请先勾选要通过的业绩。", "warning")
    else:
        done, skipped = pass_achievements(ids, current_user, ip=request.remote_addr)
        message = f"{done} 项已通过"
        if skipped:
            message += f"，{skipped} 项不符合条件未处理（已被处理、已修改或不属于本单位）"
        flash(message + "。", "success" if done else "warning")
    return redirect(url_for("unit.achievements"))

