"""The administrator: assigned accounts (统一分配的账号) bound to their organisation, password resets, access, audit."""
import re

import pytest

from models import ASSIGNED_ROLES, AuditLog, Committee, Organisation, Role, User
from tests.conftest import PASSWORD, login, make_applicant, make_unit, make_user, organisation
from tests.helpers import field_errors, parse, user_of


@pytest.fixture
def admin():
    return make_user(Role.ADMIN, "root")


@pytest.fixture
def admin_client(client, admin):
    login(client, admin)
    return client


def office_of_committee(number):
    return Organisation.get(Organisation.committee == Committee.get(Committee.number == number))


ORGANISATION_OF = {
    Role.TALENT_CENTRE: lambda: organisation(Role.TALENT_CENTRE),
    Role.CONSTRUCTION_BUREAU: lambda: organisation(Role.CONSTRUCTION_BUREAU, "柯桥区"),
    Role.HR_BUREAU: lambda: organisation(Role.HR_BUREAU, "越城区"),
    Role.COMMITTEE_OFFICE: lambda: office_of_committee(4),
}


def new_account(client, role, organisation_id, username="assigned1", **extra):
    data = {"role": role.value, "username": username, "real_name": "陈经办", "mobile": "13700000001", **extra}
    if organisation_id is not None:
        data["organisation"] = organisation_id
    return client.post("/admin/accounts/new", data=data)


def temporary_password(response):
    secret = parse(response).find("strong", cls="secret")
    assert secret is not None, "the page shows the temporary password"
    return secret.text()


def test_every_assigned_role_is_offered():
    assert set(ASSIGNED_ROLES) == set(ORGANISATION_OF)


@pytest.mark.parametrize("role", ASSIGNED_ROLES, ids=[r.value for r in ASSIGNED_ROLES])
def test_admin_creates_an_assigned_account_bound_to_its_organisation(admin_client, app, role):
    org = ORGANISATION_OF[role]()
    response = new_account(admin_client, role, org.id)

    assert response.status_code == 200
    text = response.get_data(as_text=True)
    assert "账号已创建" in text and org.name in text and "只显示这一次" in text
    password = temporary_password(response)
    user = User.get(User.username == "assigned1")
    assert (user.role, user.organisation_id, user.mobile, user.must_change_password) == (
        role, org.id, "13700000001", True)

    holder = app.test_client()
    landing = login(holder, user, password)
    assert landing.request.path == "/password", "the holder changes the temporary password first"
    holder.post("/password", data={"current": password, "password": "Changed99", "password2": "Changed99"})
    home = holder.get("/home").get_data(as_text=True)
    assert f"{role.label}首页" in home and org.name in home


@pytest.mark.parametrize("role, wrong", [
    (Role.CONSTRUCTION_BUREAU, lambda: organisation(Role.HR_BUREAU, "越城区")),
    (Role.HR_BUREAU, lambda: organisation(Role.CONSTRUCTION_BUREAU, "越城区")),
    (Role.COMMITTEE_OFFICE, lambda: organisation(Role.TALENT_CENTRE)),
    (Role.TALENT_CENTRE, lambda: office_of_committee(2)),
    (Role.CONSTRUCTION_BUREAU, lambda: make_unit()),
], ids=["bureau-to-hr", "hr-to-bureau", "committee-to-talent-centre", "talent-centre-to-committee", "bureau-to-unit"])
def test_an_organisation_of_another_kind_is_refused(admin_client, role, wrong):
    org = wrong()
    response = new_account(admin_client, role, org.id)

    assert response.status_code == 200
    errors = field_errors(parse(response), "organisation")
    assert errors == [f"机构“{org.name}”是{org.kind.label}，不能绑定{role.label}账号。"]
    assert not User.select().where(User.username == "assigned1").exists()


def test_an_assigned_account_needs_an_organisation(admin_client):
    response = new_account(admin_client, Role.HR_BUREAU, None)
    assert field_errors(parse(response), "organisation") == ["人力社保部门账号必须绑定所属机构。"]
    assert not User.select().where(User.username == "assigned1").exists()


def test_a_login_name_already_in_use_is_refused(admin_client):
    make_applicant(mobile="13900000001")
    response = new_account(admin_client, Role.HR_BUREAU, organisation(Role.HR_BUREAU, "越城区").id, username="13900000001")
    assert "已被使用" in field_errors(parse(response), "username")[0]


@pytest.mark.parametrize("role", ASSIGNED_ROLES, ids=[r.value for r in ASSIGNED_ROLES])
def test_changing_the_role_swaps_the_organisation_select(admin_client, role):
    response = admin_client.post(
        "/admin/accounts/new",
        data={"role": role.value, "username": "typed_already", "real_name": "某人"},
        headers={"HX-Request": "true", "HX-Trigger-Name": "role"},
    )

    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and "<nav" not in html, "only the fragment, not the page"
    fragment = parse(html)
    assert fragment.find("div", id="organisation-field") is not None
    offered = {int(o.attrs["value"]) for o in fragment.find("select", name="organisation").find_all("option")}
    expected = {o.id for o in Organisation.select().where(Organisation.kind == role)}
    assert offered == expected and expected
    assert "HX-Request" in response.headers.get("Vary", "")
    assert not User.select().where(User.username == "typed_already").exists(), "the swap never creates an account"


def test_the_regional_bureaus_are_labelled_with_their_region(admin_client):
    fragment = parse(admin_client.post("/admin/accounts/new", data={"role": Role.HR_BUREAU.value},
                                       headers={"HX-Request": "true", "HX-Trigger-Name": "role"}))
    labels = [o.text() for o in fragment.find_all("option")]
    assert "柯桥区 · 柯桥区人力社保局" in labels and len(labels) == 7


def test_reset_password_shows_a_temporary_password_once_and_forces_a_change(admin_client, app):
    user = user_of(Role.HR_BUREAU, "rsj_keqiao", region_name="柯桥区")
    holder = app.test_client()
    assert login(holder, user).request.path == "/home"

    assert admin_client.get(f"/admin/accounts/{user.id}/reset-password").status_code == 405
    response = admin_client.post(f"/admin/accounts/{user.id}/reset-password")
    assert response.status_code == 200 and "密码已重置" in response.get_data(as_text=True)
    password = temporary_password(response)
    assert password not in admin_client.get("/admin/accounts").get_data(as_text=True)

    assert holder.get("/home").status_code == 302, "the reset ends the holder's sessions"
    assert login(holder, user, PASSWORD).request.path == "/login", "the old password stops working"
    assert login(holder, user, password).request.path == "/password"
    assert holder.get("/home").headers["Location"] == "/password"


def test_reset_password_of_an_unknown_account_is_404(admin_client):
    assert admin_client.post("/admin/accounts/99999/reset-password").status_code == 404


ADMIN_PAGES = ["/admin/accounts", "/admin/accounts/new", "/admin/committees", "/admin/outbox", "/admin/audit",
               "/admin/units"]
OTHER_ROLES = [r for r in Role if r != Role.ADMIN]


@pytest.mark.parametrize("role", OTHER_ROLES, ids=[r.value for r in OTHER_ROLES])
def test_other_roles_get_403_on_admin_pages(client, admin, role):
    user = make_applicant() if role == Role.APPLICANT else user_of(role, f"{role.value}_x")
    login(client, user)
    for path in ADMIN_PAGES:
        response = client.get(path)
        assert response.status_code == 403, path
        assert "您无权访问该页面或该记录" in response.get_data(as_text=True)
    hash_before = User.get_by_id(admin.id).password_hash
    assert client.post(f"/admin/accounts/{admin.id}/reset-password").status_code == 403
    assert User.get_by_id(admin.id).password_hash == hash_before
    assert client.post("/admin/accounts/new", data={"role": "hr_bureau", "username": "sneaky"}).status_code == 403
    assert not User.select().where(User.username == "sneaky").exists()


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_anonymous_visitors_are_sent_to_login(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert re.match(r"^/login\?next=", response.headers["Location"])


def test_account_creation_login_and_reset_are_audited(admin_client, admin, app):
    created = new_account(admin_client, Role.HR_BUREAU, organisation(Role.HR_BUREAU, "越城区").id)
    user = User.get(User.username == "assigned1")
    login(app.test_client(), user, temporary_password(created))
    admin_client.post(f"/admin/accounts/{user.id}/reset-password")

    rows = [(a.action, a.actor_id, a.target) for a in AuditLog.select().order_by(AuditLog.id)]
    target = f"user:{user.id}"
    assert ("account.create", admin.id, target) in rows
    assert ("login", user.id, target) in rows
    assert ("password.reset", admin.id, target) in rows
    assert rows.index(("account.create", admin.id, target)) < rows.index(("login", user.id, target)) \
        < rows.index(("password.reset", admin.id, target))
    assert all(a.ip == "127.0.0.1" for a in AuditLog.select().where(AuditLog.target == target))

    page = admin_client.get("/admin/audit", query_string={"q": target}).get_data(as_text=True)
    for action in ("创建账号", "登录", "重置密码"):
        assert action in page
