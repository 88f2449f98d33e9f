"""诚信档案: a committee office or the administrator records a case of falsified material; it may revoke a certificate.

Cases are never changed or deleted. The bar that follows from a case (services/integrity) needs no state of its own:
starting and submitting an application ask it by the 身份证号, so a new account with the same number is barred too.
"""
from datetime import date

from models import INTEGRITY_KEEPERS, Application, Certificate, IntegrityCase, User
from services import audit
from services.idcard import IdNumberError, parse
from services.integrity import last_barred_day
from services.txn import atomic
from services.values import clean_text
from workflow import WorkflowError


class CaseError(WorkflowError):
    """A refused case, naming the form field at fault."""

    def __init__(self, field, message):
        super().__init__(message)
        self.field = field


def _required(field, value, label, limit):
    text = clean_text(value or "").strip()
    if not text:
        raise CaseError(field, f"请填写{label}。")
    if len(text) > limit:
        raise CaseError(field, f"{label}不超过 {limit} 个字，当前 {len(text)} 个字。")
    return text


def _certificate(number, id_number):
    """The certificate `number` names, when it is a valid one of the person with `id_number`."""
    number = clean_text(number or "").strip()
    if not number:
        return None
    certificate = (Certificate.select().join(Application).join(User, on=(Application.applicant == User.id))
                   .where((Certificate.number == number) & (User.id_number == id_number)).first())
    if certificate is None:
        raise CaseError("certificate_number", f"没有身份证号为该号码的人员的证书“{number[:32]}”，请核对证书编号。")
    if certificate.is_revoked:
        raise CaseError("certificate_number", f"证书“{number}”已于 {certificate.revoked_on} 撤销。")
    return certificate


def record_case(actor, id_number, name, facts, document_number, decided_on, is_expert=False, certificate_number="",
                today=None, ip=""):
    """Record a 诚信档案 case (and revoke the named certificate); returns the case."""
    today = today or date.today()
    if actor.role not in INTEGRITY_KEEPERS:
        raise WorkflowError("只有评委会办公室和平台管理员可以记录诚信档案。")
    try:
        id_number = parse(id_number, today).number
    except IdNumberError as error:
        raise CaseError("id_number", str(error)) from None
    name = _required("name", name, "姓名", 64)
    facts = _required("facts", facts, "弄虚作假情形", 2000)
    document_number = _required("document_number", document_number, "处理决定文号", 64)
    if decided_on is None or decided_on > today:
        raise CaseError("decided_on", f"处理决定日期 {decided_on or '未填写'} 无效：不能晚于今天（{today}）。")
    certificate = _certificate(certificate_number, id_number)
    with atomic():
        case = IntegrityCase.create(id_number=id_number, name=name, is_expert=bool(is_expert), facts=facts,
                                    document_number=document_number, decided_on=decided_on, certificate=certificate,
                                    recorded_by=actor)
        audit.record(actor, "integrity.record", f"integrity:{case.id}",
                     f"{name}（{document_number}），禁止申报至 {last_barred_day(decided_on)}", ip)
        if certificate is not None:
            reason = f"弄虚作假（{document_number}）：{facts}"
            Certificate.update(revoked_on=decided_on, revoked_reason=reason).where(
                Certificate.id == certificate.id).execute()
            audit.record(actor, "certificate.revoke", f"application:{certificate.application_id}",
                         f"证书 {certificate.number}：{reason}", ip)
    return case
