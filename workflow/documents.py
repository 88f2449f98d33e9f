"""Batches of documents (评审表, 资料袋封面, 花名册) made by the background worker (tasks.py)."""
import tasks
from models import BatchKind, DocumentBatch, Role
from services import audit
from services.roster import applications_for
from services.txn import atomic, on_commit
from workflow import WorkflowError

BATCH_ROLES = (Role.COMMITTEE_OFFICE, Role.HR_BUREAU)


def start_batch(actor, plan, kind, as_zip=False, ip=""):
    """Queue the making of `kind` for every application of the plan's roster `actor` sees; returns the batch."""
    if actor.role not in BATCH_ROLES:
        raise WorkflowError("只有评委会办公室和人力社保部门可以批量生成材料。")
    people = len(applications_for(actor, plan))
    if not people:
        raise WorkflowError(f"“{plan.title}”的花名册中没有申报人员，无需生成。")
    with atomic():
        batch = DocumentBatch.create(kind=kind, plan=plan, as_zip=as_zip and kind != BatchKind.ROSTER,
                                     requested_by=actor, organisation=actor.organisation_id,
                                     total=1 if kind == BatchKind.ROSTER else people)  # files to make
        audit.record(actor, "batch.start", f"batch:{batch.id}", f"{plan.title}：{kind.label}，{people} 人", ip)
        on_commit(lambda: tasks.make_batch(batch.id))
    return batch
