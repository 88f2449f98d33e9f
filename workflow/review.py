"""The review chain (附件2): unit, 公示 and 报送, bureaus, 审核推荐 and a 中评委's 推荐至高评委 (中推高); the committee's
result comes from its meeting (workflow/meetings.py)."""
import json
from collections import Counter
from datetime import date

from flask import url_for

from models import (
    Application,
    ApplicationStatus,
    Publicity,
    ReviewAction,
    Role,
    Stage,
    Submission,
    applications_held_by,
    now,
)
from services import audit, return_parts, routing, steps
from services.display import sentence, when
from services.notifications import notify
from services.txn import atomic
from services.values import clean_text, whole_number
from services.workdays import PUBLICITY_WORKING_DAYS, first_sending_day, publicity_period
from workflow import APPLICATION_CHANGED, CHANGED, WorkflowError, reload, require_reason, where
from workflow.fees import issue_notice, unpaid_here


def move_application(application, actor, action, reason="", seen=None, ip="", parts=(), **changes):
    """Change an application's state from the state `actor` saw (its `version`), with the history row (returned) and
    audit.

    Of two reviewers acting at once exactly one succeeds; the other gets APPLICATION_CHANGED with the current state.
    """
    seen = application.version if seen is None else seen
    level = application.stage.value if application.stage else Role.APPLICANT.value
    changes.setdefault("updated_at", now())
    updated = Application.update(version=Application.version + 1, **changes).where(
        (Application.id == application.id) & (Application.version == seen)
    ).execute()
    if not updated:
        current = reload(application)
        raise WorkflowError(APPLICATION_CHANGED.format(where(current)))
    done = ReviewAction.create(application=application, level=level, organisation=actor.organisation_id, actor=actor,
                               action=action, reason=reason, parts=json.dumps(list(parts), ensure_ascii=False))
    detail = reason + ("（须修改：" + "、".join(p["label"] for p in parts) + "）" if parts else "")
    audit.record(actor, f"application.{action}", f"application:{application.id}", detail, ip)
    for name, value in changes.items():
        setattr(application, name, value)
    application.version = seen + 1
    return done


def _version_seen(seen):
    """The version of the application the actor's page showed (a form's `seen`), or None when the form had none."""
    if seen is None or isinstance(seen, int):
        return seen
    version = whole_number(seen)
    if version is None:
        raise WorkflowError(f"页面版本号“{clean_text(seen)[:20]}”无效，请刷新页面后重试。")
    return version


def _hand_to(application, stage):
    """The columns that hand `application` to the office of `stage`."""
    status = ApplicationStatus.AT_COMMITTEE if stage in routing.COMMITTEE_STAGES else ApplicationStatus.PENDING
    return {"stage": stage, "stage_organisation": routing.holder(stage, application), "stage_since": now(),
            "status": status}


def tell_applicant(application, title, body=""):
    notify(application.applicant, title, body, link=url_for("wizard.view", application_id=application.id))


REVIEW_ACTIONS = ("pass", "return", "refuse")
BULK_RETURN_REFUSED = ("退回须逐件勾选须修改的内容（一次性告知），不能批量退回。请点击申报人姓名打开申报详情页，"
                       "在“审查”中勾选须修改的步骤、业绩或附件并填写理由后退回。")


def _parts_to_change(application, keys, label):
    """一次性告知: the ticked parts of the submission under review; a 退回 names at least one."""
    latest = application.submissions.order_by(Submission.number.desc()).first()
    data = json.loads(latest.snapshot) if latest else steps.loads(application.snapshot)
    parts = return_parts.chosen(data, keys or ())
    if not parts:
        raise WorkflowError(f"{label}须勾选至少一项须修改的内容（各步骤、相关业绩或附件），以便申报人一次改全。")
    return parts


def review(application, actor, action, reason="", seen=None, ip="", parts=()):
    """通过 / 退回 / 不通过 at the unit, 审查通过 / 退回修改 / 审查不通过 at the talent centre and bureaus; a 退回
    names the parts to change (`parts`: keys of services/return_parts). Returns the ReviewAction recorded."""
    if action not in REVIEW_ACTIONS:
        raise WorkflowError(f"审查结果“{clean_text(action)[:20]}”无效：请点击通过、退回或不通过按钮。")
    seen = _version_seen(seen)
    allowed = application.can_review(actor) or (action != "pass" and application.can_object(actor))
    if application.stage not in (Stage.UNIT, *routing.BUREAU_STAGES) or not allowed:
        current = reload(application)
        if current.version != application.version or (seen is not None and seen != current.version):
            raise WorkflowError(APPLICATION_CHANGED.format(where(current)))
        raise WorkflowError(f"您不能审查该申报（当前：{where(application)}）。")
    bureau = application.stage in routing.BUREAU_STAGES
    label = (ReviewAction.BUREAU_LABELS if bureau else ReviewAction.ACTION_LABELS)[action]
    reason = (reason or "").strip()
    if action == "return":
        parts = _parts_to_change(application, parts, label)
    if action != "pass":
        reason = require_reason(reason, label)
    office = actor.organisation.name
    with atomic():
        if action == "pass":
            passed = ApplicationStatus.STAGE_PASSED if bureau else ApplicationStatus.UNIT_PASSED
            done = move_application(application, actor, action, reason, seen, ip, status=passed)
            tell_applicant(application, f"您的职称申报已通过{office}审查", reason)
        elif action == "return":
            done = move_application(application, actor, action, reason, seen, ip, parts=parts,
                                    status=ApplicationStatus.RETURNED, stage=None, stage_organisation=None,
                                    stage_since=now(), publicity=None)
            tell_applicant(application, f"您的职称申报被{office}{label}",
                           f"理由：{sentence(reason)}请修改后重新提交。须修改：{'、'.join(p['label'] for p in parts)}。")
        else:
            done = move_application(application, actor, action, reason, seen, ip, status=ApplicationStatus.REFUSED)
            tell_applicant(application, f"您的职称申报{label}（{office}）", f"理由：{reason}")
    return done


def review_many(ids, actor, action, reason="", ip=""):
    """The same decision for selected rows; what is not eligible is skipped and counted. Returns (done, skipped).

    No bulk 退回: each return names the parts of that submission to change (一次性告知)."""
    if action == "return":
        raise WorkflowError(BULK_RETURN_REFUSED)
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
    ends_on, note = publicity_period(starts_on)
    with atomic():
        publicity = Publicity.create(unit=actor.organisation, starts_on=starts_on, ends_on=ends_on, note=note, created_by=actor)
        period = f"公示期 {starts_on} 至 {ends_on}（{PUBLICITY_WORKING_DAYS} 个工作日）"
        for application in chosen:
            move_application(application, actor, "publicity", period, ip=ip, publicity=publicity)
            tell_applicant(application, "您的职称申报已在单位公示", period)
    return publicity, len(set(ids)) - len(chosen)


def send_publicity(publicity, actor, today=None, ip=""):
    """报送 after the publicity period: each applicant goes to the construction bureau (or the talent centre first).
    Returns how many went where ({destination's name: count})."""
    today = today or date.today()
    if publicity.unit_id != actor.organisation_id:
        raise WorkflowError("只能报送本单位的公示。")
    if publicity.sent_at:
        raise WorkflowError(f"该公示已于 {when(publicity.sent_at)} 报送。")
    if today < first_sending_day(publicity.ends_on):
        raise WorkflowError(f"公示期至 {publicity.ends_on} 结束，{first_sending_day(publicity.ends_on)} 起才能报送。")
    done = Counter()
    with atomic():
        for application in publicity.applications.where(
                (Application.status == ApplicationStatus.UNIT_PASSED) & (Application.stage == Stage.UNIT)):
            target = _hand_to(application, routing.next_stage(application))
            move_application(application, actor, "send", f"报送{target['stage_organisation'].name}", ip=ip, **target)
            tell_applicant(application, f"您的职称申报已报送{target['stage_organisation'].name}")
            issue_notice(application, target["stage_organisation"], actor, today, ip)
            done[target["stage_organisation"].name] += 1
        if not done:
            raise WorkflowError("该公示中没有待报送的申报（可能已全部退回或不通过）。")
        Publicity.update(sent_at=now()).where(Publicity.id == publicity.id).execute()
    return done


def recommend(actor, ip=""):
    """审核推荐: every application this office passed goes to the next level.
    Returns ({destination's name: count}, {reason skipped: count})."""
    office = actor.organisation
    here = applications_held_by(actor)
    skipped = {}
    pending = here.where(Application.status == ApplicationStatus.PENDING).count()
    if pending:
        skipped["尚未审查"] = pending
    passed = here.where(Application.status == ApplicationStatus.STAGE_PASSED)
    unpaid = unpaid_here(passed, office)
    if unpaid:
        skipped["未缴费"] = len(unpaid)
    done = Counter()
    with atomic():
        for application in passed.where(Application.id.not_in(list(unpaid) or [0])):
            target = _hand_to(application, routing.next_stage(application))
            move_application(application, actor, "recommend", f"推荐至{target['stage_organisation'].name}", ip=ip,
                             **target)
            tell_applicant(application, f"您的职称申报已由{office.name}推荐至{target['stage_organisation'].name}")
            issue_notice(application, target["stage_organisation"], actor, ip=ip)
            done[target["stage_organisation"].name] += 1
        if not done and not unpaid:  # e.g. a colleague's 审核推荐 took the lock first and moved them all
            raise WorkflowError(f"没有审查通过、待推荐的申报。{CHANGED}")
    return done, skipped


def forward_to_senior(actor, ip=""):
    """A 中评委 passes its recommended senior applicants to the 高评委 office of their plan. Returns how many.

    One whose route ends here (its plan or profession changed since the recommendation) stays for the office to see."""
    done = 0
    with atomic():
        for application in applications_held_by(actor).where(Application.status == ApplicationStatus.RECOMMENDED):
            stage = routing.next_stage(application)
            if stage is None:
                continue
            target = _hand_to(application, stage)
            move_application(application, actor, "forward", f"推荐至{target['stage_organisation'].name}", ip=ip, **target)
            tell_applicant(application, f"您的职称申报已由中评委推荐至{target['stage_organisation'].name}")
            issue_notice(application, target["stage_organisation"], actor, ip=ip)
            done += 1
    return done
