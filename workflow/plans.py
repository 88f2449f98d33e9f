"""评审工作计划, set by the administrator."""


from models import (
    Level,
    PlanCommittee,
    PlanProfession,
)
from services import audit
from services.txn import atomic
from workflow import WorkflowError


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
    if plan.level == Level.SENIOR and plan.senior_committee is None:
        raise WorkflowError("高级评审工作计划须选择评审的高评委（决定该计划申报的评审委员会）。")
    if plan.level == Level.MID:
        plan.senior_committee = None
    created = plan.id is None
    with atomic():
        plan.save()
        _replace_links(PlanCommittee, PlanCommittee.committee, plan, committee_ids)
        _replace_links(PlanProfession, PlanProfession.profession, plan, profession_ids)
        audit.record(actor, "plan.create" if created else "plan.update", f"plan:{plan.id}",
                     f"{plan.title}（{plan.opens_on} 至 {plan.closes_on}）", ip)
    return created
