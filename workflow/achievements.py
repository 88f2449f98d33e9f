"""业绩档案: saving versions of an achievement and the unit's 业绩档案审核."""

from flask import url_for

from models import (
    Achievement,
    AchievementFile,
    AchievementReview,
    AchievementStatus,
    now,
)
from services import audit
from services.notifications import notify
from services.txn import atomic
from services.values import whole_number
from workflow import CHANGED, WorkflowError, require_reason


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
        reason = require_reason(reason, "退回")
    new_status = AchievementStatus.PASSED if action == "pass" else AchievementStatus.RETURNED
    version = achievement.version if version is None else whole_number(version)
    if version is None:  # not a version this page could have shown
        raise WorkflowError(CHANGED)
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
