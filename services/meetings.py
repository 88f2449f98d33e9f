"""The rules of a 评审会议 (《职称评审管理暂行规定》 人社部令第40号), as pure functions the workflow asks.

- a committee has an odd number of members: one 主任委员, at least one 副主任委员, the rest 委员;
- a meeting is valid when at least 2/3 of the members are present (rounded up: 15 → 10);
- an application passes when 同意 is at least 2/3 of the present members who are not recused (9 → 6, 10 → 7);
- conflicts (回避) are typed and computed here, in one place; voting code asks, it never re-derives them.
"""
from dataclasses import dataclass
from datetime import datetime

from models import (
    Attendance,
    CommitteeMember,
    ConflictKind,
    Expert,
    Level,
    MemberRole,
    PlanCommittee,
    Recusal,
    ReviewPlan,
)


def two_thirds(count):
    """2/3 of `count`, rounded up, in whole numbers (no floating point at the boundary)."""
    return (2 * count + 2) // 3


def quorum(members):
    """How many members must be present for a meeting of a committee of `members` to be valid."""
    return two_thirds(members)


def is_quorate(present, members):
    return members > 0 and present >= quorum(members)


def passes(agree, voters):
    """An application passes when 同意 ≥ 2/3 of the present, non-recused members (rounded up)."""
    return voters > 0 and agree >= two_thirds(voters)


def composition_problems(roles):
    """What is wrong with a committee of members with these MemberRoles (an empty list when it is lawful)."""
    roles = list(roles)
    problems = []
    if len(roles) % 2 == 0:
        problems.append(f"评委会组成人数须为单数（现为 {len(roles)} 人）。")
    chairs = roles.count(MemberRole.CHAIR)
    if chairs != 1:
        problems.append(f"评委会须设主任委员 1 名（现为 {chairs} 名）。")
    if MemberRole.DEPUTY not in roles:
        problems.append("评委会须设副主任委员至少 1 名（现为 0 名）。")
    return problems


@dataclass(frozen=True)
class Conflict:
    kind: ConflictKind
    detail: str


def declared_relatives(expert):
    """The 身份证号 of the relatives the expert declared, upper case."""
    return {line.strip().upper() for line in (expert.relatives or "").splitlines() if line.strip()}


def conflicts(expert, application):
    """Every conflict of interest of `expert` with `application` the platform can see by itself (DECLARED ones are
    the office's, recorded as recusals)."""
    applicant = application.applicant
    found = []
    if applicant.id_number and expert.id_number.upper() == applicant.id_number.upper():
        found.append(Conflict(ConflictKind.SELF, "专家本人即申报人"))
    unit = application.unit
    if unit is not None and (expert.unit_id == unit.id or (expert.unit_name.strip() and expert.unit_name.strip() == unit.name)):
        found.append(Conflict(ConflictKind.SAME_UNIT, f"专家与申报人同在{unit.name}"))
    if applicant.id_number and applicant.id_number.upper() in declared_relatives(expert):
        found.append(Conflict(ConflictKind.RELATIVE, "申报人身份证号在专家申报的近亲属中"))
    return found


def plans_reviewed_by(committee):
    """The plans a committee reviews: those linked to it, and for the 高评委 every senior plan (category 2 professions
    and 中推高 recommendations reach it whichever 中评委 the plan names)."""
    linked = PlanCommittee.select(PlanCommittee.plan).where(PlanCommittee.committee == committee)
    condition = ReviewPlan.id.in_(linked)
    if committee.is_senior:
        condition |= ReviewPlan.level == Level.SENIOR
    return ReviewPlan.select().where(condition).order_by(ReviewPlan.year.desc(), ReviewPlan.id.desc())


def _by_role(rows):
    order = list(MemberRole)
    return sorted(rows, key=lambda m: (order.index(m.role), m.expert.name, m.expert_id))


def members_of(plan, committee):
    """The committee composed for `plan` from `committee`'s pool as it stands (rows not ended by a recomposition),
    主任委员 first, then 副主任委员, then 委员."""
    return _by_role(CommitteeMember.select(CommitteeMember, Expert).join(Expert)
                    .where((CommitteeMember.plan == plan) & (Expert.committee == committee) & CommitteeMember.current()))


@dataclass(frozen=True)
class Composition:
    """One composition `plan` had: its members (by role), when it was saved (None before migration 018) and ended
    (None while in force)."""

    members: list
    created_at: object
    ended_at: object

    @property
    def is_current(self):
        return self.ended_at is None


def composition_history(plan, committee):
    """Every composition of `plan` from `committee`'s pool, the one in force first, then the ended ones, newest first;
    the rows saved together (one created_at, one ended_at) make one composition."""
    rows = (CommitteeMember.select(CommitteeMember, Expert).join(Expert)
            .where((CommitteeMember.plan == plan) & (Expert.committee == committee)))
    groups = {}
    for row in rows:
        groups.setdefault((row.created_at, row.ended_at), []).append(row)
    compositions = [Composition(_by_role(members), created, ended) for (created, ended), members in groups.items()]
    return sorted(compositions, key=lambda c: (c.is_current, c.ended_at or datetime.min), reverse=True)


@dataclass(frozen=True)
class Quorum:
    members: int
    present: int

    @property
    def needed(self):
        return quorum(self.members)

    @property
    def is_valid(self):
        return is_quorate(self.present, self.members)

    def __str__(self):
        return f"应到 {self.members} 人，实到 {self.present} 人，须至少 {self.needed} 人出席"


def meeting_quorum(meeting):
    rows = list(meeting.attendance)
    return Quorum(len(rows), sum(1 for row in rows if row.present))


def present_members(meeting):
    return list(Attendance.select(Attendance, Expert).join(Expert)
                .where((Attendance.meeting == meeting) & Attendance.present).order_by(Expert.name, Expert.id))


def recused_ids(item):
    return {r.expert_id for r in Recusal.select(Recusal.expert).where(Recusal.item == item)}


def voters_of(item):
    """The present members of the item's meeting who are not recused from it: the denominator of its vote."""
    recused = recused_ids(item)
    return [row for row in present_members(item.meeting) if row.expert_id not in recused]


def proposed_recusals(item):
    """(member, Conflict) of the present members whose conflicts with the item's application the office has not
    yet confirmed as recusals; a vote waits until there are none."""
    recused = recused_ids(item)
    return [(row, conflict) for row in present_members(item.meeting) if row.expert_id not in recused
            for conflict in conflicts(row.expert, item.application)[:1]]
