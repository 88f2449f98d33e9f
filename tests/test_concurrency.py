"""A busy Monday morning through the real server (gunicorn as `make run` starts it): writers wait their turn, the
loser of a race is told what happened, and nobody gets a 500 ("database is locked")."""
import os
import re
import secrets
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from http.cookiejar import CookieJar
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import urlencode
from urllib.request import HTTPCookieProcessor, HTTPRedirectHandler, Request, build_opener

import pytest

from models import (
    Achievement,
    Application,
    ApplicationAchievement,
    ApplicationFile,
    ApplicationStatus,
    Organisation,
    ReviewAction,
    Role,
    Stage,
    User,
)
from services.idcard import check_char, parse
from tests.chain_world import filed, staff
from tests.conftest import PASSWORD, login, organisation
from tests.samples import credit_code, pdf, unit_form
from tests.wizard_world import applicant_ready, fill_to_preview, open_plan, passed_achievement, step_url

ROOT = Path(__file__).resolve().parents[1]
CHANGED = "该记录已被他人处理或已修改，请刷新后查看当前状态。"


class _NoRedirects(HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Browser:
    """One person's browser: its own cookies, the CSRF token of the last form it loaded, no redirects followed."""

    def __init__(self, base):
        self.base, self.csrf = base, ""
        self.opener = build_opener(HTTPCookieProcessor(CookieJar()), _NoRedirects)

    def request(self, path, data=None, files=None):
        """GET, or POST `data` (and `files`: name → (filename, bytes), sent as multipart) with the form's CSRF token."""
        body, headers = None, {}
        if files:
            body, headers["Content-Type"] = _multipart({"csrf_token": self.csrf, **data}, files)
        elif data is not None:
            body = urlencode({"csrf_token": self.csrf, **data}, doseq=True).encode()
        try:
            with self.opener.open(Request(self.base + path, body, headers), timeout=60) as response:
                status, page = response.status, response.read().decode()
        except HTTPError as error:  # 3xx (not followed), 4xx and 5xx
            status, page = error.code, error.read().decode()
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page)
        self.csrf = found.group(1) if found else self.csrf
        return status, page

    def log_in(self, username, password=PASSWORD):
        self.request("/login")
        status, page = self.request("/login", {"username": username, "password": password})
        assert status == 302, page
        return self


def _multipart(fields, files):
    boundary = secrets.token_hex(16)
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
             for name, value in fields.items()]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename="{filename}"\r\n'
              f"Content-Type: application/octet-stream\r\n\r\n".encode() + content + b"\r\n"
              for name, (filename, content) in files.items()]
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def server(app, tmp_path_factory):
    """gunicorn on the test database, 2 processes × 4 threads: requests racing both between processes and within
    one (harsher than `make run`'s one thread per process, gunicorn.conf.py); its base URL."""
    folder, port = tmp_path_factory.mktemp("gunicorn"), _free_port()
    env = {**os.environ, "DATABASE_URL": app.config["DATABASE_URL"], "SECRET_KEY": "concurrency-" + "k" * 40,
           "UPLOAD_FOLDER": str(folder / "uploads"), "SMS_LOG": str(folder / "sms.log")}
    env.pop("SECRET_KEY_FILE", None)
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "2", "--threads", "4",
         "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=(folder / "gunicorn.log").open("w"))
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while True:
        try:
            if Browser(base).request("/login")[0] == 200:
                break
        except URLError:
            pass
        assert process.poll() is None and time.monotonic() < deadline, (folder / "gunicorn.log").read_text()
        time.sleep(0.2)
    yield base
    process.terminate()
    process.wait(10)


def _person(number, unit):
    first17 = f"33060219800101{number:03d}"
    person = parse(first17 + check_char(first17))
    return dict(username=f"1391000{number:04d}", mobile=f"1391000{number:04d}", id_number=person.number,
                gender=person.gender, birth_date=person.birth_date, organisation=unit)


def ready_to_submit(app, count):
    """`count` applicants, each with a complete draft: one filled through the wizard, the others copied from it."""
    template = fill_to_preview(app.test_client(), applicant_ready(), open_plan())
    original = template.applicant
    files = [(link.key, link.file_id) for link in template.files]
    columns = {name: value for name, value in template.__data__.items() if name not in ("id", "applicant")}
    applications = [template]
    for number in range(1, count):
        person = User.create(password_hash=original.password_hash, role=Role.APPLICANT, real_name=f"申报人{number:02d}",
                             work_started_on=original.work_started_on, **_person(number, original.organisation))
        application = Application.create(**columns, applicant=person)
        achievement = passed_achievement(person)
        ApplicationAchievement.create(application=application, achievement=achievement, version=achievement.version)
        for key, file_id in files:
            ApplicationFile.create(application=application, key=key, file=file_id)
        applications.append(application)
    return applications


def test_forty_applicants_press_submit_at_once_and_a_double_press_counts_once(app, server):
    applications = ready_to_submit(app, 40)
    assert Achievement.select().count() == 40

    def prepared(application):
        browser = Browser(server).log_in(application.applicant.username)
        status, page = browser.request(step_url(application, 6))
        assert status == 200, page
        return browser, application

    with ThreadPoolExecutor(8) as pool:
        presses = list(pool.map(prepared, applications + applications[:1]))  # the first applicant, in two tabs
        results = list(pool.map(lambda p: p[0].request(step_url(p[1], 6), {"confirm": "y"}), presses))

    assert [status for status, _ in results if status >= 500] == []
    submits = ReviewAction.select().where(ReviewAction.action == "submit")
    assert sorted(action.application_id for action in submits) == sorted(a.id for a in applications)
    assert {Application.get_by_id(a.id).status for a in applications} == {ApplicationStatus.AT_UNIT}
    tabs = (results[0], results[-1])
    assert sorted(status for status, _ in tabs) in ([200, 302], [302, 302]), "the later tab: the message, or the view"
    assert all(CHANGED in page for status, page in tabs if status == 200)


def test_forty_registrations_at_once_and_two_with_the_same_id_number(server):
    """No 500; of the pair one account is made and both see the same page (no one learns who is registered)."""
    def registration(number, id_of=None):
        browser = Browser(server)
        browser.request("/register")
        return browser.request("/register", {
            "mobile": f"1370000{number:04d}", "real_name": f"注册人{number:02d}", "password": "Zc7qkw9Lm2",
            "password2": "Zc7qkw9Lm2", "id_number": _person(id_of or number, None)["id_number"]})

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(registration, range(1, 41)))
        pair = list(pool.map(lambda number: registration(number, id_of=99), (98, 99)))

    assert [status for status, _ in results] == [302] * 40
    assert [status for status, _ in pair] == [302, 302], "a taken 身份证号 gets the same answer as a new one"
    assert User.select().where(User.role == Role.APPLICANT).count() == 41, "the forty and one of the pair"


def test_units_registering_the_same_credit_code_at_once_get_one_unit_and_one_form_error(server):
    """Four pairs, each pair the same unit registered twice from two browsers at the same moment."""
    barrier = threading.Barrier(8, timeout=30)

    def registration(number):
        browser = Browser(server)
        browser.request("/unit/register")
        barrier.wait()
        pair = number // 2
        return browser.request("/unit/register", unit_form(
            name=f"第{pair}建工有限公司", credit_code=credit_code(f"9133060{pair}MA2B3C4D5"),
            contact_mobile=f"137000000{number:02d}"), files={"letter": ("授权委托证明.pdf", pdf())})

    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(registration, range(8)))

    assert [sorted(status for status, _ in results[n:n + 2]) for n in range(0, 8, 2)] == [[200, 302]] * 4
    for status, page in results:
        assert status == 302 or "已有单位注册" in page or "刚刚已被注册" in page
    assert Organisation.select().where(Organisation.kind == Role.UNIT).count() == 4


def test_two_offices_press_recommend_at_once_and_each_application_moves_once(app, server):
    plan = open_plan()
    bureau = organisation(Role.CONSTRUCTION_BUREAU, "越城区")
    unit = applicant_ready().organisation
    ready = [filed(plan, unit, number, bureau, ApplicationStatus.STAGE_PASSED, Stage.CONSTRUCTION_BUREAU)
             for number in range(1, 6)]
    colleagues = [staff(Role.CONSTRUCTION_BUREAU, username=f"bureau_{n}") for n in (1, 2)]
    browsers = [Browser(server).log_in(person.username) for person in colleagues]
    for browser in browsers:
        browser.request("/review/recommend")
    barrier = threading.Barrier(2, timeout=30)

    def press(browser):
        barrier.wait()
        return browser.request("/review/recommend", {})

    with ThreadPoolExecutor(2) as pool:
        statuses = [status for status, _ in pool.map(press, browsers)]

    assert statuses == [302, 302]
    flashes = sorted(browser.request("/review/recommend")[1] for browser in browsers)
    assert sum("5 件已推荐" in page for page in flashes) == 1
    assert sum("没有审查通过、待推荐的申报" in page or "该申报已被他人处理" in page for page in flashes) == 1
    for application in ready:
        moves = ReviewAction.select().where((ReviewAction.application == application.id)
                                            & (ReviewAction.action == "recommend"))
        assert moves.count() == 1


def test_a_lock_held_past_the_busy_timeout_is_a_503_in_chinese_not_a_500(app, client):
    """Someone else (here: another connection) holds the write lock longer than a request will wait."""
    import sqlite3

    from app import sqlite_pragmas
    from models import db

    if not app.config["DATABASE_URL"].startswith("sqlite"):
        pytest.skip("SQLite's lock; PostgreSQL locks rows")
    plan = open_plan()
    login(client, applicant_ready())
    db.obj.init(db.obj.database, pragmas=sqlite_pragmas(busy_timeout_ms=200))
    holder = sqlite3.connect(db.obj.database, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        response = client.post(f"/plans/{plan.id}/apply")
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        db.obj.init(db.obj.database, pragmas=sqlite_pragmas())
        db.connect(reuse_if_open=True)
    page = response.get_data(as_text=True)
    assert response.status_code == 503 and response.headers["Retry-After"] == "5"
    assert "系统繁忙，请稍后重试。您填写的内容未丢失" in page
