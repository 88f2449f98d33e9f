"""Accounts: registration without enumeration, password rules, failed logins and the captcha, redirects, logout."""
from datetime import date, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import pytest

from models import AuditLog, CaptchaChallenge, Gender, LoginFailure, Role, SmsMessage, User, now
from services import captcha
from services.accounts import (
    ACCOUNT_CAPTCHA_AFTER,
    ADDRESS_CAPTCHA_AFTER,
    PASSWORD_RULE,
    authenticate,
    captcha_required,
    create_account,
    password_problem,
    record_failure,
)
from tests.conftest import ID_FEMALE, ID_MALE, PASSWORD, login, make_applicant
from tests.helpers import field_errors, field_value, form_errors, parse

T0 = datetime(2024, 3, 1, 9, 0, 0)
REGISTRATION = {
    "mobile": "13900000001", "real_name": "李四", "id_number": ID_FEMALE,
    "password": PASSWORD, "password2": PASSWORD,
}


def register(client, **changes):
    return client.post("/register", data={**REGISTRATION, **changes})


def is_logged_in(client):
    return client.get("/home").status_code == 200


# ---------------------------------------------------------------- registration

REGISTERED = "注册信息已提交。请用手机号和刚才设置的密码登录"


@pytest.mark.parametrize("id_number", [ID_FEMALE, ID_FEMALE.lower()], ids=["X", "lowercase-x"])
def test_registration_creates_the_account_and_derives_gender_and_birth_date(client, id_number):
    response = register(client, id_number=id_number)
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert REGISTERED in client.get("/login").get_data(as_text=True)

    user = User.get(User.username == "13900000001")
    assert (user.role, user.real_name, user.mobile) == (Role.APPLICANT, "李四", "13900000001")
    assert (user.id_number, user.gender, user.birth_date) == (ID_FEMALE, Gender.FEMALE, date(1990, 1, 1))
    assert login(client, user).request.path == "/home"
    assert "申报人员首页" in client.get("/home").get_data(as_text=True)


def test_registration_of_a_man_derives_male(client):
    register(client, id_number=ID_MALE)
    user = User.get(User.username == "13900000001")
    assert (user.gender, user.birth_date) == (Gender.MALE, date(1985, 6, 15))


@pytest.mark.parametrize("existing, changes, told", [
    ({"mobile": "13900000001", "id_number": ID_MALE}, {}, "手机号"),
    ({"mobile": "13900000002", "id_number": ID_FEMALE}, {}, "身份证号"),
    ({"mobile": "13900000002", "id_number": ID_FEMALE}, {"id_number": ID_FEMALE.lower()}, "身份证号"),
], ids=["taken-mobile", "taken-id-number", "taken-id-number-lowercase"])
def test_registering_a_taken_number_answers_as_for_a_new_one_and_tells_the_owner_by_sms(app, existing, changes, told):
    owner = make_applicant(**existing)
    users_before = User.select().count()
    stranger = app.test_client()

    taken = register(stranger, **changes)
    taken_page = stranger.get("/login").get_data(as_text=True)

    assert User.select().count() == users_before
    assert not is_logged_in(stranger)
    assert [(m.mobile, m.body) for m in SmsMessage.select()] == [
        (owner.mobile, f"【职称评审】有人尝试用您的{told}注册新账号："
                       "您已有账号，请用原手机号登录；忘记密码请联系平台管理员重置。如非本人操作，请忽略本短信。")]
    assert AuditLog.get(AuditLog.action == "account.register_taken").target == f"user:{owner.id}"

    new_numbers = {"mobile": "13900000009", "id_number": "330602199203040014"}
    newcomer = app.test_client()
    fresh = register(newcomer, **new_numbers)
    assert (taken.status_code, taken.headers["Location"]) == (fresh.status_code, fresh.headers["Location"])
    assert REGISTERED in taken_page and REGISTERED in newcomer.get("/login").get_data(as_text=True)


def test_repeated_attempts_tell_the_owner_once_a_day(app):
    owner = make_applicant(mobile="13900000001", id_number=ID_MALE)
    for _ in range(3):
        register(app.test_client())
    assert SmsMessage.select().where(SmsMessage.mobile == owner.mobile).count() == 1
    assert AuditLog.select().where(AuditLog.action == "account.register_taken").count() == 3

    AuditLog.update(created_at=now() - timedelta(days=1, seconds=1)).execute()
    register(app.test_client())
    assert SmsMessage.select().where(SmsMessage.mobile == owner.mobile).count() == 2


@pytest.mark.parametrize("changes, field, message", [
    ({"id_number": ID_FEMALE[:17] + "1"}, "id_number", "校验位错误"),
    ({"id_number": "33060219900230001"}, "id_number", "应为 18 位"),
    ({"mobile": "1390000000"}, "mobile", "格式不正确"),
    ({"password2": PASSWORD + "x"}, "password2", "两次输入的密码不一致"),
    ({"real_name": ""}, "real_name", "此项必填"),
], ids=["wrong-check-digit", "17-chars", "bad-mobile", "confirmation-differs", "name-missing"])
def test_registration_refusal_is_shown_next_to_the_field_and_keeps_the_form(client, changes, field, message):
    response = register(client, **changes)

    assert response.status_code == 200
    page = parse(response)
    assert any(message in error for error in field_errors(page, field)), field_errors(page, field)
    submitted = {**REGISTRATION, **changes}
    for name in ("mobile", "real_name", "id_number"):
        assert field_value(page, name) == submitted[name], name
    assert not field_value(page, "password"), "a password is never sent back to the browser"
    assert User.select().count() == 0
    assert not is_logged_in(client)


# ---------------------------------------------------------------- password rules

@pytest.mark.parametrize("password, problem", [
    ("Abcdef1", "密码至少 8 位，您输入了 7 位。"),
    ("Abcdefg1", None),
    ("Ab1" + "x" * 125, None),
    ("Ab1" + "x" * 126, "密码不超过 128 位，您输入了 129 位。"),
    ("abcdefgh", "密码须同时包含字母和数字。"),
    ("12345678", "密码须同时包含字母和数字。"),
    ("aaaaaaa1", "密码过于简单：至少要有 4 个不同的字符，您的密码只有 2 个。"),
    ("aab11111", "密码过于简单：至少要有 4 个不同的字符，您的密码只有 3 个。"),
    ("aabc1111", None),
    ("password1", "这是最常见的密码之一（如 password1、abc12345），很容易被猜中，请换一个。"),
    ("Passw0rd", "这是最常见的密码之一（如 password1、abc12345），很容易被猜中，请换一个。"),
    ("2024Admin888", "这是最常见的密码之一（如 password1、abc12345），很容易被猜中，请换一个。"),
    ("abc12345", "这是最常见的密码之一（如 password1、abc12345），很容易被猜中，请换一个。"),
    ("1qaz2wsx", "这是最常见的密码之一（如 password1、abc12345），很容易被猜中，请换一个。"),
    ("Woaini1314", "这是最常见的密码之一（如 password1、abc12345），很容易被猜中，请换一个。"),
    ("Password1x", None),
])
def test_password_rules_at_their_boundaries(password, problem):
    assert password_problem(password) == problem


@pytest.mark.parametrize("password, message", [
    ("password1", "最常见的密码"), ("aaaaaaa1", "至少要有 4 个不同的字符"), ("Ab1" + "x" * 126, "不超过 128 位"),
])
def test_registration_says_the_password_rule_it_breaks(client, password, message):
    response = register(client, password=password, password2=password)
    assert any(message in error for error in field_errors(parse(response), "password"))
    assert User.select().count() == 0


def test_the_password_rule_is_written_next_to_the_field(client):
    assert PASSWORD_RULE in client.get("/register").get_data(as_text=True)
    assert PASSWORD_RULE == "密码 8–128 位，须同时包含字母和数字，至少 4 个不同字符，不能是常见密码。"


def test_an_eight_character_password_is_accepted(client):
    response = register(client, password="Abcdefg1", password2="Abcdefg1")
    assert response.status_code == 302
    assert login(client.application.test_client(), User.get(User.username == "13900000001"), "Abcdefg1")


# ---------------------------------------------------------------- failed logins: a 图形验证码, never a lock

def post_login(client, username, password, captcha=None, ip="127.0.0.1"):
    data = {"username": username, "password": password, **({"captcha": captcha} if captcha is not None else {})}
    return client.post("/login", data=data, environ_base={"REMOTE_ADDR": ip})


def applicant_account(mobile):
    return create_account(None, username=mobile, real_name="申报人", password=PASSWORD, role=Role.APPLICANT, mobile=mobile)


def asks_for_captcha(response):
    return parse(response).find("img", id="captcha-image") is not None


def solved_captcha(client):
    """Load the captcha image as the browser would, and read its answer from the server."""
    image = client.get("/login/captcha.png")
    assert image.status_code == 200 and image.mimetype == "image/png" and image.data.startswith(b"\x89PNG")
    with client.session_transaction() as session:
        return CaptchaChallenge.get(CaptchaChallenge.token == session["captcha"]).answer


def test_two_failures_do_not_ask_for_a_captcha_the_third_does(client):
    user = make_applicant()
    for _ in range(ACCOUNT_CAPTCHA_AFTER - 1):
        response = post_login(client, user.username, "Wrong123")
        assert form_errors(parse(response)) == ["登录名或密码错误。"] and not asks_for_captcha(response)
    third = post_login(client, user.username, "Wrong123")
    assert form_errors(parse(third)) == ["登录名或密码错误。"] and asks_for_captcha(third)

    without = post_login(client, user.username, PASSWORD)
    assert "请输入图中的图形验证码。" in field_errors(parse(without), "captcha")
    assert not is_logged_in(client)
    assert AuditLog.select().order_by(AuditLog.id.desc()).get().detail == f"图形验证码错误（登录名 {user.username}）"

    wrong = solved_captcha(client)
    wrong = post_login(client, user.username, PASSWORD, captcha="ZZZZ" if wrong != "ZZZZ" else "YYYY")
    assert "图形验证码不正确，请按新图片重新输入。" in field_errors(parse(wrong), "captcha")
    assert not is_logged_in(client)

    right = post_login(client, user.username, PASSWORD, captcha=solved_captcha(client).lower())
    assert right.status_code == 302 and right.headers["Location"] == "/home"
    assert is_logged_in(client)


def test_many_anonymous_failures_never_refuse_the_right_password_and_captcha(app):
    admin = create_account(None, username="admin", real_name="管理员", password=PASSWORD, role=Role.ADMIN)
    for attempt in range(12):  # 5 were enough to lock the account for 15 minutes before
        post_login(app.test_client(), "admin", f"Guess{attempt}x", ip=f"10.0.{attempt}.1")

    owner = app.test_client()
    asked = post_login(owner, "admin", PASSWORD, ip="10.9.9.9")
    assert asks_for_captcha(asked) and not is_logged_in(owner)
    assert post_login(owner, "admin", PASSWORD, captcha=solved_captcha(owner), ip="10.9.9.9").status_code == 302
    assert User.get_by_id(admin.id).last_login_at is not None


def test_a_captcha_answers_one_try_only(client):
    user = make_applicant()
    for _ in range(ACCOUNT_CAPTCHA_AFTER):
        post_login(client, user.username, "Wrong123")
    answer = solved_captcha(client)
    with client.session_transaction() as session:
        copied = session["captcha"]
    post_login(client, user.username, "Wrong123", captcha=answer)
    with client.session_transaction() as session:
        session["captcha"] = copied  # a replayed cookie brings the used challenge back
    replay = post_login(client, user.username, PASSWORD, captcha=answer)
    assert "图形验证码不正确，请按新图片重新输入。" in field_errors(parse(replay), "captcha")
    assert not is_logged_in(client)


@pytest.mark.parametrize("age, accepted", [(timedelta(minutes=9, seconds=59), True), (timedelta(minutes=10), False)])
def test_a_captcha_is_good_for_ten_minutes(age, accepted):
    token, _ = captcha.new_challenge(at=T0)
    answer = CaptchaChallenge.get(CaptchaChallenge.token == token).answer
    assert captcha.solve(token, answer, at=T0 + age) == accepted


def test_unknown_and_known_login_names_get_the_same_answers(app):
    make_applicant()
    pages = {}
    for name in ("13900000001", "13999999999"):
        client = app.test_client()
        answers = [post_login(client, name, "Wrong123") for _ in range(ACCOUNT_CAPTCHA_AFTER + 1)]
        pages[name] = [(r.status_code, form_errors(parse(r)), asks_for_captcha(r),
                        [e.text() for e in parse(r).find_all("p", cls="error")]) for r in answers]
    assert pages["13900000001"] == pages["13999999999"]
    assert "再错" not in str(pages)


def test_every_failed_login_is_audited_and_nothing_is_deleted_by_a_success(client):
    user = make_applicant()
    post_login(client, user.username, "Wrong123")
    post_login(client, "13999999999", "Wrong123", ip="10.1.2.3")
    assert login(client, user).request.path == "/home"

    failures = [(f.username, f.user_id, f.ip) for f in LoginFailure.select().order_by(LoginFailure.id)]
    assert failures == [(user.username, user.id, "127.0.0.1"), ("13999999999", None, "10.1.2.3")]
    audited = [(a.action, a.actor_id, a.target, a.detail, a.ip)
               for a in AuditLog.select().where(AuditLog.action == "auth.login_failed").order_by(AuditLog.id)]
    assert audited == [
        ("auth.login_failed", user.id, f"user:{user.id}", f"密码错误（登录名 {user.username}）", "127.0.0.1"),
        ("auth.login_failed", None, "13999999999", "密码错误（登录名 13999999999）", "10.1.2.3"),
    ]


def test_a_successful_login_starts_the_account_count_again():
    user = make_applicant()
    for i in range(ACCOUNT_CAPTCHA_AFTER):
        authenticate(user.username, "Wrong123", at=T0 + timedelta(minutes=i))
    assert captcha_required(user.username, "", at=T0 + timedelta(minutes=3))
    assert authenticate(user.username, PASSWORD, at=T0 + timedelta(minutes=4)).user
    assert not captcha_required(user.username, "", at=T0 + timedelta(minutes=5))


def test_a_recent_login_of_the_account_does_not_hide_the_failures_from_its_address():
    user = make_applicant()
    for i in range(ADDRESS_CAPTCHA_AFTER):
        record_failure(f"1390000{i:04d}", ip="10.0.0.7", at=T0)
    assert authenticate(user.username, PASSWORD, ip="10.0.0.8", at=T0 + timedelta(minutes=1)).user
    assert captcha_required(user.username, "10.0.0.7", at=T0 + timedelta(minutes=2))


@pytest.mark.parametrize("age, asked", [(timedelta(hours=23, minutes=59), True), (timedelta(days=1), False)])
def test_account_failures_count_for_a_day(age, asked):
    for _ in range(ACCOUNT_CAPTCHA_AFTER):
        record_failure("13999999999", at=T0)
    assert captcha_required("13999999999", "", at=T0 + age) == asked


@pytest.mark.parametrize("failures, age, asked", [
    (ADDRESS_CAPTCHA_AFTER - 1, timedelta(0), False),
    (ADDRESS_CAPTCHA_AFTER, timedelta(0), True),
    (ADDRESS_CAPTCHA_AFTER, timedelta(minutes=14, seconds=59), True),
    (ADDRESS_CAPTCHA_AFTER, timedelta(minutes=15), False),
])
def test_failures_from_one_address_across_accounts_ask_for_a_captcha(failures, age, asked):
    for i in range(failures):
        record_failure(f"1390000{i:04d}", ip="10.0.0.7", at=T0)
    assert captcha_required("13911112222", "10.0.0.7", at=T0 + age) == asked
    assert not captcha_required("13911112222", "10.0.0.8", at=T0 + age), "other addresses are not affected"


def test_an_address_guessing_many_accounts_is_stopped(app):
    """23 accounts tried from one client: a captcha after 10 failures, refused outright after 30."""
    users = [applicant_account(f"1390000{i:04d}") for i in range(23)]
    guesser = app.test_client()
    answers = [post_login(guesser, u.username, PASSWORD if i == 15 else "Wrong123", ip="10.0.0.66")
               for i, u in enumerate(users)]
    assert [asks_for_captcha(r) for r in answers] == [False] * 9 + [True] * 14
    assert all(r.status_code == 200 for r in answers), "the right password of the 16th is not even checked"
    assert not is_logged_in(guesser)

    for _ in range(30 - 23):
        assert post_login(guesser, users[0].username, "Wrong123", ip="10.0.0.66").status_code == 200
    refused = post_login(guesser, users[1].username, PASSWORD, captcha=solved_captcha(guesser), ip="10.0.0.66")
    assert refused.status_code == 429 and "失败次数过多" in refused.get_data(as_text=True)
    assert post_login(app.test_client(), users[1].username, PASSWORD, ip="10.0.0.67").status_code == 302


def test_an_office_behind_one_address_logs_in_normally(app):
    """Only failures count against an address: 40 people of one district office log in from one NAT address."""
    people = [applicant_account(f"1380000{i:04d}") for i in range(40)]
    for person in people:
        response = post_login(app.test_client(), person.username, PASSWORD, ip="10.20.0.1")
        assert response.status_code == 302, person.username


# ---------------------------------------------------------------- redirects, logout, forced password change

@pytest.mark.parametrize("target", [
    "//evil.com", "//evil.com/home", "https://evil.com/", "http:evil.com", "/\\evil.com", "/%5Cevil.com",
    "/\t/evil.com", "javascript:alert(1)", "evil.com",
])
def test_login_never_redirects_to_another_site(client, target):
    user = make_applicant()
    response = client.post("/login", query_string={"next": target},
                           data={"username": user.username, "password": PASSWORD})
    assert response.status_code == 302
    location = urljoin("http://localhost/login", response.headers["Location"])
    assert urlsplit(location).netloc == "localhost", location
    assert "\\" not in location


@pytest.mark.parametrize("target", ["/notifications", "/notifications?from=mail"])
def test_login_follows_a_local_next(client, target):
    user = make_applicant()
    response = client.post("/login", query_string={"next": target},
                           data={"username": user.username, "password": PASSWORD})
    assert response.headers["Location"] == target


def test_anonymous_visitors_are_sent_to_login_and_back(client):
    response = client.get("/notifications")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    user = make_applicant()
    back = client.post(response.headers["Location"], data={"username": user.username, "password": PASSWORD})
    assert back.headers["Location"] == "/notifications"


def test_logout_is_post_only(client):
    login(client, make_applicant())
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)

    response = client.post("/logout", follow_redirects=True)
    assert response.request.path == "/login" and "您已安全退出" in response.get_data(as_text=True)
    assert not is_logged_in(client)


def test_an_assigned_password_must_be_changed_before_anything_else(client):
    user = create_account(None, username="newcomer", real_name="新人", password=PASSWORD, role=Role.ADMIN,
                          must_change_password=True)
    landing = login(client, user)
    assert landing.request.path == "/password"
    assert "请先修改密码" in landing.get_data(as_text=True)
    for path in ("/home", "/notifications", "/admin/accounts"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"] == "/password", path

    wrong = client.post("/password", data={"current": "Wrong123", "password": "NewPass99", "password2": "NewPass99"})
    assert "当前密码不正确" in field_errors(parse(wrong), "current")[0]
    weak = client.post("/password", data={"current": PASSWORD, "password": "short1", "password2": "short1"})
    assert "至少 8 位" in field_errors(parse(weak), "password")[0]
    assert client.get("/home").status_code == 302

    changed = client.post("/password", data={"current": PASSWORD, "password": "NewPass99", "password2": "NewPass99"})
    assert changed.headers["Location"] == "/home"
    assert client.get("/home").status_code == 200
    assert not User.get_by_id(user.id).must_change_password

    client.post("/logout")
    assert login(client, user, PASSWORD).request.path == "/login", "the old password no longer works"
    assert login(client, user, "NewPass99").request.path == "/home"


def test_logout_still_works_while_a_password_change_is_due(client):
    user = create_account(None, username="newcomer", real_name="新人", password=PASSWORD, role=Role.ADMIN,
                          must_change_password=True)
    login(client, user)
    assert client.post("/logout").headers["Location"] == "/login"
    assert client.get("/home").status_code == 302
