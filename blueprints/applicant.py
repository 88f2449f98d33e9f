"""The applicant (申报人员): 个人基本信息, 我的业绩档案, and 复查 of a result (the wizard and 我的申报 are in wizard.py)."""
import json
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints import role_required
from blueprints.uploads import take_upload
from forms import add_error
from forms.applicant import DETAIL_FIELDS, KIND_LABELS, ProfileForm, achievement_form
from forms.results import RecheckForm
from models import (
    Achievement,
    AchievementKind,
    AchievementStatus,
    EducationRecord,
    Organisation,
    Role,
    TitleRecord,
    application_visible_to,
)
from services import profile, storage
from services.pagination import paginate
from services.txn import atomic
from services.values import whole_number, whole_numbers
from workflow import WorkflowError, ask_recheck, save_achievement

bp = Blueprint("applicant", __name__, url_prefix="/me")
applicant_only = role_required(Role.APPLICANT)

EDUCATION_COLUMNS = ("education", "degree", "school", "major", "graduated_on", "verifiable_on_chsi")
TITLE_COLUMNS = ("name", "profession", "obtained_on")


def _rows(field_list, columns):
    return [{c: entry.form[c].data for c in columns} for entry in field_list]


def _drop_removed_rows(form):
    """Rows ticked 删除此行 leave before validation, so a blank row added by mistake can be removed."""
    for field_list in (form.education, form.titles):
        field_list.entries = [entry for entry in field_list.entries if not entry.form.remove.data]


@bp.route("/profile", methods=["GET", "POST"])
@applicant_only
def profile_page():
    form = ProfileForm()
    units = profile.selectable_units().order_by(Organisation.name)
    form.organisation.choices = [(0, "请选择")] + [(u.id, f"{u.name}（{u.region.name}）") for u in units]
    if request.method == "POST":
        _drop_removed_rows(form)
    if request.method == "GET":
        form.work_started_on.data = current_user.work_started_on
        form.organisation.data = current_user.organisation_id or 0
        records = list(current_user.education.order_by(EducationRecord.sort_order))
        if records:
            form.education.entries, form.education.last_index = [], -1  # rows numbered from 0
            for r in records:
                form.education.append_entry({c: getattr(r, c) for c in EDUCATION_COLUMNS}
                                            | {"education": r.education.value, "degree": r.degree.value})
        for t in current_user.titles.order_by(TitleRecord.sort_order):
            form.titles.append_entry({c: getattr(t, c) for c in TITLE_COLUMNS})
    elif "add_education" in request.form:
        form.education.append_entry()
    elif "add_title" in request.form:
        form.titles.append_entry()
    elif form.validate_on_submit():
        try:
            profile.save_profile(
                current_user, work_started_on=form.work_started_on.data, organisation_id=form.organisation.data,
                education=_rows(form.education, EDUCATION_COLUMNS), titles=_rows(form.titles, TITLE_COLUMNS),
                ip=request.remote_addr or "",
            )
        except profile.ProfileError as error:
            add_error(form, error.field, str(error))
        else:
            flash("个人基本信息已保存。", "success")
            return redirect(url_for("applicant.profile_page"))
    years = profile.full_years(form.work_started_on.data)
    blocker = profile.unit_change_blocker(current_user)
    return render_template("applicant/profile.html", form=form, years=years, blocker=blocker)


# ---------------------------------------------------------------- 我的业绩档案

def _own_achievement(achievement_id):
    achievement = Achievement.get_or_none(Achievement.id == achievement_id)
    if achievement is None or not achievement.can_edit(current_user):
        abort(404)
    return achievement


@bp.route("/achievements")
@applicant_only
def achievements():
    query = current_user.achievements.order_by(Achievement.updated_at.desc(), Achievement.id.desc())
    status = request.args.get("status", "")
    if status in AchievementStatus._value2member_map_:
        query = query.where(Achievement.status == AchievementStatus(status))
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(Achievement.title.contains(q))
    return render_template("applicant/achievements.html", page=paginate(query, request.args.get("page")),
                           status=status, q=q, kinds=list(AchievementKind), statuses=list(AchievementStatus))


def _fill(achievement, form, kind):
    for name in KIND_LABELS[kind]:
        setattr(achievement, name, getattr(form, name).data or ("" if name not in ("started_on", "ended_on") else None))
    if kind == AchievementKind.PROJECT:
        achievement.is_collective = form.is_collective.data
    achievement.details = json.dumps({name: getattr(form, name).data or "" for name in DETAIL_FIELDS.get(kind, {})},
                                     ensure_ascii=False)


def _date_problem(form):
    ended = getattr(form, "ended_on", None)
    if ended is not None and ended.data and form.started_on.data and ended.data < form.started_on.data:
        return "ended_on", f"结束时间 {ended.data} 早于开始时间 {form.started_on.data}。"
    return None


def _edit(achievement, kind):
    """Shared by new and edit: validate, take the files, save a new version through the workflow."""
    form = achievement_form(kind, obj=achievement if request.method == "GET" else None)
    if request.method == "GET" and achievement.id:
        for name, value in json.loads(achievement.details or "{}").items():
            if hasattr(form, name):
                getattr(form, name).data = value
    if form.validate_on_submit():
        problem = _date_problem(form)
        if problem:
            add_error(form, *problem)
        else:
            try:
                # One transaction, so that a refused form leaves no stored file (row or bytes) behind to eat the quota.
                with atomic():
                    new_files = [take_upload(chosen, storage.ATTACHMENT) for chosen in form.files.data or []
                                 if chosen and chosen.filename]
                    removed = whole_numbers(request.form.getlist("remove_file"))
                    _fill(achievement, form, kind)
                    save_achievement(achievement, current_user, new_files, removed, ip=request.remote_addr)
            except storage.UploadError as error:
                add_error(form, "files", str(error))
            except WorkflowError as error:
                form.form_errors.append(str(error))
            else:
                flash(f"业绩“{achievement.title}”已保存，等待单位审核。", "success")
                return redirect(url_for("applicant.achievement_detail", achievement_id=achievement.id))
    return render_template("applicant/achievement_form.html", form=form, a=achievement, kind=kind)


@bp.route("/achievements/new", methods=["GET", "POST"])
@applicant_only
def achievement_new():
    kind_value = request.args.get("kind", "")
    if kind_value not in AchievementKind._value2member_map_:
        abort(404)
    kind = AchievementKind(kind_value)
    return _edit(Achievement(owner=current_user, kind=kind), kind)


@bp.route("/achievements/<int:achievement_id>/edit", methods=["GET", "POST"])
@applicant_only
def achievement_edit(achievement_id):
    achievement = _own_achievement(achievement_id)
    if request.method == "POST":
        version = whole_number(request.form.get("version"))
        achievement.version = achievement.version if version is None else version
    return _edit(achievement, achievement.kind)


@bp.route("/achievements/<int:achievement_id>")
@applicant_only
def achievement_detail(achievement_id):
    achievement = _own_achievement(achievement_id)
    return render_template("applicant/achievement_detail.html", a=achievement)


@bp.route("/applications/<int:application_id>/recheck", methods=["GET", "POST"])
@applicant_only
def recheck(application_id):
    """申请复查 of a failed result told on a results 公示, within its period."""
    application = application_visible_to(current_user, application_id)
    if application is None:
        abort(404)
    form = RecheckForm()
    if form.validate_on_submit():
        try:
            ask_recheck(application, current_user, form.reason.data, ip=request.remote_addr or "")
        except WorkflowError as error:
            add_error(form, "reason", str(error))
        else:
            flash("复查申请已提交，评委会办公室将书面答复。", "success")
            return redirect(url_for("wizard.view", application_id=application.id))
    return render_template("applicant/recheck.html", application=application, form=form, today=date.today())
