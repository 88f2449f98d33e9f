"""The one place that changes the state of units, achievements and applications.

Each function checks the transition is allowed for this actor and this record's current state, writes
the history row and the audit log, and queues notifications that are sent after the transaction commits.
A state change is a conditional UPDATE on the state the actor saw, so of two people acting at once only
one succeeds; the other gets a WorkflowError saying the record changed.
"""
import secrets
from datetime import timedelta

from flask import url_for

from models import (
    EDITABLE_STATUSES,
    Achievement,
    AchievementFile,
    AchievementReview,
    AchievementStatus,
    Application,
    ApplicationAchievement,
    ApplicationFile,
    ApplicationStatus,
    Organisation,
    ReviewAction,
    Role,
    UnitReview,
    UnitStatus,
    User,
    now,
)
from services import audit
from services.notifications import notify
from services.txn import atomic

CHANGED = "该记录已被他人处理或已修改，请刷新后查看当前状态。"


class WorkflowError(Exception):
    """A refused transition; the message says why, in words the user understands."""


def _require_reason(reason, action_label):
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(f"{action_label}必须填写理由。")
    return reason


# ---------------------------------------------------------------- units (授权委托证明审核)

def _unit_contacts(unit):
    return User.select().where((User.organisation == unit) & (User.role == Role.UNIT))


def submit_unit(unit, actor, letter, ip=""):
    """A unit's registration or corrected resubmission goes (back) to the administrator, with its letter."""
    with atomic():
        updated = Organisation.update(status=UnitStatus.PENDING).where(
            (Organisation.id == unit.id) & (Organisation.status != UnitStatus.APPROVED)
        ).execute()
        if not updated:
            raise WorkflowError("单位已审核通过，无需再次提交。")
        UnitReview.create(unit=unit, actor=actor, action="submit", letter=letter)
        audit.record(actor, "unit.submit", f"organisation:{unit.id}", unit.name, ip)
        for admin in User.select().where(User.role == Role.ADMIN):
            notify(admin, f"单位“{unit.name}”提交了授权委托证明，待审核", link=url_for("admin.unit_detail", unit_id=unit.id),
                   send_sms=False)
    unit.status = UnitStatus.PENDING


def _decide_unit(unit, actor, status, action, reason, ip):
    with atomic():
        updated = Organisation.update(status=status).where(
            (Organisation.id == unit.id) & (Organisation.status == UnitStatus.PENDING)
        ).execute()
        if not updated:
            raise WorkflowError(CHANGED)
        UnitReview.create(unit=unit, actor=actor, action=action, reason=reason)
        audit.record(actor, f"unit.{action}", f"organisation:{unit.id}", reason, ip)
        for contact in _unit_contacts(unit):
            if status == UnitStatus.APPROVED:
                notify(contact, "单位授权委托证明审核通过", f"“{unit.name}”已绑定，本单位人员现在可以选择本单位。",
                       link=url_for("unit.info"))
            else:
                notify(contact, "单位授权委托证明被退回", f"理由：{reason}。请修改后重新提交。", link=url_for("unit.info"))
    unit.status = status


def approve_unit(unit, actor, ip=""):
    _decide_unit(unit, actor, UnitStatus.APPROVED, "approve", "", ip)


def refuse_unit(unit, actor, reason, ip=""):
    _decide_unit(unit, actor, UnitStatus.REFUSED, "refuse", _require_reason(reason, "退回"), ip)


# ---------------------------------------------------------------- achievements (业绩档案审核)

def save_achievement(achievement, actor, new_files=(), removed_file_ids=(), ip=""):
    """Create or edit an achievement; any edit makes a new version that waits for the unit's review again."""
    if achievement.id and not achievement.can_edit(actor):
        raise WorkflowError("只能修改本人的业绩档案。")
    with atomic():
        if achievement.id:
            current = Achievement.get_by_id(achievement.id)
            if current.version != achievement.version:
                raise WorkflowError(CHANGED)
            was = current.status
            achievement.version += 1
        else:
            was = None
        achievement.status = AchievementStatus.PENDING
        achievement.updated_at = now()
        achievement.save()
        if removed_file_ids:
            AchievementFile.update(is_current=False).where(
                (AchievementFile.achievement == achievement) & AchievementFile.file.in_(list(removed_file_ids))
            ).execute()
        for stored in new_files:
            AchievementFile.create(achievement=achievement, file=stored)
        detail = f"{achievement.kind.label}“{achievement.title}”第 {achievement.version} 版"
        if was == AchievementStatus.PASSED:
            detail += "（原已通过，修改后重新待审核）"
        audit.record(actor, "achievement.save", f"achievement:{achievement.id}", detail, ip)
    return achievement


def review_achievement(achievement, actor, action, reason="", version=None, ip=""):
    """The unit's 通过 or 退回 (reason required) of the version the reviewer looked at."""
    if action not in ("pass", "return"):
        raise WorkflowError("未知的审核操作。")
    if not achievement.can_review(actor):
        raise WorkflowError("您无权审核该业绩档案。")
    reason = (reason or "").strip()
    if action == "return":
        reason = _require_reason(reason, "退回")
    new_status = AchievementStatus.PASSED if action == "pass" else AchievementStatus.RETURNED
    version = achievement.version if version is None else int(version)
    with atomic():
        updated = Achievement.update(status=new_status).where(
            (Achievement.id == achievement.id) & (Achievement.status == AchievementStatus.PENDING)
            & (Achievement.version == version)
        ).execute()
        if not updated:
            raise WorkflowError(CHANGED)
        AchievementReview.create(achievement=achievement, actor=actor, action=action, reason=reason, version=version)
        audit.record(actor, f"achievement.{action}", f"achievement:{achievement.id}", reason, ip)
        link = url_for("applicant.achievement_detail", achievement_id=achievement.id)
        if action == "pass":
            notify(achievement.owner, f"业绩“{achievement.title}”已通过单位审核", link=link)
        else:
            notify(achievement.owner, f"业绩“{achievement.title}”被单位退回", f"理由：{reason}", link=link)
    achievement.status = new_status


def pass_achievements(ids, actor, ip=""):
    """Bulk 通过: passes each eligible one; returns (done, skipped)."""
    done = skipped = 0
    for achievement in Achievement.select().where(Achievement.id.in_(list(ids))):
        try:
            review_achievement(achievement, actor, "pass", ip=ip)
        except WorkflowError:
            skipped += 1
        else:
            done += 1
    skipped += len(set(ids)) - done - skipped
    return done, skipped


# ---------------------------------------------------------------- applications (马上申报 and the wizard)

def start_application(plan, applicant, today=None, ip=""):
    """马上申报: the applicant's one application for this plan, created as a draft the first time."""
    from services import plans

    existing = plans.existing_application(plan, applicant)
    if existing is not None:
        return existing
    reason = plans.closed_reason(plan, today)
    if reason:
        raise WorkflowError(reason)
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


def save_draft(application, actor, reached=None, **fields):
    """Save answers of a wizard step on the draft (never its status); `reached` moves the resume point on."""
    _editable(application, actor)
    with atomic():
        for name, value in fields.items():
            setattr(application, name, value)
        if reached:
            application.step_reached = max(application.step_reached, reached)
        application.updated_at = now()
        application.save()


def attach_file(application, actor, key, stored, replace=False):
    """A file of step 3's evidence or step 5's checklist; `replace` drops the ones kept under the same key."""
    _editable(application, actor)
    with atomic():
        if replace:
            ApplicationFile.delete().where((ApplicationFile.application == application)
                                           & (ApplicationFile.key == key)).execute()
        ApplicationFile.create(application=application, key=key, file=stored)
        save_draft(application, actor)


def detach_file(application, actor, link_id):
    _editable(application, actor)
    with atomic():
        ApplicationFile.delete().where((ApplicationFile.application == application)
                                       & (ApplicationFile.id == link_id)).execute()


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


def select_achievements(application, actor, achievement_ids, evidence=None):
    """Step 4: the passed achievements picked, at their current version; `evidence` maps id → contributor file."""
    _editable(application, actor)
    evidence = evidence or {}
    chosen = list(Achievement.select().where(Achievement.id.in_(list(achievement_ids))
                                             & (Achievement.owner == actor)
                                             & (Achievement.status == AchievementStatus.PASSED)))
    with atomic():
        kept = {link.achievement_id: link for link in application.achievement_links}
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
    from services import plans, snapshot, steps

    _editable(application, actor)
    if application.status == ApplicationStatus.DRAFT:
        reason = plans.closed_reason(application.plan, today)
        if reason:
            raise WorkflowError(f"{reason}不再接受提交。")
    if application.unit_id != actor.organisation_id:
        save_draft(application, actor, unit=actor.organisation)
    step, problems = steps.first_problem(application)
    if step is not None:
        raise IncompleteStep(step, problems)
    with atomic():
        updated = Application.update(status=ApplicationStatus.AT_UNIT, submitted_at=now(), updated_at=now(),
                                     snapshot=snapshot.dumps(application)).where(
            (Application.id == application.id) & (Application.status == application.status)
        ).execute()
        if not updated:
            raise WorkflowError(CHANGED)
        again = application.status == ApplicationStatus.RETURNED
        ReviewAction.create(application=application, level=Role.APPLICANT.value, actor=actor,
                            action="resubmit" if again else "submit")
        audit.record(actor, "application.submit", f"application:{application.id}", application.plan.title, ip)
        for contact in _unit_contacts(application.unit):
            notify(contact, f"{actor.real_name}{'重新' if again else ''}提交了职称申报，待职称申报资格审查",
                   application.plan.title, send_sms=False)
    application.status = ApplicationStatus.AT_UNIT


class IncompleteStep(WorkflowError):
    """提交 refused because a step is incomplete; names the step to go back to and why."""

    def __init__(self, step, problems):
        super().__init__(f"第 {step.number} 步“{step.title}”尚未完成：" + "；".join(problems))
        self.step, self.problems = step, problems
