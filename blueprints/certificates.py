"""电子证书: the committee office issues them and lists those issued; the applicant downloads; anyone verifies."""
import hashlib
import secrets
from urllib.parse import quote

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_login import current_user, login_required

from app import limiter
from blueprints import role_required
from blueprints.roster import _plan
from models import (
    Application,
    Certificate,
    ReviewPlan,
    Role,
    StoredFile,
    User,
    application_visible_to,
    certificates_visible_to,
)
from services import certificates, exports, storage
from services.pagination import paginate
from workflow import WorkflowError, issue_certificate, start_certificate_batch
from workflow.certificates import awaiting_certificate, passed_held_by

bp = Blueprint("certificates", __name__)
office_only = role_required(Role.COMMITTEE_OFFICE)
# Wrong 证书编号 + 姓名 pairs from one address: a few a minute, so a register cannot be read by guessing names.
WRONG_GUESSES = "5 per minute; 30 per hour"
UPLOAD = storage.UploadRule((storage.PDF,), 10 * storage.MB)

COLUMNS = (
    ("序号", None), ("证书编号", lambda c: c.number), ("姓名", lambda c: c.application.applicant.real_name),
    ("资格名称", lambda c: c.application.plan.level.title_name),
    ("专业", lambda c: c.application.profession.name if c.application.profession_id else ""),
    ("评审通过日期", lambda c: str(c.application.meeting_date or "")), ("签发日期", lambda c: str(c.issued_on)),
    ("评审工作计划", lambda c: c.application.plan.title),
    ("状态", lambda c: f"已撤销（{c.revoked_on}：{c.revoked_reason}）" if c.is_revoked else "有效"),
)


# ---------------------------------------------------------------- the committee office

def _issued(q):
    query = certificates_visible_to(current_user)
    if q:
        query = query.where(Certificate.number.contains(q) | User.real_name.contains(q))
    return query.order_by(Certificate.id.desc())


@bp.route("/certificates")
@office_only
def index():
    """待签发 (the office's confirmed passes without a certificate) and 已签发 (searched, paged)."""
    plan = _plan(request.args["plan"]) if request.args.get("plan") else None
    q = request.args.get("q", "").strip()[:40]
    plans = ReviewPlan.select().where(ReviewPlan.id.in_(passed_held_by(current_user).select(Application.plan)))
    waiting_plans = plans.where(ReviewPlan.id.in_(awaiting_certificate(current_user).select(Application.plan)))
    return render_template("certificates/index.html", waiting=awaiting_certificate(current_user, plan)
                           .order_by(Application.id), plan=plan, plans=plans.order_by(ReviewPlan.id.desc()),
                           waiting_plans=waiting_plans.order_by(ReviewPlan.id.desc()),
                           page=paginate(_issued(q), request.args.get("page")), q=q)


@bp.route("/certificates/issued.xlsx")
@office_only
def export():
    title = f"{current_user.organisation.name}电子证书签发登记"
    return exports.xlsx(title, COLUMNS, _issued(request.args.get("q", "").strip()[:40])), 200, {
        "Content-Type": exports.XLSX_TYPE, "Content-Disposition": f"attachment; filename*=UTF-8''{quote(title)}.xlsx"}


@bp.route("/certificates/applications/<int:application_id>/issue", methods=["POST"])
@office_only
def issue(application_id):
    application = application_visible_to(current_user, application_id) or abort(404)
    try:
        certificate = issue_certificate(application, current_user, ip=request.remote_addr or "")
        flash(f"已签发{application.applicant.real_name}的电子证书，编号 {certificate.number}。", "success")
    except WorkflowError as error:
        flash(str(error), "error")
    return redirect(url_for("certificates.index", plan=request.form.get("plan") or None))


@bp.route("/certificates/batches", methods=["POST"])
@office_only
def batch():
    plan = _plan(request.form.get("plan"))
    try:
        started = start_certificate_batch(current_user, plan, site=request.host_url, ip=request.remote_addr or "")
    except WorkflowError as error:
        flash(str(error), "warning")
        return redirect(url_for("certificates.index", plan=plan.id))
    flash(f"已开始签发“{plan.title}”的电子证书（共 {started.total} 份，已签发的不再重复签发）；关闭页面不影响签发。",
          "success")
    return redirect(url_for("roster.batch", batch_id=started.id))


@bp.route("/applications/<int:application_id>/certificate.pdf")
@login_required
def download(application_id):
    """The signed PDF, for the applicant (我的申报) and the offices that may open the application."""
    certificate = Certificate.get_or_none(Certificate.application == application_id)
    if certificate is None or certificate.file_id is None:
        abort(404)
    if not certificate.can_download(current_user):
        abort(403)
    return storage.send(certificate.file, storage.location(current_app.config), as_attachment=True,
                        download_name=f"电子证书-{certificate.number}.pdf") or abort(404)


# ---------------------------------------------------------------- public verification (no log-in)

def _shown(certificate):
    """What the public page shows: what the certificate shows (its photo through the link's token), no 身份证号."""
    photo = url_for("certificates.photo", certificate_number=certificate.number, token=certificate.verify_token)
    return {"certificate": certificate, **certificates.facts(certificate.application),
            "photo": photo if certificate.application.photo_id else None}


def _by_link(number, token):
    certificate = Certificate.get_or_none(Certificate.number == number[:32])
    if certificate is None or not token or not secrets.compare_digest((certificate.verify_token or "").encode(), token.encode()):
        return None
    return certificate


def _wrong_guess(response):
    return g.get("wrong_guess", False)


@bp.route("/verify/certificates", methods=["GET", "POST"])
@limiter.limit(WRONG_GUESSES, methods=["POST"], deduct_when=_wrong_guess)
def verify_form():
    """证书编号 + 姓名: both must match one certificate of the register."""
    number = certificates.normalise_number(request.form.get("number", ""))[:40]
    name = request.form.get("name", "").strip()[:64]
    if request.method == "GET":
        return _form(number=request.args.get("number", "")[:40])
    error = certificates.number_problem(number) if number else "请输入证书编号。"
    if not error and not name:
        error = "请输入持证人姓名。"
    if error:
        return _form(number, name, error=error), 400
    found = Certificate.get_or_none(Certificate.number == number)
    if found is None or found.application.applicant.real_name != name:
        g.wrong_guess = True
        return _form(number, name, error=f"未找到编号为“{number}”、姓名为“{name}”的电子证书："
                                         "编号与姓名须与证书上印的完全一致。"), 404
    return render_template("certificates/verify.html", **_shown(found))


def _form(number="", name="", **messages):
    return render_template("certificates/verify_form.html", number=number, name=name, **messages)


@bp.route("/verify/certificates/<certificate_number>")
def verify(certificate_number):
    """The QR code's link: the number and its token show the certificate; the number alone asks for the name."""
    certificate = _by_link(certificate_number, request.args.get("token", ""))
    if certificate is None:
        return _form(certificate_number[:40], error="请核对二维码链接是否完整，或输入证书编号和姓名查询。"), 404
    return render_template("certificates/verify.html", **_shown(certificate))


@bp.route("/verify/certificates/<certificate_number>/photo")
def photo(certificate_number):
    certificate = _by_link(certificate_number, request.args.get("token", ""))
    if certificate is None or not certificate.application.photo_id:
        abort(404)
    stored = certificate.application.photo
    return storage.send(stored, storage.location(current_app.config), max_age=0) or abort(404)


@bp.route("/verify/certificates/file", methods=["POST"])
@limiter.limit("20 per minute")
def verify_file():
    """An uploaded certificate PDF: is its signature the platform's and intact, and is it the file in the register?"""
    if (request.content_length or 0) > UPLOAD.max_bytes + 64 * 1024:
        return _file_error(f"上传的文件过大：电子证书 PDF 不超过 {UPLOAD.max_bytes // storage.MB} MB。")
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return _file_error("请选择要核验的电子证书 PDF 文件。")
    data = upload.read(UPLOAD.max_bytes + 1)
    try:
        storage.check(data, upload.filename, UPLOAD)
    except storage.UploadError as error:
        return _file_error(str(error))
    try:
        signature = certificates.check_signature(data, certificates.platform_certificate(current_app.config))
    except certificates.SigningKeyMissing as error:
        return _file_error(str(error))
    digest = hashlib.sha256(data).hexdigest()
    registered = (Certificate.select().join(StoredFile, on=(Certificate.file == StoredFile.id))
                  .where(StoredFile.sha256 == digest).first())
    named = None if registered or not signature.number else Certificate.get_or_none(
        Certificate.number == signature.number)
    shown = _shown(registered or named) if registered or named else {}
    return render_template("certificates/verify_file.html", signature=signature, registered=registered, named=named,
                           filename=upload.filename[:100], **shown)


def _file_error(message):
    return _form(file_error=message), 400
