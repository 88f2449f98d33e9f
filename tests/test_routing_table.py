"""The senior route follows the plan (SPEC §2, 附件1 二): plan × category × profession → the stages after the
人力社保部门, the offices that hold it there, and the committee shown as 受理评审委员会 — walked through workflow/."""

import pytest

from models import Application, ApplicationStatus, Committee, Organisation, Profession, ReviewPlan, Role, Stage
from services import documents, routing, snapshot, steps
from services.reference import SENIOR_PLANS
from tests.chain_world import decide_by_meeting, filed, place, staff
from tests.conftest import make_unit, organisation
from tests.wizard_world import draft, open_plan
from workflow import forward_to_senior, recommend

ENGINEERING, CONSTRUCTION = (title for title, *_ in SENIOR_PLANS)
MID = "mid"
C, S = Stage.COMMITTEE, Stage.SENIOR_COMMITTEE


def plan_of(key):
    return open_plan(3) if key == MID else ReviewPlan.get(ReviewPlan.title == key)


def committee(number):
    return Committee.get(Committee.number == number)


# plan, profession (its category) → [(stage, number of the committee whose office holds it)], 受理评审委员会, 推荐中评委
ROUTES = [
    (MID, "工程造价", [(C, 3)], 3, None),  # 中级: the chosen 中评委 decides, whatever the category
    (MID, "岩土工程", [(C, 3)], 3, None),
    (ENGINEERING, "工程造价", [(C, 3), (S, 12)], 12, 3),  # category 1: 中推高 to the province's 高评委
    (ENGINEERING, "建筑工程管理", [(C, 3), (S, 12)], 12, 3),
    (ENGINEERING, "岩土工程", [(S, 12)], 12, None),  # category 2: straight to the province's 高评委
    (ENGINEERING, "建筑工程（施工）", [(S, 12)], 12, None),
    (CONSTRUCTION, "建筑施工专业", [(S, 1)], 1, None),  # the 施工 plan: committee 1 directly
    (CONSTRUCTION, "建筑工程（施工）", [(S, 1)], 1, None),
]


@pytest.mark.parametrize(("plan_key", "profession", "route", "deciding", "recommender"), ROUTES,
                         ids=[f"{p[:6]}-{name}" for p, name, *_ in ROUTES])
def test_the_plan_decides_the_route_and_the_committee_shown(app, plan_key, profession, route, deciding, recommender):
    plan = plan_of(plan_key)
    unit = make_unit("越城建工集团")
    hr = organisation(Role.HR_BUREAU, "越城区")
    application = filed(plan, unit, 1, hr, profession=Profession.get(Profession.name == profession))
    application = place(application, ApplicationStatus.STAGE_PASSED, Stage.HR_BUREAU, hr, committee=committee(3))

    assert routing.committee_stages(plan, application.profession) == [stage for stage, _ in route]
    assert routing.deciding_committee(application) == committee(deciding)
    data = snapshot.build(application)["info"]
    assert (data["committee"], data["recommender"]) == (
        committee(deciding).name, committee(recommender).name if recommender else "")
    assert documents.stamping_stages(application)[-len(route):] == [stage for stage, _ in route]

    walked = []
    with app.test_request_context():
        recommend(staff(Role.HR_BUREAU))
    while True:
        application = Application.get_by_id(application.id)
        walked.append((application.stage, application.stage_organisation.committee.number))
        office = staff(Role.COMMITTEE_OFFICE, committee_number=walked[-1][1])
        decide_by_meeting(app, office, [application])
        if Application.get_by_id(application.id).status != ApplicationStatus.RECOMMENDED:
            break
        with app.test_request_context():
            assert forward_to_senior(office) == 1
    assert walked == route
    decided = Application.get_by_id(application.id)
    assert (decided.status, decided.decided_pass) == (ApplicationStatus.DECIDED, True)


def office(number):
    return Organisation.get((Organisation.kind == Role.COMMITTEE_OFFICE) & (Organisation.committee == committee(number)))


def test_the_province_senior_committee_and_its_office_are_reference_data(app):
    province = committee(12)
    assert (province.is_senior, province.receiving_office) == (True, "绍兴市人力社保局专技处")
    assert office(12).name == f"{province.name}办公室"
    assert {link.profession.name for link in province.profession_links} >= {"工程造价", "岩土工程"}


# plan, profession, committee chosen in step 3 → the step-3 problem on those fields (None: none)
STEP_3 = [
    (CONSTRUCTION, "工程造价", None, "profession", "不在本计划的可评审专业中（本计划只评审：岩土工程、给排水"),
    (CONSTRUCTION, "建筑设计", None, "profession", "不在本计划的可评审专业中"),
    (ENGINEERING, "建筑设计", 3, "profession", "不在本计划的可评审专业中"),
    (ENGINEERING, "工程造价", None, "committee", "属专业类别1，高级申报须先经中评委推荐（中推高），请选择推荐的中评委"),
    (ENGINEERING, "工程造价", 4, "committee", "不受理您单位的申报"),
    (ENGINEERING, "工程造价", 3, None, None),
    (ENGINEERING, "岩土工程", None, None, None),  # category 2: no 中评委 to choose
    (CONSTRUCTION, "建筑施工专业", None, None, None),
    (MID, "岩土工程", None, "committee", "请选择受理评审委员会"),
]


@pytest.mark.parametrize(("plan_key", "profession", "chosen", "field", "message"), STEP_3,
                         ids=[f"{p[:6]}-{name}-{chosen}" for p, name, chosen, *_ in STEP_3])
def test_step_3_offers_only_the_plans_professions_and_asks_for_a_mid_committee_only_on_its_way(
        app, plan_key, profession, chosen, field, message):
    application = draft(plan_of(plan_key), profession=Profession.get(Profession.name == profession),
                        committee=committee(chosen) if chosen else None)
    found = steps.step(3).problems(application)
    assert [p.field for p in found] == ([field] if field else [])
    if message:
        assert message in found[0]
