from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from forms import REQUIRED, AppForm, ChineseDateField, choice_id
from models import ASSIGNED_ROLES


class AccountForm(AppForm):
    """统一分配的账号: the password is generated and shown once; the holder changes it at first login."""

    role = SelectField("账号类型", choices=[(r.value, r.label) for r in ASSIGNED_ROLES])
    organisation = SelectField("所属机构", coerce=choice_id, validate_choice=False)
    username = StringField("登录名", validators=[DataRequired(REQUIRED)], description="3–64 位字母、数字或 _ . @ -")
    real_name = StringField("经办人姓名", validators=[DataRequired(REQUIRED), Length(max=32)])
    mobile = StringField("经办人手机号", description="用于接收短信通知，可不填。")


class HolidayForm(AppForm):
    """节假日设置 for a year the holiday calendar does not cover."""

    day = ChineseDateField("日期", validators=[DataRequired(REQUIRED)])
    kind = SelectField("类型", choices=[("holiday", "放假（法定节假日）"), ("workday", "调休上班（周末上班）")])
    name = StringField("名称", validators=[Length(max=30)], description="如：国庆节、春节调休")
