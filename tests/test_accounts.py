"""Accounts: applicant registration, the login lockout, safe redirects, logout, forced password change."""
from datetime import date, datetime, timedelta
from urllib.parse import urljoin, urlsplit

import pytest

from models import Gender, LoginFailure, Role, User
from services.accounts import authenticate, create_account
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

@pytest.mark.parametrize("id_number", [ID_FEMALE, ID_FEMALE.lower()], ids=["X", "lowercase-x"])
def test_registration_logs_in_and_derives_gender_and_birth_date(client, id_number):
    response = register(client, id_number=id_number)
    assert response.status_code == 302 and response.headers["Location"] == "/home"

    home = client.get("/home")
    assert home.status_code == 200
    assert "申报人员首页" in home.get_data(as_text=True) and "注册成功" in home.get_data(as_text=True)
    user = User.get(User.username == "13900000001")
    assert (user.role, user.real_name, user.mobile) == (Role.APPLICANT, "李四", "13900000001")
    assert (user.id_number, user.gender, user.birth_date) == (ID_FEMALE, Gender.FEMALE, date(1990, 1, 1))


def test_registration_of_a_man_derives_male(client):
    register(client, id_number=ID_MALE)
    user = User.get(User.username == "13900000001")
    assert (user.gender, user.birth_date) == (Gender.MALE, date(1985, 6, 15))


@pytest.mark.parametrize("existing, changes, field, message", [
    (None, {"id_number": ID_FEMALE[:17] + "1"}, "id_number", "校验位错误"),
    (None, {"id_number": "33060219900230001"}, "id_number", "应为 18 位"),
    (None, {"mobile": "1390000000"}, "mobile", "格式不正确"),
    ({"mobile": "13900000001", "id_number": ID_MALE}, {}, "mobile", "手机号 13900000001 已注册"),
    ({"mobile": "13900000002", "id_number": ID_FEMALE}, {}, "id_number", "该身份证号已注册"),
    ({"mobile": "13900000002", "id_number": ID_FEMALE}, {"id_number": ID_FEMALE.lower()}, "id_number", "该身份证号已注册"),
    (None, {"password": "Abcdef1", "password2": "Abcdef1"}, "password", "密码至少 8 位，您输入了 7 位"),
    (None, {"password": "abcdefgh", "password2": "abcdefgh"}, "password", "同时包含字母和数字"),
    (None, {"password": "12345678", "password2": "12345678"}, "password", "同时包含字母和数字"),
    (None, {"password2": PASSWORD + "x"}, "password2", "两次输入的密码不一致"),
    (None, {"real_name": ""}, "real_name", "此项必填"),
], ids=[
    "wrong-check-digit", "17-chars", "bad-mobile", "duplicate-mobile", "duplicate-id-number",
    "duplicate-id-number-lowercase", "password-7-chars", "password-no-digit", "password-no-letter",
    "confirmation-differs", "name-missing",
])
def test_registration_refusal_is_shown_next_to_the_field_and_keeps_the_form(client, existing, changes, field, message):
    if existing:
        make_applicant(**existing)
    users_before = User.select().count()

    response = register(client, **changes)

    assert response.status_code == 200
    page = parse(response)
    assert any(message in error for error in field_errors(page, field)), field_errors(page, field)
    submitted = {**REGISTRATION, **changes}
    for name in ("mobile", "real_name", "id_number"):
        assert field_value(page, name) == submitted[name], name
    assert not field_value(page, "password"), "a password is never sent back to the browser"
    assert User.select().count() == users_before
    assert not is_logged_in(client)


def test_an_eight_character_password_is_accepted(client):
    response = register(client, password="Abcdefg1", password2="Abcdefg1")
    assert response.status_code == 302
    assert login(client.application.test_client(), User.get(User.username == "13900000001"), "Abcdefg1")


# ---------------------------------------------------------------- lockout (5 failures in 15 minutes → 15 minutes)

def post_login(client, user, password):
    return client.post("/login", data={"username": user.username, "password": password})


def test_four_wrong_passwords_then_the_right_one_logs_in(client):
    user = make_applicant()
    for left in (4, 3, 2, 1):
        response = post_login(client, user, "Wrong123")
        assert response.status_code == 200
        assert f"再错 {left} 次账号将锁定 15 分钟" in response.get_data(as_text=True)
    response = post_login(client, user, PASSWORD)
    assert response.status_code == 302 and response.headers["Location"] == "/home"
    assert is_logged_in(client)
    assert LoginFailure.select().count() == 0, "a successful login clears the failures"


def test_five_wrong_passwords_lock_the_account_and_the_page_says_so(client):
    user = make_applicant()
    for _ in range(4):
        post_login(client, user, "Wrong123")
    fifth = post_login(client, user, "Wrong123")
    assert "账号已锁定 15 分钟" in fifth.get_data(as_text=True)

    right = post_login(client, user, PASSWORD)
    assert right.status_code == 200
    assert any("锁定" in error for error in form_errors(parse(right)))
    assert not is_logged_in(client)
    assert User.get_by_id(user.id).locked_until is not None


@pytest.mark.parametrize("gap, locked", [
    (timedelta(0), True),
    (timedelta(minutes=3), True),
    (timedelta(minutes=3, seconds=44), True),  # five failures within 14 min 56 s
    (timedelta(minutes=4), False),  # spread over 16 minutes: never five within 15
    (timedelta(minutes=10), False),
])
def test_only_five_failures_within_15_minutes_lock(gap, locked):
    user = make_applicant()
    for i in range(5):
        result = authenticate(user.username, "Wrong123", at=T0 + i * gap)
        assert result.user is None
    last = T0 + 4 * gap
    assert ("账号已锁定" in result.error) == locked

    retry = authenticate(user.username, PASSWORD, at=last + timedelta(seconds=1))
    assert (retry.user is None) == locked
    if locked:
        assert "账号已锁定" in retry.error


def test_the_lock_ends_after_15_minutes():
    user = make_applicant()
    for i in range(5):
        authenticate(user.username, "Wrong123", at=T0 + timedelta(minutes=i))
    locked_at = T0 + timedelta(minutes=4)
    assert User.get_by_id(user.id).locked_until == locked_at + timedelta(minutes=15)

    still_locked = authenticate(user.username, PASSWORD, at=locked_at + timedelta(minutes=14, seconds=59))
    assert still_locked.user is None and "请 1 分钟后再试" in still_locked.error

    unlocked = authenticate(user.username, PASSWORD, at=locked_at + timedelta(minutes=15))
    assert unlocked.user is not None and unlocked.user.id == user.id
    assert User.get_by_id(user.id).locked_until is None


def test_a_successful_login_starts_the_count_again():
    user = make_applicant()
    for i in range(4):
        authenticate(user.username, "Wrong123", at=T0 + timedelta(minutes=i))
    assert authenticate(user.username, PASSWORD, at=T0 + timedelta(minutes=4)).user
    for i in range(4):
        result = authenticate(user.username, "Wrong123", at=T0 + timedelta(minutes=5 + i))
    assert "再错 1 次" in result.error
    assert authenticate(user.username, PASSWORD, at=T0 + timedelta(minutes=9)).user


def test_an_unknown_login_name_gets_the_same_answer_as_a_wrong_password(client):
    make_applicant()
    response = client.post("/login", data={"username": "13999999999", "password": PASSWORD})
    assert response.status_code == 200
    assert form_errors(parse(response)) == ["登录名或密码错误。"]


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


@pytest.mark.parametrize("target", ["/notifications", "/soon/profile?from=mail"])
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
    for path in ("/home", "/notifications", "/admin/accounts", "/soon/profile"):
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
