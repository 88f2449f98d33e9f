"""Benchmark: how long the busiest pages take with many applications, and how heavy they are.

    .venv/bin/python bench/bench_pages.py [applications=3000]

Builds a throw-away SQLite database filled as bench_scale.py fills it (applications in every state, spread over
the regions, with their history), then times each page of the 越城区 construction bureau over repeated requests and
prints median / p95 milliseconds and the HTML size, and the size of the static files. CI does not run it.
"""
import statistics
import sys
import tempfile
import time
from datetime import date

from bench_scale import fill, person_name, session_cookie

from app import create_app, migration_router
from models import db


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
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "UPLOAD_FOLDER": f"{folder}/uploads",
                          "SMS_LOG": f"{folder}/sms.log"})
        db.connect(reuse_if_open=True)
        migration_router(db.obj).run()
        started = time.perf_counter()
        bureau, _unit, _applicants = fill(count)
        db.close()
        print(f"{count} applications created in {time.perf_counter() - started:.1f} s ({date.today()})")
        client, _cookie, _token = session_cookie(app, bureau)
        print(f"{'page':44} {'median ms':>10} {'p95 ms':>8} {'HTML KB':>8}")
        for path in ("/home", "/review/applications", f"/review/applications?state=pending&q={person_name(1)}",
                     "/review/applications?page=10", "/review/recommend"):
            median, p95, size = timed(client, path)
            print(f"{path:44} {median:10.1f} {p95:8.1f} {size / 1024:8.1f}")
        for asset in ("/static/app.css", "/static/app.js", "/vendor/htmx.min.js"):
            response = client.get(asset)
            print(f"{asset:44} {'':10} {'':8} {len(response.data) / 1024:8.1f}")
            response.close()


if __name__ == "__main__":
    main()
