"""Forms of the results 公示 (office and public page), objections, 复查 and the 诚信档案."""
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from forms import REQUIRED, AppForm, ChineseDateField, choice_id
from models import RecheckOutcome

WRITTEN = [DataRequired(REQUIRED), Length(max=2000, message="不超过 2000 个字。")]


class ResultPublicityForm(AppForm):
    starts_on = ChineseDateField("公示开始日期", validators=[DataRequired(REQUIRED)],
                                 description="公示期不少于 5 个工作日（周末、法定节假日不计，调休上班日计入），结束日期自动计算。")
    how_to_object = TextAreaField("异议受理方式", validators=WRITTEN,
                                  description="在公示页面上显示：在哪里、以什么方式提出异议（默认取自评委会的受理地址和电话）。")


class ObjectionForm(AppForm):
    application = SelectField("对哪位公示对象提出异议", coerce=choice_id)
    name = StringField("您的真实姓名", validators=[DataRequired(REQUIRED), Length(max=64, message="不超过 64 个字。")],
                       description="实名提出，匿名异议不予受理。")
    contact = StringField("联系方式", validators=[DataRequired(REQUIRED), Length(max=64, message="不超过 64 个字。")],
                          description="手机号或电话，评委会办公室核查时与您联系；不公开。")
    content = TextAreaField("异议内容", validators=WRITTEN, description="写明具体事实，如材料造假的内容和线索。")
    evidence = FileField("证据材料（可选）", description="PDF、JPEG 或 PNG，不超过 20 MB。")
    evidence_token = StringField(render_kw={"type": "hidden"})
    captcha = StringField("图形验证码", validators=[DataRequired("请输入图中的图形验证码。")],
                          render_kw={"autocomplete": "off", "inputmode": "latin"})

    def validate_application(self, field):
        if field.data not in {value for value, _ in field.choices}:
            raise ValueError("请选择异议针对的公示对象。")


class ObjectionDecisionForm(AppForm):
    outcome = RadioField("处理结论", choices=[("dismissed", "不成立（维持公示结果）"), ("upheld", "成立（评审未通过）")],
                         validators=[DataRequired("请选择处理结论。")])
    decision = TextAreaField("书面处理意见", validators=WRITTEN, description="异议成立时，此意见即为评审未通过的理由，申报人员可见。")


class RecheckForm(AppForm):
    reason = TextAreaField("复查理由", validators=WRITTEN, description="写明对评审结果有异议的理由。")


class RecheckAnswerForm(AppForm):
    outcome = RadioField("答复结论", choices=[(RecheckOutcome.MAINTAINED.value, RecheckOutcome.MAINTAINED.label),
                                          (RecheckOutcome.RE_REVIEW.value, "重新评审（退回评委会重新表决）")],
                         validators=[DataRequired("请选择答复结论。")])
    answer = TextAreaField("书面答复", validators=WRITTEN, description="申报人员可见。")


class IntegrityCaseForm(AppForm):
    id_number = StringField("身份证号", validators=[DataRequired(REQUIRED)], description="18 位，按校验位核对。")
    name = StringField("姓名", validators=[DataRequired(REQUIRED), Length(max=64, message="不超过 64 个字。")])
    is_expert = BooleanField("该人员为评审专家")
    facts = TextAreaField("弄虚作假情形", validators=WRITTEN, description="如：伪造业绩证明、冒用他人论文。")
    document_number = StringField("处理决定文号", validators=[DataRequired(REQUIRED), Length(max=64, message="不超过 64 个字。")])
    decided_on = ChineseDateField("处理决定日期", validators=[DataRequired(REQUIRED)],
                                  description="自该日起 3 年内不得申报：禁止至满 3 年的前一日（含），满 3 年当日起可以申报。")
    certificate_number = StringField("同时撤销的证书编号（可选）", validators=[Length(max=32, message="不超过 32 个字。")],
                                     description="该人员以弄虚作假取得的电子证书；撤销后核验页面显示“已撤销”。")
