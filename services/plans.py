"""评审工作计划: when a plan takes applications, and what an applicant needs before 马上申报."""
from datetime import date

from models import Application, Committee, PlanCommittee, PlanProfession, Profession


def closed_reason(plan, today=None):
    """Why the plan takes no applications today, or None while it is open (both dates included)."""
    today = today or date.today()
    if today < plan.opens_on:
        return f"本计划 {plan.opens_on} 开始申报，尚未开始。"
    if today > plan.closes_on:
        return f"本计划申报已于 {plan.closes_on} 截止。"
    return None


def start_blockers(user):
    """What the applicant must complete in 个人基本信息 before applying (empty when nothing)."""
    missing = []
    if user.organisation_id is None:
        missing.append("现工作单位")
    if user.work_started_on is None:
        missing.append("从事工程技术工作起始时间")
    if not user.education.exists():
        missing.append("学历信息")
    return [f"请先在“个人基本信息”中填写{name}。" for name in missing]


def existing_application(plan, user):
    return Application.get_or_none((Application.plan == plan) & (Application.applicant == user))


def plan_committees(plan):
    return Committee.select().join(PlanCommittee).where(PlanCommittee.plan == plan).order_by(Committee.number)


def plan_professions(plan):
    return Profession.select().join(PlanProfession).where(PlanProfession.plan == plan).order_by(Profession.id)


def committee_fits_unit(committee, unit):
    """SPEC §2: the industry tag decides first (勘察设计 → 9 …), else the region. A 高评委 is never chosen: the
    plan names it (services/routing)."""
    if committee.is_senior or unit is None:
        return False
    if committee.industry_tag is not None:
        return unit.industry_tag == committee.industry_tag
    return unit.industry_tag is None and committee.region_id == unit.region_id


def fitting_committees(plan, unit):
    """The plan's 中评委 that take applications from this unit (for a 高级 plan: those that recommend, 中推高)."""
    return [c for c in plan_committees(plan) if committee_fits_unit(c, unit)]
