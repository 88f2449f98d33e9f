"""Forms of the review chain: 收费设定 and starting a 公示."""
from wtforms import RadioField
from wtforms.validators import DataRequired, NumberRange, Optional

from forms import REQUIRED, AppForm, ChineseDateField, MoneyField


class FeeForm(AppForm):
    charges = RadioField("收费设定", choices=[("yes", "收费"), ("no", "不收费")], default="yes",
                         validators=[DataRequired(REQUIRED)],
                         description="原则上，除中评委收取中推高推荐费外，其他审核环节不得收取任何费用。")
    amount = MoneyField("收费金额（元）", places=2, validators=[Optional(), NumberRange(0, 100000, "金额须在 0–100000 元之间。")])


class PublicityForm(AppForm):
    starts_on = ChineseDateField("公示开始日期", validators=[DataRequired(REQUIRED)],
                                 description="公示期不少于 5 个工作日（周末、法定节假日不计，调休上班日计入），结束日期自动计算。")
