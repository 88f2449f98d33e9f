"""Pages anyone reaches without logging in: the landing page, and the results 公示 with its objection form."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from app import limiter
from blueprints.uploads import keep_or_take_upload, stored_upload
from forms import add_error
from forms.results import ObjectionForm
from models import Application, ApplicationStatus, ResultPublicity
from services import captcha, storage
from services.pagination import paginate
from services.txn import atomic
from services.values import whole_number
from workflow import WorkflowError, lodge_objection

bp = Blueprint("public", __name__)

# Objections one address may send: enough for a person with several, too few to flood the office.
OBJECTIONS_PER_ADDRESS = "10 per hour"
# Who a 公示 names publicly: those listed now and, once confirmed, those it passed (never a 身份证号).
SHOWN_STATUSES = (ApplicationStatus.RESULT_PUBLICITY, ApplicationStatus.PASSED)


@bp.route("/")
def landing():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    return render_template("public/landing.html")


def listed(publicity):
    """The names a results 公示 shows, in the order they were published."""
    return publicity.applications.where(Application.status.in_(SHOWN_STATUSES)).order_by(Application.id)


@bp.route("/results")
def results():
    """评审结果公示: the ones open today in full, the past ones as a list; `?publicity=` shows one in full."""
    today = date.today()
    chosen = whole_number(request.args.get("publicity"))
    shown = ResultPublicity.get_or_none(ResultPublicity.id == chosen) if chosen else None
    if chosen and shown is None:
        abort(404)
    current = [shown] if shown else list(ResultPublicity.select().where(
        (ResultPublicity.starts_on <= today) & (ResultPublicity.ends_on >= today)).order_by(ResultPublicity.id.desc()))
    past = paginate(ResultPublicity.select().where(ResultPublicity.ends_on < today)
                    .order_by(ResultPublicity.ends_on.desc(), ResultPublicity.id.desc()), request.args.get("page"))
    return render_template("public/results.html", current=[(p, listed(p)) for p in current], past=past, shown=shown,
                           today=today)


def _valid_objection(form):
    """(valid, evidence): the fields, the evidence (taken even when other fields are wrong, so the form comes back
    holding it), then the 图形验证码, which is used up by this try."""
    valid = form.validate()
    if "csrf_token" in form.errors:
        return False, None
    try:
        kept = keep_or_take_upload(form.evidence, form.evidence_token, storage.ATTACHMENT, required=False)
    except storage.UploadError as error:
        add_error(form, "evidence", str(error))
        return False, None
    if valid and not captcha.solve(session.pop("captcha", None), form.captcha.data):
        add_error(form, "captcha", "图形验证码不正确，请按新图片重新输入。")
        return False, kept
    return valid, kept


@bp.route("/results/objection", methods=["GET", "POST"])
@limiter.limit(OBJECTIONS_PER_ADDRESS, methods=["POST"],
               error_message="同一地址每小时最多提交 10 次异议，请稍后再试；也可按公示所列方式书面提出。")
def objection():
    """提出异议 to a name of an open results 公示: real name, contact, content, optional evidence, 图形验证码."""
    publicity = ResultPublicity.get_or_none(ResultPublicity.id == whole_number(request.values.get("publicity")))
    if publicity is None:
        abort(404)
    today = date.today()
    if not publicity.is_open(today):
        flash(f"该公示的公示期为 {publicity.starts_on} 至 {publicity.ends_on}，期外不受理异议。", "warning")
        return redirect(url_for("public.results", publicity=publicity.id))
    names = listed(publicity).where(Application.status == ApplicationStatus.RESULT_PUBLICITY)
    form = ObjectionForm()
    form.application.choices = [(0, "请选择")] + [
        (a.id, f"{a.applicant.real_name}（{a.unit.name if a.unit else ''}，{a.profession.name if a.profession else ''}）")
        for a in names]
    valid, kept = _valid_objection(form) if form.is_submitted() else (False, None)
    if valid:
        try:
            with atomic():
                evidence = stored_upload(kept, storage.ATTACHMENT) if kept else None
                lodge_objection(publicity, Application.get_by_id(form.application.data), form.name.data,
                                form.contact.data, form.content.data, evidence, today, ip=request.remote_addr or "")
        except (WorkflowError, storage.UploadError) as error:
            form.form_errors.append(str(error))
        else:
            flash("您的异议已提交，评委会办公室将核查处理。", "success")
            return redirect(url_for("public.results", publicity=publicity.id))
    form.captcha.data = ""
    return render_template("public/objection.html", form=form, publicity=publicity)
