"""The 评审表 of an application: its page (copies to print, issued versions), the download, and the public check."""
import re
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from models import Application, DocumentIssue
from services import documents
from workflow import WorkflowError, issue_review_form, mark_interview_candidate

bp = Blueprint("documents", __name__)

SHA256 = re.compile(r"[0-9a-f]{64}")


def _application(application_id):
    application = Application.get_or_none(Application.id == application_id)
    if application is None or not application.can_download_review_form(current_user):
        abort(404 if application is None else 403)
    return application


@bp.route("/applications/<int:application_id>/review-form")
@login_required
def review_form(application_id):
    application = _application(application_id)
    issues = application.document_issues.order_by(DocumentIssue.id.desc())
    return render_template("documents/page.html", application=application, issues=issues,
                           copies=documents.copies(application))


@bp.route("/applications/<int:application_id>/review-form.pdf")
@login_required
def review_form_pdf(application_id):
    application = _application(application_id)
    try:
        issue = issue_review_form(application, current_user, ip=request.remote_addr or "")
    except WorkflowError as error:
        abort(403, str(error))
    name = f"评审表-{issue.number}.pdf"
    return issue.pdf, 200, {"Content-Type": "application/pdf",
                            "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}"}


@bp.route("/applications/<int:application_id>/interview", methods=["POST"])
@login_required
def interview(application_id):
    application = _application(application_id)
    try:
        mark_interview_candidate(application, current_user, request.form.get("candidate") == "1",
                                 ip=request.remote_addr or "")
        flash("已更新面试对象标记。", "success")
    except WorkflowError as error:
        flash(str(error), "error")
    return redirect(url_for("documents.review_form", application_id=application.id))


@bp.route("/verify/documents/<document_number>")
def verify(document_number):
    """Public, no log-in: does this number exist, and (given ?sha256=) is that the hash of what was issued."""
    issue = DocumentIssue.get_or_none(DocumentIssue.number == document_number[:32])
    given = request.args.get("sha256", "").strip().lower()
    matches = None if not given else bool(issue and SHA256.fullmatch(given) and given == issue.sha256)
    return render_template("documents/verify.html", issue=issue, number=document_number[:32], given=given[:64],
                           matches=matches), 200 if issue else 404
