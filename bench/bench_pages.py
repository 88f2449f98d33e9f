"""Benchmark: how long the busiest pages take with many applications, and how heavy they are.

    .venv/bin/python bench/bench_pages.py [applications=3000]

Builds a throw-away SQLite database, fills it with submitted applications spread over the regions, then times
each page over repeated requests and prints median / p95 milliseconds and the HTML size. CI does not run it.
"""
import os
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-of-at-least-32-bytes")

from werkzeug.security import generate_password_hash  # noqa: E402

from app import create_app, migration_router  # noqa: E402
from models import (  # noqa: E402
    Application,
    ApplicationStatus,
    ApplicationType,
    Organisation,
    Region,
    ReviewAction,
    ReviewPlan,
    Role,
    Stage,
    User,
    db,
    now,
)
from services.accounts import create_account  # noqa: E402
from services.reference import seed_reference  # noqa: E402

PASSWORD = "Bench2026"


def id_number(n):
    """A valid 身份证号 per person: born on one of 300 days of 1985, sequence n // 300."""
    from datetime import timedelta

    from services.idcard import check_char

    born = date(1985, 1, 1) + timedelta(days=n % 300)
    body = f"330602{born:%Y%m%d}{n // 300:03d}"
    return body + check_char(body)


def fill(count):
    seed_reference()
    plan = ReviewPlan.select().where(ReviewPlan.level == "mid").first()
    regions = list(Region.select())
    units = [Organisation.create(kind=Role.UNIT, name=f"压测单位{i}", region=regions[i % len(regions)]) for i in range(40)]
    password_hash = generate_password_hash(PASSWORD)  # once: hashing is slow on purpose
    with db.atomic():
        for n in range(count):
            unit = units[n % len(units)]
            user = User.create(username=f"139{n:08d}", mobile=f"139{n:08d}", password_hash=password_hash,
                               role=Role.APPLICANT, real_name=f"申报人{n}", id_number=id_number(n),
                               organisation=unit)
            bureau = Organisation.get((Organisation.kind == Role.CONSTRUCTION_BUREAU) & (Organisation.region == unit.region))
            application = Application.create(applicant=user, plan=plan, unit=unit, status=ApplicationStatus.PENDING,
                                             stage=Stage.CONSTRUCTION_BUREAU, stage_organisation=bureau,
                                             stage_since=now(), submitted_at=now(),
                                             application_type=ApplicationType.NORMAL, snapshot="{}")
            ReviewAction.create(application=application, level="applicant", actor=user, action="submit")
    bureau = Organisation.get((Organisation.kind == Role.CONSTRUCTION_BUREAU) & (Organisation.region == regions[1]))
    return create_account(None, username="bench_jsj", real_name="压测", password=PASSWORD,
                          role=Role.CONSTRUCTION_BUREAU, organisation=bureau)


def timed(client, path, rounds=30):
    samples, size = [], 0
    for _ in range(rounds):
        start = time.perf_counter()
        response = client.get(path)
        samples.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
        size = len(response.data)
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1], size


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 3000
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "WTF_CSRF_ENABLED": False,
                          "UPLOAD_FOLDER": f"{folder}/uploads", "SMS_LOG": f"{folder}/sms.log"})
        db.connect(reuse_if_open=True)
        migration_router(db.obj).run()
        started = time.perf_counter()
        bureau_user = fill(count)
        print(f"{count} applications created in {time.perf_counter() - started:.1f} s ({date.today()})")
        client = app.test_client()
        client.post("/login", data={"username": bureau_user.username, "password": PASSWORD})
        print(f"{'page':44} {'median ms':>10} {'p95 ms':>8} {'HTML KB':>8}")
        for path in ("/home", "/review/applications", "/review/applications?state=pending&q=申报人1",
                     "/review/applications?page=10", "/review/recommend"):
            median, p95, size = timed(client, path)
            print(f"{path:44} {median:10.1f} {p95:8.1f} {size / 1024:8.1f}")
        for asset in ("/static/app.css", "/static/app.js", "/vendor/htmx.min.js"):
            response = client.get(asset)
            print(f"{asset:44} {'':10} {'':8} {len(response.data) / 1024:8.1f}")
            response.close()


if __name__ == "__main__":
    main()
