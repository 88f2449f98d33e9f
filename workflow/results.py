"""The committee's results after the meeting (decide now, release later): 评审结果公示, objections (异议), 复查, 确认.

A meeting leaves its computed result on the application (DECIDED + decided_pass). The office publishes the passes of
one plan for at least 5 working days and tells the failed ones of that plan at the same time. An upheld objection ends
a listed application as FAILED; a 复查 is answered with 维持原结果 or 重新评审 (back to the committee for a new vote —
the computed result itself is never set by hand). After the period, with every objection and 复查 answered, 确认
releases the results: listed ones PASSED, the failed ones FAILED.
"""
from datetime import date, timedelta

from models import (
    Application,
    ApplicationStatus,
    Objection,
    ObjectionState,
    Recheck,
    RecheckOutcome,
    ResultPublicity,
    ReviewAction,
    Role,
    applications_held_by,
    now,
)
from services import audit
from services.txn import atomic
from services.values import clean_text
from services.workdays import PUBLICITY_WORKING_DAYS, publicity_period
from workflow import CHANGED, WorkflowError
from workflow.review import move_application, tell_applicant

CONTENT_LIMIT = 2000  # characters of an objection, a decision, a 复查 reason or answer


def _text(value, label, limit=CONTENT_LIMIT):
    text = clean_text(value or "").strip()
    if not text:
        raise WorkflowError(f"请填写{label}。")
    if len(text) > limit:
        raise WorkflowError(f"{label}不超过 {limit} 个字，当前 {len(text)} 个字。")
    return text


def decided(actor, plan, passed):
    """The office's DECIDED applications of `plan` not yet on a results 公示, passed or failed."""
    return applications_held_by(actor).where(
        (Application.plan == plan) & (Application.status == ApplicationStatus.DECIDED)
        & (Application.decided_pass == passed) & Application.result_publicity.is_null())


def default_how_to_object(office):
    """Where and how to object, from the committee's reference data (the office may edit it before publishing)."""
    committee = office.committee
    where = (committee.address or committee.receiving_office) if committee else office.name
    phone = f"，电话 {committee.phone}" if committee and committee.phone else ""
    return (f"对公示对象有异议的，请于公示期内在本页实名提出（写明事实和联系方式，可附证据材料），"
            f"或以书面形式向{office.name}反映（地址：{where}{phone}）。匿名异议不予受理。")


def publish_results(actor, plan, ids, starts_on, how_to_object, today=None, ip=""):
    """评审结果公示 of the chosen passed applications of `plan`; the failed ones of the plan are told their result.

    Returns (publicity, skipped): ids that were not passed DECIDED applications of this office are skipped.
    """
    today = today or date.today()
    if starts_on is None or starts_on < today:
        raise WorkflowError(f"公示开始日期 {starts_on or '未填写'} 早于今天，请选择今天或以后的日期。")
    how_to_object = _text(how_to_object, "异议受理方式")
    chosen = list(decided(actor, plan, True).where(Application.id.in_(list(ids))))
    if not chosen:
        raise WorkflowError("请选择至少一名评审会表决通过、尚未公示的申报人员。")
    ends_on, note = publicity_period(starts_on)
    period = f"公示期 {starts_on} 至 {ends_on}（{PUBLICITY_WORKING_DAYS} 个工作日）"
    with atomic():
        publicity = ResultPublicity.create(plan=plan, office=actor.organisation, starts_on=starts_on, ends_on=ends_on,
                                           how_to_object=how_to_object, note=note, created_by=actor)
        for application in chosen:
            move_application(application, actor, "result_publicity", period, ip=ip,
                             status=ApplicationStatus.RESULT_PUBLICITY, result_publicity=publicity)
            tell_applicant(application, "您的职称评审结果已公示（评审会表决通过）", f"{period}，期满无异议后确认。")
        for application in decided(actor, plan, False):
            move_application(application, actor, "result_notice", f"评审会表决未通过；{period}", ip=ip,
                             result_publicity=publicity)
            tell_applicant(application, "您的职称评审结果：评审会表决未通过",
                           f"如对结果有异议，可在公示期内（至 {ends_on}）在“我的申报”中申请复查。")
    return publicity, len(set(ids)) - len(chosen)


def lodge_objection(publicity, application, name, contact, content, evidence=None, today=None, ip=""):
    """异议 on the public page: real name, contact and content, while the 公示 is open, against a listed name."""
    today = today or date.today()
    if not publicity.is_open(today):
        raise WorkflowError(f"该公示的公示期为 {publicity.starts_on} 至 {publicity.ends_on}，期外不受理异议。")
    if application.result_publicity_id != publicity.id or application.status != ApplicationStatus.RESULT_PUBLICITY:
        raise WorkflowError("所选人员不在该公示名单中，请刷新页面后重新选择。")
    name, contact = _text(name, "真实姓名", 64), _text(contact, "联系方式", 64)
    content = _text(content, "异议内容")
    with atomic():
        objection = Objection.create(publicity=publicity, application=application, name=name, contact=contact,
                                     content=content, evidence=evidence, ip=ip)
        audit.record(None, "objection.lodge", f"application:{application.id}", f"异议 #{objection.id}，提出人 {name}", ip)
    return objection


def decide_objection(objection, actor, upheld, decision, ip=""):
    """The office's written decision: 不成立, or 成立 — the application ends as FAILED with the decision as reason."""
    if not objection.publicity.can_manage(actor):
        raise WorkflowError("只能处理本办公室公示收到的异议。")
    decision = _text(decision, "处理意见")
    application = objection.application
    if upheld and application.status != ApplicationStatus.RESULT_PUBLICITY:
        raise WorkflowError(f"{application.applicant.real_name}当前为“{application.status.label}”，不在公示中，不能认定异议成立。")
    state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    with atomic():
        updated = Objection.update(state=state, decision=decision, decided_by=actor, decided_at=now()).where(
            (Objection.id == objection.id) & (Objection.state == ObjectionState.PENDING)).execute()
        if not updated:
            raise WorkflowError(f"该异议已处理。{CHANGED}")
        audit.record(actor, f"objection.{state.value}", f"application:{application.id}",
                     f"异议 #{objection.id}：{decision}", ip)
        if upheld:
            move_application(application, actor, "objection_upheld", f"异议成立，评审未通过：{decision}", ip=ip,
                             status=ApplicationStatus.FAILED)
            tell_applicant(application, "您的职称评审结果公示收到的异议经核查成立，评审未通过", f"理由：{decision}")


def ask_recheck(application, actor, reason, today=None, ip=""):
    """复查: the applicant of a failed result asks within the 公示 period, with a reason."""
    today = today or date.today()
    if not application.can_ask_recheck(actor, today):
        publicity = application.result_publicity
        if publicity is not None and not publicity.is_open(today) and application.status == ApplicationStatus.DECIDED:
            raise WorkflowError(f"复查须在公示期内（{publicity.starts_on} 至 {publicity.ends_on}）提出，现已不能申请。")
        raise WorkflowError(f"该申报当前为“{application.status.label}”，不能申请复查（每次公示可申请一次）。")
    reason = _text(reason, "复查理由")
    with atomic():
        recheck = Recheck.create(publicity=application.result_publicity, application=application, reason=reason)
        ReviewAction.create(application=application, level=Role.APPLICANT.value, actor=actor, action="recheck",
                            reason=reason)
        audit.record(actor, "application.recheck", f"application:{application.id}", reason, ip)
    return recheck


def answer_recheck(recheck, actor, outcome, answer, ip=""):
    """The office's written answer: 维持原结果, or 重新评审 (back to the committee, its vote to be taken again)."""
    if not recheck.publicity.can_manage(actor):
        raise WorkflowError("只能答复本办公室公示期间提出的复查申请。")
    if outcome not in (RecheckOutcome.MAINTAINED, RecheckOutcome.RE_REVIEW):
        raise WorkflowError("请选择“维持原结果”或“重新评审”。")
    answer = _text(answer, "答复意见")
    application = recheck.application
    with atomic():
        updated = Recheck.update(outcome=outcome, answer=answer, answered_by=actor, answered_at=now()).where(
            (Recheck.id == recheck.id) & (Recheck.outcome == RecheckOutcome.PENDING)).execute()
        if not updated:
            raise WorkflowError(f"该复查申请已答复。{CHANGED}")
        if outcome == RecheckOutcome.RE_REVIEW:
            if application.status != ApplicationStatus.DECIDED:
                raise WorkflowError(f"该申报当前为“{application.status.label}”，不能重新评审。")
            move_application(application, actor, "re_review", answer, ip=ip, status=ApplicationStatus.AT_COMMITTEE,
                             decided_pass=None, result_publicity=None)
            tell_applicant(application, "您的复查申请已受理：将提交评委会重新评审", f"答复：{answer}")
        else:
            move_application(application, actor, "recheck_maintained", answer, ip=ip)
            tell_applicant(application, "您的复查申请已答复：维持原评审结果", f"答复：{answer}")


def confirm_blockers(publicity, today):
    """Why 确认 is refused today, each naming its rule (empty when it may be confirmed)."""
    if publicity.confirmed_at:
        return [f"该公示已于 {publicity.confirmed_at} 确认。"]
    found = []
    if today <= publicity.ends_on:
        found.append(f"公示期至 {publicity.ends_on}，{publicity.ends_on + timedelta(days=1)} 起可确认。")
    for objection in publicity.objections.where(Objection.state == ObjectionState.PENDING).order_by(Objection.id):
        found.append(f"异议 #{objection.id}（针对{objection.application.applicant.real_name}，"
                     f"{objection.lodged_at:%Y-%m-%d} 由{objection.name}提出）尚未处理。")
    for recheck in publicity.rechecks.where(Recheck.outcome == RecheckOutcome.PENDING).order_by(Recheck.id):
        found.append(f"复查申请 #{recheck.id}（{recheck.application.applicant.real_name}，"
                     f"{recheck.asked_at:%Y-%m-%d} 提出）尚未答复。")
    return found


def confirm_results(publicity, actor, today=None, ip=""):
    """确认 after the period: listed ones → PASSED, the failed ones told → FAILED. Returns (passed, failed)."""
    today = today or date.today()
    if not publicity.can_manage(actor):
        raise WorkflowError("只能确认本办公室的评审结果公示。")
    blockers = confirm_blockers(publicity, today)
    if blockers:
        raise WorkflowError("暂不能确认：" + "".join(blockers))
    office = actor.organisation.name
    passed = failed = 0
    with atomic():
        updated = ResultPublicity.update(confirmed_at=now(), confirmed_by=actor).where(
            (ResultPublicity.id == publicity.id) & ResultPublicity.confirmed_at.is_null()).execute()
        if not updated:
            raise WorkflowError(f"该公示已确认。{CHANGED}")
        for application in publicity.applications.where(Application.status == ApplicationStatus.RESULT_PUBLICITY):
            move_application(application, actor, "result_pass", f"公示期满无异议，{office}确认", ip=ip,
                             status=ApplicationStatus.PASSED)
            tell_applicant(application, f"您的职称申报评审通过（{office}）")
            passed += 1
        for application in publicity.applications.where((Application.status == ApplicationStatus.DECIDED)
                                                         & (Application.decided_pass == False)):  # noqa: E712
            move_application(application, actor, "result_fail", f"评审会表决未通过，{office}确认", ip=ip,
                             status=ApplicationStatus.FAILED)
            tell_applicant(application, f"您的职称申报评审未通过（{office}）")
            failed += 1
        audit.record(actor, "results.confirm", f"plan:{publicity.plan_id}",
                     f"评审结果公示 #{publicity.id}：{passed} 人评审通过，{failed} 人评审未通过", ip)
    return passed, failed
