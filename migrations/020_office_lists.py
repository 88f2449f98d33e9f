"""Peewee migrations -- 020: each office's review list kept by the database itself (issue 14).

`office_application` holds one row per (organisation, application) the organisation may see, exactly the rule of
models.applications_visible_to for the talent centre, the bureaus and the committee offices: the application is held
there now (stage_organisation) or the organisation has acted on it (a review_action row names it). Each row carries
the application's state, plan, profession, 申报类型, stage_since and applicant, so an office's list is read, filtered and
ordered from one index, whatever the size of the city.

`office_count` counts those rows by (organisation, state, plan, profession, 申报类型) and `office_total` along each
of those alone: the state tabs, the filters' dropdowns and the list's total read a few dozen counters instead of
counting thousands of rows. A change adds rows (+1, -1) and never updates one, so that concurrent reviews of one
office never wait for each other on its counters; services/office_lists.compact() folds each key's rows into one
every minute.

The three are derived tables, kept by triggers on `application` and `review_action` (so that no write path, bulk updates
and imports included, can forget them) and rebuilt from those two tables here; they hold no record of their own. A
row of office_application goes away when the application leaves an office that never acted on it, as the rule says.
"""
import peewee as pw
from peewee_migrate import Migrator

COLUMNS = ("status", "plan_id", "profession_id", "application_type", "stage_since", "applicant_id")
COUNTED = ("status", "plan_id", "profession_id", "application_type")  # the keys of office_count
DIMENSIONS = {"status": "{r}.status", "plan": "CAST({r}.plan_id AS VARCHAR(32))",  # office_total's, from a row r
              "profession": "COALESCE(CAST({r}.profession_id AS VARCHAR(32)), '')",
              "type": "COALESCE({r}.application_type, '')"}
ROW = ", ".join(COLUMNS)


def _of(r):
    """COLUMNS of the row or table alias `r`."""
    return ", ".join(f"{r}.{c}" for c in COLUMNS)


TABLES = [
    """CREATE TABLE office_application (
        organisation_id INTEGER NOT NULL,
        application_id INTEGER NOT NULL,
        acted BOOLEAN NOT NULL,
        status VARCHAR(32) NOT NULL,
        plan_id INTEGER NOT NULL,
        profession_id INTEGER,
        application_type VARCHAR(32),
        stage_since TIMESTAMP,
        applicant_id INTEGER NOT NULL,
        PRIMARY KEY (organisation_id, application_id))""",
    "CREATE INDEX office_application_application_id ON office_application (application_id)",
    "CREATE INDEX office_application_applicant_id_organisation_id ON office_application (applicant_id, organisation_id)",
    # the list in its order, with or without a state, and the other filters' columns: read from the index alone
    "CREATE INDEX office_application_in_state ON office_application "
    "(organisation_id, status, stage_since, application_id, plan_id, profession_id, application_type)",
    "CREATE INDEX office_application_in_order ON office_application "
    "(organisation_id, stage_since, application_id, status, plan_id, profession_id, application_type)",
    # the counters: each change adds a row per key it moves (no row is updated, so no two transactions wait for
    # each other or deadlock over a busy office's counters); services/office_lists.compact() folds them every minute
    """CREATE TABLE office_count (
        organisation_id INTEGER NOT NULL,
        status VARCHAR(32) NOT NULL,
        plan_id INTEGER NOT NULL,
        profession_id INTEGER NOT NULL,
        application_type VARCHAR(32) NOT NULL,
        n INTEGER NOT NULL)""",
    "CREATE INDEX office_count_organisation_id_status_plan_id_profession_id_application_type_n "
    "ON office_count (organisation_id, status, plan_id, profession_id, application_type, n)",
    """CREATE TABLE office_total (
        organisation_id INTEGER NOT NULL,
        dimension VARCHAR(16) NOT NULL,
        value VARCHAR(32) NOT NULL,
        n INTEGER NOT NULL)""",
    "CREATE INDEX office_total_organisation_id_dimension_value_n ON office_total (organisation_id, dimension, value, n)",
]

# an application's visible pairs: its holder's, and each organisation's that acted on it; then their counts
BACKFILL = [
    f"""INSERT INTO office_application (organisation_id, application_id, acted, {ROW})
        SELECT pair.organisation_id, a.id,
               EXISTS (SELECT 1 FROM review_action r
                       WHERE r.application_id = a.id AND r.organisation_id = pair.organisation_id),
               {_of('a')}
        FROM (SELECT stage_organisation_id AS organisation_id, id AS application_id FROM application
              WHERE stage_organisation_id IS NOT NULL
              UNION SELECT organisation_id, application_id FROM review_action WHERE organisation_id IS NOT NULL) pair
        JOIN application a ON a.id = pair.application_id""",
    """INSERT INTO office_count (organisation_id, status, plan_id, profession_id, application_type, n)
        SELECT organisation_id, status, plan_id, COALESCE(profession_id, 0), COALESCE(application_type, ''), COUNT(*)
        FROM office_application GROUP BY organisation_id, status, plan_id, COALESCE(profession_id, 0),
                                          COALESCE(application_type, '')""",
    *(f"""INSERT INTO office_total (organisation_id, dimension, value, n)
          SELECT organisation_id, '{name}', {value.format(r="o")}, COUNT(*) FROM office_application o
          GROUP BY organisation_id, {value.format(r="o")}""" for name, value in DIMENSIONS.items()),
]


def _added(table, key, rows):
    """Add `rows` (lists of SQL values: the key's, then the step) to `table`'s counters: a row per key, the steps
    summed, none where they cancel (a move that changes the state only adds nothing for the plan, the profession or
    the type)."""
    names = [f"k{i}" for i in range(len(key))]
    change = " UNION ALL ".join("SELECT " + ", ".join(f"{value} AS {name}" for value, name in zip(row, [*names, "step"],
                                                                                                     strict=True))
                                for row in rows)
    return (f"INSERT INTO {table} ({', '.join(key)}, n) SELECT {', '.join(names)}, SUM(step) FROM ({change}) AS change "
            f"GROUP BY {', '.join(names)} HAVING SUM(step) <> 0")


def _counted(*changes):
    """The statements adding each (r, step) of `changes` to the counters of office_application's row r (NEW, OLD)."""
    counts = [[f"{r}.organisation_id", f"{r}.status", f"{r}.plan_id", f"COALESCE({r}.profession_id, 0)",
               f"COALESCE({r}.application_type, '')", str(step)] for r, step in changes]
    totals = [[f"{r}.organisation_id", f"'{name}'", value.format(r=r), str(step)]
              for r, step in changes for name, value in DIMENSIONS.items()]
    return [_added("office_count", ("organisation_id", "status", "plan_id", "profession_id", "application_type"),
                   counts),
            _added("office_total", ("organisation_id", "dimension", "value"), totals)]


def _triggers(differs):
    """{name: (table, event, condition, statements)}; `differs(column)` says that an UPDATE changed the column."""
    held = (f"INSERT INTO office_application (organisation_id, application_id, acted, {ROW}) "
            f"SELECT NEW.stage_organisation_id, NEW.id, FALSE, {_of('NEW')} "
            "WHERE NEW.stage_organisation_id IS NOT NULL "  # a WHERE also spares SQLite's upsert an ambiguity
            "ON CONFLICT (organisation_id, application_id) DO NOTHING")
    return {
        "office_application_counted": ("office_application", "INSERT", None, _counted(("NEW", 1))),
        "office_application_uncounted": ("office_application", "DELETE", None, _counted(("OLD", -1))),
        "office_application_recounted": ("office_application", "UPDATE", " OR ".join(map(differs, COUNTED)),
                                         _counted(("OLD", -1), ("NEW", 1))),
        "application_held": ("application", "INSERT", "NEW.stage_organisation_id IS NOT NULL", [held]),
        "application_moved": ("application", "UPDATE", " OR ".join(map(differs, COLUMNS + ("stage_organisation_id",))), [
            "UPDATE office_application SET " + ", ".join(f"{c} = NEW.{c}" for c in COLUMNS)
            + " WHERE application_id = NEW.id",
            held,
            "DELETE FROM office_application WHERE application_id = NEW.id AND NOT acted "
            "AND (NEW.stage_organisation_id IS NULL OR organisation_id <> NEW.stage_organisation_id)"]),
        "review_action_acted": ("review_action", "INSERT", "NEW.organisation_id IS NOT NULL", [
            f"INSERT INTO office_application (organisation_id, application_id, acted, {ROW}) "
            f"SELECT NEW.organisation_id, a.id, TRUE, {_of('a')} "
            "FROM application a WHERE a.id = NEW.application_id "
            "ON CONFLICT (organisation_id, application_id) DO UPDATE SET acted = TRUE"]),
    }


def triggers(database):
    """CREATE statements of the triggers, for SQLite or PostgreSQL (a function each, the trigger's WHEN the same)."""
    postgres = isinstance(database, pw.PostgresqlDatabase)
    statements = []
    for name, (table, event, condition, body) in _triggers(
            (lambda c: f"OLD.{c} IS DISTINCT FROM NEW.{c}") if postgres else (lambda c: f"OLD.{c} IS NOT NEW.{c}")).items():
        when = f" WHEN ({condition})" if condition else ""
        if postgres:
            statements.append(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                              + "; ".join(body) + "; RETURN NULL; END $$")
            statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} "
                              f"EXECUTE FUNCTION {name}()")
        else:
            statements.append(f"CREATE TRIGGER {name} AFTER {event} ON {table} FOR EACH ROW{when} BEGIN "
                              + "; ".join(body) + "; END")
    return statements


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    for statement in TABLES + BACKFILL + triggers(database):
        migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    postgres = isinstance(database, pw.PostgresqlDatabase)
    for name, (table, *_rest) in _triggers(str).items():
        migrator.sql(f"DROP TRIGGER IF EXISTS {name}" + (f" ON {table}" if postgres else ""))
        if postgres:
            migrator.sql(f"DROP FUNCTION IF EXISTS {name}()")
    for table in ("office_total", "office_count", "office_application"):
        migrator.sql(f"DROP TABLE {table}")
