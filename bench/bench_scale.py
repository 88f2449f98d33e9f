"""Benchmark: the bureau's 待审查 queue at 1k, 10k and 100k applications, on SQLite and PostgreSQL (issue 14).

    .venv/bin/python bench/bench_scale.py [--db sqlite,postgres] [--sizes 1000,10000,100000] [--rounds 15]
        [--seconds 8] [--pg-url postgresql://postgres@127.0.0.1:5432/postgres]

For each database and size it builds a throw-away database (SQLite: a temporary file; PostgreSQL: a database of its
own, `bench_scale_<pid>`, created and dropped through --pg-url), fills it with bulk inserts (applicants, units,
applications in every state with their ReviewAction history and what 提交 froze), then prints:

- in process (Flask's test client), the median ms of interleaved rounds of the 越城区 construction bureau's queue,
  its filters, search and last page, one application's detail page, and the home pages (their counts);
- through gunicorn with the settings of `make run` (gunicorn.conf.py), 16 clients (keep-alive where gunicorn keeps it):
  requests/s of the queue and of a minimal Flask + peewee + Jinja page rendering a 50-row table from the same
  database, served the same way, and their ratio; beside them the app's lightest signed-in page (消息, the layout
  and an empty list), near the ceiling of any page that signs its user in and draws the layout;
- writes at 16 clients through gunicorn: review decisions (审查通过) and wizard saves (step 3 保存草稿), with errors
  and p50 / p99 ms.

The goals of issue 14 are ratios (the machine is shared): at the largest size, in process within 1.3× of the
smallest; through gunicorn at least 0.8× the minimal page's requests/s; writes 0 errors, p99 ≤ 100 ms on PostgreSQL.
CI does not run it.
"""
import argparse
import http.client
import json
import os
import random
import re
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime, timedelta
from html import unescape
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-of-at-least-32-bytes")

CLIENTS = 16
GUNICORN = [str(Path(sys.executable).parent / "gunicorn"), "--config", str(ROOT / "gunicorn.conf.py")]  # as `make run`
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉兰萍红建国文斌宇浩凯鹏飞俊峰琳晨"


# ---------------------------------------------------------------- the minimal page (gunicorn imports this module)

def minimal_app():
    """Flask + peewee + Jinja: 50 rows of the same database, per request connection handling as the app's."""
    from flask import Flask, render_template_string
    from peewee import CharField, IntegerField, Model

    from app import open_database

    database = open_database(os.environ["DATABASE_URL"])

    class MinimalRow(Model):
        name = CharField()
        number = IntegerField()

        class Meta:
            table_name = "bench_minimal_row"

    MinimalRow.bind(database)
    app = Flask("minimal")

    @app.before_request
    def _connect():
        database.connect(reuse_if_open=True)

    @app.teardown_request
    def _close(exc):
        if not database.is_closed():
            database.close()

    @app.route("/")
    def table():
        rows = MinimalRow.select().order_by(MinimalRow.id).limit(50)
        return render_template_string(
            "<!doctype html><title>表</title><table>{% for r in rows %}<tr><td>{{ r.id }}</td><td>{{ r.name }}</td>"
            "<td>{{ r.number }}</td></tr>{% endfor %}</table>", rows=rows)

    return app


# ---------------------------------------------------------------- filling

def id_number(n):
    """A valid, unique 身份证号 per person n."""
    from services.idcard import check_char

    born = date(1960, 1, 1) + timedelta(days=n % 12000)
    body = f"330602{born:%Y%m%d}{n // 12000:03d}"
    return body + check_char(body)


def person_name(n):
    return SURNAMES[n % len(SURNAMES)] + GIVEN[(n // len(SURNAMES)) % len(GIVEN)] + GIVEN[(n // 7) % len(GIVEN)]


def _bulk(model, rows, size=2000):
    from models import db

    with db.atomic():
        for start in range(0, len(rows), size):
            model.insert_many(rows[start:start + size]).execute()


def fill(count):
    """`count` applications over units spread round the regions; returns the accounts the benchmark uses."""
    from peewee import PostgresqlDatabase
    from werkzeug.security import generate_password_hash

    from models import (
        Application,
        ApplicationStatus,
        ApplicationType,
        Organisation,
        Profession,
        Region,
        ReviewAction,
        ReviewPlan,
        Role,
        Stage,
        User,
        db,
        new_session_token,
    )
    from services import snapshot
    from services.accounts import create_account
    from services.office_lists import compact, refresh_statistics
    from services.reference import seed_reference

    seed_reference()
    rng = random.Random(count)
    regions = list(Region.select().order_by(Region.sort_order))
    bureaus = {o.region_id: o.id for o in Organisation.select().where(Organisation.kind == Role.CONSTRUCTION_BUREAU)}
    committee_office = Organisation.select().where(Organisation.kind == Role.COMMITTEE_OFFICE).first().id
    plans = [p.id for p in ReviewPlan.select()]
    professions = [p.id for p in Profession.select()]
    unit_base = Organisation.select().order_by(Organisation.id.desc()).first().id + 1
    units = [{"id": unit_base + i, "name": f"压测单位{i}", "kind": Role.UNIT, "region": regions[i % len(regions)].id}
             for i in range(max(20, count // 25))]
    _bulk(Organisation, units)
    password_hash = generate_password_hash("Bench2026")
    user_base = (User.select().order_by(User.id.desc()).first() or User(id=0)).id + 1
    started = datetime(2026, 1, 1)
    users, applications, actions = [], [], []
    for n in range(count):
        unit = units[n % len(units)]
        bureau = bureaus[unit["region"]]
        uid = user_base + n
        users.append({"id": uid, "username": f"139{n:08d}", "mobile": f"139{n:08d}", "password_hash": password_hash,
                      "role": Role.APPLICANT, "real_name": person_name(n), "id_number": id_number(n),
                      "organisation": unit["id"], "session_token": new_session_token()})
        roll = rng.random()
        # 5% drafts, 10% at the unit, 60% 待审查 at the bureau, 10% passed there, 10% with the committee, 5% returned
        state = (ApplicationStatus.DRAFT if roll < .05 else ApplicationStatus.AT_UNIT if roll < .15
                 else ApplicationStatus.PENDING if roll < .75 else ApplicationStatus.STAGE_PASSED if roll < .85
                 else ApplicationStatus.AT_COMMITTEE if roll < .95 else ApplicationStatus.RETURNED)
        at = started + timedelta(seconds=n * 37 + rng.randrange(3600))
        holder = {ApplicationStatus.AT_UNIT: (Stage.UNIT, unit["id"]),
                  ApplicationStatus.PENDING: (Stage.CONSTRUCTION_BUREAU, bureau),
                  ApplicationStatus.STAGE_PASSED: (Stage.CONSTRUCTION_BUREAU, bureau),
                  ApplicationStatus.AT_COMMITTEE: (Stage.COMMITTEE, committee_office)}.get(state, (None, None))
        applications.append({
            "id": n + 1, "applicant": uid, "plan": plans[n % len(plans)], "status": state, "unit": unit["id"],
            "submitted_at": None if state == ApplicationStatus.DRAFT else at, "snapshot": "{}",
            "step_reached": 3 if state == ApplicationStatus.DRAFT else 7, "stage": holder[0],
            "stage_organisation": holder[1], "stage_since": None if state == ApplicationStatus.DRAFT else at,
            "application_type": rng.choice(list(ApplicationType)), "profession": rng.choice(professions)})
        if state == ApplicationStatus.DRAFT:
            continue
        history = [("applicant", None, uid, "submit")]
        if state != ApplicationStatus.AT_UNIT:
            history.append((Stage.UNIT.value, unit["id"], None, "pass"))
        if state in (ApplicationStatus.STAGE_PASSED, ApplicationStatus.AT_COMMITTEE):
            history.append((Stage.CONSTRUCTION_BUREAU.value, bureau, None, "pass"))
        if state == ApplicationStatus.AT_COMMITTEE:
            history.append((Stage.CONSTRUCTION_BUREAU.value, bureau, None, "recommend"))
        if state == ApplicationStatus.RETURNED:
            history.append((Stage.CONSTRUCTION_BUREAU.value, bureau, None, "return"))
        actions += [{"application": n + 1, "level": level, "organisation": org, "actor": actor, "action": action,
                     "reason": "", "at": at} for level, org, actor, action in history]
    _bulk(User, users)
    # what 提交 froze (services/snapshot.build), made once from the first submitted application and given each
    # application's own person, unit, plan, profession and 申报类型: the detail page reads it
    first = next(row for row in applications if row["submitted_at"])
    _bulk(Application, [first])
    frozen = snapshot.build(Application.get_by_id(first["id"]))
    frozen["info"]["statement"] = "本人述职" * 150  # about 2 KB in all, as a submitted application carries
    plan_of = {p.id: {"id": p.id, "title": p.title, "level": p.level.value, "year": p.year} for p in ReviewPlan.select()}
    profession_of = {p.id: p.name for p in Profession.select()}
    unit_of = {u["id"]: u["name"] for u in units}
    person_of = {u["id"]: u for u in users}
    for row in applications:
        if row["submitted_at"]:
            person = person_of[row["applicant"]]
            row["snapshot"] = json.dumps({
                **frozen, "plan": plan_of[row["plan"]],
                "applicant": {**frozen["applicant"], "name": person["real_name"], "id_number": person["id_number"],
                              "mobile": person["mobile"], "unit": unit_of[row["unit"]]},
                "info": {**frozen["info"], "profession": profession_of[row["profession"]],
                         "application_type": row["application_type"].label}}, ensure_ascii=False)
    Application.update(snapshot=first["snapshot"]).where(Application.id == first["id"]).execute()
    _bulk(Application, [row for row in applications if row is not first])
    _bulk(ReviewAction, actions)
    compact()  # the offices' counters, a row per change of the bulk load, folded as the worker does every minute
    if isinstance(db.obj, PostgresqlDatabase):  # PostgreSQL: the sequences after explicit ids
        for table in ("organisation", "user", "application", "review_action"):
            db.execute_sql(f"SELECT setval(pg_get_serial_sequence('\"{table}\"', 'id'), (SELECT MAX(id) FROM \"{table}\"))")
        db.execute_sql("VACUUM ANALYZE")  # what autovacuum does soon after a bulk load: statistics, visibility map
    else:
        refresh_statistics()  # what the worker does every hour
    yuecheng = Region.get(Region.name == "越城区")
    bureau = create_account(None, username="bench_jsj", real_name="压测审查", password="Bench2026",
                            role=Role.CONSTRUCTION_BUREAU, organisation=Organisation.get_by_id(bureaus[yuecheng.id]))
    unit = create_account(None, username="bench_unit", real_name="压测单位经办", password="Bench2026", role=Role.UNIT,
                          organisation=Organisation.get_by_id(units[1]["id"]))
    drafts = list(Application.select().where(Application.status == ApplicationStatus.DRAFT).limit(CLIENTS))
    return bureau, unit, [d.applicant for d in drafts]


def fill_minimal():
    """The minimal page's 50 rows, in a table of their own beside the app's."""
    from models import db

    db.execute_sql("CREATE TABLE bench_minimal_row (id INTEGER PRIMARY KEY, name VARCHAR(255) NOT NULL, "
                   "number INTEGER NOT NULL)")
    for i in range(50):
        db.execute_sql(f"INSERT INTO bench_minimal_row (id, name, number) VALUES ({', '.join([db.obj.param] * 3)})",
                       (i + 1, person_name(i), i * 7))


# ---------------------------------------------------------------- in process

def session_cookie(app, user, warm=None):
    """A signed-in session cookie for `user` (and its CSRF token when `warm` names a page with a form)."""
    client = app.test_client()
    with client.session_transaction() as session:
        session["_user_id"] = user.session_token
        session["_fresh"] = True
    token = None
    if warm:
        match = re.search(r'name="csrf_token" value="([^"]+)"', client.get(warm).get_data(as_text=True))
        token = match and match.group(1)
    return client, client.get_cookie("session").value, token


def rows_shown(html):
    """How many applications a list page shows (each row links to its detail page)."""
    return len(set(re.findall(r'href="/review/applications/(\d+)"', html)))


def in_process(client, paths, rounds, rows=None):
    """Median ms per path over interleaved rounds (one warm-up round first); `rows` gets the rows each page shows."""
    samples = {label: [] for label in paths}
    for round_ in range(rounds + 1):
        for label, path in paths.items():
            start = time.perf_counter()
            response = client.get(path)
            elapsed = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (path, response.status_code)
            if round_:
                samples[label].append(elapsed)
            elif rows is not None:
                rows[label] = rows_shown(response.get_data(as_text=True))
    return {label: statistics.median(values) for label, values in samples.items()}


# ---------------------------------------------------------------- through gunicorn

def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_gunicorn(target, env, chdir):
    port = free_port()
    process = subprocess.Popen([*GUNICORN, "--bind", f"127.0.0.1:{port}", "--chdir", str(chdir), target],
                               env={**os.environ, **env}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(200):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process, port
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError(f"gunicorn {target} did not start")


def stop(process):
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=30)


def load(port, requests_of, seconds):
    """CLIENTS threads, each on its own keep-alive connection, sending what requests_of(client) yields until the
    time is up. Each first sends one request that is not counted, and the clock starts when all have had their
    answer (gunicorn's workers are ready). Returns (requests/s, errors, latencies in ms)."""
    latencies, errors, lock = [], [0], threading.Lock()
    clock = {}
    ready = threading.Barrier(CLIENTS + 1, action=lambda: clock.update(deadline=time.perf_counter() + seconds))

    def send(connection, method, path, body, headers):
        try:
            connection.request(method, path, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except (OSError, http.client.HTTPException):
            connection.close()
            return False
        if response.status not in (200, 302) and os.environ.get("BENCH_DEBUG"):
            print(method, path, response.status, file=sys.stderr)
        return response.status in (200, 302)

    def client(number):
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        requests = requests_of(number)
        send(connection, *next(requests))
        ready.wait()
        for request in requests:
            if time.perf_counter() > clock["deadline"]:
                break
            start = time.perf_counter()
            ok = send(connection, *request)
            with lock:
                latencies.append((time.perf_counter() - start) * 1000)
                errors[0] += not ok
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
    for thread in threads:
        thread.start()
    ready.wait()
    begun = clock["deadline"] - seconds
    for thread in threads:
        thread.join()
    return len(latencies) / (time.perf_counter() - begun), errors[0], sorted(latencies)


def gets(path, cookie=None):
    headers = {"Cookie": f"session={cookie}"} if cookie else {}

    def requests_of(number):
        while True:
            yield "GET", path, None, headers
    return requests_of


class FormValues(HTMLParser):
    """The values a browser would post for the first form whose action ends with `action`."""

    def __init__(self, action):
        super().__init__()
        self.action, self.inside, self.values, self.select, self.textarea = action, False, [], None, None
        self.files = []  # the names of its file inputs

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = not self.values and (attrs.get("action") or self.action).endswith(self.action)
        if not self.inside:
            return
        if tag == "input" and attrs.get("name") and attrs.get("type") == "file":
            self.files.append(attrs["name"])
        elif tag == "input" and attrs.get("name") and attrs.get("type") not in ("file", "submit", "button"):
            if attrs.get("type") not in ("checkbox", "radio") or "checked" in attrs:
                self.values.append((attrs["name"], attrs.get("value") or ""))
        elif tag == "select":
            self.select = [attrs.get("name"), None]
        elif tag == "option" and self.select and (self.select[1] is None or "selected" in attrs):
            self.select[1] = attrs.get("value") or ""
        elif tag == "textarea":
            self.textarea = [attrs.get("name"), ""]

    def handle_data(self, data):
        if self.textarea:
            self.textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self.select:
            self.values.append(tuple(self.select))
            self.select = None
        elif tag == "textarea" and self.textarea:
            self.values.append(tuple(self.textarea))
            self.textarea = None


def encode(values):
    from urllib.parse import urlencode

    return urlencode([(name, unescape(value or "")) for name, value in values]).encode()


def multipart(values, files):
    """A form as htmx sends it with hx-encoding="multipart/form-data" (a browser's FormData): the values, and each file
    input with no file chosen as an empty part; (body, Content-Type)."""
    boundary = "----benchscale" + os.urandom(8).hex()
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{unescape(value or "")}\r\n'
             for name, value in values]
    parts += [f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; filename=""\r\n'
              "Content-Type: application/octet-stream\r\n\r\n\r\n" for name in files]
    return ("".join(parts) + f"--{boundary}--\r\n").encode(), f"multipart/form-data; boundary={boundary}"


def write_loads(app, bureau, applicants, seconds):
    """(label, requests_of) of the two writes: 审查通过 of distinct 待审查 applications; 保存草稿 of step 3, as the
    browser sends it (htmx: multipart, its request headers)."""
    from models import Application, ApplicationStatus, applications_held_by

    pending = [a.id for a in applications_held_by(bureau).where(Application.status == ApplicationStatus.PENDING)
               .order_by(Application.id).limit(4000)]
    _client, cookie, token = session_cookie(app, bureau, warm="/review/applications")
    lock = threading.Lock()

    def decisions(number):
        headers = {"Cookie": f"session={cookie}", "Content-Type": "application/x-www-form-urlencoded"}
        while True:
            with lock:
                if not pending:
                    return
                application_id = pending.pop()
            yield ("POST", f"/review/applications/{application_id}/decide",
                   encode([("csrf_token", token), ("action", "pass"), ("reason", "压测")]), headers)

    saves = []
    for applicant in applicants:
        application = applicant.applications.first()
        path = f"/applications/{application.id}/step/3"
        client, _cookie, _token = session_cookie(app, applicant)
        parser = FormValues(path)
        parser.feed(client.get(path).get_data(as_text=True))  # the session now holds the form's CSRF token
        body, content_type = multipart([*parser.values, ("statement", "本人述职（压测）"), ("save", "1")], parser.files)
        saves.append((path, client.get_cookie("session").value, body, content_type))

    def wizard_saves(number):
        path, cookie, body, content_type = saves[number % len(saves)]
        headers = {"Cookie": f"session={cookie}", "Content-Type": content_type, "HX-Request": "true",
                   "HX-Target": "wizard", "HX-Current-URL": f"http://127.0.0.1{path}"}
        while True:
            yield "POST", path, body, headers
    return [("review decision (审查通过)", decisions), ("wizard save (第3步 保存草稿)", wizard_saves)]


# ---------------------------------------------------------------- one database at one size

def database_url(kind, folder, pg_url, name):
    if kind == "sqlite":
        return f"sqlite:///{folder}/{name}.db"
    import psycopg2

    connection = psycopg2.connect(pg_url)
    connection.autocommit = True
    with connection.cursor() as cursor:
        cursor.execute(f'DROP DATABASE IF EXISTS "{name}"')
        cursor.execute(f'CREATE DATABASE "{name}"')
    connection.close()
    return pg_url.rsplit("/", 1)[0] + f"/{name}"


def drop_database(kind, pg_url, name):
    if kind == "postgres":
        import psycopg2

        connection = psycopg2.connect(pg_url)
        connection.autocommit = True
        with connection.cursor() as cursor:
            cursor.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        connection.close()


def measure(kind, size, args, folder):
    from app import create_app, migration_router
    from models import Application, ApplicationStatus, Profession, ReviewPlan, User, applications_held_by, db

    name = f"bench_scale_{os.getpid()}_{size}"
    url = database_url(kind, folder, args.pg_url, name)
    try:
        app = create_app({"DATABASE_URL": url, "UPLOAD_FOLDER": f"{folder}/uploads", "SMS_LOG": f"{folder}/sms.log"})
        db.connect(reuse_if_open=True)
        migration_router(db.obj).run()
        started = time.perf_counter()
        bureau, unit, applicants = fill(size)
        fill_minimal()
        filled = time.perf_counter() - started
        held = applications_held_by(bureau).count()
        sample = (applications_held_by(bureau).join(User, on=Application.applicant)
                  .where(Application.status == ApplicationStatus.PENDING)
                  .select(Application.id, User.real_name, User.id_number)
                  .order_by(Application.id).dicts().first())
        plan = ReviewPlan.select().order_by(ReviewPlan.id).first().id
        profession = Profession.select().order_by(Profession.id).first().id
        db.close()
        queue = "/review/applications"
        paths = {
            "待审查 queue": f"{queue}?state=pending",
            "queue, all states": queue,
            "filter: plan": f"{queue}?state=pending&plan={plan}",
            "filter: profession + type": f"{queue}?profession={profession}&type=normal",
            "search: name": f"{queue}?q={sample['real_name']}",
            "search: 2 characters": f"{queue}?q={sample['real_name'][:2]}",  # too short for the trigram index
            "search: 身份证号": f"{queue}?q={sample['id_number'][-8:]}",
            "last page": f"{queue}?state=pending&page=999999",
            "bureau home (counts)": "/home",
            "审核推荐 (counts)": "/review/recommend",
        }
        client, cookie, _token = session_cookie(app, bureau)
        result = {"filled": filled, "held": held, "rows": {}}
        result["ms"] = in_process(client, paths, args.rounds, result["rows"])
        result["ms"].update(in_process(client, {"application detail": f"{queue}/{sample['id']}"}, args.rounds))
        unit_client, _cookie, _token = session_cookie(app, unit)
        result["ms"].update(in_process(unit_client, {"unit home (counts)": "/home"}, args.rounds))
        env = {"DATABASE_URL": url, "UPLOAD_FOLDER": f"{folder}/uploads", "SMS_LOG": f"{folder}/sms.log"}
        minimal, minimal_port = start_gunicorn("bench_scale:minimal_app()", env, ROOT / "bench")
        server, port = start_gunicorn("wsgi:app", env, ROOT)
        try:
            # interleaved rounds, medians: whatever else the shared machine does falls on each page alike. Beside
            # the queue, the bound of the goal: the app's lightest signed-in page, the layout and an empty list
            reads = {"minimal": (minimal_port, gets("/")), "queue": (port, gets(paths["待审查 queue"], cookie)),
                     "floor": (port, gets("/notifications", cookie))}
            rates = {key: [] for key in reads}
            for _ in range(3):
                for key, (target, requests_of) in reads.items():
                    rates[key].append(load(target, requests_of, args.seconds / 3)[0])
            result.update({key: statistics.median(values) for key, values in rates.items()})
            if args.writes:
                db.connect(reuse_if_open=True)
                result["writes"] = {}
                for label, requests_of in write_loads(app, bureau, applicants, args.seconds):
                    rate, errors, latencies = load(port, requests_of, args.seconds)
                    if latencies:
                        result["writes"][label] = (rate, errors, len(latencies), statistics.median(latencies),
                                                   latencies[max(0, int(len(latencies) * 0.99) - 1)])
                db.close()
        finally:
            stop(server)
            stop(minimal)
        return result
    finally:
        if not db.is_closed():
            db.close()
        db.obj.close_all() if hasattr(db.obj, "close_all") else None
        drop_database(kind, args.pg_url, name)


def report(kind, results):
    sizes = list(results)
    print(f"\n## {kind}: the 越城区 construction bureau's queue "
          + ", ".join(f"{s:,} applications ({results[s]['held']:,} visible, filled in {results[s]['filled']:.0f} s)"
                      for s in sizes))
    # a filter or search that matches a few rows at 1k fills the page at 100k: a page of more rows takes longer to
    # draw whatever the size of the city, so the rows each page shows are printed beside its times
    print("| in process, median ms | " + " | ".join(f"{s:,}" for s in sizes) + f" | {sizes[-1]:,} / {sizes[0]:,} "
          "| rows shown |")
    print("|---|" + "---|" * (len(sizes) + 2))
    for label in results[sizes[0]]["ms"]:
        values = [results[s]["ms"][label] for s in sizes]
        rows = " / ".join(str(results[s]["rows"].get(label, "—")) for s in sizes)
        print(f"| {label} | " + " | ".join(f"{v:.1f}" for v in values) + f" | {values[-1] / values[0]:.2f}× | {rows} |")
    print("| through gunicorn, 16 clients, req/s | " + " | ".join(" " for _ in sizes) + " |  |  |")
    print("| 待审查 queue | " + " | ".join(f"{results[s]['queue']:.0f}" for s in sizes) + " |  |  |")
    print("| 消息 (the lightest signed-in page) | " + " | ".join(f"{results[s]['floor']:.0f}" for s in sizes)
          + " |  |  |")
    print("| minimal 50-row page | " + " | ".join(f"{results[s]['minimal']:.0f}" for s in sizes) + " |  |  |")
    for label, key in (("queue / minimal", "queue"), ("消息 / minimal", "floor")):
        print(f"| {label} | " + " | ".join(f"{results[s][key] / results[s]['minimal']:.2f}" for s in sizes)
              + " |  |  |")
    for size in sizes:
        for label, (rate, errors, count, p50, p99) in results[size].get("writes", {}).items():
            print(f"writes at {size:,}, 16 clients: {label}: {count} requests, {rate:.0f}/s, {errors} errors, "
                  f"p50 {p50:.0f} ms, p99 {p99:.0f} ms")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--seconds", type=float, default=8)
    parser.add_argument("--no-writes", dest="writes", action="store_false")
    parser.add_argument("--pg-url", default=os.environ.get("BENCH_PG_URL", "postgresql://postgres@127.0.0.1:5432/postgres"))
    args = parser.parse_args()
    print(f"bench_scale {date.today()}, {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f}")
    for kind in args.db.split(","):
        with tempfile.TemporaryDirectory() as folder:
            results = {size: measure(kind, size, args, folder) for size in map(int, args.sizes.split(","))}
        report(kind, results)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
