"""`flask seed-reference` creates what is missing and never changes or re-links a row the administrator edited."""
from models import Committee, Organisation, PlanProfession, Profession, ReviewPlan, Role
from services.reference import PROVINCE_SENIOR, SENIOR_PLANS, TALENT_CENTRE, seed_reference
from tests.conftest import make_user
from workflow import save_plan


def links(plan):
    return {link.profession.name for link in PlanProfession.select().where(PlanProfession.plan == plan)}


def test_a_restart_keeps_the_administrators_edits_to_a_plan(app):
    plan = ReviewPlan.select().order_by(ReviewPlan.id).first()
    dropped = sorted(links(plan))[0]
    plan.year, plan.title = 2026, "2026年度建设工程专业高级工程师职务任职资格评审工作计划"
    kept = [link.profession_id for link in plan.profession_links if link.profession.name != dropped]
    save_plan(plan, make_user(Role.ADMIN), [link.committee_id for link in plan.committee_links], kept)
    counts = ReviewPlan.select().count(), PlanProfession.select().count()

    seed_reference()

    plan = ReviewPlan.get_by_id(plan.id)
    assert plan.year == 2026
    assert plan.title.startswith("2026年度")
    assert dropped not in links(plan), "a profession the administrator removed is not linked back"
    assert (ReviewPlan.select().count(), PlanProfession.select().count()) == counts, "the renamed plan is not re-created"


def test_a_restart_keeps_edited_reference_rows_and_creates_missing_ones(app):
    committee = Committee.get(Committee.number == 3)
    committee.phone = "88888888"
    committee.save()
    Organisation.delete().where((Organisation.kind == Role.TALENT_CENTRE) & (Organisation.name == TALENT_CENTRE)).execute()
    professions = Profession.select().count()

    seed_reference()

    assert Committee.get(Committee.number == 3).phone == "88888888"
    assert Organisation.get_or_none(Organisation.name == TALENT_CENTRE) is not None, "a missing row is created"
    assert Profession.select().count() == professions


def test_a_senior_plan_without_its_senior_committee_gets_the_provinces_and_keeps_a_chosen_one(app):
    """A database from before 015: the 建设工程专业 plan names no 高评委 yet; the 施工 plan keeps committee 1."""
    engineering, construction = (ReviewPlan.get(ReviewPlan.title == title) for title, *_ in SENIOR_PLANS)
    ReviewPlan.update(senior_committee=None).where(ReviewPlan.id == engineering.id).execute()

    seed_reference()

    assert ReviewPlan.get_by_id(engineering.id).senior_committee.number == PROVINCE_SENIOR["number"]
    assert ReviewPlan.get_by_id(construction.id).senior_committee.number == 1
    assert ReviewPlan.select().where(ReviewPlan.level == "mid", ReviewPlan.senior_committee.is_null(False)).count() == 0
