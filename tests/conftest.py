"""Test set-up: one app per session on SQLite (default) or PostgreSQL (TEST_DATABASE_URL), clean data per test."""
import os
import tempfile
from urllib.parse import quote

import pytest
from peewee import PostgresqlDatabase

os.environ.setdefault("SECRET_KEY", "test-secret-key-of-at-least-32-bytes")
# the huey queue file of the tests (jobs run at once, in immediate mode), never the project's instance folder
os.environ.setdefault("HUEY_DB", os.path.join(tempfile.mkdtemp(prefix="huey-"), "huey.db"))

import tasks  # noqa: E402
from app import create_app, limiter, migration_router  # noqa: E402
from models import MODELS, Organisation, Region, Role, User, db  # noqa: E402
from services.accounts import create_account, register_applicant  # noqa: E402
from services.reference import seed_reference  # noqa: E402
from tests.office_lists import office_lists_disagree  # noqa: E402

PASSWORD = "Shaoxing2024"
# Valid 身份证号 (GB 11643 check character), invented for the tests.
ID_MALE = "330602198506150013"
ID_FEMALE = "33060219900101028X"


def _drop_everything():
    for table in db.get_tables():
        db.execute_sql(f'DROP TABLE IF EXISTS "{table}"' + (" CASCADE" if _is_postgres() else ""))


def _is_postgres():
    return isinstance(db.obj, PostgresqlDatabase)


def _private_schema(url):
    """On PostgreSQL, a schema of this test run's own, so that runs sharing the database do not collide."""
    import psycopg2

    schema = f"test_run_{os.getpid()}"
    with psycopg2.connect(url) as conn, conn.cursor() as cursor:
        cursor.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE; CREATE SCHEMA "{schema}"')
    separator = "&" if "?" in url else "?"
    return schema, f"{url}{separator}options={quote(f'-csearch_path={schema}')}"


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    instance = tmp_path_factory.mktemp("instance")
    url = os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{instance}/test.db"
    schema = None
    if url.startswith("postgres"):
        schema, url = _private_schema(url)
    application = create_app({
        "TESTING": True,
        "DATABASE_URL": url,
        "WTF_CSRF_ENABLED": False,
        "UPLOAD_FOLDER": str(instance / "uploads"),
        "SMS_LOG": str(instance / "sms.log"),
        # the platform's signing key of the tests: absent until a test asks for `signing_key`
        "SIGNING_KEY_FILE": str(instance / "signing-key.pem"),
        "SIGNING_CERT_FILE": str(instance / "signing-cert.pem"),
    })
    tasks.huey.immediate = True
    db.connect(reuse_if_open=True)
    _drop_everything()
    migration_router(db.obj).run()
    yield application
    if schema:
        db.execute_sql(f'DROP SCHEMA "{schema}" CASCADE')
    db.close()


def clear_data():
    """Empty every table but the migration history."""
    tables = [m._meta.table_name for m in MODELS]
    if _is_postgres():
        db.execute_sql("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE")
    else:
        db.execute_sql("PRAGMA foreign_keys = OFF")
        for table in tables:
            db.execute_sql(f'DELETE FROM "{table}"')
        db.execute_sql("PRAGMA foreign_keys = ON")


class ReferenceSnapshot:
    """The database as `clear_data()` + `seed_reference()` leave it, put back before each test in a few statements.

    Emptying ~50 tables and seeding again cost 270 ms a test on PostgreSQL (60 ms on SQLite); this deletes from the
    tables a test wrote to, copies the reference rows back and resets every id sequence to where seeding left it,
    so each test sees exactly the state (ids included) that clearing and seeding would give.
    """

    def __init__(self):
        clear_data()
        seed_reference()
        self.tables = [m._meta.table_name for m in MODELS]
        self.postgres = _is_postgres()
        self.seeded = [t for t in self.tables if db.execute_sql(f'SELECT 1 FROM "{t}" LIMIT 1').fetchone()]
        self.columns = {t: [c.name for c in db.get_columns(t)] for t in self.seeded}
        if self.postgres:
            self.schema = db.execute_sql("SELECT current_schema()").fetchone()[0] + "_reference"
            db.execute_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE; CREATE SCHEMA "{self.schema}"')
            for t in self.seeded:
                db.execute_sql(f'CREATE TABLE "{self.schema}"."{t}" AS SELECT * FROM "{t}"')
            sequences = db.execute_sql(
                "SELECT s.relname FROM pg_class s JOIN pg_namespace n ON n.oid = s.relnamespace "
                "WHERE s.relkind = 'S' AND n.nspname = current_schema()").fetchall()
            self.sequences = {name: db.execute_sql(f'SELECT last_value, is_called FROM "{name}"').fetchone()
                              for (name,) in sequences}
        else:
            self.rows = {t: db.execute_sql(f'SELECT * FROM "{t}"').fetchall() for t in self.seeded}

    def restore(self):
        written = [t for (t,) in db.execute_sql(" UNION ALL ".join(
            f"""SELECT '{t}' WHERE EXISTS (SELECT 1 FROM "{t}")""" for t in self.tables)).fetchall()]
        if self.postgres:
            statements = ["BEGIN", "SET LOCAL session_replication_role = replica"]
            statements += [f'DELETE FROM "{t}"' for t in written]
            for t in self.seeded:
                columns = ", ".join(f'"{c}"' for c in self.columns[t])
                statements.append(f'INSERT INTO "{t}" ({columns}) SELECT {columns} FROM "{self.schema}"."{t}"')
            statements.append("SELECT " + ", ".join(
                f"setval('\"{name}\"', {value}, {str(called).lower()})"
                for name, (value, called) in self.sequences.items()))
            statements.append("COMMIT")
            db.execute_sql("; ".join(statements))
            return
        db.execute_sql("PRAGMA foreign_keys = OFF")
        with db.atomic():
            for t in written:
                db.execute_sql(f'DELETE FROM "{t}"')
            for t, rows in self.rows.items():
                marks = ", ".join("?" * len(self.columns[t]))
                db.cursor().executemany(f'INSERT INTO "{t}" VALUES ({marks})', rows)
        db.execute_sql("PRAGMA foreign_keys = ON")

    def drop(self):
        if self.postgres:
            db.execute_sql(f'DROP SCHEMA IF EXISTS "{self.schema}" CASCADE')


@pytest.fixture(scope="session")
def reference(app):
    snapshot = ReferenceSnapshot()
    yield snapshot
    db.connect(reuse_if_open=True)
    snapshot.drop()


@pytest.fixture(autouse=True)
def fresh_data(app, reference):
    """Each test starts with the reference data only, and no failed logins counted against any address."""
    db.connect(reuse_if_open=True)
    reference.restore()
    limiter.reset()
    yield
    db.connect(reuse_if_open=True)
    wrong = office_lists_disagree()
    assert not wrong, "评审列表的派生表与申报记录不一致（迁移 020 的触发器）：\n" + "\n".join(wrong[:10])


@pytest.fixture
def signing_key(app):
    """The platform's signing key and certificate in the tests' instance folder, made once."""
    from services.certificates import create_signing_key, key_paths

    key_path, cert_path = key_paths(app.config)
    if not cert_path.is_file():
        create_signing_key(key_path, cert_path, "测试职称平台")
    return cert_path


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def csrf_on(app):
    """Run a test with CSRF protection on, as in production."""
    app.config["WTF_CSRF_ENABLED"] = True
    yield
    app.config["WTF_CSRF_ENABLED"] = False


def region(name):
    return Region.get(Region.name == name)


def organisation(kind, region_name=None, **extra):
    query = Organisation.select().where(Organisation.kind == kind)
    if region_name:
        query = query.where(Organisation.region == region(region_name))
    return query.first()


def make_unit(name="测试建设有限公司", region_name="越城区"):
    return Organisation.create(kind=Role.UNIT, name=name, region=region(region_name))


def make_applicant(mobile="13900000001", id_number=ID_MALE, name="张三"):
    return register_applicant(mobile=mobile, password=PASSWORD, real_name=name, id_number=id_number)


def make_user(role, username=None, organisation=None, mobile=""):
    return create_account(None, username=username or f"{role.value}_{User.select().count() + 1}", real_name=f"{role.label}用户",
                          password=PASSWORD, role=role, organisation=organisation, mobile=mobile)


def login(client, user, password=PASSWORD):
    return client.post("/login", data={"username": user.username, "password": password}, follow_redirects=True)
