"""评审会议 (人社部令第40号): quorum, recusals, tallies, secret online ballots, and the result computed, never chosen."""
import ast
from datetime import date, timedelta
from pathlib import Path

import pytest
from peewee import SqliteDatabase

from models import (
    AgendaItem,
    Application,
    ApplicationStatus,
    AuditLog,
    Ballot,
    BallotCast,
    CommitteeMember,
    ConflictKind,
    IntegrityCase,
    Level,
    MemberRole,
    Recusal,
    Role,
    Stage,
    User,
    db,
)
from services import meetings
from tests.chain_world import as_user, compose, filed, pool_expert, staff
from tests.conftest import make_unit, make_user
from tests.wizard_world import open_plan
from workflow import WorkflowError
from workflow.experts import compose_committee, open_expert_account
from workflow.meetings import (
    cast_ballot,
    close_vote,
    create_meeting,
    enter_tally,
    open_vote,
    record_attendance,
    recuse,
)

S = ApplicationStatus
TODAY = date.today()
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def ctx(app):
    with app.test_request_context():
        yield


class Meeting:
    """A meeting of `members` experts for one application of the 越城区中评委's plan, `present` of them present."""

    def __init__(self, members=9, present=None, level=Level.MID, unit_name="越城建工集团"):
        self.plan = open_plan(3, level=level)
        self.unit = make_unit(unit_name)
        self.office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
        self.application = filed(self.plan, self.unit, 1, self.office.organisation, S.AT_COMMITTEE, Stage.COMMITTEE)
        self.experts = compose(self.office, self.plan, count=members)
        self.meeting = create_meeting(self.office, self.plan, TODAY, "第一会议室")
        self.item = AgendaItem.get(AgendaItem.meeting == self.meeting)
        if present is not None:
            record_attendance(self.office, self.meeting, [e.id for e in self.experts[:present]])

    def recuse(self, expert, reason="曾指导申报人的项目"):
        recuse(self.office, self.item, expert, ConflictKind.DECLARED, reason)

    def fresh(self):
        return Application.get_by_id(self.application.id)

    def account(self, expert):
        user, _ = open_expert_account(self.office, expert, f"expert{expert.id}")
        return user


# ---------------------------------------------------------------- the arithmetic, at its boundaries

@pytest.mark.parametrize("members, present, valid", [
    (15, 10, True), (15, 9, False), (9, 6, True), (9, 5, False), (11, 8, True), (11, 7, False), (3, 2, True),
    (3, 1, False), (0, 0, False),
])
def test_a_meeting_is_valid_with_two_thirds_present(members, present, valid):
    assert meetings.is_quorate(present, members) is valid


@pytest.mark.parametrize("voters, agree, passed", [
    (9, 6, True), (9, 5, False), (10, 7, True), (10, 6, False), (3, 2, True), (3, 1, False), (1, 1, True),
    (0, 0, False),
])
def test_two_thirds_of_the_voters_must_agree(voters, agree, passed):
    assert meetings.passes(agree, voters) is passed


# ---------------------------------------------------------------- quorum and votes through the workflow

@pytest.mark.parametrize("members, present, valid", [(15, 10, True), (15, 9, False), (9, 6, True), (9, 5, False)])
def test_an_invalid_meeting_cannot_vote(ctx, members, present, valid):
    world = Meeting(members, present)
    if valid:
        enter_tally(world.office, world.item, present, 0, 0)
        assert world.fresh().status == S.DECIDED
    else:
        with pytest.raises(WorkflowError, match=f"会议无效，不能表决：应到 {members} 人，实到 {present} 人，"
                                                f"须至少 {meetings.quorum(members)} 人出席"):
            enter_tally(world.office, world.item, present, 0, 0)
        with pytest.raises(WorkflowError, match="会议无效"):
            open_vote(world.office, world.item)
        assert world.fresh().status == S.AT_COMMITTEE


@pytest.mark.parametrize("members, present, recused, agree, passed", [
    (9, 9, 0, 6, True), (9, 9, 0, 5, False),
    (11, 10, 0, 7, True), (11, 10, 0, 6, False),
    (11, 10, 1, 6, True), (11, 10, 1, 5, False),  # 10 present, 1 recused: 9 voters
])
def test_the_result_is_computed_from_the_tally(ctx, members, present, recused, agree, passed):
    world = Meeting(members, present)
    for expert in world.experts[:recused]:
        world.recuse(expert)
    voters = present - recused
    enter_tally(world.office, world.item, agree, voters - agree, 0)
    fresh, item = world.fresh(), AgendaItem.get_by_id(world.item.id)
    assert (fresh.status, fresh.decided_pass, fresh.meeting_date) == (S.DECIDED, passed, TODAY)
    assert (item.voters, item.agree, item.passed) == (voters, agree, passed)
    assert fresh.actions.get().action == "decided"


@pytest.mark.parametrize("counts, message", [
    ((5, 3, 0), "计票不符：同意 5 + 不同意 3 + 弃权 0 = 8 票，应等于出席且未回避的评委 9 人。"),
    ((6, 3, 1), "计票不符：同意 6 + 不同意 3 + 弃权 1 = 10 票，应等于出席且未回避的评委 9 人。"),
    ((None, 3, 0), "请填写同意、不同意、弃权的票数"),
    ((-1, 10, 0), "请填写同意、不同意、弃权的票数"),
])
def test_a_tally_must_add_up_to_the_voters(ctx, counts, message):
    world = Meeting(9, 9)
    with pytest.raises(WorkflowError) as error:
        enter_tally(world.office, world.item, *counts)
    assert message in str(error.value)
    assert world.fresh().status == S.AT_COMMITTEE and AgendaItem.get_by_id(world.item.id).passed is None


def test_a_recused_member_is_not_in_the_denominator(ctx):
    world = Meeting(11, 10)
    world.recuse(world.experts[0])
    with pytest.raises(WorkflowError, match="应等于出席且未回避的评委 9 人"):
        enter_tally(world.office, world.item, 7, 3, 0)


@pytest.mark.parametrize("level, outcome, status", [
    (Level.SENIOR, True, S.RECOMMENDED),  # 中推高: the 中评委's pass is its recommendation
    (Level.SENIOR, False, S.DECIDED),
    (Level.MID, True, S.DECIDED),
])
def test_a_mid_committees_pass_of_a_senior_applicant_recommends_it(ctx, level, outcome, status):
    world = Meeting(3, 3, level=level)
    enter_tally(world.office, world.item, *((3, 0, 0) if outcome else (1, 2, 0)))
    fresh = world.fresh()
    assert (fresh.status, fresh.decided_pass) == (status, outcome)


def test_the_result_cannot_be_entered_twice_or_overridden(ctx):
    world = Meeting(3, 3)
    enter_tally(world.office, world.item, 1, 2, 0)
    with pytest.raises(WorkflowError, match="已表决"):
        enter_tally(world.office, world.item, 3, 0, 0)
    with pytest.raises(WorkflowError, match="已表决"):
        open_vote(world.office, world.item)
    assert world.fresh().decided_pass is False


def test_attendance_is_fixed_once_voting_starts(ctx):
    world = Meeting(3, 3)
    open_vote(world.office, world.item)
    with pytest.raises(WorkflowError, match="表决已开始，不能再修改出席情况"):
        record_attendance(world.office, world.meeting, [world.experts[0].id])


def test_another_office_cannot_touch_the_meeting(ctx):
    world = Meeting(3, 3)
    stranger = staff(Role.COMMITTEE_OFFICE, committee_number=4)
    for action in (lambda: record_attendance(stranger, world.meeting, []), lambda: open_vote(stranger, world.item),
                   lambda: enter_tally(stranger, world.item, 3, 0, 0)):
        with pytest.raises(WorkflowError, match="只能管理本办公室的评审会议"):
            action()


def test_the_agenda_is_in_roster_order(ctx):
    from models import ApplicationType

    plan, unit = open_plan(), make_unit("越城建工集团")
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    transfer = filed(plan, unit, 1, office.organisation, S.AT_COMMITTEE, Stage.COMMITTEE,
                     application_type=ApplicationType.TRANSFER)
    normal = filed(plan, unit, 2, office.organisation, S.AT_COMMITTEE, Stage.COMMITTEE)
    filed(plan, unit, 3, office.organisation, S.RECOMMENDED, Stage.COMMITTEE)  # not awaiting the meeting
    compose(office, plan)
    meeting = create_meeting(office, plan, TODAY, "第一会议室")
    assert [i.application_id for i in meeting.items.order_by(AgendaItem.position)] == [normal.id, transfer.id]


# ---------------------------------------------------------------- committee composition

@pytest.mark.parametrize("roles, message", [
    ([MemberRole.CHAIR, MemberRole.DEPUTY] + [MemberRole.MEMBER] * 12, "评委会组成人数须为单数（现为 14 人）"),
    ([MemberRole.DEPUTY, MemberRole.DEPUTY, MemberRole.MEMBER], "评委会须设主任委员 1 名（现为 0 名）"),
    ([MemberRole.CHAIR, MemberRole.CHAIR, MemberRole.DEPUTY], "评委会须设主任委员 1 名（现为 2 名）"),
    ([MemberRole.CHAIR, MemberRole.MEMBER, MemberRole.MEMBER], "评委会须设副主任委员至少 1 名"),
    ([MemberRole.CHAIR, MemberRole.DEPUTY, MemberRole.MEMBER], None),
    ([MemberRole.CHAIR, MemberRole.DEPUTY, MemberRole.DEPUTY] + [MemberRole.MEMBER] * 12, None),
])
def test_a_committee_has_an_odd_count_a_chair_and_a_deputy(roles, message):
    office, plan = staff(Role.COMMITTEE_OFFICE, committee_number=3), open_plan()
    chosen = {pool_expert(office.organisation.committee, n).id: role for n, role in enumerate(roles, 1)}
    if message:
        with pytest.raises(WorkflowError, match=message.replace("（", r"\（").replace("）", r"\）")):
            compose_committee(office, plan, chosen)
        assert not meetings.members_of(plan, office.organisation.committee)
    else:
        compose_committee(office, plan, chosen)
        assert len(meetings.members_of(plan, office.organisation.committee)) == len(roles)


@pytest.mark.parametrize("decided_days_ago, refused", [(30, True), (3 * 366, False)])
def test_a_barred_expert_cannot_be_chosen(decided_days_ago, refused):
    office, plan = staff(Role.COMMITTEE_OFFICE, committee_number=3), open_plan()
    experts = [pool_expert(office.organisation.committee, n) for n in (1, 2, 3)]
    IntegrityCase.create(id_number=experts[2].id_number, name=experts[2].name, is_expert=True, facts="评审中收受财物",
                         document_number="绍人社〔2026〕1号", decided_on=TODAY - timedelta(days=decided_days_ago),
                         recorded_by=make_user(Role.ADMIN))
    chosen = dict(zip([e.id for e in experts], [MemberRole.CHAIR, MemberRole.DEPUTY, MemberRole.MEMBER], strict=True))
    if refused:
        with pytest.raises(WorkflowError, match=f"{experts[2].name}已被记入诚信档案"):
            compose_committee(office, plan, chosen)
    else:
        compose_committee(office, plan, chosen)


def test_an_inactive_or_foreign_expert_cannot_be_chosen():
    office, plan = staff(Role.COMMITTEE_OFFICE, committee_number=3), open_plan()
    experts = [pool_expert(office.organisation.committee, n) for n in (1, 2, 3)]
    experts[1].is_active = False
    experts[1].save()
    roles = [MemberRole.CHAIR, MemberRole.DEPUTY, MemberRole.MEMBER]
    with pytest.raises(WorkflowError, match="已停用，不能担任评委"):
        compose_committee(office, plan, dict(zip([e.id for e in experts], roles, strict=True)))
    foreign = pool_expert(staff(Role.COMMITTEE_OFFICE, committee_number=4).organisation.committee, 9)
    with pytest.raises(WorkflowError, match="不在本评委会专家库中"):
        compose_committee(office, plan, dict(zip([experts[0].id, experts[2].id, foreign.id], roles, strict=True)))


def _members(query):
    return sorted((m.expert_id, m.role) for m in query)


def test_a_recomposition_ends_the_old_members_and_an_existing_meeting_keeps_them(client, app):
    """Nothing is deleted: the members of the old composition are ended (when, by whom), not removed; the current
    composition is the new one only; the meeting created before keeps its members; the recomposition is audited."""
    with app.test_request_context():
        world = Meeting(3)
        committee = world.office.organisation.committee
        first = [(e.id, role) for e, role in zip(world.experts, [MemberRole.CHAIR, MemberRole.DEPUTY,
                                                                 MemberRole.MEMBER], strict=True)]
        experts = [world.experts[2]] + [pool_expert(committee, n) for n in (4, 5, 6, 7)]
        second = dict(zip([e.id for e in experts], [MemberRole.CHAIR, MemberRole.DEPUTY, MemberRole.MEMBER,
                                                    MemberRole.MEMBER, MemberRole.MEMBER], strict=True))

        compose_committee(world.office, world.plan, second)

        rows = CommitteeMember.select().where(CommitteeMember.plan == world.plan)
        assert rows.count() == 3 + 5, "the old composition is kept beside the new one"
        ended = rows.where(CommitteeMember.ended_at.is_null(False))
        assert _members(ended) == sorted(first)
        assert {m.ended_by_id for m in ended} == {world.office.id}
        assert _members(meetings.members_of(world.plan, committee)) == sorted(second.items())
        assert _members(world.meeting.attendance) == sorted(first), "the meeting keeps the members it was created with"
        history = meetings.composition_history(world.plan, committee)
        assert [_members(c.members) for c in history] == [sorted(second.items()), sorted(first)]
        assert history[0].is_current and history[1].ended_at == history[0].created_at
        assert "原 3 人的组成已结束" in AuditLog.select().where(AuditLog.action == "committee.compose").order_by(
            AuditLog.id.desc()).first().detail
        # the expert of the first composition comes back: the ended row does not stand in the way
        compose_committee(world.office, world.plan, dict(first))
        assert rows.count() == 3 + 5 + 3
        assert _members(meetings.members_of(world.plan, committee)) == sorted(first)

    from tests.chain_world import as_user

    as_user(client, world.office)
    page = client.get(f"/committee/meetings/{world.meeting.id}").get_data(as_text=True)
    assert all(e.name in page for e in world.experts) and "评委07" not in page
    page = client.get(f"/committee/plans/{world.plan.id}/composition").get_data(as_text=True)
    history = page.split("历次组成")[1]
    assert history.count("<tr>") == 1 + 3 and history.count("现行") == 1 and "评委07" in history


def test_saving_the_composition_in_force_keeps_its_rows():
    office, plan = staff(Role.COMMITTEE_OFFICE, committee_number=3), open_plan()
    chosen = compose(office, plan)
    before = [(m.id, m.created_at) for m in CommitteeMember.select().order_by(CommitteeMember.id)]
    compose_committee(office, plan, {m.expert_id: m.role for m in meetings.members_of(plan, office.organisation.committee)})
    assert [(m.id, m.created_at) for m in CommitteeMember.select().order_by(CommitteeMember.id)] == before
    assert CommitteeMember.select().where(CommitteeMember.ended_at.is_null(False)).count() == 0
    assert "与现组成相同，未变" in AuditLog.select().order_by(AuditLog.id.desc()).first().detail
    assert len(chosen) == 3


def test_no_code_deletes_a_committee_member():
    """Compositions are ended, never deleted: no statement of the application's code names CommitteeMember and deletes."""
    for path in [*ROOT.glob("workflow/*.py"), *ROOT.glob("services/*.py"), *ROOT.glob("blueprints/*.py"),
                 ROOT / "tasks.py", ROOT / "app.py", ROOT / "models.py"]:
        for statement in _statements(ast.parse(path.read_text(encoding="utf-8"))):
            names = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
            calls = {n.attr for n in ast.walk(statement) if isinstance(n, ast.Attribute)}
            if "CommitteeMember" in names or "committee_members" in calls or "memberships" in calls:
                assert not calls & {"delete", "delete_instance", "delete_by_id"}, \
                    f"{path.name}:{statement.lineno} deletes a committee member"


# ---------------------------------------------------------------- recusal: typed, computed in one place

def test_the_platform_proposes_each_kind_of_conflict(ctx):
    world = Meeting(5, 5)
    applicant = world.application.applicant
    self_, same_unit, by_name, relative, clear = world.experts
    for expert, changes in ((self_, {"id_number": applicant.id_number}), (same_unit, {"unit": world.unit}),
                            (by_name, {"unit_name": world.unit.name}), (relative, {"relatives": applicant.id_number})):
        for name, value in changes.items():
            setattr(expert, name, value)
        expert.save()
    proposed = {row.expert_id: conflict.kind for row, conflict in meetings.proposed_recusals(world.item)}
    assert proposed == {self_.id: ConflictKind.SELF, same_unit.id: ConflictKind.SAME_UNIT,
                        by_name.id: ConflictKind.SAME_UNIT, relative.id: ConflictKind.RELATIVE}
    with pytest.raises(WorkflowError, match="请先确认回避：") as error:
        enter_tally(world.office, world.item, 1, 0, 0)
    assert same_unit.name in str(error.value)
    for expert_id, kind in proposed.items():
        recuse(world.office, world.item, next(e for e in world.experts if e.id == expert_id), kind)
    assert not meetings.proposed_recusals(world.item)
    causes = {r.expert_id: (r.kind, r.reason) for r in Recusal.select()}
    assert causes[same_unit.id] == (ConflictKind.SAME_UNIT, f"专家与申报人同在{world.unit.name}")
    enter_tally(world.office, world.item, 1, 0, 0)  # one voter left: the one without a conflict
    assert world.fresh().decided_pass is True
    assert clear.id not in causes


def test_a_declared_recusal_needs_a_reason_and_a_computed_one_a_real_conflict(ctx):
    world = Meeting(3, 3)
    with pytest.raises(WorkflowError, match="其他回避情形必须填写理由"):
        recuse(world.office, world.item, world.experts[0], ConflictKind.DECLARED, " ")
    with pytest.raises(WorkflowError, match="不存在“与申报人同一单位”的情形"):
        recuse(world.office, world.item, world.experts[0], ConflictKind.SAME_UNIT)
    world.recuse(world.experts[0])
    with pytest.raises(WorkflowError, match="已回避该申报"):
        world.recuse(world.experts[0])


# ---------------------------------------------------------------- online ballots

def test_online_ballots_are_counted_only_when_the_vote_closes(ctx):
    world = Meeting(3, 3)
    users = [world.account(e) for e in world.experts]
    open_vote(world.office, world.item)
    for user, choice in zip(users, ["agree", "agree", "disagree"], strict=True):
        cast_ballot(user, world.item, choice)
    assert AgendaItem.get_by_id(world.item.id).agree is None and world.fresh().status == S.AT_COMMITTEE
    close_vote(world.office, AgendaItem.get_by_id(world.item.id))
    item = AgendaItem.get_by_id(world.item.id)
    assert (item.agree, item.disagree, item.abstain, item.voters, item.passed) == (2, 1, 0, 3, True)
    assert world.fresh().status == S.DECIDED


def test_members_who_do_not_vote_count_against(ctx):
    world = Meeting(3, 3)
    user = world.account(world.experts[0])
    open_vote(world.office, world.item)
    cast_ballot(user, world.item, "agree")
    close_vote(world.office, AgendaItem.get_by_id(world.item.id))
    assert (AgendaItem.get_by_id(world.item.id).passed, world.fresh().decided_pass) == (False, False)


REFUSED_BALLOTS = {
    "late": "该申报的投票未开放或已结束",
    "absent": "您未出席本次会议，不能投票",
    "recused": "您已回避该申报，不能投票",
    "double": "您已对该申报投过票，不能重复投票",
    "barred": "您已被记入诚信档案",
    "not a member": "您不是本次会议的评委",
    "not open yet": "该申报的投票未开放或已结束",
}


@pytest.mark.parametrize("case", REFUSED_BALLOTS)
def test_refused_ballots(ctx, case):
    world = Meeting(7, 6)  # the seventh member is absent
    voter = world.experts[6] if case == "absent" else world.experts[0]
    user = world.account(voter)
    if case == "recused":
        world.recuse(voter)
    if case == "not a member":
        outsider = pool_expert(world.office.organisation.committee, 99)
        user = world.account(outsider)
    if case != "not open yet":
        open_vote(world.office, world.item)
    if case == "double":
        cast_ballot(user, world.item, "agree")
    if case == "late":
        close_vote(world.office, AgendaItem.get_by_id(world.item.id))
    if case == "barred":
        IntegrityCase.create(id_number=voter.id_number, name=voter.name, is_expert=True, facts="泄露评审信息",
                             document_number="绍人社〔2026〕2号", decided_on=TODAY, recorded_by=make_user(Role.ADMIN))
    ballots, casts = Ballot.select().count(), BallotCast.select().count()
    with pytest.raises(WorkflowError, match=REFUSED_BALLOTS[case]):
        cast_ballot(user, AgendaItem.get_by_id(world.item.id), "agree")
    assert (Ballot.select().count(), BallotCast.select().count()) == (ballots, casts)


# ---------------------------------------------------------------- secrecy (无记名)

def test_no_column_of_the_ballot_table_can_name_its_voter_or_its_time():
    columns = {c.name: c.data_type.lower() for c in db.get_columns("ballot")}
    assert set(columns) == {"key", "item_id", "choice"}
    assert [fk.dest_table for fk in db.get_foreign_keys("ballot")] == ["agenda_item"]
    assert not any(word in " ".join(columns.values()) for word in ("date", "time"))
    if isinstance(db.obj, SqliteDatabase):
        sql = db.execute_sql("SELECT sql FROM sqlite_master WHERE name = 'ballot'").fetchone()[0]
        assert "WITHOUT ROWID" in sql.upper(), "rows must not be stored in the order cast"


def test_ballot_keys_are_random_not_ordered(ctx):
    world = Meeting(3, 3)
    users = [world.account(e) for e in world.experts]
    open_vote(world.office, world.item)
    for user in users:
        cast_ballot(user, world.item, "agree")
    keys = [b.key for b in Ballot.select()]
    assert len(set(keys)) == 3 and all(len(k) == 32 for k in keys)


def _statements(tree):
    """Every simple statement (not a block) of a module."""
    blocks = (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If, ast.For, ast.While, ast.With, ast.Try)
    return [node for node in ast.walk(tree) if isinstance(node, ast.stmt) and not isinstance(node, blocks)]


def test_no_query_joins_a_ballot_to_its_voter():
    """Every statement of the application's code that touches Ballot names neither BallotCast nor an expert or user."""
    linking = {"BallotCast", "Expert", "User", "Attendance", "user", "seat"}
    touching = []
    for path in [*ROOT.glob("workflow/*.py"), *ROOT.glob("services/*.py"), *ROOT.glob("blueprints/*.py"), ROOT / "tasks.py"]:
        for statement in _statements(ast.parse(path.read_text(encoding="utf-8"))):
            names = {n.id for n in ast.walk(statement) if isinstance(n, ast.Name)}
            if "Ballot" in names:
                touching.append(path.name)
                assert not names & linking, f"{path.name}:{statement.lineno} links a ballot to its voter"
    assert "meetings.py" in touching


def test_the_tally_is_not_shown_while_the_vote_is_open(client, app):
    with app.test_request_context():
        world = Meeting(3, 3)
        users = [world.account(e) for e in world.experts]
        open_vote(world.office, world.item)
        cast_ballot(users[0], world.item, "disagree")
    from tests.chain_world import as_user

    as_user(client, world.office)
    page = client.get(f"/committee/agenda/{world.item.id}").get_data(as_text=True)
    assert "已投票 <strong>1</strong> / 3 人" in page and "不同意 1" not in page and "结束投票并计票" in page
    client.post(f"/committee/agenda/{world.item.id}/close")
    page = client.get(f"/committee/agenda/{world.item.id}").get_data(as_text=True)
    assert "同意 <strong>0</strong>，不同意 1，弃权 0" in page and "未通过" in page


def test_an_expert_account_belongs_to_no_organisation(ctx):
    world = Meeting(3)
    user, password = open_expert_account(world.office, world.experts[0], "zhuanjia01")
    fresh = User.get_by_id(user.id)
    assert (fresh.role, fresh.organisation_id, fresh.must_change_password) == (Role.EXPERT, None, True)
    assert world.experts[0].__class__.get_by_id(world.experts[0].id).user_id == user.id
    with pytest.raises(WorkflowError, match="已有专家账号"):
        open_expert_account(world.office, world.experts[0], "zhuanjia02")


def test_a_recusal_names_only_an_expert_of_the_offices_pool(client, app):
    from tests.chain_world import as_user

    with app.test_request_context():
        world = Meeting(3, 3)
    foreign = pool_expert(staff(Role.COMMITTEE_OFFICE, committee_number=4).organisation.committee, 7, name="外评委")
    as_user(client, world.office)
    response = client.post(f"/committee/agenda/{world.item.id}/recusals",
                           data={"expert": foreign.id, "kind": "declared", "reason": "其他"})
    assert response.status_code == 400 and "外评委" not in response.get_data(as_text=True)
    assert not Recusal.select().exists()


def test_an_application_arriving_after_the_meeting_was_made_is_added_to_its_agenda(client, app):
    """补充议程: an application reaching 待评委会评审 after the meeting was made goes to the end of its agenda, once."""
    from models import AuditLog
    from workflow.meetings import extend_agenda

    with app.test_request_context():
        world = Meeting()
        late = filed(world.plan, world.unit, 2, world.office.organisation, S.AT_COMMITTEE, Stage.COMMITTEE)
    as_user(client, world.office)
    response = client.post(f"/committee/meetings/{world.meeting.id}/agenda", follow_redirects=True)
    assert "已补充议程 1 件" in response.get_data(as_text=True)
    items = list(world.meeting.items.order_by(AgendaItem.position))
    assert [(i.application_id, i.position) for i in items] == [(world.application.id, 1), (late.id, 2)]
    assert "补充议程 1 件" in AuditLog.select().where(AuditLog.action == "meeting.extend").get().detail
    again = client.post(f"/committee/meetings/{world.meeting.id}/agenda", follow_redirects=True)
    assert "没有新到达的待评委会评审申报" in again.get_data(as_text=True)
    with app.test_request_context(), pytest.raises(WorkflowError, match="只能管理本办公室"):
        extend_agenda(staff(Role.COMMITTEE_OFFICE, committee_number=4), world.meeting)
