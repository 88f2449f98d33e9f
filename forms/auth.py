from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, EqualTo, Length

from forms import REQUIRED, AppForm
from services.accounts import PASSWORD_RULE


class LoginForm(AppForm):
    username = StringField("登录名（申报人员为手机号）", validators=[DataRequired(REQUIRED)])
    password = PasswordField("密码", validators=[DataRequired(REQUIRED)])
    captcha = StringField("图形验证码", description="请输入图中的 4 个字符，不区分大小写。")


class RegisterForm(AppForm):
    mobile = StringField("手机号", validators=[DataRequired(REQUIRED)],
                         description="11 位手机号，作为登录名，并用于接收 12333 短信通知。")
    real_name = StringField("真实姓名", validators=[DataRequired(REQUIRED), Length(max=32, message="姓名不超过 32 个字。")])
    id_number = StringField("身份证号", validators=[DataRequired(REQUIRED)],
                            description="18 位居民身份证号；出生日期和性别由号码自动得出。")
    password = PasswordField("密码", validators=[DataRequired(REQUIRED)], description=PASSWORD_RULE)
    password2 = PasswordField("确认密码", validators=[DataRequired(REQUIRED), EqualTo("password", "两次输入的密码不一致。")])


class ChangePasswordForm(AppForm):
    current = PasswordField("当前密码", validators=[DataRequired(REQUIRED)])
    password = PasswordField("新密码", validators=[DataRequired(REQUIRED)], description=PASSWORD_RULE)
    password2 = PasswordField("确认新密码", validators=[DataRequired(REQUIRED), EqualTo("password", "两次输入的密码不一致。")])
