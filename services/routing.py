"""Where an application goes next in the review chain (SPEC §2, §6; 附件1 二, 附件2 二), and which office holds it.

The one rule of the senior route: a 高级 plan names the 高评委 that decides (ReviewPlan.senior_committee); a
category-1 profession reaches it only with its 中评委's recommendation (中推高), every other profession the plan
offers goes there directly. A 中级 application is decided by the 中评委 the applicant chose.
"""
from models import Level, Organisation, Role, Stage

# The role whose accounts act at each stage.
STAGE_ROLES = {
    Stage.UNIT: Role.UNIT, Stage.TALENT_CENTRE: Role.TALENT_CENTRE,
    Stage.CONSTRUCTION_BUREAU: Role.CONSTRUCTION_BUREAU, Stage.HR_BUREAU: Role.HR_BUREAU,
    Stage.COMMITTEE: Role.COMMITTEE_OFFICE, Stage.SENIOR_COMMITTEE: Role.COMMITTEE_OFFICE,
}
BUREAU_STAGES = (Stage.TALENT_CENTRE, Stage.CONSTRUCTION_BUREAU, Stage.HR_BUREAU)
COMMITTEE_STAGES = (Stage.COMMITTEE, Stage.SENIOR_COMMITTEE)
RECOMMENDED_CATEGORY = 1  # 专业类别1: a senior applicant needs the 中评委's recommendation


def needs_mid_committee(plan, profession):
    """Whether the applicant's 中评委 is on the way: it decides a 中级 application and recommends (中推高) a senior
    category-1 one."""
    return plan.level == Level.MID or (profession is not None and profession.category == RECOMMENDED_CATEGORY)


def committee_stages(plan, profession):
    """The committee stages after the 人力社保部门, in order."""
    if plan.level == Level.MID:
        return [Stage.COMMITTEE]
    if needs_mid_committee(plan, profession):
        return [Stage.COMMITTEE, Stage.SENIOR_COMMITTEE]
    return [Stage.SENIOR_COMMITTEE]


def deciding_committee(application):
    """The committee that decides, shown as 受理评审委员会: the plan's 高评委 for 高级, the chosen 中评委 for 中级."""
    if application.plan.level == Level.SENIOR:
        return application.plan.senior_committee
    return application.committee


def recommending_committee(application):
    """The 中评委 that recommends a senior category-1 applicant (中推高), or None."""
    if application.plan.level == Level.SENIOR and needs_mid_committee(application.plan, application.profession):
        return application.committee
    return None


def next_stage(application):
    """The stage after the one holding `application` (its current `stage`)."""
    stage = application.stage
    if stage == Stage.UNIT:
        return Stage.TALENT_CENTRE if application.unit.goes_through_talent_centre else Stage.CONSTRUCTION_BUREAU
    if stage == Stage.TALENT_CENTRE:
        return Stage.CONSTRUCTION_BUREAU
    if stage == Stage.CONSTRUCTION_BUREAU:
        return Stage.HR_BUREAU
    route = committee_stages(application.plan, application.profession)
    if stage == Stage.HR_BUREAU:
        return route[0]
    return route[route.index(stage) + 1] if stage in route[:-1] else None


def holder(stage, application):
    """The organisation that holds `application` at `stage`."""
    if stage == Stage.UNIT:
        return application.unit
    if stage == Stage.TALENT_CENTRE:
        return Organisation.get(Organisation.kind == Role.TALENT_CENTRE)
    if stage in (Stage.CONSTRUCTION_BUREAU, Stage.HR_BUREAU):
        return Organisation.get((Organisation.kind == STAGE_ROLES[stage])
                                & (Organisation.region == application.unit.region_id))
    committee = application.committee if stage == Stage.COMMITTEE else application.plan.senior_committee
    return Organisation.get((Organisation.kind == Role.COMMITTEE_OFFICE) & (Organisation.committee == committee))
