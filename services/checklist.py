"""Step 5 上传相关附件: which scans an application needs, computed from its answers (SPEC §5.5, 附件1 二.5).

Each item says why it is asked. The plan chooses which kinds it asks for at all (ReviewPlan.required_attachments).
"""
from dataclasses import dataclass

from models import ApplicationType, Level, Ownership

MIN_EDUCATION_HOURS = 90  # 继续教育 per year

# The kinds of attachment a plan may ask for, in the order the notice lists them.
KINDS = {
    "education": "继续教育学时登记证明",
    "social_insurance": "省外社保缴纳证明",
    "post_info": "事业单位人员职称申报岗位信息表（非在编人员提供单位说明）",
    "appointment": "现任专业技术职务资格聘书",
    "self_evaluation_form": "自评表（含2名在职高级/正高工程师证书）",
    "diploma": "学历证书及认证材料",
}
DEFAULT_KINDS = ",".join(KINDS)


@dataclass(frozen=True)
class ChecklistItem:
    key: str  # ApplicationFile.key
    label: str
    reason: str


def checklist(application):
    """The attachments this application must carry, each with the reason it is asked."""
    plan, applicant = application.plan, application.applicant
    asked = set(plan.attachment_keys)
    found = []
    if "education" in asked:
        for year in plan.years_checked:
            found.append(ChecklistItem(f"education_{year}", f"{year}年继续教育学时登记证明",
                                       f"本计划核查 {year} 年继续教育，每年须满 {MIN_EDUCATION_HOURS} 学时。"))
    if "social_insurance" in asked and application.insured_outside_province:
        found.append(ChecklistItem("social_insurance", KINDS["social_insurance"], "您填写了近1年内有省外社保缴纳记录。"))
    unit = application.unit or applicant.organisation
    if "post_info" in asked and unit is not None and unit.ownership == Ownership.PUBLIC_INSTITUTION:
        if application.established_post is False:
            found.append(ChecklistItem("post_info", "单位说明（非在编人员）", "您的单位是事业单位，您填写了非在编。"))
        else:
            found.append(ChecklistItem("post_info", "事业单位人员职称申报岗位信息表", "您的单位是事业单位，您是在编人员。"))
    if "appointment" in asked:
        years = 5 if plan.level == Level.SENIOR else 4
        found.append(ChecklistItem("appointment", f"近{years}年现任专业技术职务资格聘书",
                                   f"申报{plan.level.title_name}须提供近{years}年现任职务聘书，申报当年须在聘。"))
    if "self_evaluation_form" in asked and application.application_type == ApplicationType.SELF_EVALUATION:
        found.append(ChecklistItem("self_evaluation_form", KINDS["self_evaluation_form"],
                                   f"您选择了自评申报（自评分须达到 {plan.pass_mark} 分）。"))
    if "diploma" in asked:
        unverifiable = [r for r in applicant.education if not r.verifiable_on_chsi]
        if unverifiable:
            schools = "、".join(f"{r.school}{r.education.label}" for r in unverifiable)
            found.append(ChecklistItem("diploma", KINDS["diploma"], f"您的学历（{schools}）在学信网上无法查询。"))
    return found
