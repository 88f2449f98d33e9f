"""Sessions end on the server; production settings come from the environment; security headers on every response."""
import re
from pathlib import Path

import pytest

from app import CONTENT_SECURITY_POLICY, create_app
from models import AuditLog, User, db
from tests.conftest import PASSWORD, login, make_applicant

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


def copy_of_session(app, client):
    """Another browser holding a copy of `client`'s session cookie."""
    thief = app.test_client()
    thief.set_cookie("session", client.get_cookie("session").value)
    return thief


def signed_in(client):
    return client.get("/home").status_code == 200


# ---------------------------------------------------------------- sessions

def test_a_copied_cookie_stops_working_after_logout(app, client):
    user = make_applicant()
    login(client, user)
    thief = copy_of_session(app, client)
    assert signed_in(thief), "the copy works while the session lasts"

    client.post("/logout")

    assert not signed_in(thief)
    assert not signed_in(client)
    assert login(app.test_client(), User.get_by_id(user.id)).request.path == "/home", "logging in again works"


def test_a_password_change_ends_the_other_sessions_and_keeps_this_one(app, client):
    user = make_applicant()
    login(client, user)
    phone = app.test_client()
    login(phone, user)

    changed = client.post("/password", data={"current": PASSWORD, "password": "Yuecheng88", "password2": "Yuecheng88"})

    assert changed.headers["Location"] == "/home"
    assert signed_in(client), "the session that changed the password continues"
    assert not signed_in(phone)
    assert login(phone, User.get_by_id(user.id), "Yuecheng88").request.path == "/home"


def test_a_session_cookie_holds_no_user_id(client):
    user = make_applicant()
    login(client, user)
    with client.session_transaction() as session:
        assert session["_user_id"] == User.get_by_id(user.id).session_token
        assert len(session["_user_id"]) == 64


# ---------------------------------------------------------------- settings from the environment

@pytest.fixture
def fresh_app(app, monkeypatch):
    """create_app() as at a server's start, with the test database; the tests' own app is restored afterwards."""
    previous = db.obj

    def make(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return create_app({"DATABASE_URL": app.config["DATABASE_URL"], "TESTING": True, "WTF_CSRF_ENABLED": False})

    yield make
    db.initialize(previous)


@pytest.mark.parametrize("key, accepted", [
    ("k" * 31, False), ("k" * 32, True), ("密" * 10, False), ("密" * 11, True),  # 30 and 33 bytes in UTF-8
])
def test_a_secret_key_shorter_than_32_bytes_is_refused_at_start(fresh_app, key, accepted):
    if accepted:
        assert fresh_app(SECRET_KEY=key).config["SECRET_KEY"] == key
    else:
        with pytest.raises(RuntimeError, match=r"SECRET_KEY 太短：至少 32 字节，当前 (31|30) 字节"):
            fresh_app(SECRET_KEY=key)


def test_production_settings_come_from_the_environment(fresh_app):
    default = fresh_app()
    assert (default.config["SESSION_COOKIE_SECURE"], default.config["TRUSTED_PROXIES"]) == (False, 0)
    assert default.config["RATELIMIT_STORAGE_URI"] == "memory://"

    production = fresh_app(SESSION_COOKIE_SECURE="1", TRUSTED_PROXIES="1")
    assert production.config["SESSION_COOKIE_SECURE"] is True
    assert production.config["SESSION_COOKIE_HTTPONLY"] is True
    assert production.config["PREFERRED_URL_SCHEME"] == "https"
    make_applicant()
    response = production.test_client().post(
        "/login", data={"username": "13900000001", "password": PASSWORD},
        headers={"X-Forwarded-For": "10.3.4.5", "X-Forwarded-Proto": "https"})
    assert "Secure" in response.headers["Set-Cookie"]
    assert AuditLog.get(AuditLog.action == "login").ip == "10.3.4.5", \
        "behind the trusted proxy the client's address is recorded, not the proxy's"


# ---------------------------------------------------------------- security headers

SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Frame-Options": "SAMEORIGIN",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


def test_the_policy_allows_only_the_apps_own_scripts():
    directives = dict(d.strip().split(" ", 1) for d in CONTENT_SECURITY_POLICY.split(";"))
    assert directives["script-src"] == "'self'" and directives["default-src"] == "'self'"
    assert "unsafe" not in CONTENT_SECURITY_POLICY
    assert directives["frame-ancestors"] == "'self'" and directives["object-src"] == "'none'"


@pytest.mark.parametrize("path, signed_in_as_applicant, status, no_store", [
    ("/login", False, 200, False),
    ("/register", False, 200, False),
    ("/no-such-page", False, 404, False),
    ("/static/app.css", False, 200, False),
    ("/home", True, 200, True),
    ("/password", True, 200, True),
    ("/notifications", True, 200, True),
    ("/applications", True, 200, True),
    ("/static/app.js", True, 200, False),
])
def test_every_response_carries_the_security_headers(client, path, signed_in_as_applicant, status, no_store):
    if signed_in_as_applicant:
        login(client, make_applicant())
    response = client.get(path)
    assert response.status_code == status
    for name, value in SECURITY_HEADERS.items():
        assert response.headers.get(name) == value, name
    assert ("no-store" in response.headers.get("Cache-Control", "")) == no_store


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)|\son[a-z]+\s*=|javascript:|hx-on", re.IGNORECASE)


@pytest.mark.parametrize("template", sorted(TEMPLATES.rglob("*.html")), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_inline_script_the_policy_would_block(template):
    assert not INLINE_SCRIPT.findall(template.read_text(encoding="utf-8"))
