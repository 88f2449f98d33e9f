"""Accounts: registration, password rules, failed logins and the 图形验证码, sessions, assigned accounts and resets."""
import re
import secrets
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import timedelta

from peewee import IntegrityError
from werkzeug.security import check_password_hash, generate_password_hash

from models import AuditLog, LoginFailure, Role, User, new_session_token, now
from services import audit, idcard
from services.notifications import notify
from services.txn import atomic

# A 图形验证码 is asked for, instead of ever refusing the right password, after this many failures for one login
# name since its last successful login (within a day), or from one address within 15 minutes.
ACCOUNT_CAPTCHA_AFTER = 3
ACCOUNT_WINDOW = timedelta(days=1)
ADDRESS_CAPTCHA_AFTER = 10
ADDRESS_WINDOW = timedelta(minutes=15)
LOGIN_FAILED = "登录名或密码错误。"
PASSWORD_MIN, PASSWORD_MAX = 8, 128
PASSWORD_RULE = f"密码 {PASSWORD_MIN}–{PASSWORD_MAX} 位，须同时包含字母和数字，至少 4 个不同字符，不能是常见密码。"
# Refused whole (case-insensitive): the most common passwords that have both letters and digits.
COMMON_PASSWORDS = frozenset(["1qaz2wsx", "1q2w3e4r", "1q2w3e4r5t", "q1w2e3r4", "q1w2e3r4t5", "a1b2c3d4", "1a2b3c4d", "zaq12wsx", "1qazxsw2", "qwe123qwe", "123qweasd", "qweasd123", "qwer1234", "1234qwer", "asdf1234", "1234asdf", "zxcv1234", "qwerty123", "qwerty12", "qwerty1", "123qwe123", "abc123456", "123456abc", "a123456789", "woaini1314", "woaini520", "5201314a", "iloveyou1", "passw0rd1", "trustno1", "baseball1", "football1", "monkey123", "dragon123", "abcd1234"])
# Refused when the password is one of these words with digits before or after it ("password1", "123abc", "admin888").
COMMON_WORDS = frozenset(["password", "passw0rd", "p@ssw0rd", "p@ssword", "pass", "admin", "administrator", "root", "user", "test", "guest", "qwerty", "qwer", "asdf", "asdfgh", "zxcv", "zxcvbn", "qaz", "wsx", "abc", "abcd", "abcde", "abcdef", "a", "aa", "aaa", "q", "qq", "qqq", "x", "xx", "woaini", "iloveyou", "welcome", "letmein", "hello", "china"])
MOBILE = re.compile(r"^1[3-9]\d{9}$")
USERNAME = re.compile(r"^[A-Za-z0-9_.@-]{3,64}$")
# Accounts bound to no organisation; an expert's account is linked to its Expert row instead (workflow/experts).
UNBOUND_ROLES = (Role.APPLICANT, Role.ADMIN, Role.EXPERT)
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
    if len(password) < PASSWORD_MIN:
        return f"密码至少 {PASSWORD_MIN} 位，您输入了 {len(password)} 位。"
    if len(password) > PASSWORD_MAX:
        return f"密码不超过 {PASSWORD_MAX} 位，您输入了 {len(password)} 位。"
    if not (re.search(r"[A-Za-z]", password) and re.search(r"\d", password)):
        return "密码须同时包含字母和数字。"
    distinct = len(set(password.lower()))
    if distinct < 4:
        return f"密码过于简单：至少要有 4 个不同的字符，您的密码只有 {distinct} 个。"
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or lowered.strip("0123456789") in COMMON_WORDS:
        return "这是最常见的密码之一（如 password1、abc12345），很容易被猜中，请换一个。"
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
    if role in UNBOUND_ROLES and organisation is not None:
        raise AccountError(f"{role.label}账号不绑定机构。", "organisation")
    if role not in (*UNBOUND_ROLES, Role.UNIT) and organisation is None:
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


def _told_today(owner):
    """Whether the owner was already told today of an attempt to register with their number."""
    return AuditLog.select().where((AuditLog.action == "account.register_taken") & (AuditLog.target == f"user:{owner.id}")
                                   & (AuditLog.created_at > now() - timedelta(days=1))).exists()


def register_applicant(*, mobile, password, real_name, id_number, ip=""):
    """Self-registration of an engineer: the mobile number is the login name.

    Returns the new account, or None when the mobile number or 身份证号 is already registered: then the owner is
    told by SMS and the caller answers exactly as for a new account, so that no one can find out who is registered.
    """
    mobile = mobile.strip()
    if not MOBILE.match(mobile):
        raise AccountError(f"手机号“{mobile}”格式不正确，应为 11 位大陆手机号。", "mobile")
    try:
        parsed = idcard.parse(id_number)
    except idcard.IdNumberError as error:
        raise AccountError(str(error), "id_number") from None
    _check_password(password)
    owners = list(User.select().where((User.username == mobile) | (User.id_number == parsed.number)))
    if owners:
        generate_password_hash(password)  # the same work as a new account, so the answer's timing tells nothing
        with atomic():
            for owner in owners:
                which = "手机号" if owner.username == mobile else "身份证号"
                if not _told_today(owner):  # so that repeated attempts cannot flood the owner's phone
                    notify(owner, f"有人尝试用您的{which}注册新账号",
                           "您已有账号，请用原手机号登录；忘记密码请联系平台管理员重置。如非本人操作，请忽略本短信。")
                audit.record(None, "account.register_taken", f"user:{owner.id}", f"{which}已注册", ip)
        return None
    try:
        with atomic():
            user = create_account(None, username=mobile, real_name=real_name, password=password,
                                  role=Role.APPLICANT, mobile=mobile, ip=ip)
            user.id_number = parsed.number
            user.birth_date = parsed.birth_date
            user.gender = parsed.gender
            user.save()
    except IntegrityError:
        return None  # registered by another request a moment ago: answered like any number already taken
    return user


def captcha_required(username, ip, at=None):
    """True when the recent failures for this login name, or from this address, call for a 图形验证码."""
    at = at or now()
    username = (username or "").strip()[:64]
    since = at - ACCOUNT_WINDOW
    user = User.get_or_none(User.username == username)
    if user and user.last_login_at:
        since = max(since, user.last_login_at)
    for_name = LoginFailure.select().where((LoginFailure.username == username) & (LoginFailure.at > since))
    if username and for_name.count() >= ACCOUNT_CAPTCHA_AFTER:
        return True
    from_address = LoginFailure.select().where((LoginFailure.ip == ip) & (LoginFailure.at > at - ADDRESS_WINDOW))
    return bool(ip) and from_address.count() >= ADDRESS_CAPTCHA_AFTER


def record_failure(username, ip="", reason="密码错误", at=None):
    """Keep and audit one failed login, whether or not the account exists."""
    username = (username or "").strip()[:64]
    user = User.get_or_none(User.username == username)
    with atomic():
        LoginFailure.create(username=username, user=user, ip=ip or "", at=at or now())
        audit.record(user, "auth.login_failed", f"user:{user.id}" if user else username, f"{reason}（登录名 {username}）", ip)


def authenticate(username, password, ip="", at=None):
    """Check a login. A failure never locks the account; enough of them make the login page ask for a captcha."""
    at = at or now()
    user = User.get_or_none(User.username == (username or "").strip())
    if not check_password_hash(user.password_hash if user else _DUMMY_HASH, password or "") or user is None:
        record_failure(username, ip, at=at)
        return LoginResult(error=LOGIN_FAILED)
    if not user.is_enabled:
        return LoginResult(error="该账号已停用，请联系平台管理员。")
    with atomic():
        user.last_login_at = at
        user.save()
        audit.record(user, "login", f"user:{user.id}", "", ip)
    return LoginResult(user=user)


def end_sessions(user):
    """Every session cookie issued to the user stops working (退出, a password change or reset)."""
    user.session_token = new_session_token()
    user.save()


def log_out(user, ip=""):
    with atomic():
        end_sessions(user)
        audit.record(user, "logout", f"user:{user.id}", "", ip)


def change_password(user, current, new, ip=""):
    """A new password; every other session of the user ends (the caller signs the current one in again)."""
    if not check_password_hash(user.password_hash, current or ""):
        raise AccountError("当前密码不正确。", "current")
    _check_password(new)
    with atomic():
        user.password_hash = generate_password_hash(new)
        user.must_change_password = False
        end_sessions(user)
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
        end_sessions(user)
        audit.record(actor, "password.reset", f"user:{user.id}", user.username, ip)
    return temporary
