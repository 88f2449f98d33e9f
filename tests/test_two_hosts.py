"""Past one machine: two app hosts (gunicorn, same configuration, different ports) over one PostgreSQL schema, Redis
and S3-compatible object storage (moto's server, started here), with a huey worker beside them.

A login on one host is valid on the other (same cookie), a file uploaded through one is served by the other, a job
queued by one is run by the worker, a session ended on one is ended on both, and the login counters are shared.
Skipped, saying why, only when PostgreSQL, Redis or moto is not there (a failure on CI): TWO_HOSTS_DATABASE_URL, else
a PostgreSQL TEST_DATABASE_URL, else the local server's `test` database; TEST_REDIS_URL (default Redis db 7, which
the test flushes: never point it at a database in use).
"""
import os
import signal
import subprocess
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from urllib.error import HTTPError, URLError
from urllib.parse import quote

import pytest

from app import migration_router, open_database
from models import BatchState, DocumentBatch, Role, StoredFile, db
from services.reference import seed_reference
from tests.chain_world import staff
from tests.conftest import ID_FEMALE, ID_MALE, make_applicant
from tests.samples import pdf
from tests.test_batches import roster_of
from tests.test_concurrency import ROOT, Browser, _free_port

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
BUCKET, PREFIX = "zhicheng-test", "files"
SECRET = "two-hosts-" + "s" * 40
AWS = {"AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_DEFAULT_REGION": "us-east-1"}


def _postgres_url():
    url = os.environ.get("TWO_HOSTS_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL", "")
    return url if url.startswith("postgres") else "postgresql://postgres@127.0.0.1:5432/test"


def _unavailable(reason):
    """Skip, saying why; on CI (CI=true) a missing service is a failure, as a missing browser is (tests/e2e)."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"CI=true：{reason}")
    pytest.skip(reason)


def _services():
    """The PostgreSQL URL of a fresh schema of this run's own; skips, naming what is missing, when something is."""
    import psycopg2
    import redis

    try:
        import moto.server  # noqa: F401
    except ImportError as error:
        _unavailable(f"moto[server] 未安装（requirements-dev.txt），无法启动 S3 兼容存储：{error}")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).flushdb()
    except redis.RedisError as error:
        _unavailable(f"Redis 不可用（{REDIS_URL}）：{error}")
    url = _postgres_url()
    schema = f"two_hosts_{os.getpid()}"
    try:
        with psycopg2.connect(url, connect_timeout=3) as conn, conn.cursor() as cursor:
            cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
    except psycopg2.OperationalError as error:
        _unavailable(f"PostgreSQL 不可用（{url}）：{error}")
    return schema, f"{url}{'&' if '?' in url else '?'}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def cluster_database(app, database):
    """The models on the hosts' database for a while (the session's test database is put back after)."""
    saved = db.obj
    db.initialize(database)
    db.connect(reuse_if_open=True)
    try:
        with app.app_context():
            yield
    finally:
        db.close()
        db.initialize(saved)


@dataclass
class Cluster:
    host_a: str
    host_b: str
    database: partial  # cluster_database for this schema
    s3: object
    folder: Path


def _wait_for(base, process, log):
    deadline = time.monotonic() + 30
    while True:
        try:
            if Browser(base).request("/login")[0] == 200:
                return
        except (URLError, ConnectionError):
            pass
        assert process.poll() is None and time.monotonic() < deadline, log.read_text()
        time.sleep(0.2)


@pytest.fixture(scope="module")
def cluster(app, tmp_path_factory):
    """Object storage, the schema with reference data, two app hosts and a worker."""
    schema, database_url = _services()
    import boto3
    from moto.server import ThreadedMotoServer

    folder, s3_port = tmp_path_factory.mktemp("two-hosts"), _free_port()
    moto = ThreadedMotoServer(ip_address="127.0.0.1", port=s3_port, verbose=False)
    moto.start()
    endpoint = f"http://127.0.0.1:{s3_port}"
    s3 = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1", aws_access_key_id="testing",
                      aws_secret_access_key="testing")
    s3.create_bucket(Bucket=BUCKET)
    database = open_database(database_url)
    with cluster_database(app, database):
        migration_router(database).run()
        seed_reference()
    env = {**os.environ, **AWS, "DATABASE_URL": database_url, "REDIS_URL": REDIS_URL, "SECRET_KEY": SECRET,
           "STORAGE_URL": f"s3://{BUCKET}/{PREFIX}?endpoint={endpoint}&region=us-east-1",
           "UPLOAD_FOLDER": str(folder / "uploads-never-used"), "SMS_LOG": str(folder / "sms.log")}
    env.pop("SECRET_KEY_FILE", None)
    processes, hosts = [], []
    try:
        for name in ("a", "b"):
            port, log = _free_port(), folder / f"host-{name}.log"
            processes.append(subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--threads", "4",
                 "wsgi:app"], cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log.open("w")))
            hosts.append((f"http://127.0.0.1:{port}", processes[-1], log))
        worker_log = folder / "worker.log"
        processes.append(subprocess.Popen(
            [sys.executable, "-m", "huey.bin.huey_consumer", "tasks.huey", "--workers", "2", "--worker-type", "thread"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=worker_log.open("w")))
        for base, process, log in hosts:
            _wait_for(base, process, log)
        yield Cluster(hosts[0][0], hosts[1][0], partial(cluster_database, app, database), s3, folder)
    finally:
        for process in processes:
            process.send_signal(signal.SIGINT)
        for process in processes:
            process.wait(20)
        moto.stop()
        with cluster_database(app, database):
            database.execute_sql(f'DROP SCHEMA "{schema}" CASCADE')


def on(base, browser):
    """The same browser (its cookie jar: cookies are per host name, not per port) talking to another host."""
    browser.base = base
    return browser


def test_a_login_on_one_host_is_valid_on_the_other_and_ending_it_on_one_ends_it_on_both(cluster):
    host_a, host_b = cluster.host_a, cluster.host_b
    with cluster.database():
        person = make_applicant(mobile="13900000101", id_number=ID_MALE)
    browser = Browser(host_a).log_in(person.username)

    assert on(host_b, browser).request("/home")[0] == 200, "host B knows the session host A began"
    on(host_a, browser).request("/home")
    assert browser.request("/logout", {})[0] == 302
    status, page = on(host_b, browser).request("/home")
    assert status == 302, "退出 on host A ended the session on host B too"


def test_a_file_uploaded_through_one_host_is_served_by_the_other_from_object_storage(cluster):
    host_a, host_b = cluster.host_a, cluster.host_b
    with cluster.database():
        person = make_applicant(mobile="13900000102", id_number=ID_FEMALE)
    browser = Browser(host_a).log_in(person.username)
    browser.request("/me/achievements/new?kind=project")
    content = pdf()
    status, page = browser.request("/me/achievements/new?kind=project", {
        "title": "越城区某住宅小区工程", "role_in": "项目技术负责人", "started_on": "2016-03-01", "ended_on": "2018-06-30",
        "scale": "5.2 万平方米", "description": "负责施工组织设计。"}, files={"files": ("中标通知书.pdf", content)})
    assert status == 302, page
    with cluster.database():
        stored = StoredFile.get(StoredFile.original_name == "中标通知书.pdf")

    served = on(host_b, browser).opener.open(f"{host_b}/files/{stored.id}/download", timeout=30)
    assert served.status == 200 and served.read() == content
    assert cluster.s3.get_object(Bucket=BUCKET, Key=f"{PREFIX}/{stored.stored_name}")["Body"].read() == content
    assert not (cluster.folder / "uploads-never-used").exists(), "nothing was written to a host's own disk"


def test_a_job_queued_by_one_host_is_run_by_the_worker_and_its_result_served_by_the_other(cluster):
    host_a, host_b = cluster.host_a, cluster.host_b
    with cluster.database():
        plan = roster_of(2)
        office = staff(Role.COMMITTEE_OFFICE, committee_number=3, username="pwh_two_hosts")
    browser = Browser(host_a).log_in(office.username)
    browser.request(f"/roster?plan={plan.id}")
    status, _ = browser.request("/roster/batches", {"plan": plan.id, "kind": "roster"})
    assert status == 302
    deadline = time.monotonic() + 30
    while True:
        with cluster.database():
            batch = DocumentBatch.get(DocumentBatch.plan == plan.id)
        if batch.state in (BatchState.DONE, BatchState.FAILED) or time.monotonic() > deadline:
            break
        time.sleep(0.5)
    assert (batch.state, batch.error) == (BatchState.DONE, "")

    status, page = on(host_b, browser).request(f"/roster/batches/{batch.id}")
    assert status == 200 and "已完成" in page
    download = browser.opener.open(f"{host_b}/roster/batches/{batch.id}/download", timeout=30).read()
    assert download.startswith(b"PK"), "the xlsx the worker put in object storage"


def status_of(browser, url):
    try:
        with browser.opener.open(url, timeout=30) as response:
            return response.status
    except HTTPError as error:
        return error.code


def test_the_hosts_count_against_one_limit(cluster):
    """图形验证码 images: 30 a minute per address, counted in Redis, so 15 on each host use up the limit."""
    host_a, host_b = cluster.host_a, cluster.host_b
    browser = Browser(host_a)
    statuses = [status_of(browser, f"{base}/login/captcha.png") for base in (host_a, host_b) for _ in range(15)]
    assert statuses == [200] * 30
    assert status_of(browser, f"{host_a}/login/captcha.png") == 429
    assert status_of(browser, f"{host_b}/login/captcha.png") == 429
