"""电子证书: the committee office holding a confirmed pass issues it, one by one or for a whole plan (background job)."""
from datetime import date

import peewee as pw
from flask import current_app, url_for

from models import Application, ApplicationStatus, BatchKind, Certificate, ReviewAction, Role, applications_held_by
from services import audit, certificates, storage
from services.notifications import notify
from services.txn import atomic
from workflow import WorkflowError
from workflow.documents import queue_batch


def passed_held_by(actor, plan=None):
    """The confirmed passes `actor`'s office holds (issued or not), in application order."""
    query = applications_held_by(actor).where(Application.status == ApplicationStatus.PASSED)
    return query.where(Application.plan == plan) if plan else query


def awaiting_certificate(actor, plan=None):
    """The confirmed passes `actor`'s office holds that have no certificate yet."""
    return passed_held_by(actor, plan).where(Application.id.not_in(Certificate.select(Certificate.application)))


def _issued(application):
    return Certificate.get_or_none(Certificate.application == application.id)


def issue_certificate(application, actor, today=None, ip=""):
    """Number, render and sign the certificate of a confirmed pass, keep the signed PDF, tell the applicant."""
    if not application.can_issue_certificate(actor):
        existing = _issued(application)
        if existing:
            raise WorkflowError(f"{application.applicant.real_name}的电子证书已签发（编号 {existing.number}），不再重复签发。")
        raise WorkflowError("只有持有该申报的评委会办公室可以签发电子证书，且申报须为“评审通过”（评审结果已公示并确认）。")
    try:
        pdf_signer = certificates.signer(current_app.config)
    except certificates.SigningKeyMissing as error:
        raise WorkflowError(str(error)) from None
    today = today or date.today()
    number = certificates.number_for(today.year, application.stage_organisation.committee.number,
                                     application.plan.level, application.id)
    token = certificates.new_token()
    content = certificates.signed_pdf(application, number, token, today, pdf_signer)  # before the write lock
    with atomic():
        stored = storage.store(content, f"电子证书-{number}.pdf", storage.PDF, storage.location(current_app.config), actor)
        try:
            with atomic():
                certificate = Certificate.create(application=application, number=number, issued_on=today, file=stored,
                                                 issued_by=actor, verify_token=token)
        except pw.IntegrityError:
            raise WorkflowError(f"{application.applicant.real_name}的电子证书已由他人签发，不再重复签发。") from None
        ReviewAction.create(application=application, level=application.stage.value,
                            organisation=actor.organisation_id, actor=actor, action="certificate",
                            reason=f"证书编号 {number}")
        audit.record(actor, "certificate.issue", f"application:{application.id}", f"电子证书 {number}", ip)
        notify(application.applicant, "电子证书已签发", f"证书编号 {number}，请在“我的申报”中下载",
               link=url_for("wizard.mine"))
    return certificate


def certificate_pdf(application, actor):
    """The signed PDF of `application`'s certificate, issuing it first if it has none (a rerun issues nothing twice)."""
    certificate = _issued(application) or issue_certificate(application, actor)
    return storage.read(certificate.file, storage.location(current_app.config))


def start_certificate_batch(actor, plan, site="", ip=""):
    """Queue the issuing of every certificate of `plan` not yet issued; the result is a zip of all of the plan's."""
    if actor.role != Role.COMMITTEE_OFFICE:
        raise WorkflowError("只有评委会办公室可以签发电子证书。")
    waiting = awaiting_certificate(actor, plan).count()
    if not waiting:
        raise WorkflowError(f"“{plan.title}”中没有待签发电子证书的评审通过人员。")
    total = passed_held_by(actor, plan).count()
    return queue_batch(actor, plan, BatchKind.CERTIFICATES, total, f"待签发 {waiting} 人，共 {total} 份",
                       as_zip=True, site=site, ip=ip)
