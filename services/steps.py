"""The seven steps of the application wizard (附件1 二), as objects: title, template, and what is missing.

`problems(application)` is empty when a step is complete; 提交 asks every step again, so a rule broken since
(an achievement returned, a plan's professions changed) sends the applicant back to that step with the reason.
"""
import json
import re

from models import (
    AchievementStatus,
    ApplicationFile,
    ApplicationType,
    AssessmentResult,
    Level,
    Ownership,
    PlanProfession,
)
from services import plans, routing, scoring
from services.checklist import MIN_EDUCATION_HOURS, checklist

STATEMENT_LIMIT = 1000  # 本人述职, whitespace not counted
PASSING_RESULTS = (AssessmentResult.EXCELLENT, AssessmentResult.PASS)
# Evidence files step 3 asks for, by the answer that needs them.
EVIDENCE = {
    "transfer": "转评佐证材料（原系列职称证书）",
    "landmark": "标志性业绩佐证材料",
    "skilled": "技能人才佐证材料",
    "second_title": "专业技术职务任职资格2佐证材料",
}


def loads(text):
    try:
        value = json.loads(text or "{}")
    except ValueError:
        return {}
    return value if isinstance(value, dict) else {}


def statement_length(text):
    return len(re.sub(r"\s", "", text or ""))


def assessment_years(plan):
    """单位考核情况: 中级 the last 3 years before the plan's year, 高级 the last 4."""
    count = 4 if plan.level == Level.SENIOR else 3
    return list(range(plan.year - count, plan.year))


def assessment_text(application):
    """As the roster prints it: "2016合格、2017优秀"."""
    results = loads(application.assessments)
    return "、".join(f"{year}{AssessmentResult(results[str(year)]).label}"
                    for year in assessment_years(application.plan) if results.get(str(year)) in AssessmentResult._value2member_map_)


def rubric(plan):
    return scoring.from_json(plan.rubric)


def files_by_key(application):
    found = {}
    for link in application.files.order_by(ApplicationFile.id):
        found.setdefault(link.key, []).append(link.file)
    return found


def evidence_needed(application):
    """The evidence keys step 3's answers require."""
    needed = []
    kind = application.application_type
    if kind == ApplicationType.TRANSFER:
        needed.append("transfer")
    if kind == ApplicationType.LANDMARK:
        needed.append("landmark")
    if kind == ApplicationType.SKILLED:
        needed.append("skilled")
    if application.holds_senior_title:
        needed.append("second_title")
    return needed


class Problem(str):
    """A reason a step is incomplete, in words for the applicant; `field` names the form field it belongs to."""

    def __new__(cls, message, field=None):
        problem = super().__new__(cls, message)
        problem.field = field
        return problem


class Step:
    number: int
    slug: str
    title: str

    @property
    def template(self):
        return f"wizard/step_{self.slug}.html"

    def problems(self, application):
        return []


class PhotoStep(Step):
    number, slug, title = 1, "photo", "证件照"

    def problems(self, application):
        return [] if application.photo_id else [Problem("尚未上传证件照。", "photo")]


class PledgeStep(Step):
    number, slug, title = 2, "pledge", "个人承诺"

    def problems(self, application):
        return [] if application.pledge_signed_at else [Problem("尚未签署《专业技术资格申报材料真实性保证书》。")]


class InfoStep(Step):
    number, slug, title = 3, "info", "填写申报信息"

    def problems(self, application):
        plan, found = application.plan, []
        kind = application.application_type
        if kind is None:
            found.append(Problem("请选择申报类型。", "application_type"))
        if kind == ApplicationType.TRANSFER and not application.transfer_from.strip():
            found.append(Problem("转评须填写原系列职称名称。", "transfer_from"))
        if kind == ApplicationType.LANDMARK and not application.landmark_text.strip():
            found.append(Problem("标志性业绩直接申报须填写标志性业绩具体内容。", "landmark_text"))
        if kind == ApplicationType.SELF_EVALUATION:
            score = scoring.total(rubric(plan), loads(application.self_evaluation))
            if score < plan.pass_mark:
                found.append(Problem(f"自评分 {score} 分，须达到 {plan.pass_mark} 分才能以自评申报。", "self_evaluation"))
        if application.holds_senior_title and not application.second_title.strip():
            found.append(Problem("已取得高级职称的，须填写专业技术职务任职资格2。", "second_title"))
        uploaded = files_by_key(application)
        found += [Problem(f"请上传{EVIDENCE[key]}。", f"evidence_{key}")
                  for key in evidence_needed(application) if not uploaded.get(key)]
        if application.profession_id is None:
            found.append(Problem("请选择从事专业。", "profession"))
        elif not PlanProfession.select().where((PlanProfession.plan == plan)
                                               & (PlanProfession.profession == application.profession_id)).exists():
            names = "、".join(p.name for p in plans.plan_professions(plan))
            found.append(Problem(f"从事专业“{application.profession.name}”不在本计划的可评审专业中"
                                 f"（本计划只评审：{names}）。", "profession"))
        if application.category is None:
            found.append(Problem("请选择申报类别。", "category"))
        results = loads(application.assessments)
        for year in assessment_years(plan):
            value = results.get(str(year))
            if value not in AssessmentResult._value2member_map_:
                found.append(Problem(f"请填写 {year} 年的单位考核情况。", f"assessment_{year}"))
            elif AssessmentResult(value) not in PASSING_RESULTS:
                found.append(Problem(f"{year} 年考核为“{AssessmentResult(value).label}”，{plan.level.label}须近 "
                                     f"{len(assessment_years(plan))} 年考核合格。", f"assessment_{year}"))
        length = statement_length(application.statement)
        if length == 0:
            found.append(Problem("请填写本人述职。", "statement"))
        elif length > STATEMENT_LIMIT:
            found.append(Problem(f"本人述职 {length} 字，超过 {STATEMENT_LIMIT} 字的上限（空白不计）。", "statement"))
        unit = application.unit or application.applicant.organisation
        if unit is not None and unit.ownership == Ownership.PUBLIC_INSTITUTION and application.established_post is None:
            # the step-5 checklist asks 在编 staff and 非在编 staff for different papers
            found.append(Problem("您的单位是事业单位，请选择编制情况（在编或非在编）。", "established_post"))
        # a profession the plan does not offer decides no route (a 中级 plan asks for its 中评委 all the same)
        offered = application.profession if not any(p.field == "profession" for p in found) else None
        if routing.needs_mid_committee(plan, offered):
            fitting = plans.fitting_committees(plan, application.unit)
            if application.committee_id is None:
                found.append(Problem(committee_required(application), "committee"))
            elif application.committee_id not in {c.id for c in fitting}:
                found.append(Problem(f"“{application.committee.name}”不受理您单位的申报，请重新选择。", "committee"))
        return found


def committee_required(application):
    """What step 3 says when no 中评委 is chosen: the 受理评审委员会 (中级), or the recommending one (中推高)."""
    if application.plan.level == Level.MID:
        return "请选择受理评审委员会。"
    return (f"从事专业“{application.profession.name}”属专业类别1，高级申报须先经中评委推荐（中推高），"
            "请选择推荐的中评委。")


class AchievementsStep(Step):
    number, slug, title = 4, "achievements", "选择相关业绩"

    def problems(self, application):
        links = list(application.achievement_links)
        if not links:
            return [Problem("请至少选择一项已通过单位审核的业绩。")]
        found = []
        for link in links:
            achievement = link.achievement
            if achievement.status != AchievementStatus.PASSED or achievement.version != link.version:
                found.append(Problem(f"业绩“{achievement.title}”当前为“{achievement.status.label}”"
                                     f"{'（选择后已修改）' if achievement.version != link.version else ''}，"
                                     "只能选择已通过单位审核的业绩，请取消选择或等待审核通过后重新选择。",
                                     f"achievement_{achievement.id}"))
            elif achievement.is_collective and link.contributor_evidence_id is None:
                found.append(Problem(f"集体项目“{achievement.title}”须上传本人系主要贡献者的依据。",
                                     f"achievement_{achievement.id}"))
        return found


class AttachmentsStep(Step):
    number, slug, title = 5, "attachments", "上传相关附件"

    def problems(self, application):
        uploaded = files_by_key(application)
        found = [Problem(f"请上传{item.label}（{item.reason}）", f"file_{item.key}")
                 for item in checklist(application) if not uploaded.get(item.key)]
        hours = loads(application.education_hours)
        for year in application.plan.years_checked:
            value = hours.get(str(year))
            if value is None:
                found.append(Problem(f"请填写 {year} 年继续教育学时。", f"hours_{year}"))
            elif value < MIN_EDUCATION_HOURS:
                found.append(Problem(f"{year} 年继续教育 {value} 学时，每年须满 {MIN_EDUCATION_HOURS} 学时。", f"hours_{year}"))
        return found


class PreviewStep(Step):
    number, slug, title = 6, "preview", "预览确认提交"


class FeeStep(Step):
    number, slug, title = 7, "fee", "费用缴纳"


STEPS = (PhotoStep(), PledgeStep(), InfoStep(), AchievementsStep(), AttachmentsStep(), PreviewStep(), FeeStep())
FILLING_STEPS = STEPS[:5]  # what 提交 re-validates


def step(number):
    return STEPS[number - 1] if 1 <= number <= len(STEPS) else None


def first_problem(application):
    """(step, problems) of the first incomplete step, or (None, [])."""
    for candidate in FILLING_STEPS:
        found = candidate.problems(application)
        if found:
            return candidate, found
    return None, []
