"""评审会议: created with its members and agenda frozen, attendance, recusals (回避), secret votes — a paper tally
entered by the office or online ballots of the experts — and the result computed by services/meetings, never
chosen. Interviews (面试/答辩) are scheduled here too."""
from datetime import datetime

from peewee import IntegrityError, fn

from models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    Attendance,
    Ballot,
    BallotCast,
    Choice,
    ConflictKind,
    Expert,
    Interview,
    Meeting,
    Recusal,
    VoteMode,
    VoteState,
    applications_held_by,
    now,
)
from services import audit, meetings, roster, routing
from services.integrity import barred_until
from services.notifications import notify
from services.txn import atomic
from services.values import clean_text
from workflow import APPLICATION_CHANGED, CHANGED, WorkflowError, reload, require_reason, where
from workflow.experts import office_committee, plan_reviewed_by
from workflow.fees import unpaid_here
from workflow.review import move_application, tell_applicant

VOTE_STARTED = "表决已开始，不能再修改出席情况（缺席的评委不能补投，也不能委托投票）。"


def _manage(meeting, actor):
    if not meeting.can_manage(actor):
        raise WorkflowError("只能管理本办公室的评审会议。")


def create_meeting(actor, plan, held_on, place, ip=""):
    """A meeting of the committee composed for `plan`; its agenda is what the office holds for it at 待评委会评审,
    in 花名册 order."""
    committee = office_committee(actor)
    if not plan_reviewed_by(committee, plan):
        raise WorkflowError(f"“{plan.title}”不由{committee.name}评审。")
    if held_on is None:
        raise WorkflowError("请填写会议日期（格式 2026-11-27）。")
    place = clean_text(place or "").strip()
    if not place or len(place) > 128:
        raise WorkflowError(f"请填写会议地点（不超过 128 个字，现为 {len(place)} 个）。")
    members = meetings.members_of(plan, committee)
    problems = meetings.composition_problems(m.role for m in members)
    if problems:
        raise WorkflowError("评委会组成不符合规定：" + "".join(problems) + "请先在“评委会组成”中调整。")
    agenda = _awaiting(actor, plan)
    if not agenda:
        raise WorkflowError(f"“{plan.title}”没有待评委会评审的申报，无需开会。")
    with atomic():
        meeting = Meeting.create(office=actor.organisation_id, plan=plan, held_on=held_on, place=place, created_by=actor)
        Attendance.insert_many([{"meeting": meeting, "expert": m.expert_id, "role": m.role} for m in members]).execute()
        AgendaItem.insert_many([{"meeting": meeting, "application": a, "position": n}
                                for n, a in enumerate(agenda, 1)]).execute()
        audit.record(actor, "meeting.create", f"meeting:{meeting.id}",
                     f"{plan.title}：{held_on} {place}，评委 {len(members)} 人，议程 {len(agenda)} 件", ip)
    return meeting


def _awaiting(actor, plan, meeting=None):
    """The office's applications of `plan` at 待评委会评审 (those not on `meeting`'s agenda yet), in 花名册 order. One left
    unvoted at an earlier meeting (postponed) may go on a new meeting's agenda."""
    query = applications_held_by(actor).where(
        (Application.plan == plan) & (Application.status == ApplicationStatus.AT_COMMITTEE))
    if meeting is not None:
        query = query.where(Application.id.not_in(meeting.items.select(AgendaItem.application)))
    return roster.ordered(query)


def extend_agenda(actor, meeting, ip=""):
    """补充议程: the applications that reached 待评委会评审 for the meeting's plan since its agenda was made, added after
    the last item in 花名册 order; how many were added."""
    _manage(meeting, actor)
    arrived = _awaiting(actor, meeting.plan, meeting)
    if not arrived:
        raise WorkflowError("没有新到达的待评委会评审申报，议程无需补充。")
    with atomic():
        last = meeting.items.select(fn.MAX(AgendaItem.position)).scalar() or 0
        AgendaItem.insert_many([{"meeting": meeting, "application": a, "position": last + n}
                                for n, a in enumerate(arrived, 1)]).execute()
        audit.record(actor, "meeting.extend", f"meeting:{meeting.id}",
                     f"补充议程 {len(arrived)} 件：" + "、".join(a.applicant.real_name for a in arrived), ip)
    return len(arrived)


def _vote_started(meeting):
    return meeting.items.where(AgendaItem.state != VoteState.WAITING).exists()


def record_attendance(actor, meeting, present_ids, today=None, ip=""):
    """Who of the meeting's members is present; fixed once the first vote has started."""
    _manage(meeting, actor)
    if _vote_started(meeting):
        raise WorkflowError(VOTE_STARTED)
    present_ids = set(present_ids)
    rows = list(meeting.attendance)
    if not present_ids <= {row.expert_id for row in rows}:
        raise WorkflowError("所选人员不是本次会议的评委，请刷新页面后重试。")
    for row in rows:
        until = barred_until(row.expert.id_number, today) if row.expert_id in present_ids else None
        if until:
            raise WorkflowError(f"{row.expert.name}已被记入诚信档案（至 {until}），不能参加评审。")
    with atomic():
        for row in rows:
            Attendance.update(present=row.expert_id in present_ids).where(Attendance.id == row.id).execute()
        if _vote_started(meeting):  # a vote opened meanwhile: its denominator must not change under it
            raise WorkflowError(VOTE_STARTED)
        audit.record(actor, "meeting.attendance", f"meeting:{meeting.id}", str(meetings.meeting_quorum(meeting)), ip)


def _waiting(item):
    if item.state != VoteState.WAITING:
        raise WorkflowError(f"该申报已{item.state.label}，不能再更改回避或重新表决。")


def recuse(actor, item, expert, kind, reason="", ip=""):
    """Record a recusal: one of the conflicts the platform proposes, or one the office declares with a reason."""
    _manage(item.meeting, actor)
    _waiting(item)
    if not Attendance.select().where((Attendance.meeting == item.meeting_id) & (Attendance.expert == expert)).exists():
        raise WorkflowError(f"{expert.name}不是本次会议的评委。")
    if kind == ConflictKind.DECLARED:
        reason = require_reason(clean_text(reason), "其他回避情形")
    else:
        found = next((c for c in meetings.conflicts(expert, item.application) if c.kind == kind), None)
        if found is None:
            raise WorkflowError(f"{expert.name}与该申报人不存在“{kind.label}”的情形，请选择“{ConflictKind.DECLARED.label}”并写明理由。")
        reason = found.detail
    with atomic():
        try:
            Recusal.create(item=item, expert=expert, kind=kind, reason=reason, recorded_by=actor)
        except IntegrityError:
            raise WorkflowError(f"{expert.name}已回避该申报。") from None
        audit.record(actor, "meeting.recusal", f"application:{item.application_id}",
                     f"{expert.name}回避：{kind.label}（{reason}）", ip)


def _ready_to_vote(actor, item):
    """The checks before a vote opens or a tally is entered; returns the number of voters."""
    meeting = item.meeting
    _manage(meeting, actor)
    _waiting(item)
    quorum = meetings.meeting_quorum(meeting)
    if not quorum.is_valid:
        raise WorkflowError(f"会议无效，不能表决：{quorum}（评委会人数的三分之二）。")
    application = reload(item.application)
    if application.status != ApplicationStatus.AT_COMMITTEE or application.stage_organisation_id != meeting.office_id:
        raise WorkflowError(APPLICATION_CHANGED.format(where(application)))
    if unpaid_here(Application.select().where(Application.id == application.id), meeting.office_id):
        raise WorkflowError(f"{application.applicant.real_name}未缴费：本办公室的缴费通知尚未确认缴费，"
                            "请在“缴费管理”中确认缴费或免收后再表决。")
    pending = meetings.proposed_recusals(item)
    if pending:
        names = "、".join(f"{row.expert.name}（{conflict.kind.label}）" for row, conflict in pending)
        raise WorkflowError(f"请先确认回避：{names}。")
    voters = len(meetings.voters_of(item))
    if not voters:
        raise WorkflowError("出席的评委都已回避该申报，无人可以表决。")
    return voters


def enter_tally(actor, item, agree, disagree, abstain, ip=""):
    """The paper ballots' count (无记名): it must add up to the present, non-recused members."""
    voters = _ready_to_vote(actor, item)
    counts = (agree, disagree, abstain)
    if any(n is None or n < 0 for n in counts):
        raise WorkflowError("请填写同意、不同意、弃权的票数（0 或正整数）。")
    if sum(counts) != voters:
        raise WorkflowError(f"计票不符：同意 {agree} + 不同意 {disagree} + 弃权 {abstain} = {sum(counts)} 票，"
                            f"应等于出席且未回避的评委 {voters} 人。")
    _decide(actor, item, VoteMode.PAPER, VoteState.WAITING, counts, voters, ip)


def open_vote(actor, item, ip=""):
    """Open the online vote of an item: the present, non-recused experts vote on their own accounts."""
    _ready_to_vote(actor, item)
    with atomic():
        if not AgendaItem.update(state=VoteState.OPEN, mode=VoteMode.ONLINE).where(
                (AgendaItem.id == item.id) & (AgendaItem.state == VoteState.WAITING)).execute():
            raise WorkflowError(CHANGED)
        audit.record(actor, "meeting.vote_open", f"application:{item.application_id}", "", ip)
    item.state, item.mode = VoteState.OPEN, VoteMode.ONLINE


def cast_ballot(user, item, choice, today=None, ip=""):
    """An expert's secret ballot: stored with no link to its voter; that they voted is kept apart (BallotCast)."""
    seat = (Attendance.select(Attendance, Expert).join(Expert)
            .where((Attendance.meeting == item.meeting_id) & (Expert.user == user.id)).first())
    if seat is None:
        raise WorkflowError("您不是本次会议的评委。")
    if AgendaItem.get_by_id(item.id).state != VoteState.OPEN:
        raise WorkflowError("该申报的投票未开放或已结束，不能再投票。")
    if not seat.present:
        raise WorkflowError("您未出席本次会议，不能投票（缺席的评委不能补投，也不能委托投票）。")
    if seat.expert_id in meetings.recused_ids(item):
        raise WorkflowError("您已回避该申报，不能投票。")
    until = barred_until(seat.expert.id_number, today)
    if until:
        raise WorkflowError(f"您已被记入诚信档案（至 {until}），不能参加评审投票。")
    if choice not in Choice._value2member_map_:
        raise WorkflowError("请选择同意、不同意或弃权。")
    with atomic():
        try:
            BallotCast.create(item=item, expert=seat.expert_id)
        except IntegrityError:
            raise WorkflowError("您已对该申报投过票，不能重复投票。") from None
        Ballot.create(item=item, choice=Choice(choice))
        if AgendaItem.get_by_id(item.id).state != VoteState.OPEN:  # closed while this ballot was on its way
            raise WorkflowError("该申报的投票已结束，不能再投票。")
        audit.record(user, "meeting.ballot", f"application:{item.application_id}", "", ip)


def close_vote(actor, item, ip=""):
    """Close the online vote; only now is the tally counted and shown, and the result computed."""
    _manage(item.meeting, actor)
    if item.state != VoteState.OPEN:
        raise WorkflowError("该申报的投票未开放，不能结束。")
    counted = {row.choice: row.n for row in Ballot.select(Ballot.choice, fn.COUNT(Ballot.key).alias("n"))
               .where(Ballot.item == item).group_by(Ballot.choice)}
    counts = tuple(counted.get(choice, 0) for choice in Choice)
    _decide(actor, item, VoteMode.ONLINE, VoteState.OPEN, counts, len(meetings.voters_of(item)), ip)


def _decide(actor, item, mode, state_seen, counts, voters, ip):
    """Record the vote and its computed result; the application is DECIDED (released after the results 公示), or,
    when a 中评委 passes a senior applicant, RECOMMENDED to the 高评委 (中推高)."""
    agree, disagree, abstain = counts
    passed = meetings.passes(agree, voters)
    meeting, application = item.meeting, reload(item.application)
    tally = f"应投 {voters} 票：同意 {agree}，不同意 {disagree}，弃权 {abstain}（通过须同意 {meetings.two_thirds(voters)} 票）"
    occasion = f"评审会议（{meeting.held_on}，{meeting.place}）表决"
    recommends = routing.next_stage(application) is not None  # a 中评委's pass of a category-1 senior (中推高)
    with atomic():
        if not AgendaItem.update(state=VoteState.CLOSED, mode=mode, voters=voters, agree=agree, disagree=disagree,
                                 abstain=abstain, passed=passed, closed_at=now()).where(
                (AgendaItem.id == item.id) & (AgendaItem.state == state_seen)).execute():
            raise WorkflowError(CHANGED)
        if passed and recommends:
            move_application(application, actor, "result_pass", f"{occasion}通过", ip=ip,
                             status=ApplicationStatus.RECOMMENDED, meeting_date=meeting.held_on, decided_pass=True)
            tell_applicant(application, f"您已通过{actor.organisation.name}评审，获推荐参加高评委评审")
        else:
            move_application(application, actor, "decided", occasion, ip=ip, status=ApplicationStatus.DECIDED,
                             meeting_date=meeting.held_on, decided_pass=passed)
            tell_applicant(application, f"您的职称申报已经{actor.organisation.name}评审会议表决",
                           "评审结果将在结果公示时公布。")
        audit.record(actor, "meeting.vote_close", f"application:{application.id}",
                     f"{mode.label}：{tally}，{'通过' if passed else '未通过'}", ip)
    item.state, item.mode, item.voters, item.passed = VoteState.CLOSED, mode, voters, passed
    item.agree, item.disagree, item.abstain = counts


def schedule_interview(actor, application, starts_at, room, ip=""):
    """面试/答辩 time and room of a candidate the office holds; the candidate gets an SMS with both."""
    if not application.can_mark_interview(actor) or not application.interview_candidate:
        raise WorkflowError("只能为本办公室持有、已标记为面试对象的申报安排面试。")
    if starts_at is None or starts_at <= datetime.now():
        raise WorkflowError("请填写面试时间（须晚于现在，格式 2026-12-01 09:30）。")
    room = clean_text(room or "").strip()
    if not room or len(room) > 128:
        raise WorkflowError(f"请填写面试地点（不超过 128 个字，现为 {len(room)} 个）。")
    when = starts_at.strftime("%Y-%m-%d %H:%M")
    with atomic():
        Interview.insert(application=application, starts_at=starts_at, room=room, scheduled_by=actor,
                         scheduled_at=now()).on_conflict(
            conflict_target=[Interview.application],
            update={Interview.starts_at: starts_at, Interview.room: room, Interview.scheduled_by: actor,
                    Interview.scheduled_at: now()}).execute()
        notify(application.applicant, f"面试（答辩）安排：{when}，{room}",
               f"请于 {when} 准时到 {room} 参加{actor.organisation.name}组织的面试（答辩），携带身份证。")
        audit.record(actor, "application.interview_schedule", f"application:{application.id}", f"{when} {room}", ip)
