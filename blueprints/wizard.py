"""马上申报 → the seven-step application wizard, the phone signing page of the pledge, and 我的申报."""
import io
import json
from datetime import date

import segno
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_htmx import make_response
from flask_login import current_user
from markupsafe import Markup

from app import htmx
from blueprints import role_required
from blueprints.review import detail_context
from blueprints.uploads import take_upload
from forms import add_error
from forms.wizard import PhotoForm, SubmitForm, attachments_form, info_form
from models import (
    Achievement,
    AchievementStatus,
    Application,
    ApplicationCategory,
    ApplicationFile,
    ApplicationStatus,
    ApplicationType,
    AssessmentResult,
    Committee,
    FeeNotice,
    Ownership,
    Profession,
    ReviewPlan,
    Role,
)
from services import photo, plans, profile, scoring, signature, snapshot, steps, storage
from services.integrity import bar_message
from services.pagination import paginate
from services.values import whole_number, whole_numbers
from workflow import (
    IncompleteStep,
    WorkflowError,
    attach_file,
    detach_file,
    new_pledge_link,
    pledge_by_token,
    save_draft,
    select_achievements,
    sign_pledge,
    submit_application,
)

bp = Blueprint("wizard", __name__)
applicant_only = role_required(Role.APPLICANT)


def _own(application_id):
    application = (Application.select(Application, ReviewPlan).join(ReviewPlan)  # every step shows the plan
                   .where(Application.id == application_id).first())
    if application is None or application.applicant_id != current_user.id:
        abort(404)
    return application


def _render(step, application, **context):
    """The step page; an htmx request gets the wizard panel only (the page around it stays)."""
    template = "wizard/_panel.html" if htmx and not htmx.boosted else "wizard/step.html"
    page = render_template(template, step=step, application=application, steps=steps.STEPS, **context)
    if htmx:
        return make_response(page, push_url=url_for("wizard.step", application_id=application.id, number=step.number))
    return page


def _saved(message):
    """保存草稿 through htmx with no file chosen and nothing refused: the message alone, swapped in out of band, and
    nothing else redrawn. The form stays as the applicant left it: what they typed, where they were in it, what had
    focus. The step is not rendered again for it (9 KB, most of a save's time: 16 applicants saving at once waited
    for each other's forms being drawn)."""
    flash(message, "success")
    return make_response(render_template("_flash.html", oob=True), reswap="none")


def _quiet_save():
    """Whether a save may answer with _saved(): through htmx (without it the page is the answer) and no file chosen
    (a stored file is listed on the redrawn step)."""
    return bool(htmx) and not any(upload.filename for _name, upload in request.files.items(multi=True))


def _go(application, number):
    return redirect(url_for("wizard.step", application_id=application.id, number=number))


def _to_view(application):
    """To the read-only page: a whole page, so an htmx request is told to load it rather than swap it into the panel."""
    target = url_for("wizard.view", application_id=application.id)
    if htmx:
        return make_response("", redirect=target)
    return redirect(target)


def _show_problems(form, problems):
    for problem in problems:
        add_error(form, problem.field, str(problem))


def _files(application, key_prefix, field_names, form):
    """Store the files chosen in `field_names` under their keys; refusals go next to their field."""
    ok = True
    for name in field_names:
        for upload in (getattr(form, name).data or []):
            if not (upload and upload.filename):
                continue
            try:
                attach_file(application, current_user, name.removeprefix(key_prefix), take_upload(upload, storage.ATTACHMENT),
                            ip=request.remote_addr or "")
            except (storage.UploadError, WorkflowError) as error:
                add_error(form, name, str(error))
                ok = False
    return ok


@bp.route("/applications")
@applicant_only
def mine():
    query = current_user.applications.order_by(Application.id.desc())
    return render_template("wizard/mine.html", page=paginate(query, request.args.get("page")))


@bp.route("/applications/<int:application_id>")
@applicant_only
def view(application_id):
    application = _own(application_id)
    if application.status == ApplicationStatus.DRAFT:  # a returned one shows its 办理过程 and what to change
        return _go(application, application.step_reached)
    return render_template("wizard/view.html", today=date.today(),
                           **detail_context(application, request.args.get("submission", type=int)))


@bp.route("/applications/<int:application_id>/step/<int:number>", methods=["GET", "POST"])
@applicant_only
def step(application_id, number):
    application = _own(application_id)
    current = steps.step(number)
    if current is None:
        abort(404)
    if not application.is_editable:
        return _to_view(application)
    if number > application.step_reached and number != 7:
        flash(f"请按顺序填写，先完成第 {application.step_reached} 步。", "warning")
        return _go(application, application.step_reached)
    return VIEWS[current.slug](application, current)


# ---------------------------------------------------------------- step 1 证件照

def photo_step(application, current):
    form = PhotoForm()
    if form.validate_on_submit():
        stream = form.photo.data.stream
        data = stream.read(photo.MAX_BYTES + 1)  # bounded; an oversize photo is measured from the end instead
        size = stream.seek(0, 2) if len(data) > photo.MAX_BYTES else len(data)
        try:
            photo.check_photo(data, size)
            stored = storage.save(data, form.photo.data.filename, storage.PHOTO, storage.location(current_app.config),
                                  uploaded_by=current_user)
            save_draft(application, current_user, reached=2, audit_as="application.photo", ip=request.remote_addr or "",
                       photo=stored)
        except (photo.PhotoError, storage.UploadError, WorkflowError) as error:
            add_error(form, "photo", str(error))
        else:
            flash("证件照已通过检查并保存。", "success")
            return _go(application, 2)
    elif request.method == "POST" and application.photo_id and not form.photo.data:
        return _go(application, 2)  # 下一步 with the photo accepted earlier
    return _render(current, application, form=form, rules=photo.RULES_TEXT)


# ---------------------------------------------------------------- step 2 个人承诺

def _qr_svg(url):
    buffer = io.BytesIO()
    segno.make(url, error="m").save(buffer, kind="svg", scale=4, xmldecl=False, svgns=True, title="扫码签署")
    return Markup(buffer.getvalue().decode())


def pledge_step(application, current):
    if request.method == "POST":
        if application.pledge_signed_at:
            return _go(application, 3)
        flash("尚未签署个人承诺：请用手机扫描二维码签名，或点击“在本电脑上签名”。", "warning")
    link = None
    if not application.pledge_signed_at:
        token = new_pledge_link(application, current_user)
        link = url_for("wizard.pledge_sign", token=token, _external=True)
    return _render(current, application, link=link, qr=_qr_svg(link) if link else None)


@bp.route("/applications/<int:application_id>/pledge/status")
@applicant_only
def pledge_status(application_id):
    """Polled by the desktop page every 2 s; 286 stops the polling once signed."""
    application = _own(application_id)
    html = render_template("wizard/_pledge_status.html", application=application, polled=True)
    return html, (286 if application.pledge_signed_at else 200)


@bp.route("/applications/<int:application_id>/pledge/here", methods=["POST"])
@applicant_only
def pledge_here(application_id):
    """For people without a phone: the same signing page, on this computer (a POST: it issues a new signing link)."""
    application = _own(application_id)
    try:
        token = new_pledge_link(application, current_user)
    except WorkflowError as error:
        flash(str(error), "warning")
        return redirect(url_for("wizard.view", application_id=application.id))
    return redirect(url_for("wizard.pledge_sign", token=token, back=1))


@bp.route("/pledge/<token>", methods=["GET", "POST"])
def pledge_sign(token):
    """The signing page a phone opens from the QR code; the one-time token is the credential."""
    try:
        application = pledge_by_token(token)
    except WorkflowError as error:
        return render_template("wizard/pledge_sign.html", problem=str(error), application=None), 410
    error = None
    if request.method == "POST":
        try:
            png = signature.check_signature(request.form.get("signature", ""))
            stored = storage.save(png, "签名.png", storage.SIGNATURE, storage.location(current_app.config),
                                  uploaded_by=application.applicant)
            sign_pledge(application, token, stored, ip=request.remote_addr or "")
        except (signature.SignatureError, storage.UploadError, WorkflowError) as problem:
            error = str(problem)
        else:
            if request.args.get("back") and current_user.is_authenticated:
                flash("个人承诺已签署。", "success")
                return _go(application, 3)
            return render_template("wizard/pledge_sign.html", signed=True, application=application)
    return render_template("wizard/pledge_sign.html", application=application, error=error), (400 if error else 200)


# ---------------------------------------------------------------- step 3 填写申报信息

INFO_FIELDS = ("recent_degree", "mid_again", "transfer_from", "landmark_text", "holds_senior_title", "second_title",
               "statement", "insured_outside_province")


def _info_values(form, application):
    """The draft's columns from the form, as typed (saved even when incomplete, so nothing is lost)."""
    values = {name: "" if getattr(form, name).data is None else getattr(form, name).data for name in INFO_FIELDS}
    values["application_type"] = ApplicationType(form.application_type.data) if form.application_type.data else None
    values["category"] = ApplicationCategory(form.category.data) if form.category.data else None
    values["profession"] = _chosen(Profession, form.profession)
    values["committee"] = _chosen(Committee, form.committee)
    values["established_post"] = {"yes": True, "no": False}.get(form.established_post.data)
    values["assessments"] = json.dumps(
        {str(y): getattr(form, f"assessment_{y}").data for y in form.assessment_years
         if getattr(form, f"assessment_{y}").data})
    claims = {item.key: getattr(form, f"score_{item.key}").data or 0 for item in scoring.items(form.rubric)}
    values["self_evaluation"] = json.dumps({k: v for k, v in claims.items() if v})
    values["self_evaluation_total"] = scoring.total(form.rubric, claims) \
        if values["application_type"] == ApplicationType.SELF_EVALUATION else None
    if values["application_type"] != ApplicationType.NORMAL:
        values["recent_degree"] = values["mid_again"] = False
    return values


def _chosen(model, select):
    """The id a select sent, or None. It takes any id (the rules name a choice that no longer fits): one it offered is
    taken as it is, another only if that record exists (an id of nothing counts as no answer)."""
    if not select.data:
        return None
    if select.data in {value for value, _label in select.choices}:
        return select.data
    return select.data if model.select().where(model.id == select.data).exists() else None


def _fill_info_form(form, application):
    for name in INFO_FIELDS:
        getattr(form, name).data = getattr(application, name)
    form.application_type.data = application.application_type.value if application.application_type else None
    form.category.data = application.category.value if application.category else ""
    form.profession.data = application.profession_id or 0
    form.committee.data = application.committee_id or 0
    form.established_post.data = {True: "yes", False: "no"}.get(application.established_post, "")
    results = steps.loads(application.assessments)
    for year in form.assessment_years:
        getattr(form, f"assessment_{year}").data = results.get(str(year), "")
    claims = steps.loads(application.self_evaluation)
    for item in scoring.items(form.rubric):
        getattr(form, f"score_{item.key}").data = claims.get(item.key)


def info_step(application, current):
    unit = current_user.organisation
    committees = plans.fitting_committees(application.plan, unit)
    form = info_form(application, committees)
    if request.method == "GET":
        _fill_info_form(form, application)
    elif form.validate_on_submit():
        save_draft(application, current_user, audit_as="application.info", ip=request.remote_addr or "", unit=unit,
                   **_info_values(form, application))
        evidence = [f"evidence_{key}" for key in steps.EVIDENCE]
        uploaded = _files(application, "evidence_", evidence, form)
        if "start_self_evaluation" in request.form:
            save_draft(application, current_user, audit_as="application.info", ip=request.remote_addr or "",
                       application_type=ApplicationType.SELF_EVALUATION)
            form.application_type.data = ApplicationType.SELF_EVALUATION.value
        elif "save" in request.form and _quiet_save():
            return _saved("已保存草稿。")
        elif "save" in request.form or not uploaded:
            flash("已保存草稿。" if uploaded else "部分附件未能上传，请看各项提示。", "success" if uploaded else "warning")
        else:
            problems = current.problems(application)
            if not problems:
                save_draft(application, current_user, reached=4)
                return _go(application, 4)
            _show_problems(form, problems)
            form.form_errors.append("本步尚未完成，请按各项提示修改后再点“下一步”。")
    score = scoring.total(form.rubric, {item.key: getattr(form, f"score_{item.key}").data or 0
                                for item in scoring.items(form.rubric)})
    return _render(current, application, form=form, committees=committees, unit=unit, score=score,
                   work_years=profile.full_years(current_user.work_started_on),
                   is_public_institution=unit is not None and unit.ownership == Ownership.PUBLIC_INSTITUTION,
                   files=steps.files_by_key(application), types=ApplicationType, categories=ApplicationCategory,
                   results=AssessmentResult)


@bp.route("/applications/<int:application_id>/score")
@applicant_only
def score(application_id):
    """The live 自评 total while the applicant types (htmx GET: only the rubric's inputs are sent, never files)."""
    application = _own(application_id)
    rubric = steps.rubric(application.plan)
    claims = {}
    for item in scoring.items(rubric):
        value = request.args.get(f"score_{item.key}", "")
        claims[item.key] = whole_number(value) or 0
    return render_template("wizard/_score.html", score=scoring.total(rubric, claims), plan=application.plan)


@bp.route("/applications/<int:application_id>/files/<int:link_id>/remove", methods=["POST"])
@applicant_only
def remove_file(application_id, link_id):
    application = _own(application_id)
    if not application.files.where(ApplicationFile.id == link_id).exists():
        abort(404)  # another application's attachment: not "removed", not there
    try:
        detach_file(application, current_user, link_id, ip=request.remote_addr or "")
    except WorkflowError as error:
        flash(str(error), "warning")
    else:
        flash("附件已移除。", "success")
    return _go(application, whole_number(request.form.get("step")) or application.step_reached)


# ---------------------------------------------------------------- step 4 选择相关业绩

def achievements_step(application, current):
    passed = current_user.achievements.where(Achievement.status == AchievementStatus.PASSED).order_by(Achievement.id)
    links = {link.achievement_id: link for link in application.achievement_links}
    problems = []
    if request.method == "POST":
        chosen = whole_numbers(request.form.getlist("achievement"))
        own = {a.id for a in passed}
        evidence, refused = {}, []
        for achievement_id in chosen:
            upload = request.files.get(f"evidence_{achievement_id}")
            if upload and upload.filename:
                if achievement_id not in own:  # nothing is stored for an achievement that is not this person's
                    refused.append(steps.Problem(f"业绩 #{achievement_id} 不是您本人已通过审核的业绩，不能上传依据。"))
                    continue
                try:
                    evidence[achievement_id] = take_upload(upload, storage.ATTACHMENT)
                except storage.UploadError as error:
                    refused.append(steps.Problem(str(error), f"achievement_{achievement_id}"))
        try:
            select_achievements(application, current_user, chosen, evidence, ip=request.remote_addr or "")
        except WorkflowError as error:
            refused.append(steps.Problem(str(error)))
        links = {link.achievement_id: link for link in application.achievement_links}
        problems = refused or current.problems(application)
        if not problems and "save" not in request.form:
            save_draft(application, current_user, reached=5)
            return _go(application, 5)
        if not problems:
            if _quiet_save():
                return _saved("已保存。")
            flash("已保存。", "success")
    elif application.achievement_links.exists():
        problems = current.problems(application)  # e.g. a picked achievement was returned since
    others = current_user.achievements.where(Achievement.status != AchievementStatus.PASSED).count()
    return _render(current, application, passed=passed, links=links, problems=problems, others=others)


# ---------------------------------------------------------------- step 5 上传相关附件

def attachments_step(application, current):
    hours = steps.loads(application.education_hours)
    form = attachments_form(application)
    if request.method == "GET":
        for year in application.plan.years_checked:
            getattr(form, f"hours_{year}").data = hours.get(str(year))
    elif form.validate_on_submit() or "csrf_token" not in form.errors:  # an expired page changes nothing
        # what was typed is kept even when another field is wrong; a year typed wrong keeps its earlier value
        entered = {}
        for year in application.plan.years_checked:
            typed = getattr(form, f"hours_{year}")
            value = hours.get(str(year)) if typed.errors else typed.data
            if value is not None:
                entered[str(year)] = value
        save_draft(application, current_user, audit_as="application.hours", ip=request.remote_addr or "",
                   education_hours=json.dumps(entered))
        uploaded = _files(application, "file_", [f"file_{item.key}" for item in form.items], form)
        if "save" in request.form:
            if not form.errors and _quiet_save():
                return _saved("已保存。")
            if uploaded and not form.errors:
                flash("已保存。", "success")
        else:
            problems = current.problems(application)
            if uploaded and not form.errors and not problems:
                save_draft(application, current_user, reached=6)
                return _go(application, 6)
            # 下一步: every reason at once, beside its field; a field's own error (a refused file) is not repeated
            _show_problems(form, [p for p in problems if not getattr(form, p.field).errors])
    return _render(current, application, form=form, files=steps.files_by_key(application))


# ---------------------------------------------------------------- step 6 预览确认提交

def preview_step(application, current):
    form = SubmitForm()
    if form.validate_on_submit():
        try:
            submit_application(application, current_user, ip=request.remote_addr or "")
        except IncompleteStep as error:
            flash(str(error), "warning")
            return _go(application, error.step.number)
        except WorkflowError as error:
            form.form_errors.append(str(error))
        else:
            flash("申报已提交，等待单位职称申报资格审查。审核结果将通过短信和站内消息通知您。", "success")
            return _to_view(application)
    closed = plans.closed_reason(application.plan, date.today()) if application.status.value == "draft" else None
    _, problems = steps.first_problem(application)
    return _render(current, application, form=form, data=snapshot.build(application), closed=closed, problems=problems,
                   barred=bar_message(current_user.id_number))


def fee_step(application, current):
    return _render(current, application, **_fee_context(application))


def _fee_context(application):
    today = date.today()
    return {"notices": [(n, n.shown_state(today)) for n in application.fee_notices.order_by(FeeNotice.id)],
            "today": today}


@bp.route("/applications/<int:application_id>/fees")
@applicant_only
def fees(application_id):
    """Step 7 费用缴纳 of a submitted application: its fee notices, their state and how to pay."""
    application = _own(application_id)
    return render_template("wizard/fees.html", application=application, **_fee_context(application))


@bp.route("/applications/<int:application_id>/fees/<int:fee_id>")
@applicant_only
def fee_notice(application_id, fee_id):
    """The printable 缴费通知书."""
    application = _own(application_id)
    notice = application.fee_notices.where(FeeNotice.id == fee_id).first()
    if notice is None:
        abort(404)
    return render_template("wizard/fee_notice.html", application=application, notice=notice,
                           state=notice.shown_state(date.today()))


VIEWS = {"photo": photo_step, "pledge": pledge_step, "info": info_step, "achievements": achievements_step,
         "attachments": attachments_step, "preview": preview_step, "fee": fee_step}
