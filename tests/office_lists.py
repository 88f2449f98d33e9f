"""The offices' derived lists (migration 020) checked against what they derive from: `office_application` must hold
exactly the (organisation, application) pairs of applications_visible_to's rule for the offices — the holder, and
every organisation a review_action names — with the application's columns, and `office_count` / `office_total` must
count them. Run after every test (tests/conftest.py), so every write path the suite takes is checked."""
from collections import Counter

from models import db

COLUMNS = "status, plan_id, profession_id, application_type, stage_since, applicant_id"


def _rows(sql):
    return db.execute_sql(sql).fetchall()


def office_lists_disagree():
    """What the derived tables get wrong, as readable lines (empty when they agree)."""
    if "office_application" not in db.get_tables():
        return []
    columns = {row[0]: tuple(row[1:]) for row in _rows(f"SELECT id, {COLUMNS} FROM application")}
    acted = {tuple(row) for row in _rows(
        "SELECT organisation_id, application_id FROM review_action WHERE organisation_id IS NOT NULL")}
    held = {tuple(row) for row in _rows(
        "SELECT stage_organisation_id, id FROM application WHERE stage_organisation_id IS NOT NULL")}
    expected = {(org, app, (org, app) in acted, *columns[app]) for org, app in held | acted}
    actual = {(org, app, bool(was_acted), *rest) for org, app, was_acted, *rest in _rows(
        f"SELECT organisation_id, application_id, acted, {COLUMNS} FROM office_application")}
    wrong = [f"office_application 缺少 {row}" for row in sorted(expected - actual, key=repr)]
    wrong += [f"office_application 多出 {row}" for row in sorted(actual - expected, key=repr)]
    counts = Counter((org, status, plan, profession or 0, kind or "")
                     for org, _app, _acted, status, plan, profession, kind, *_rest in expected)
    totals = Counter()
    for (org, status, plan, profession, kind), n in counts.items():
        for dimension, value in (("status", status), ("plan", str(plan)), ("profession", str(profession or "")),
                                 ("type", kind)):
            totals[(org, dimension, value)] += n
    for table, wanted in (("office_count", counts), ("office_total", totals)):
        kept = Counter()
        for *key, n in _rows(f"SELECT * FROM {table}"):
            kept[tuple(key)] += n
        kept = {key: n for key, n in kept.items() if n}
        if kept != dict(wanted):
            wrong.append(f"{table} 与申报记录不符：多出或不同 {sorted(set(kept.items()) - set(wanted.items()), key=repr)}，"
                         f"缺少或不同 {sorted(set(wanted.items()) - set(kept.items()), key=repr)}")
    return wrong
