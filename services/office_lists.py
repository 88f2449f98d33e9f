"""The offices' counters (migration 020): every change adds rows (+1, -1) to office_count and office_total, so that
concurrent reviews never wait on a busy office's counter; compact() folds each key's rows into one (their sum, none
when it is 0), every minute in the worker (tasks.compact_office_counters). Readers sum a key's rows either way."""
from peewee import PostgresqlDatabase

from models import db

KEYS = {"office_count": ("organisation_id", "status", "plan_id", "profession_id", "application_type"),
        "office_total": ("organisation_id", "dimension", "value")}


def compact():
    """Fold the counters' rows; returns how many rows there were before and after."""
    before = after = 0
    for table, key in KEYS.items():
        columns = ", ".join(key)
        before += db.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
        if isinstance(db.obj, PostgresqlDatabase):
            # one statement, one snapshot: a row committed meanwhile is neither deleted nor summed, it stays
            same = " AND ".join(f"t.{column} = doubled.{column}" for column in key)
            db.execute_sql(
                f"WITH doubled AS (SELECT {columns} FROM {table} GROUP BY {columns} HAVING COUNT(*) > 1), "
                f"gone AS (DELETE FROM {table} t USING doubled WHERE {same} RETURNING t.*) "
                f"INSERT INTO {table} ({columns}, n) SELECT {columns}, SUM(n) FROM gone GROUP BY {columns} "
                "HAVING SUM(n) <> 0")
        else:
            with db.atomic():  # SQLite: the write lock held from the first statement, nothing commits meanwhile
                db.execute_sql(f"CREATE TEMP TABLE folded AS SELECT {columns}, SUM(n) AS n FROM {table} "
                               f"GROUP BY {columns} HAVING COUNT(*) > 1")
                db.execute_sql(f"DELETE FROM {table} WHERE ({columns}) IN (SELECT {columns} FROM folded)")
                db.execute_sql(f"INSERT INTO {table} ({columns}, n) SELECT {columns}, n FROM folded WHERE n <> 0")
                db.execute_sql("DROP TABLE folded")
        after += db.execute_sql(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
    return before, after


def refresh_statistics():
    """SQLite's query-planner statistics (ANALYZE, sampled): without them it reads a searched list in the office's
    order, 10,000 rows for 7 people at 100k, instead of by the people found (PostgreSQL's autovacuum keeps its own)."""
    if not isinstance(db.obj, PostgresqlDatabase):
        db.execute_sql("PRAGMA analysis_limit = 1000")
        db.execute_sql("ANALYZE")
