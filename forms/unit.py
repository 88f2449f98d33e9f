from flask_wtf.file import FileField
from wtforms import PasswordField, RadioField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from forms import REQUIRED, AppForm, choice_id, enum_select
from models import IndustryTag, Ownership
from services.accounts import PASSWORD_RULE


class UnitForm(AppForm):
    """The unit's own data; registration adds the contact's password."""

    name = StringField("单位名称", validators=[DataRequired(REQUIRED), Length(max=100, message="单位名称不超过 100 个字。")])
    credit_code = StringField("统一社会信用代码", validators=[DataRequired(REQUIRED)], description="18 位，见营业执照或登记证书。")
    region = SelectField("所属地区", coerce=choice_id)
    ownership = enum_select("单位性质", Ownership, blank="请选择", validators=[DataRequired(REQUIRED)])
    industry_tag = enum_select("行业类别", IndustryTag, blank="无（按所属地区受理）",
                               description="勘察设计企业、装配式建筑企业和驻沪建筑施工企业由对应的行业评委会受理。")
    files_at_talent_centre = RadioField("人事档案是否委托人才交流中心代理", choices=[("yes", "是"), ("no", "否")], default="no",
                                        description="民营、股份制企业人事档案委托人才交流中心代理的，通过人才交流中心申报。")
    contact_name = StringField("单位经办人姓名", validators=[DataRequired(REQUIRED), Length(max=32)])
    contact_mobile = StringField("经办人手机号", validators=[DataRequired(REQUIRED)], description="作为单位账号的登录名，接收审核结果短信。")
    letter = FileField("授权委托证明", description="加盖单位公章的授权委托证明扫描件，PDF 或 JPEG，不超过 10 MB。")
    letter_token = StringField(render_kw={"type": "hidden"})


class UnitRegistrationForm(UnitForm):
    password = PasswordField("密码", validators=[DataRequired(REQUIRED)], description=PASSWORD_RULE)
    password2 = PasswordField("确认密码", validators=[DataRequired(REQUIRED), EqualTo("password", "两次输入的密码不一致。")])
