"""个人基本信息: the rules of a person's profile."""
from datetime import date

from models import (
    EDITABLE_STATUSES,
    Application,
    ApplicationStatus,
    EducationRecord,
    Organisation,
    Role,
    TitleRecord,
    UnitStatus,
    User,
)
from services import audit
from services.txn import atomic


class ProfileError(ValueError):
    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def full_years(start, today=None):
    """实足年限: whole years from `start` to `today` (a year counts once its anniversary is reached)."""
    if start is None:
        return None
    today = today or date.today()
    years = today.year - start.year - ((today.month, today.day) < (start.month, start.day))
    return max(0, years)


def selectable_units():
    """Only approved units can be chosen as 现工作单位."""
    return Organisation.select().where((Organisation.kind == Role.UNIT) & (Organisation.status == UnitStatus.APPROVED))


# An application in these states is not with a reviewer: a draft or a returned one is the applicant's own again
# (the refusal below tells them to ask for 退回), and the others have ended.
NOT_UNDER_REVIEW = (*EDITABLE_STATUSES, ApplicationStatus.REFUSED, ApplicationStatus.PASSED, ApplicationStatus.FAILED)


def unit_change_blocker(user):
    """The submitted application, still under review, that forbids changing unit; or None."""
    return (Application.select().where((Application.applicant == user)
                                       & (Application.status.not_in(NOT_UNDER_REVIEW)))
            .order_by(Application.id.desc()).first())


def _rows_of(query, columns):
    return [{c: getattr(row, c) for c in columns} for row in query.order_by(query.model.sort_order)]


def _changes(user, unit, moved, work_started_on, education, titles):
    """What a save of 个人基本信息 changes, in words for the audit log."""
    found = []
    if moved:
        was = user.organisation.name if user.organisation_id else "无"
        found.append(f"现工作单位由“{was}”改为“{unit.name if unit else '无'}”")
    if work_started_on != user.work_started_on:
        found.append(f"工作起始时间由 {user.work_started_on or '未填'} 改为 {work_started_on}")
    if education != _rows_of(user.education, education[0].keys() if education else ()):
        found.append("学历改为：" + "、".join(f"{r['school']} {r['major']} {r['graduated_on']}" for r in education))
    if titles != _rows_of(user.titles, titles[0].keys() if titles else ()):
        found.append("现专业技术职务改为：" + ("、".join(f"{r['name']} {r['obtained_on']}" for r in titles) or "无"))
    return found


def save_profile(user, *, work_started_on, organisation_id, education, titles, today=None, ip=""):
    """Save 个人基本信息; `education` and `titles` are lists of dicts (the rows kept, in order). Audited."""
    today = today or date.today()
    if work_started_on > today:
        raise ProfileError(f"工作起始时间 {work_started_on} 晚于今天。", "work_started_on")
    if user.birth_date and work_started_on < user.birth_date:
        raise ProfileError(f"工作起始时间 {work_started_on} 早于出生日期 {user.birth_date}。", "work_started_on")
    unit = selectable_units().where(Organisation.id == organisation_id).first() if organisation_id else None
    if organisation_id and unit is None:
        raise ProfileError("所选单位不存在或尚未通过平台审核。", "organisation")
    moved = (unit.id if unit else None) != user.organisation_id  # into another unit's scope
    if moved:
        blocker = unit_change_blocker(user)
        if blocker is not None:
            raise ProfileError(
                f"您的申报《{blocker.plan.title}》已提交（{blocker.status.label}），提交后不能更换工作单位。"
                "如确需更换，请先请单位将申报退回。", "organisation")
    if not education:
        raise ProfileError("请至少填写一条学历信息。", "education")
    for row in education + titles:
        when = row.get("graduated_on") or row.get("obtained_on")
        if when and when > today:
            raise ProfileError(f"日期 {when} 晚于今天。", "education" if "graduated_on" in row else "titles")
    changes = _changes(user, unit, moved, work_started_on, education, titles)
    with atomic():
        audit.record(user, "profile.unit" if moved else "profile.save", f"user:{user.id}", "；".join(changes) or "未修改",
                     ip)
        user.work_started_on = work_started_on
        user.organisation = unit
        user.save(only=[User.work_started_on, User.organisation])
        EducationRecord.delete().where(EducationRecord.user == user).execute()
        for order, row in enumerate(education):
            EducationRecord.create(user=user, sort_order=order, **row)
        TitleRecord.delete().where(TitleRecord.user == user).execute()
        for order, row in enumerate(titles):
            TitleRecord.create(user=user, sort_order=order, **row)
