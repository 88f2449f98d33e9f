"""Forms of the review chain: 收费设定 and starting a 公示."""
from wtforms import IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from forms import REQUIRED, AppForm, ChineseDateField, MoneyField


class FeeForm(AppForm):
    charges = RadioField("收费设定", choices=[("yes", "收费"), ("no", "不收费")], default="yes",
                         validators=[DataRequired(REQUIRED)],
                         description="原则上，除中评委收取中推高推荐费外，其他审核环节不得收取任何费用。")
    amount = MoneyField("收费金额（元）", places=2, validators=[Optional(), NumberRange(0, 100000, "金额须在 0–100000 元之间。")])
    fee_name = StringField("收费名称", default="评审费", validators=[Length(max=50)], description="如：评审费、中推高推荐费。")
    deadline_days = IntegerField("缴费期限（工作日）", default=10, validators=[Optional(), NumberRange(1, 60, "须为 1–60 个工作日。")],
                                 description="自缴费通知发出之日起计算，周末和法定节假日不计，与公示期算法相同。")
    reminder_days = IntegerField("截止前几个工作日短信提醒", default=2,
                                 validators=[Optional(), NumberRange(0, 59, "须为 0–59 个工作日。")])
    payee = TextAreaField("收款单位、开户行及账号", validators=[Length(max=500)],
                          description="写入缴费通知书和短信，申报人员据此转账。")


class ConfirmPaymentForm(AppForm):
    amount = MoneyField("实缴金额（元）", places=2, validators=[DataRequired(REQUIRED)])
    paid_on = ChineseDateField("缴费日期", validators=[DataRequired(REQUIRED)])
    note = StringField("备注", validators=[Length(max=200)])


class PublicityForm(AppForm):
    starts_on = ChineseDateField("公示开始日期", validators=[DataRequired(REQUIRED)],
                                 description="公示期不少于 5 个工作日（周末、法定节假日不计，调休上班日计入），结束日期自动计算。")
