"""Log in and out, applicant self-registration, password change."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, g, make_response, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from app import limiter
from forms import add_error
from forms.auth import ChangePasswordForm, LoginForm, RegisterForm
from services import accounts, captcha

bp = Blueprint("auth", __name__)

# Endpoints a user who must change the password can still reach.
OPEN_WHILE_CHANGING = {"auth.change_password", "auth.logout", "static", "htmx_js"}
# Failed logins one address may make, whatever the accounts; successful ones are not counted, so a whole office
# behind one address logs in normally.
FAILED_LOGINS_PER_ADDRESS = "30 per 15 minutes"


@bp.before_app_request
def _force_password_change():
    if (current_user.is_authenticated and current_user.must_change_password
            and request.endpoint not in OPEN_WHILE_CHANGING):
        flash("您的密码是管理员分配或重置的临时密码，请先修改密码。", "warning")
        return redirect(url_for("auth.change_password"))
    return None


def _safe_next(target):
    """Only local paths, so a crafted link cannot send people elsewhere after login."""
    if target and target.startswith("/") and not target.startswith("//") and not urlsplit(target).netloc:
        return target
    return url_for("home.index")


def _login_failed(response):
    return g.get("login_failed", False)


def _captcha_problem(form, ip):
    """What is wrong with the 图形验证码 this login needs; None when none is needed or it was answered right."""
    if not accounts.captcha_required(form.username.data, ip):
        return None
    if captcha.solve(session.pop("captcha", None), form.captcha.data):
        return None
    return "图形验证码不正确，请按新图片重新输入。" if form.captcha.data else "请输入图中的图形验证码。"


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(FAILED_LOGINS_PER_ADDRESS, methods=["POST"], deduct_when=_login_failed)
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    ip = request.remote_addr
    if form.validate_on_submit():
        problem = _captcha_problem(form, ip)
        if problem:  # the password is not even checked
            accounts.record_failure(form.username.data, ip, "图形验证码错误")
            form.captcha.errors = [problem]
        else:
            result = accounts.authenticate(form.username.data, form.password.data, ip=ip)
            if result.user:
                login_user(result.user)
                return redirect(_safe_next(request.args.get("next")))
            form.form_errors.append(result.error)
        g.login_failed = True
    form.captcha.data = ""
    return render_template("auth/login.html", form=form,
                           captcha_required=accounts.captcha_required(form.username.data, ip))


@bp.route("/login/captcha.png")
@limiter.limit("30 per minute")
def captcha_image():
    """A new 图形验证码 for this browser's next login; the one shown before is void."""
    session["captcha"], png = captcha.new_challenge()
    response = make_response(png)
    response.headers.update({"Content-Type": "image/png", "Cache-Control": "no-store"})
    return response


@bp.route("/logout", methods=["POST"])
def logout():
    if current_user.is_authenticated:
        accounts.log_out(current_user, ip=request.remote_addr)
    logout_user()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            accounts.register_applicant(
                mobile=form.mobile.data, password=form.password.data, real_name=form.real_name.data,
                id_number=form.id_number.data, ip=request.remote_addr,
            )
        except accounts.AccountError as error:
            add_error(form, error.field, str(error))
        else:
            # The same answer whether the account is new or the number was taken (its owner is told by SMS).
            flash("注册信息已提交。请用手机号和刚才设置的密码登录；如该手机号或身份证号此前已注册，"
                  "我们已向原注册手机发送短信，请用原账号登录。", "success")
            return redirect(url_for("auth.login"))
    return render_template("auth/register.html", form=form)


@bp.route("/password", methods=["GET", "POST"])
@login_required
def change_password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(current_user, form.current.data, form.password.data, ip=request.remote_addr)
        except accounts.AccountError as error:
            add_error(form, error.field, str(error))
        else:
            login_user(current_user._get_current_object())  # this session continues with the new token
            flash("密码已修改，其他设备上的登录已退出。", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
