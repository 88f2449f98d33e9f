"""Where an application goes next in the review chain (SPEC §2, §6; 附件2 二), and which office holds it there."""
from models import Committee, Level, Organisation, Role, Stage

# The role whose accounts act at each stage.
STAGE_ROLES = {
    Stage.UNIT: Role.UNIT, Stage.TALENT_CENTRE: Role.TALENT_CENTRE,
    Stage.CONSTRUCTION_BUREAU: Role.CONSTRUCTION_BUREAU, Stage.HR_BUREAU: Role.HR_BUREAU,
    Stage.COMMITTEE: Role.COMMITTEE_OFFICE, Stage.SENIOR_COMMITTEE: Role.COMMITTEE_OFFICE,
}
BUREAU_STAGES = (Stage.TALENT_CENTRE, Stage.CONSTRUCTION_BUREAU, Stage.HR_BUREAU)
COMMITTEE_STAGES = (Stage.COMMITTEE, Stage.SENIOR_COMMITTEE)


def next_stage(application):
    """The stage after the one holding `application` (its current `stage`)."""
    stage = application.stage
    if stage == Stage.UNIT:
        return Stage.TALENT_CENTRE if application.unit.goes_through_talent_centre else Stage.CONSTRUCTION_BUREAU
    if stage == Stage.TALENT_CENTRE:
        return Stage.CONSTRUCTION_BUREAU
    if stage == Stage.CONSTRUCTION_BUREAU:
        return Stage.HR_BUREAU
    if stage == Stage.HR_BUREAU:
        return after_hr_bureau(application)
    if stage == Stage.COMMITTEE and application.plan.level == Level.SENIOR:
        return Stage.SENIOR_COMMITTEE
    return None


def after_hr_bureau(application):
    """中级 → the chosen 中评委; 高级: category 1 professions via their 中评委 (中推高), the others to the 高评委."""
    if application.plan.level == Level.MID:
        return Stage.COMMITTEE
    if application.committee.is_senior:
        return Stage.SENIOR_COMMITTEE
    return Stage.COMMITTEE if application.profession.category == 1 else Stage.SENIOR_COMMITTEE


def holder(stage, application):
    """The organisation that holds `application` at `stage`."""
    if stage == Stage.UNIT:
        return application.unit
    if stage == Stage.TALENT_CENTRE:
        return Organisation.get(Organisation.kind == Role.TALENT_CENTRE)
    if stage in (Stage.CONSTRUCTION_BUREAU, Stage.HR_BUREAU):
        return Organisation.get((Organisation.kind == STAGE_ROLES[stage])
                                & (Organisation.region == application.unit.region_id))
    committee = application.committee if stage == Stage.COMMITTEE else Committee.get(Committee.is_senior == True)  # noqa: E712
    return Organisation.get((Organisation.kind == Role.COMMITTEE_OFFICE) & (Organisation.committee == committee))
