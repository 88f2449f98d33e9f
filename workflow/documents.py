"""Documents: each 评审表 handed out is a recorded version; 面试对象 marks; batches made by the background worker."""
import hashlib
import secrets

import tasks
from models import BatchKind, DocumentBatch, DocumentIssue, Role
from services import audit, documents
from services.roster import applications_for
from services.txn import atomic, on_commit
from workflow import WorkflowError


def _new_number(application):
    """年度-申报号-随机: unique, and not guessable, so the public check page answers only who holds the document."""
    return f"{application.plan.year}-{application.id:06d}-{secrets.token_hex(3).upper()}"


def issue_review_form(application, actor, ip=""):
    """Issue a 评审表: record its number, time, who and the SHA-256 of the PDF; the bytes are on `.pdf`."""
    if not application.can_download_review_form(actor):
        raise WorkflowError("您不能下载该申报的评审表（申报人须待人力社保部门审查通过后下载）。")
    with atomic():
        issue = DocumentIssue.create(application=application, number=_new_number(application), issued_by=actor)
        content = documents.review_form_pdf(application, issue)
        issue.sha256 = hashlib.sha256(content).hexdigest()
        issue.save()
        audit.record(actor, "document.issue", f"application:{application.id}", f"评审表 {issue.number}", ip)
    issue.pdf = content
    return issue


def mark_interview_candidate(application, actor, candidate, ip=""):
    """面试对象 or not: an office holding the application decides; the 评审表 then says 4 copies instead of 3."""
    if not application.can_mark_interview(actor):
        raise WorkflowError("只有当前持有该申报的部门可以标记面试对象，且所属计划须设有面试。")
    with atomic():
        application.interview_candidate = bool(candidate)
        application.save(only=[type(application).interview_candidate])
        audit.record(actor, "application.interview", f"application:{application.id}",
                     "标记为面试对象" if candidate else "取消面试对象", ip)


BATCH_ROLES = (Role.COMMITTEE_OFFICE, Role.HR_BUREAU)
ROSTER_KINDS = (BatchKind.REVIEW_FORMS, BatchKind.COVERS, BatchKind.ROSTER)  # certificates: workflow/certificates


def start_batch(actor, plan, kind, as_zip=False, site="", ip=""):
    """Queue the making of `kind` for every application of the plan's roster `actor` sees; returns the batch."""
    if actor.role not in BATCH_ROLES:
        raise WorkflowError("只有评委会办公室和人力社保部门可以批量生成材料。")
    if kind not in ROSTER_KINDS:
        raise WorkflowError("请选择要生成的材料。")
    people = len(applications_for(actor, plan))
    if not people:
        raise WorkflowError(f"“{plan.title}”的花名册中没有申报人员，无需生成。")
    return queue_batch(actor, plan, kind, 1 if kind == BatchKind.ROSTER else people, f"{people} 人",
                       as_zip=as_zip and kind != BatchKind.ROSTER, site=site, ip=ip)


def queue_batch(actor, plan, kind, total, detail, as_zip=False, site="", ip=""):
    """Record a batch of `total` files and hand it to the background worker once the transaction commits."""
    with atomic():
        batch = DocumentBatch.create(kind=kind, plan=plan, as_zip=as_zip, site=site, requested_by=actor,
                                     organisation=actor.organisation_id, total=total)
        audit.record(actor, "batch.start", f"batch:{batch.id}", f"{plan.title}：{kind.label}，{detail}", ip)
        on_commit(lambda: tasks.make_batch(batch.id))
    return batch
