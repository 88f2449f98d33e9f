"""Log in and out, applicant self-registration, password change."""
from urllib.parse import urlsplit

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required, login_user, logout_user

from forms import add_error
from forms.auth import ChangePasswordForm, LoginForm, RegisterForm
from services import accounts

bp = Blueprint("auth", __name__)

# Endpoints a user who must change the password can still reach.
OPEN_WHILE_CHANGING = {"auth.change_password", "auth.logout", "static", "htmx_js"}


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


@bp.route("/login", methods=["GET", "POST"])
def login():
    if current_user.is_authenticated:
        return redirect(url_for("home.index"))
    form = LoginForm()
    if form.validate_on_submit():
        result = accounts.authenticate(form.username.data, form.password.data, ip=request.remote_addr)
        if result.user:
            login_user(result.user)
            return redirect(_safe_next(request.args.get("next")))
        form.form_errors.append(result.error)
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
def logout():
    logout_user()
    flash("您已安全退出。", "info")
    return redirect(url_for("auth.login"))


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register_applicant(
                mobile=form.mobile.data, password=form.password.data, real_name=form.real_name.data,
                id_number=form.id_number.data, ip=request.remote_addr,
            )
        except accounts.AccountError as error:
            add_error(form, error.field, str(error))
        else:
            login_user(user)
            flash(f"注册成功，欢迎您，{user.real_name}。请先完善个人基本信息。", "success")
            return redirect(url_for("home.index"))
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
            flash("密码已修改。", "success")
            return redirect(url_for("home.index"))
    return render_template("auth/password.html", form=form)
