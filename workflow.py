"""The one place that changes the state of units, achievements and applications.

Each function checks the transition is allowed for this actor and this record's current state, writes
the history row and the audit log, and queues notifications that are sent after the transaction commits.
A state change is a conditional UPDATE on the state the actor saw, so of two people acting at once only
one succeeds; the other gets a WorkflowError saying the record changed.
"""
import secrets
from datetime import date, timedelta
from decimal import Decimal

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
    FeeSetting,
    Level,
    Organisation,
    PlanCommittee,
    PlanProfession,
    Publicity,
    ReviewAction,
    Role,
    Stage,
    UnitReview,
    UnitStatus,
    User,
    applications_held_by,
    now,
)
from services import audit, plans, routing, snapshot, steps
from services.notifications import notify
from services.txn import atomic
from services.workdays import PUBLICITY_WORKING_DAYS, publicity_end_date

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
    try:
        version = achievement.version if version is None else int(version)
    except ValueError:
        raise WorkflowError(CHANGED) from None
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


# ---------------------------------------------------------------- 评审工作计划 (the administrator)

def _replace_links(model, field, plan, ids):
    model.delete().where((model.plan == plan) & field.not_in(ids)).execute()
    kept = {getattr(link, field.name + "_id") for link in model.select().where(model.plan == plan)}
    for target_id in ids:
        if target_id not in kept:
            model.create(plan=plan, **{field.name: target_id})


def save_plan(plan, actor, committee_ids, profession_ids, ip=""):
    """Create or edit a plan with its committees and professions; returns whether it was created."""
    if not actor.is_admin:
        raise WorkflowError("只有平台管理员可以设置评审工作计划。")
    created = plan.id is None
    with atomic():
        plan.save()
        _replace_links(PlanCommittee, PlanCommittee.committee, plan, committee_ids)
        _replace_links(PlanProfession, PlanProfession.profession, plan, profession_ids)
        audit.record(actor, "plan.create" if created else "plan.update", f"plan:{plan.id}",
                     f"{plan.title}（{plan.opens_on} 至 {plan.closes_on}）", ip)
    return created


# ---------------------------------------------------------------- applications (马上申报 and the wizard)

def start_application(plan, applicant, today=None, ip=""):
    """马上申报: the applicant's one application for this plan, created as a draft the first time."""
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
    """Save answers of a wizard step on the draft (never its status); `reached` moves the resume point on.

    Only the given columns are written, and only while the application is still editable in the database, so a
    page left open in another tab cannot undo a 提交.
    """
    _editable(application, actor)
    changes = {**fields, "updated_at": now()}
    if reached:
        changes["step_reached"] = max(application.step_reached, reached)
    with atomic():
        updated = Application.update(**changes).where(
            (Application.id == application.id) & Application.status.in_(list(EDITABLE_STATUSES))
        ).execute()
        if not updated:
            raise WorkflowError(APPLICATION_CHANGED.format(_where(_reload(application))))
    for name, value in changes.items():
        setattr(application, name, value)


def attach_file(application, actor, key, stored, replace=False):
    """A file of step 3's evidence or step 5's checklist; `replace` drops the ones kept under the same key."""
    _editable(application, actor)
    with atomic():
        if replace:
            ApplicationFile.delete().where((ApplicationFile.application == application)
                                           & (ApplicationFile.key == key)).execute()
        ApplicationFile.create(application=application, key=key, file=stored)
        save_draft(application, actor)  # refuses, and so rolls back, once the application has been submitted


def detach_file(application, actor, link_id):
    _editable(application, actor)
    with atomic():
        ApplicationFile.delete().where((ApplicationFile.application == application)
                                       & (ApplicationFile.id == link_id)).execute()
        save_draft(application, actor)  # refuses, and so rolls back, once the application has been submitted


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
                                     snapshot=snapshot.dumps(application), stage=Stage.UNIT,
                                     stage_organisation=application.unit, stage_since=now(),
                                     version=Application.version + 1).where(
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
    application.status, application.stage = ApplicationStatus.AT_UNIT, Stage.UNIT


class IncompleteStep(WorkflowError):
    """提交 refused because a step is incomplete; names the step to go back to and why."""

    def __init__(self, step, problems):
        super().__init__(f"第 {step.number} 步“{step.title}”尚未完成：" + "；".join(problems))
        self.step, self.problems = step, problems


# ---------------------------------------------------------------- the review chain (附件2)

APPLICATION_CHANGED = "该申报已被他人处理，请刷新。当前状态：{}"


def _reload(application):
    return Application.get_by_id(application.id)


def _move(application, actor, action, reason="", seen=None, ip="", **changes):
    """Change an application's state from the state `actor` saw (its `version`), with the history row and audit.

    Of two reviewers acting at once exactly one succeeds; the other gets APPLICATION_CHANGED with the current state.
    """
    seen = application.version if seen is None else int(seen)
    level = application.stage.value if application.stage else Role.APPLICANT.value
    changes.setdefault("updated_at", now())
    updated = Application.update(version=Application.version + 1, **changes).where(
        (Application.id == application.id) & (Application.version == seen)
    ).execute()
    if not updated:
        current = _reload(application)
        raise WorkflowError(APPLICATION_CHANGED.format(_where(current)))
    ReviewAction.create(application=application, level=level, organisation=actor.organisation_id, actor=actor,
                        action=action, reason=reason)
    audit.record(actor, f"application.{action}", f"application:{application.id}", reason, ip)
    for name, value in changes.items():
        setattr(application, name, value)
    application.version = seen + 1


def _where(application):
    """Where an application is, in words: "越城区住房和城乡建设局：待审查"."""
    holder = application.stage_organisation.name + "：" if application.stage_organisation_id else ""
    return holder + application.status.label


def _hand_to(application, stage):
    """The columns that hand `application` to the office of `stage`."""
    status = ApplicationStatus.AT_COMMITTEE if stage in routing.COMMITTEE_STAGES else ApplicationStatus.PENDING
    return {"stage": stage, "stage_organisation": routing.holder(stage, application), "stage_since": now(),
            "status": status}


def _tell_applicant(application, title, body=""):
    notify(application.applicant, title, body, link=url_for("wizard.view", application_id=application.id))


REVIEW_ACTIONS = {"pass", "return", "refuse"}


def review(application, actor, action, reason="", seen=None, ip=""):
    """通过 / 退回 / 不通过 at the unit, 审查通过 / 退回修改 / 审查不通过 at the talent centre and bureaus."""
    if action not in REVIEW_ACTIONS:
        raise WorkflowError("未知的审查操作。")
    allowed = application.can_review(actor) or (action != "pass" and application.can_object(actor))
    if application.stage not in (Stage.UNIT, *routing.BUREAU_STAGES) or not allowed:
        current = _reload(application)
        if current.version != application.version or (seen is not None and int(seen) != current.version):
            raise WorkflowError(APPLICATION_CHANGED.format(_where(current)))
        raise WorkflowError(f"您不能审查该申报（当前：{_where(application)}）。")
    bureau = application.stage in routing.BUREAU_STAGES
    label = (ReviewAction.BUREAU_LABELS if bureau else ReviewAction.ACTION_LABELS)[action]
    reason = (reason or "").strip()
    if action != "pass":
        reason = _require_reason(reason, label)
    office = actor.organisation.name
    with atomic():
        if action == "pass":
            passed = ApplicationStatus.STAGE_PASSED if bureau else ApplicationStatus.UNIT_PASSED
            _move(application, actor, action, reason, seen, ip, status=passed)
            _tell_applicant(application, f"您的职称申报已通过{office}审查", reason)
        elif action == "return":
            _move(application, actor, action, reason, seen, ip, status=ApplicationStatus.RETURNED, stage=None,
                  stage_organisation=None, stage_since=now(), publicity=None)
            _tell_applicant(application, f"您的职称申报被{office}{label}", f"理由：{reason}。请修改后重新提交。")
        else:
            _move(application, actor, action, reason, seen, ip, status=ApplicationStatus.REFUSED)
            _tell_applicant(application, f"您的职称申报{label}（{office}）", f"理由：{reason}")


def review_many(ids, actor, action, reason="", ip=""):
    """The same decision for selected rows; what is not eligible is skipped and counted. Returns (done, skipped)."""
    done = 0
    for application in Application.select().where(Application.id.in_(list(ids))):
        try:
            review(application, actor, action, reason, ip=ip)
        except WorkflowError:
            continue
        done += 1
    return done, len(set(ids)) - done


def start_publicity(actor, starts_on, ids, today=None, ip=""):
    """公示 of the applicants the actor's unit passed: at least 5 working days from `starts_on`."""
    today = today or date.today()
    if starts_on < today:
        raise WorkflowError(f"公示开始日期 {starts_on} 早于今天，请选择今天或以后的日期。")
    chosen = list(applications_held_by(actor).where(
        Application.id.in_(list(ids)) & (Application.status == ApplicationStatus.UNIT_PASSED)
        & Application.publicity.is_null()))
    if not chosen:
        raise WorkflowError("请选择至少一名已审查通过、尚未公示的申报人员。")
    ends_on, uncovered = publicity_end_date(starts_on)
    note = ""
    if uncovered:
        years = "、".join(str(y) for y in uncovered)
        note = (f"平台的节假日数据未包含 {years} 年，该年只按周末和管理员录入的节假日计算工作日，"
                "请核对公示期是否满 5 个工作日。")
    with atomic():
        publicity = Publicity.create(unit=actor.organisation, starts_on=starts_on, ends_on=ends_on, note=note, created_by=actor)
        period = f"公示期 {starts_on} 至 {ends_on}（{PUBLICITY_WORKING_DAYS} 个工作日）"
        for application in chosen:
            _move(application, actor, "publicity", period, ip=ip, publicity=publicity)
            _tell_applicant(application, "您的职称申报已在单位公示", period)
    return publicity, len(set(ids)) - len(chosen)


def send_publicity(publicity, actor, today=None, ip=""):
    """报送 after the publicity period: each applicant goes to the construction bureau (or the talent centre first)."""
    today = today or date.today()
    if publicity.unit_id != actor.organisation_id:
        raise WorkflowError("只能报送本单位的公示。")
    if publicity.sent_at:
        raise WorkflowError(f"该公示已于 {publicity.sent_at} 报送。")
    if today <= publicity.ends_on:
        raise WorkflowError(f"公示期至 {publicity.ends_on} 结束，{publicity.ends_on + timedelta(days=1)} 起才能报送。")
    done = 0
    with atomic():
        for application in publicity.applications.where(
                (Application.status == ApplicationStatus.UNIT_PASSED) & (Application.stage == Stage.UNIT)):
            target = _hand_to(application, routing.next_stage(application))
            _move(application, actor, "send", f"报送{target['stage_organisation'].name}", ip=ip, **target)
            _tell_applicant(application, f"您的职称申报已报送{target['stage_organisation'].name}")
            done += 1
        if not done:
            raise WorkflowError("该公示中没有待报送的申报（可能已全部退回或不通过）。")
        Publicity.update(sent_at=now()).where(Publicity.id == publicity.id).execute()
    return done


def recommend(actor, ip=""):
    """审核推荐: every application this office passed goes to the next level. Returns (done, {reason: count})."""
    office = actor.organisation
    here = applications_held_by(actor)
    skipped = {}
    pending = here.where(Application.status == ApplicationStatus.PENDING).count()
    if pending:
        skipped["尚未审查"] = pending
    done = 0
    with atomic():
        for application in here.where(Application.status == ApplicationStatus.STAGE_PASSED):
            target = _hand_to(application, routing.next_stage(application))
            _move(application, actor, "recommend", f"推荐至{target['stage_organisation'].name}", ip=ip, **target)
            _tell_applicant(application, f"您的职称申报已由{office.name}推荐至{target['stage_organisation'].name}")
            done += 1
    return done, skipped


def record_result(application, actor, passed, meeting_date, reason="", seen=None, today=None, ip=""):
    """The committee's result per applicant; a 中评委's pass of a senior applicant is its recommendation (中推高)."""
    today = today or date.today()
    if application.status != ApplicationStatus.AT_COMMITTEE or not application.can_review(actor):
        current = _reload(application)
        raise WorkflowError(APPLICATION_CHANGED.format(_where(current)))
    if meeting_date is None or meeting_date > today:
        raise WorkflowError("请填写评审会议日期（不能晚于今天）。")
    reason = (reason or "").strip()
    if not passed:
        reason = _require_reason(reason, "评审未通过")
    recommends = application.stage == Stage.COMMITTEE and application.plan.level == Level.SENIOR
    with atomic():
        if passed and recommends:
            _move(application, actor, "result_pass", reason, seen, ip, status=ApplicationStatus.RECOMMENDED,
                  meeting_date=meeting_date)
            _tell_applicant(application, f"您已通过{actor.organisation.name}评审，获推荐参加高评委评审")
        elif passed:
            _move(application, actor, "result_pass", reason, seen, ip, status=ApplicationStatus.PASSED,
                  meeting_date=meeting_date)
            _tell_applicant(application, f"您的职称申报评审通过（{actor.organisation.name}）")
        else:
            _move(application, actor, "result_fail", reason, seen, ip, status=ApplicationStatus.FAILED,
                  meeting_date=meeting_date)
            _tell_applicant(application, f"您的职称申报评审未通过（{actor.organisation.name}）", f"意见：{reason}")


def forward_to_senior(actor, ip=""):
    """A 中评委 passes its recommended senior applicants to the 高评委 office. Returns how many."""
    done = 0
    with atomic():
        for application in applications_held_by(actor).where(Application.status == ApplicationStatus.RECOMMENDED):
            target = _hand_to(application, Stage.SENIOR_COMMITTEE)
            _move(application, actor, "forward", f"推荐至{target['stage_organisation'].name}", ip=ip, **target)
            _tell_applicant(application, "您的职称申报已由中评委推荐至高评委")
            done += 1
    return done


def set_fee(organisation, actor, charges, amount, ip=""):
    """收费设定 of an office: 收费 (with an amount) or 不收费."""
    if charges and amount in (None, ""):
        raise WorkflowError("选择“收费”时须填写收费金额。")
    amount = Decimal(amount) if charges else Decimal(0)
    if amount < 0:
        raise WorkflowError("收费金额不能为负数。")
    with atomic():
        setting, _ = FeeSetting.get_or_create(organisation=organisation)
        setting.charges, setting.amount, setting.updated_by, setting.updated_at = charges, amount, actor, now()
        setting.save()
        audit.record(actor, "fee.set", f"organisation:{organisation.id}",
                     f"收费 {amount} 元" if charges else "不收费", ip)
    return setting
