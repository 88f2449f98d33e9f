"""An application before it is submitted: 马上申报, the wizard's drafts, the pledge and 提交."""
import json
import secrets
from datetime import timedelta

from peewee import ForeignKeyField, Model, fn

from models import (
    EDITABLE_STATUSES,
    Achievement,
    AchievementStatus,
    Application,
    ApplicationAchievement,
    ApplicationFile,
    ApplicationStatus,
    ReviewAction,
    Role,
    Stage,
    Submission,
    SubmissionFile,
    now,
)
from services import audit, plans, snapshot, steps
from services.checklist import checklist
from services.integrity import bar_message
from services.notifications import notify
from services.txn import atomic
from workflow import APPLICATION_CHANGED, CHANGED, WorkflowError, reload, where
from workflow.units import unit_contacts


def start_application(plan, applicant, today=None, ip=""):
    """马上申报: the applicant's one application for this plan, created as a draft the first time."""
    existing = plans.existing_application(plan, applicant)
    if existing is not None:
        return existing
    reason = plans.closed_reason(plan, today)
    if reason:
        raise WorkflowError(reason)
    barred = bar_message(applicant.id_number, today)
    if barred:
        raise WorkflowError(barred)
    blockers = plans.start_blockers(applicant)
    if blockers:
        raise WorkflowError(" ".join(blockers))
    with atomic():
        application, created = Application.get_or_create(plan=plan, applicant=applicant,
                                                         defaults={"unit": applicant.organisation})
        if created:
            audit.record(applicant, "application.start", f"application:{application.id}", plan.title, ip)
    return application


PLEDGE_LINK_MINUTES = 30


def _editable(application, actor):
    if not application.can_edit(actor):
        raise WorkflowError(f"该申报当前为“{application.status.label}”，不能修改。")


# The draft's columns by the words the audit log uses for them.
DRAFT_LABELS = {**snapshot.INFO_LABELS, "photo": "证件照", "education_hours": "继续教育学时", "unit": "工作单位"}


def save_draft(application, actor, reached=None, audit_as=None, ip="", **fields):
    """Save answers of a wizard step on the draft (never its status); `reached` moves the resume point on.

    Only the given columns are written, and only while the application is still editable in the database, so a
    page left open in another tab cannot undo a 提交. With `audit_as` the columns that changed are audited.
    """
    _editable(application, actor)
    changed = [name for name, value in fields.items()
               if _column(application, name) != (value.id if isinstance(value, Model) else value)]
    changes = {**fields, "updated_at": now()}
    if reached:
        changes["step_reached"] = max(application.step_reached, reached)
    with atomic():
        updated = Application.update(**changes).where(
            (Application.id == application.id) & Application.status.in_(list(EDITABLE_STATUSES))
        ).execute()
        if not updated:
            raise WorkflowError(APPLICATION_CHANGED.format(where(reload(application))))
        if audit_as and changed:
            audit.record(actor, audit_as, f"application:{application.id}",
                         "修改：" + "、".join(DRAFT_LABELS.get(name, name) for name in changed), ip)
    for name, value in changes.items():
        setattr(application, name, value)


def _column(application, name):
    """What the draft's column `name` holds: a foreign key's id (the attribute would fetch the record it names)."""
    field = Application._meta.fields[name]
    return getattr(application, field.object_id_name if isinstance(field, ForeignKeyField) else name)


def _file_label(application, key):
    return steps.EVIDENCE.get(key) or next((item.label for item in checklist(application) if item.key == key), key)


def attach_file(application, actor, key, stored, replace=False, ip=""):
    """A file of step 3's evidence or step 5's checklist; `replace` drops the ones kept under the same key."""
    _editable(application, actor)
    with atomic():
        if replace:
            ApplicationFile.delete().where((ApplicationFile.application == application)
                                           & (ApplicationFile.key == key)).execute()
        ApplicationFile.create(application=application, key=key, file=stored)
        save_draft(application, actor)  # refuses, and so rolls back, once the application has been submitted
        audit.record(actor, "application.attach", f"application:{application.id}",
                     f"{_file_label(application, key)}：{stored.original_name}", ip)


def detach_file(application, actor, link_id, ip=""):
    """Remove a draft's file (the stored file stays: an earlier submission may carry it)."""
    _editable(application, actor)
    link = ApplicationFile.get_or_none((ApplicationFile.application == application) & (ApplicationFile.id == link_id))
    if link is None:
        return
    with atomic():
        link.delete_instance()
        save_draft(application, actor)  # refuses, and so rolls back, once the application has been submitted
        audit.record(actor, "application.detach", f"application:{application.id}",
                     f"{_file_label(application, link.key)}：{link.file.original_name}", ip)


def new_pledge_link(application, actor):
    """A fresh one-time token for signing the pledge on a phone; earlier tokens stop working."""
    _editable(application, actor)
    token = secrets.token_urlsafe(24)
    save_draft(application, actor, pledge_token=token,
               pledge_token_expires=now() + timedelta(minutes=PLEDGE_LINK_MINUTES))
    return token


def pledge_by_token(token):
    """The draft a signing link belongs to, or WorkflowError when it is unknown, used or expired."""
    application = Application.get_or_none(Application.pledge_token == token) if token else None
    if application is None:
        raise WorkflowError("签名链接无效或已使用，请在电脑上刷新“个人承诺”页面，重新扫描二维码。")
    if application.pledge_token_expires is None or application.pledge_token_expires < now():
        raise WorkflowError("签名链接已过期，请在电脑上刷新“个人承诺”页面，重新扫描二维码。")
    if not application.is_editable:
        raise WorkflowError("该申报已提交，不能再签署。")
    return application


def sign_pledge(application, token, signature, ip=""):
    """Store the signed pledge (signature image, time, IP); the link is used up."""
    with atomic():
        updated = Application.update(pledge_signature=signature, pledge_signed_at=now(), pledge_ip=ip,
                                     pledge_token=None, pledge_token_expires=None,
                                     step_reached=max(application.step_reached, 3), updated_at=now()).where(
            (Application.id == application.id) & (Application.pledge_token == token)
            & Application.status.in_(list(EDITABLE_STATUSES))
        ).execute()
        if not updated:
            raise WorkflowError("签名链接已使用，请在电脑上刷新页面。")
        audit.record(application.applicant, "application.pledge", f"application:{application.id}", "签署个人承诺", ip)


def select_achievements(application, actor, achievement_ids, evidence=None, ip=""):
    """Step 4: the passed achievements picked, at their current version; `evidence` maps id → contributor file."""
    _editable(application, actor)
    evidence = evidence or {}
    chosen = list(Achievement.select().where(Achievement.id.in_(list(achievement_ids))
                                             & (Achievement.owner == actor)
                                             & (Achievement.status == AchievementStatus.PASSED)))
    foreign = set(evidence) - {a.id for a in chosen}
    if foreign:
        raise WorkflowError(f"业绩 #{min(foreign)} 不是您本人已通过审核的业绩，不能为它上传主要贡献者依据。")
    with atomic():
        kept = {link.achievement_id: link for link in application.achievement_links}
        if set(kept) != {a.id for a in chosen} or evidence or any(
                kept[a.id].version != a.version for a in chosen if a.id in kept):
            audit.record(actor, "application.achievements", f"application:{application.id}",
                         "、".join(f"“{a.title}”第 {a.version} 版" + ("（含主要贡献者依据）" if a.id in evidence else "")
                                  for a in chosen) or "未选择业绩", ip)
        ApplicationAchievement.delete().where(
            (ApplicationAchievement.application == application)
            & ApplicationAchievement.achievement.not_in([a.id for a in chosen] or [0])
        ).execute()
        for achievement in chosen:
            link = kept.get(achievement.id) or ApplicationAchievement(application=application, achievement=achievement)
            if link.id and link.version != achievement.version:
                link.contributor_evidence = None
            link.version = achievement.version
            if achievement.id in evidence:
                link.contributor_evidence = evidence[achievement.id]
            link.save()
        save_draft(application, actor)
    return len(chosen)


def submit_application(application, actor, today=None, ip=""):
    """提交: every step is checked again, the snapshot frozen, and the application goes to the unit."""
    _editable(application, actor)
    barred = bar_message(actor.id_number, today)
    if barred:
        raise WorkflowError(barred)
    if application.status == ApplicationStatus.DRAFT:
        reason = plans.closed_reason(application.plan, today)
        if reason:
            raise WorkflowError(f"{reason}不再接受提交。")
    if application.unit_id != actor.organisation_id:
        save_draft(application, actor, unit=actor.organisation)
    step, problems = steps.first_problem(application)
    if step is not None:
        raise IncompleteStep(step, problems)
    frozen = snapshot.dumps(application)
    with atomic():
        updated = Application.update(status=ApplicationStatus.AT_UNIT, submitted_at=now(), updated_at=now(),
                                     snapshot=frozen, stage=Stage.UNIT,
                                     stage_organisation=application.unit, stage_since=now(),
                                     version=Application.version + 1).where(
            (Application.id == application.id) & (Application.status == application.status)
        ).execute()
        if not updated:
            raise WorkflowError(CHANGED)
        again = application.status == ApplicationStatus.RETURNED
        number = _keep_submission(application, actor, frozen)
        ReviewAction.create(application=application, level=Role.APPLICANT.value, actor=actor,
                            action="resubmit" if again else "submit")
        audit.record(actor, "application.submit", f"application:{application.id}",
                     f"第 {number} 次提交：{application.plan.title}", ip)
        for contact in unit_contacts(application.unit):
            notify(contact, f"{actor.real_name}{'重新' if again else ''}提交了职称申报，待职称申报资格审查",
                   application.plan.title, send_sms=False)
    application.status, application.stage = ApplicationStatus.AT_UNIT, Stage.UNIT


def _keep_submission(application, actor, frozen):
    """第 n 次提交: this version is kept for good, with the files reviewers may open; returns n."""
    number = (Submission.select(fn.MAX(Submission.number)).where(Submission.application == application).scalar() or 0) + 1
    kept = Submission.create(application=application, number=number, submitted_by=actor, snapshot=frozen)
    for file_id in dict.fromkeys(snapshot.file_ids(json.loads(frozen))):
        SubmissionFile.create(submission=kept, file=file_id)
    return number


class IncompleteStep(WorkflowError):
    """提交 refused because a step is incomplete; names the step to go back to and why."""

    def __init__(self, step, problems):
        super().__init__(f"第 {step.number} 步“{step.title}”尚未完成：" + "；".join(problems))
        self.step, self.problems = step, problems
