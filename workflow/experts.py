"""专家库 and 评委会组成 of a committee office: experts added, edited, imported, (de)activated — never deleted —,
their expert accounts, and the committee of each plan chosen from the pool."""
from datetime import datetime

from peewee import IntegrityError

from models import CommitteeMember, Expert, MemberRole, ReviewPlan, Role
from services import audit, experts
from services.accounts import create_account, new_temporary_password
from services.integrity import barred_until
from services.meetings import composition_problems, plans_reviewed_by
from services.txn import atomic
from workflow import WorkflowError


def office_committee(actor):
    """The committee whose office `actor` works for (WorkflowError for anyone else)."""
    if actor.role != Role.COMMITTEE_OFFICE or actor.organisation_id is None:
        raise WorkflowError("只有评委会办公室可以管理专家库和评审会议。")
    return actor.organisation.committee


def _own(expert, actor):
    if not expert.can_manage(actor):
        raise WorkflowError("只能管理本评委会专家库中的专家。")


def _already_in_pool(committee, id_number, other_than=None):
    query = Expert.select().where((Expert.committee == committee) & (Expert.id_number == id_number))
    if other_than is not None:
        query = query.where(Expert.id != other_than.id)
    return query.first()


def save_expert(actor, data, expert=None, ip=""):
    """Add an expert to the office's 专家库, or correct one; raises experts.ExpertError naming the field."""
    committee = office_committee(actor)
    if expert is not None:
        _own(expert, actor)
    values = experts.clean(data)
    twin = _already_in_pool(committee, values["id_number"], expert)
    if twin:
        raise experts.ExpertError(f"身份证号 {values['id_number']} 已在本评委会专家库中（{twin.name}）。", "id_number")
    with atomic():
        if expert is None:
            expert = Expert.create(committee=committee, **values)
        else:
            for name, value in values.items():
                setattr(expert, name, value)
            expert.save()
        audit.record(actor, "expert.save", f"expert:{expert.id}", f"{expert.name}（{expert.unit_name}）", ip)
    return expert


def set_expert_active(actor, expert, active, ip=""):
    """停用 or 启用: an expert is never deleted (meetings and recusals name them); a stopped one is not chosen again."""
    _own(expert, actor)
    with atomic():
        Expert.update(is_active=bool(active)).where(Expert.id == expert.id).execute()
        audit.record(actor, "expert.activate" if active else "expert.deactivate", f"expert:{expert.id}", expert.name, ip)
    expert.is_active = bool(active)


def import_experts(actor, rows, ip=""):
    """Add the rows of a previewed import that have no error; nothing is written when any row would now clash."""
    committee = office_committee(actor)
    good = [row for row in rows if not row.error]
    if not good:
        raise WorkflowError("没有可导入的专家（每一行都有错误）。")
    with atomic():
        for row in good:
            twin = _already_in_pool(committee, row.values["id_number"])
            if twin:
                raise WorkflowError(f"第 {row.line} 行：身份证号 {row.values['id_number']} 刚刚已被加入专家库（{twin.name}），"
                                    "未导入任何专家，请重新预览。")
            Expert.create(committee=committee, **row.values)
        audit.record(actor, "expert.import", f"committee:{committee.id}", f"导入专家 {len(good)} 名", ip)
    return len(good)


def open_expert_account(actor, expert, username, ip=""):
    """An expert account (评审专家) to vote online: bound to no organisation, linked to the Expert row; the temporary
    password is shown once and must be changed at the first login. Returns (user, temporary password)."""
    _own(expert, actor)
    if expert.user_id:
        raise WorkflowError(f"{expert.name}已有专家账号（{expert.user.username}）。")
    if not expert.is_active:
        raise WorkflowError(f"{expert.name}已停用，不能开通专家账号。")
    password = new_temporary_password()
    with atomic():
        user = create_account(actor, username=username or "", real_name=expert.name, password=password,
                              role=Role.EXPERT, mobile=expert.mobile, must_change_password=True, ip=ip)
        if Expert.update(user=user).where((Expert.id == expert.id) & Expert.user.is_null()).execute() != 1:
            raise WorkflowError(f"{expert.name}已有专家账号。")
        audit.record(actor, "expert.account", f"expert:{expert.id}", f"{expert.name}：{user.username}", ip)
    expert.user = user
    return user, password


def plan_reviewed_by(committee, plan):
    return plans_reviewed_by(committee).where(ReviewPlan.id == plan.id).exists()


def compose_committee(actor, plan, choices, today=None, ip=""):
    """评委会组成 of `plan`: {expert id: MemberRole} for the chosen experts of the pool; refused with the rule named
    unless the count is odd, with one 主任委员 and at least one 副主任委员, all active and not barred.

    Nothing is deleted: the current rows of the pool are ended (ended_at, ended_by) and the new composition is added
    as new rows sharing one created_at, so every earlier composition stays on record. Saving the very composition in
    force (same experts, same roles) keeps its rows as they are, and is audited as unchanged. Meetings already created
    are not affected: they copied their members into Attendance when they were created."""
    committee = office_committee(actor)
    if not plan_reviewed_by(committee, plan):
        raise WorkflowError(f"“{plan.title}”不由{committee.name}评审。")
    chosen = {e.id: e for e in Expert.select().where((Expert.committee == committee) & Expert.id.in_(list(choices)))}
    if len(chosen) != len(choices):
        raise WorkflowError("所选专家不在本评委会专家库中，请刷新页面后重新选择。")
    for expert in chosen.values():
        if not expert.is_active:
            raise WorkflowError(f"{expert.name}已停用，不能担任评委。")
        until = barred_until(expert.id_number, today)
        if until:
            raise WorkflowError(f"{expert.name}已被记入诚信档案（至 {until}），不能担任评委。")
    problems = composition_problems(choices.values())
    if problems:
        raise WorkflowError("".join(problems))
    chair = next(chosen[i].name for i, role in choices.items() if role == MemberRole.CHAIR)
    with atomic():
        in_force = ((CommitteeMember.plan == plan) & CommitteeMember.current()
                    & CommitteeMember.expert.in_(Expert.select(Expert.id).where(Expert.committee == committee)))
        current = {m.expert_id: m.role for m in CommitteeMember.select().where(in_force)}
        if current == choices:
            audit.record(actor, "committee.compose", f"plan:{plan.id}",
                         f"{plan.title}：{len(choices)} 人，主任委员 {chair}（与现组成相同，未变）", ip)
            return
        # to the microsecond: the rows of one composition share it; the next save, even in the same second, does not
        stamp = datetime.now()
        ended = CommitteeMember.update(ended_at=stamp, ended_by=actor).where(in_force).execute()
        if ended != len(current):  # a colleague's save ended or added rows between our read and our update
            raise WorkflowError("评委会组成已被他人同时修改，请刷新页面后重试。")
        try:
            CommitteeMember.insert_many([{"plan": plan, "expert": i, "role": role, "created_at": stamp,
                                          "created_by": actor} for i, role in choices.items()]).execute()
        except IntegrityError:
            raise WorkflowError("评委会组成已被他人同时修改，请刷新页面后重试。") from None
        change = f"，原 {len(current)} 人的组成已结束" if current else ""
        audit.record(actor, "committee.compose", f"plan:{plan.id}",
                     f"{plan.title}：{len(choices)} 人，主任委员 {chair}{change}", ip)
