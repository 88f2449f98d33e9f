"""The wizard's rules as tables, without the routes: what each step asks (services/steps), the step-5 checklist,
the committees that fit a unit, the 自评 rubric, and when a plan takes applications."""
import json
import secrets
from datetime import date, timedelta

import pytest

from models import (
    Achievement,
    AchievementStatus,
    Application,
    ApplicationAchievement,
    ApplicationFile,
    ApplicationStatus,
    ApplicationType,
    Committee,
    Degree,
    Education,
    EducationRecord,
    IndustryTag,
    Level,
    Ownership,
    Profession,
    ReviewPlan,
    StoredFile,
    now,
)
from services import plans, scoring, steps
from services.checklist import checklist
from tests.conftest import make_unit
from tests.wizard_world import CLAIMS_104, CLAIMS_105, PDF, applicant_ready, draft, open_plan, passed_achievement
from workflow import IncompleteStep, WorkflowError, start_application, submit_application

TODAY = date.today()
DAY = timedelta(days=1)
INFO, ACHIEVEMENTS, ATTACHMENTS = steps.step(3), steps.step(4), steps.step(5)


def stored_file(owner, name="scan.pdf"):
    return StoredFile.create(stored_name=secrets.token_hex(16), original_name=name, content_type="application/pdf",
                             size=len(PDF), sha256="0" * 64, uploaded_by=owner)


def attach(application, key):
    ApplicationFile.create(application=application, key=key, file=stored_file(application.applicant))


def fields_of(problems):
    return [problem.field for problem in problems]


def test_a_complete_step_3_has_no_problems():
    assert INFO.problems(draft()) == []


# ---------------------------------------------------------------- 本人述职: at most 1000 characters, whitespace not counted

@pytest.mark.parametrize(("statement", "length"), [
    ("字" * 1000, 1000),
    ("字" * 1001, 1001),
    ("字 " * 1000, 1000),
    ("字\n\t\u3000" * 1000, 1000),  # newlines, tabs and the full-width space are whitespace too
    ("   ", 0),
])
def test_the_statement_is_counted_without_whitespace(statement, length):
    assert steps.statement_length(statement) == length


@pytest.mark.parametrize(("statement", "problem"), [
    ("字" * 1000, None),
    ("字 \n" * 1000, None),
    ("字" * 1001, "本人述职 1001 字，超过 1000 字的上限（空白不计）。"),
    ("  \n ", "请填写本人述职。"),
])
def test_the_statement_may_have_up_to_1000_characters(statement, problem):
    found = [p for p in INFO.problems(draft(statement=statement)) if p.field == "statement"]
    assert found == ([problem] if problem else [])


# ---------------------------------------------------------------- 单位考核情况: 3 years for 中级, 4 for 高级, each at least 合格

@pytest.mark.parametrize(("level", "count"), [(Level.MID, 3), (Level.SENIOR, 4)])
def test_one_assessment_per_required_year(level, count):
    plan = ReviewPlan(year=2020, level=level)
    assert steps.assessment_years(plan) == list(range(2020 - count, 2020))


@pytest.mark.parametrize(("result", "accepted"), [
    ("excellent", True), ("pass", True), ("basic", False), ("fail", False), ("", False),
])
def test_every_assessment_must_be_at_least_pass(result, accepted):
    plan = open_plan()
    years = steps.assessment_years(plan)
    results = {str(y): "pass" for y in years} | {str(years[0]): result}
    found = [p for p in INFO.problems(draft(plan, assessments=json.dumps(results))) if p.field.startswith("assessment_")]
    if accepted:
        assert found == []
    else:
        assert fields_of(found) == [f"assessment_{years[0]}"]
        assert str(years[0]) in found[0]
        if result:
            assert "基本合格" in found[0] or "不合格" in found[0]


def test_a_senior_application_needs_four_years_and_the_roster_reads_them_in_order():
    plan = open_plan(committee_number=3, level=Level.SENIOR)
    years = steps.assessment_years(plan)
    application = draft(plan, assessments=json.dumps({str(y): "pass" for y in years[1:]}))
    assert fields_of(p for p in INFO.problems(application) if p.field.startswith("assessment_")) == \
        [f"assessment_{years[0]}"]
    application.assessments = json.dumps({str(years[0]): "pass", str(years[1]): "excellent", str(years[2]): "pass",
                                          str(years[3]): "pass"})
    assert steps.assessment_text(application) == \
        f"{years[0]}合格、{years[1]}优秀、{years[2]}合格、{years[3]}合格"


# ---------------------------------------------------------------- 自评申报: the default rubric, 105 to continue

@pytest.mark.parametrize(("claims", "score"), [
    ({}, 0),
    (CLAIMS_104, 104),
    (CLAIMS_105, 105),
    ({"work_year": 40}, 30),  # capped at 30
    ({"project_lead": 99, "paper_core": 1}, 55),  # 45 (cap) + 10
    ({"work_year": -3, "unknown": 10}, 0),  # negative counts and unknown items earn nothing
    ({k.key: 99 for k in scoring.items(scoring.DEFAULT_RUBRIC)}, scoring.maximum(scoring.DEFAULT_RUBRIC)),
])
def test_the_default_rubric_scores_each_item_up_to_its_cap(claims, score):
    assert scoring.total(scoring.DEFAULT_RUBRIC, claims) == score


@pytest.mark.parametrize(("claims", "accepted"), [(CLAIMS_104, False), (CLAIMS_105, True)])
def test_self_evaluation_needs_105_points(claims, accepted):
    application = draft(application_type=ApplicationType.SELF_EVALUATION, self_evaluation=json.dumps(claims))
    found = INFO.problems(application)
    if accepted:
        assert found == []
    else:
        assert found == ["自评分 104 分，须达到 105 分才能以自评申报。"]
        assert fields_of(found) == ["self_evaluation"]


def test_the_pass_mark_is_the_plans():
    plan = open_plan()
    plan.pass_mark = 100
    plan.save()
    assert INFO.problems(draft(plan, application_type=ApplicationType.SELF_EVALUATION,
                               self_evaluation=json.dumps(CLAIMS_104))) == []


# ---------------------------------------------------------------- each 申报类型's evidence

@pytest.mark.parametrize(("fields", "texts", "key"), [
    ({"application_type": ApplicationType.TRANSFER}, {"transfer_from": "高级经济师"}, "transfer"),
    ({"application_type": ApplicationType.LANDMARK}, {"landmark_text": "主持国家优质工程"}, "landmark"),
    ({"application_type": ApplicationType.SKILLED}, {}, "skilled"),
    ({"holds_senior_title": True}, {"second_title": "高级经济师"}, "second_title"),
])
def test_each_kind_of_application_needs_its_evidence(fields, texts, key):
    application = draft(**fields)
    found = INFO.problems(application)
    assert f"evidence_{key}" in fields_of(found)
    assert set(fields_of(found)) <= {f"evidence_{key}", *texts}
    for name, value in texts.items():
        setattr(application, name, value)
    application.save()
    assert fields_of(INFO.problems(application)) == [f"evidence_{key}"]
    attach(application, key)
    assert INFO.problems(application) == []


@pytest.mark.parametrize("kind", [ApplicationType.NORMAL, ApplicationType.OTHER, ApplicationType.SELF_EVALUATION])
def test_the_other_kinds_need_no_evidence_in_step_3(kind):
    assert steps.evidence_needed(draft(application_type=kind)) == []


def test_a_kind_must_be_chosen():
    assert fields_of(INFO.problems(draft(application_type=None))) == ["application_type"]


# ---------------------------------------------------------------- 从事专业 and 受理评审委员会

def test_the_profession_must_be_one_of_the_plans():
    found = INFO.problems(draft(profession=Profession.get(Profession.name == "建筑设计")))
    assert fields_of(found) == ["profession"]
    assert "不在本计划的可评审专业中" in found[0]


@pytest.mark.parametrize(("region", "tag", "number"), [
    ("市直", None, 2), ("越城区", None, 3), ("柯桥区", None, 4), ("上虞区", None, 5), ("诸暨市", None, 6),
    ("嵊州市", None, 7), ("新昌县", None, 8),
    ("越城区", IndustryTag.SURVEY_DESIGN, 9), ("新昌县", IndustryTag.PREFABRICATED, 10),
    ("市直", IndustryTag.SHANGHAI, 11),
])
def test_the_committee_follows_the_industry_tag_first_then_the_region(region, tag, number):
    unit = make_unit(f"{region}单位", region)
    unit.industry_tag = tag
    unit.save()
    fits = {c.number for c in Committee.select() if plans.committee_fits_unit(c, unit)}
    assert fits == {number}  # a 高评委 (1, 12) is never chosen: the plan names it


@pytest.mark.parametrize(("region", "tag", "offered"), [
    ("越城区", None, [3]), ("市直", None, [2]), ("新昌县", None, [8]), ("越城区", IndustryTag.SURVEY_DESIGN, [9]),
    ("越城区", IndustryTag.PREFABRICATED, []),
])
def test_the_senior_plan_offers_only_the_committee_that_fits(region, tag, offered):
    plan = ReviewPlan.get(ReviewPlan.title == "2020年度建设工程专业高级工程师职务任职资格评审工作计划")
    unit = make_unit(f"{region}单位", region)
    unit.industry_tag = tag
    unit.save()
    assert [c.number for c in plans.fitting_committees(plan, unit)] == offered


def test_senior_construction_offers_no_committee_choice_from_any_unit():
    """The 建筑（施工专业） plan is decided by committee 1 directly: nothing to choose, whatever the unit."""
    plan = ReviewPlan.get(ReviewPlan.title == "2020年省建筑（施工专业）工程技术人员高级职务任职资格评审工作计划")
    assert plan.senior_committee.number == 1
    for region, tag in (("越城区", None), ("新昌县", IndustryTag.SURVEY_DESIGN)):
        unit = make_unit(f"{region}{tag}单位", region)
        unit.industry_tag = tag
        unit.save()
        assert plans.fitting_committees(plan, unit) == []


def test_a_committee_that_does_not_fit_the_unit_is_refused():
    application = draft(committee=Committee.get(Committee.number == 4))
    found = INFO.problems(application)
    assert fields_of(found) == ["committee"]
    assert "不受理您单位的申报" in found[0]


# ---------------------------------------------------------------- step 4: passed achievements; collective needs evidence

def link(application, achievement, evidence=None):
    return ApplicationAchievement.create(application=application, achievement=achievement,
                                         version=achievement.version, contributor_evidence=evidence)


def test_at_least_one_achievement_is_picked():
    assert ACHIEVEMENTS.problems(draft()) == ["请至少选择一项已通过单位审核的业绩。"]


@pytest.mark.parametrize(("status", "label"), [(AchievementStatus.PENDING, "待审核"), (AchievementStatus.RETURNED, "已退回")])
def test_an_achievement_no_longer_passed_is_a_problem(status, label):
    application = draft()
    achievement = passed_achievement(application.applicant)
    link(application, achievement)
    assert ACHIEVEMENTS.problems(application) == []
    Achievement.update(status=status).where(Achievement.id == achievement.id).execute()
    found = ACHIEVEMENTS.problems(application)
    assert fields_of(found) == [f"achievement_{achievement.id}"]
    assert f"当前为“{label}”" in found[0]


def test_an_achievement_edited_since_it_was_picked_is_a_problem():
    application = draft()
    achievement = passed_achievement(application.applicant)
    link(application, achievement)
    Achievement.update(version=2).where(Achievement.id == achievement.id).execute()
    assert "选择后已修改" in ACHIEVEMENTS.problems(application)[0]


@pytest.mark.parametrize("with_evidence", [False, True])
def test_a_collective_project_needs_main_contributor_evidence(with_evidence):
    application = draft()
    achievement = passed_achievement(application.applicant, "集体项目", collective=True)
    link(application, achievement, stored_file(application.applicant) if with_evidence else None)
    found = ACHIEVEMENTS.problems(application)
    assert found == ([] if with_evidence else ["集体项目“集体项目”须上传本人系主要贡献者的依据。"])


# ---------------------------------------------------------------- step 5: 继续教育 hours and the checklist

@pytest.mark.parametrize(("hours", "accepted"), [(0, False), (89, False), (90, True), (200, True)])
def test_each_checked_year_needs_90_hours(hours, accepted):
    plan = open_plan()
    first, second = plan.years_checked
    application = draft(plan, education_hours=json.dumps({str(first): hours, str(second): 90}))
    found = [p for p in ATTACHMENTS.problems(application) if p.field.startswith("hours_")]
    assert found == ([] if accepted else [f"{first} 年继续教育 {hours} 学时，每年须满 90 学时。"])


def test_a_year_without_hours_is_asked_for():
    plan = open_plan()
    first, second = plan.years_checked
    found = ATTACHMENTS.problems(draft(plan, education_hours=json.dumps({str(second): 90})))
    assert f"hours_{first}" in fields_of(found)


def keys(application):
    return [item.key for item in checklist(application)]


def test_the_default_checklist_of_a_private_company_engineer():
    plan = open_plan()
    first, second = plan.years_checked
    items = checklist(draft(plan))
    assert [i.key for i in items] == [f"education_{first}", f"education_{second}", "appointment"]
    assert all(item.reason for item in items)


@pytest.mark.parametrize(("ownership", "established", "label", "reason"), [
    (Ownership.PUBLIC_INSTITUTION, True, "事业单位人员职称申报岗位信息表", "您是在编人员"),
    (Ownership.PUBLIC_INSTITUTION, False, "单位说明（非在编人员）", "您填写了非在编"),
    (Ownership.STATE_OWNED, None, None, None),
    (Ownership.PRIVATE, None, None, None),
])
def test_public_institution_staff_give_the_post_form_or_a_unit_statement(ownership, established, label, reason):
    user = applicant_ready()
    user.organisation.ownership = ownership
    user.organisation.save()
    items = {i.key: i for i in checklist(draft(user=user, established_post=established))}
    if label is None:
        assert "post_info" not in items
    else:
        assert items["post_info"].label == label
        assert reason in items["post_info"].reason


def test_a_public_institution_applicant_must_say_whether_established():
    user = applicant_ready()
    user.organisation.ownership = Ownership.PUBLIC_INSTITUTION
    user.organisation.save()
    application = draft(user=user, established_post=None)
    assert fields_of(INFO.problems(application)) == ["established_post"]
    application.established_post = False
    assert INFO.problems(application) == []


@pytest.mark.parametrize("insured", [False, True])
def test_social_insurance_outside_the_province_asks_for_its_proof(insured):
    assert ("social_insurance" in keys(draft(insured_outside_province=insured))) is insured


@pytest.mark.parametrize(("kind", "asked"), [(ApplicationType.SELF_EVALUATION, True), (ApplicationType.NORMAL, False),
                                             (ApplicationType.LANDMARK, False)])
def test_only_self_evaluation_asks_for_the_self_evaluation_form(kind, asked):
    assert ("self_evaluation_form" in keys(draft(application_type=kind))) is asked


@pytest.mark.parametrize(("verifiable", "asked"), [(True, False), (False, True)])
def test_education_not_verifiable_on_chsi_asks_for_verification(verifiable, asked):
    user = applicant_ready()
    EducationRecord.create(user=user, education=Education.MASTER, degree=Degree.MASTER, school="同济大学",
                           major="结构工程", graduated_on=date(2013, 6, 30), verifiable_on_chsi=verifiable)
    items = {i.key: i for i in checklist(draft(user=user))}
    assert ("diploma" in items) is asked
    if asked:
        assert "同济大学硕士研究生" in items["diploma"].reason and "浙江大学" not in items["diploma"].reason


@pytest.mark.parametrize(("level", "label"), [(Level.MID, "近4年现任专业技术职务资格聘书"),
                                              (Level.SENIOR, "近5年现任专业技术职务资格聘书")])
def test_the_appointment_letter_covers_4_years_for_mid_and_5_for_senior(level, label):
    items = {i.key: i for i in checklist(draft(open_plan(level=level)))}
    assert items["appointment"].label == label
    assert "申报当年须在聘" in items["appointment"].reason


@pytest.mark.parametrize("kind", ["education", "social_insurance", "post_info", "appointment",
                                  "self_evaluation_form", "diploma"])
def test_a_kind_the_plan_does_not_ask_for_is_never_listed(kind):
    plan = open_plan()
    user = applicant_ready()
    user.organisation.ownership = Ownership.PUBLIC_INSTITUTION
    user.organisation.save()
    EducationRecord.update(verifiable_on_chsi=False).where(EducationRecord.user == user).execute()
    application = draft(plan, user, application_type=ApplicationType.SELF_EVALUATION, insured_outside_province=True,
                        established_post=True)
    everything = keys(application)
    assert any(key.startswith(kind) for key in everything)
    plan.required_attachments = ",".join(k for k in plan.attachment_keys if k != kind)
    plan.save()
    application.plan = plan
    assert [k for k in keys(application) if k.startswith(kind)] == []
    assert len(keys(application)) < len(everything)


def test_the_checklist_files_are_required_before_step_5_is_complete():
    plan = open_plan()
    application = draft(plan, education_hours=json.dumps({str(y): 90 for y in plan.years_checked}))
    assert set(fields_of(ATTACHMENTS.problems(application))) == {f"file_{k}" for k in keys(application)}
    for key in keys(application):
        attach(application, key)
    assert ATTACHMENTS.problems(application) == []


# ---------------------------------------------------------------- plans: open dates, one application per plan

@pytest.mark.parametrize(("opens", "closes", "open_"), [
    (TODAY, TODAY, True), (TODAY - DAY, TODAY + DAY, True), (TODAY + DAY, TODAY + 2 * DAY, False),
    (TODAY - 2 * DAY, TODAY - DAY, False),
])
def test_a_plan_is_open_from_its_first_to_its_last_day(opens, closes, open_):
    plan = ReviewPlan(opens_on=opens, closes_on=closes)
    assert (plans.closed_reason(plan, TODAY) is None) is open_


def test_a_closed_plan_takes_no_new_application():
    plan = open_plan()
    plan.closes_on = TODAY - DAY
    plan.save()
    with pytest.raises(WorkflowError, match="截止"):
        start_application(plan, applicant_ready())
    assert Application.select().count() == 0


def test_a_second_start_returns_the_same_application_even_after_closing():
    plan, user = open_plan(), applicant_ready()
    first = start_application(plan, user)
    assert start_application(plan, user).id == first.id
    assert start_application(plan, user, today=plan.closes_on + DAY).id == first.id
    assert Application.select().count() == 1


def complete(application):
    """Steps 1, 2, 4 and 5 of a draft filled in as well, so that 提交 is possible."""
    user = application.applicant
    application.photo = stored_file(user, "photo.jpg")
    application.pledge_signature = stored_file(user, "签名.png")
    application.pledge_signed_at = now()
    application.education_hours = json.dumps({str(y): 90 for y in application.plan.years_checked})
    application.save()
    link(application, passed_achievement(user))
    for key in keys(application):
        attach(application, key)
    assert steps.first_problem(application) == (None, [])
    return application


def test_after_closing_no_submission_is_accepted():
    application = complete(draft())
    with pytest.raises(WorkflowError, match="不再接受提交"):
        submit_application(application, application.applicant, today=application.plan.closes_on + DAY)
    assert Application.get_by_id(application.id).status == ApplicationStatus.DRAFT
    submit_application(application, application.applicant, today=application.plan.closes_on)
    assert Application.get_by_id(application.id).status == ApplicationStatus.AT_UNIT


def test_submission_asks_every_step_again_and_names_the_first_incomplete():
    application = complete(draft())
    achievement = application.achievement_links.get().achievement
    Achievement.update(status=AchievementStatus.RETURNED).where(Achievement.id == achievement.id).execute()
    with pytest.raises(IncompleteStep) as caught:
        submit_application(application, application.applicant)
    assert caught.value.step.number == 4
    assert "第 4 步“选择相关业绩”尚未完成" in str(caught.value) and "已退回" in str(caught.value)
    assert Application.get_by_id(application.id).status == ApplicationStatus.DRAFT
