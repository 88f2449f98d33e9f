"""The application wizard's forms; step 3's is built per plan (its assessment years, rubric and committees)."""
from flask_wtf.file import FileField, MultipleFileField
from wtforms import BooleanField, IntegerField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forms import AppForm, choice_id
from models import ApplicationCategory, ApplicationType, AssessmentResult, Level
from services import plans, scoring, steps
from services.checklist import MIN_EDUCATION_HOURS, checklist


class PhotoForm(AppForm):
    photo = FileField("证件照", validators=[DataRequired("请选择照片文件。")])


class SubmitForm(AppForm):
    confirm = BooleanField("本人确认以上申报信息真实、准确、完整", validators=[DataRequired("请勾选确认后再提交。")])


def info_form(application, committees, **kwargs):
    """填写申报信息 for this application's plan."""
    plan = application.plan
    years = steps.assessment_years(plan)
    rubric = steps.rubric(plan)

    class InfoForm(AppForm):
        application_type = RadioField("申报类型", choices=ApplicationType.choices(), validators=[Optional()])
        recent_degree = BooleanField("后学历（学位）取得时间不满2年")
        mid_again = BooleanField("再次通过中级申报")
        transfer_from = StringField("原系列职称名称（转评）", validators=[Length(max=120)])
        landmark_text = TextAreaField("标志性业绩具体内容", validators=[Length(max=4000)])
        holds_senior_title = BooleanField("已取得高级职称，又通过中级申报建设工程专业高级工程师")
        second_title = StringField("专业技术职务任职资格2", validators=[Length(max=120)],
                                   description="已取得的高级职称名称，如：高级经济师")
        profession = SelectField("从事专业", coerce=choice_id, validate_choice=False,
                                 description="制作证书时打印在“专业名称”栏，取自本计划的可评审专业。")
        category = SelectField("申报类别", choices=[("", "请选择")] + ApplicationCategory.choices())
        statement = TextAreaField("本人述职", description=f"专业工作业绩情况，限 {steps.STATEMENT_LIMIT} 字以内（空白不计）。",
                                  render_kw={"rows": 10, "data-count-limit": steps.STATEMENT_LIMIT})
        committee = SelectField("受理评审委员会", coerce=choice_id, validate_choice=False,
                                description="按单位所属关系确定，只列出受理您单位申报的评委会。")
        insured_outside_province = BooleanField("近1年内有省外社保缴纳记录")
        established_post = SelectField("事业单位编制情况", choices=[("", "请选择"), ("yes", "在编"), ("no", "非在编")],
                                       validate_choice=False)

    for year in years:
        setattr(InfoForm, f"assessment_{year}", SelectField(
            f"{year}年度考核", choices=[("", "请选择")] + AssessmentResult.choices()))
    for item in scoring.items(rubric):
        setattr(InfoForm, f"score_{item.key}", IntegerField(
            item.label, validators=[Optional(), NumberRange(0, 99, "请填写 0–99 的整数。")],
            description=f"每{item.unit} {item.points} 分，最高 {item.cap} 分",
            render_kw={"min": 0, "max": 99, "type": "number", "data-points": item.points, "data-cap": item.cap}))
    for key, label in steps.EVIDENCE.items():
        setattr(InfoForm, f"evidence_{key}", MultipleFileField(label, description="PDF、JPEG 或 PNG，每个不超过 20 MB。"))

    form = InfoForm(**kwargs)
    form.profession.choices = [(0, "请选择")] + [(p.id, p.name) for p in plans.plan_professions(plan)]
    if plan.level == Level.SENIOR:  # the plan's 高评委 decides; a 中评委 only recommends category 1 (中推高)
        form.committee.label.text = "推荐中评委（专业类别1）"
        form.committee.description = (f"本计划由{plan.senior_committee.name if plan.senior_committee else '高评委'}评审。"
                                      "专业类别1的高级申报须先经所在中评委推荐（中推高），请选择；其他专业无需选择。")
    form.committee.choices = [(0, "请选择")] + [(c.id, c.name) for c in committees]
    form.assessment_years, form.rubric = years, rubric
    return form


def attachments_form(application, **kwargs):
    """上传相关附件: a file input per checklist item, and the 继续教育 hours per year the plan checks."""
    class AttachmentsForm(AppForm):
        pass

    for year in application.plan.years_checked:
        setattr(AttachmentsForm, f"hours_{year}", IntegerField(
            f"{year}年继续教育学时", validators=[Optional(), NumberRange(0, 2000, "请填写 0–2000 的整数。")],
            description=f"每年须满 {MIN_EDUCATION_HOURS} 学时（公需课 ≥ 18，专业课 ≥ 60）。",
            render_kw={"type": "number", "min": 0}))
    items = checklist(application)
    for item in items:
        setattr(AttachmentsForm, f"file_{item.key}", MultipleFileField(item.label, description=item.reason))
    form = AttachmentsForm(**kwargs)
    form.items = items
    return form
