"""Accounts: registration, password rules, the login lockout, assigned accounts and password resets."""
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from peewee import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from models import LoginFailure, Role, User, now
from services import audit, idcard
from services.txn import atomic

MAX_FAILURES = 5
FAILURE_WINDOW = timedelta(minutes=15)
LOCK_DURATION = timedelta(minutes=15)
MOBILE = re.compile(r"^1[3-9]\d{9}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
# Used in place of a real hash so that an unknown login name costs the same time as a wrong password.
_DUMMY_HASH = generate_password_hash("not-a-password")


class AccountError(ValueError):
    """A rule an account request broke; the message is shown to the user as it is."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


@contextmanager
def registered_once(message, field):
    """A unique-constraint race (another registration committed the same value after our check) as a form error."""
    try:
        yield
    except IntegrityError:
        raise AccountError(message, field) from None


@dataclass
class LoginResult:
    user: User | None = None
    error: str = ""


def password_problem(password):
    """None when the password is acceptable, else the rule it breaks."""
    if len(password) < 8:
        return f"密码至少 8 位，您输入了 {len(password)} 位。"
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        return "密码须同时包含字母和数字。"
    return None


def _check_password(password):
    problem = password_problem(password)
    if problem:
        raise AccountError(problem, "password")


def create_account(actor, *, username, real_name, password, role, mobile="", organisation=None,
                   must_change_password=False, ip=""):
    """Create any account; the administrator's 统一分配的账号 and create-admin both come here."""
    username = username.strip()
    if not USERNAME.match(username):
        raise AccountError("登录名为 3–64 位字母、数字或 _ . @ -。", "username")
    if User.select().where(User.username == username).exists():
        raise AccountError(f"登录名“{username}”已被使用。", "username")
    if mobile and not MOBILE.match(mobile):
        raise AccountError(f"手机号“{mobile}”格式不正确，应为 11 位大陆手机号。", "mobile")
    if role in (Role.APPLICANT, Role.ADMIN) and organisation is not None:
        raise AccountError(f"{role.label}账号不绑定机构。", "organisation")
    if role not in (Role.APPLICANT, Role.ADMIN, Role.UNIT) and organisation is None:
        raise AccountError(f"{role.label}账号必须绑定所属机构。", "organisation")
    if organisation is not None and organisation.kind != role:
        raise AccountError(f"机构“{organisation.name}”是{organisation.kind.label}，不能绑定{role.label}账号。", "organisation")
    _check_password(password)
    with atomic():
        user = User.create(
            username=username, real_name=real_name.strip(), password_hash=generate_password_hash(password),
            role=role, mobile=mobile, organisation=organisation, must_change_password=must_change_password,
        )
        audit.record(actor or user, "account.create", f"user:{user.id}", f"{role.label} {username}", ip)
    return user


def register_applicant(*, mobile, password, real_name, id_number, ip=""):
    """Self-registration of an engineer: the mobile number is the login name."""
    mobile = mobile.strip()
    if not MOBILE.match(mobile):
        raise AccountError(f"手机号“{mobile}”格式不正确，应为 11 位大陆手机号。", "mobile")
    if User.select().where(User.username == mobile).exists():
        raise AccountError(f"手机号 {mobile} 已注册，请直接登录。", "mobile")
    try:
        parsed = idcard.parse(id_number)
    except idcard.IdNumberError as error:
        raise AccountError(str(error), "id_number") from None
    if User.select().where(User.id_number == parsed.number).exists():
        raise AccountError("该身份证号已注册。如非本人操作，请联系平台管理员。", "id_number")
    with registered_once(f"手机号 {mobile} 或该身份证号刚刚已被注册，请直接登录或联系平台管理员。", "mobile"), atomic():
        user = create_account(None, username=mobile, real_name=real_name, password=password,
                              role=Role.APPLICANT, mobile=mobile, ip=ip)
        user.id_number = parsed.number
        user.birth_date = parsed.birth_date
        user.gender = parsed.gender
        user.save()
    return user


def _recent_failures(user, at):
    return LoginFailure.select().where((LoginFailure.user == user) & (LoginFailure.at > at - FAILURE_WINDOW)).count()


def authenticate(username, password, ip="", at=None):
    """Check a login; five wrong passwords within 15 minutes lock the account for 15 minutes."""
    at = at or now()
    user = User.get_or_none(User.username == (username or "").strip())
    if user is None:
        check_password_hash(_DUMMY_HASH, password or "")
        return LoginResult(error="登录名或密码错误。")
    if user.locked_until and user.locked_until > at:
        minutes = max(1, int((user.locked_until - at).total_seconds() + 59) // 60)
        return LoginResult(error=f"连续 {MAX_FAILURES} 次密码错误，账号已锁定，请 {minutes} 分钟后再试"
                                 f"（{user.locked_until:%H:%M} 解锁）。")
    if not check_password_hash(user.password_hash, password or ""):
        with atomic():
            LoginFailure.create(user=user, at=at)
            failures = _recent_failures(user, at)
            if failures >= MAX_FAILURES:
                user.locked_until = at + LOCK_DURATION
                user.save()
                audit.record(user, "login.locked", f"user:{user.id}", f"{failures} 次失败", ip)
                return LoginResult(error=f"连续 {MAX_FAILURES} 次密码错误，账号已锁定 15 分钟"
                                         f"（{user.locked_until:%H:%M} 解锁）。")
        left = MAX_FAILURES - failures
        return LoginResult(error=f"登录名或密码错误。再错 {left} 次账号将锁定 15 分钟。")
    if not user.is_enabled:
        return LoginResult(error="该账号已停用，请联系平台管理员。")
    with atomic():
        LoginFailure.delete().where(LoginFailure.user == user).execute()
        user.locked_until = None
        user.last_login_at = at
        user.save()
        audit.record(user, "login", f"user:{user.id}", "", ip)
    return LoginResult(user=user)


def change_password(user, current, new, ip=""):
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError("当前密码不正确。", "current")
    _check_password(new)
    with atomic():
        user.password_hash = generate_password_hash(new)
        user.must_change_password = False
        user.save()
        audit.record(user, "password.change", f"user:{user.id}", "", ip)


def new_temporary_password():
    """A random password that meets the rules; shown once, changed by its holder at the first login."""
    return "Zc" + secrets.token_hex(4) + str(secrets.randbelow(10))


def reset_password(actor, user, ip=""):
    """The administrator's 重置密码: a one-time random password, to be changed at the next login."""
    temporary = new_temporary_password()
    with atomic():
        user.password_hash = generate_password_hash(temporary)
        user.must_change_password = True
        user.locked_until = None
        user.save()
        LoginFailure.delete().where(LoginFailure.user == user).execute()
        audit.record(actor, "password.reset", f"user:{user.id}", user.username, ip)
    return temporary
