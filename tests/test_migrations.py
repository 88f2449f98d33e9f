"""An empty database migrated to head has exactly the models' tables, columns, nullability and indexes."""
import pytest
from peewee import ModelIndex, PostgresqlDatabase

from models import MODELS, db


def _expected_indexes(model):
    """(columns, unique, partial) of every index the model declares: unique/indexed fields, foreign keys,
    Meta.indexes and the ModelIndex objects added to it (which may be partial, WHERE …)."""
    found = set()
    for field in model._meta.sorted_fields:
        if field.primary_key:
            continue
        if field.unique or field.index or getattr(field, "rel_model", None) is not None:
            found.add(((field.column_name,), bool(field.unique), False))
    for index in model._meta.indexes:
        if isinstance(index, ModelIndex):
            names = tuple(field.column_name for field in index._expressions)
            found.add((names, bool(index._unique), index._where is not None))
            continue
        columns, unique = index
        names = tuple(model._meta.fields[c].column_name for c in columns)
        found.add((names, bool(unique), False))
    return found


# the search's trigram indexes (migrations 021 and 022), which no model declares: PostgreSQL's on "user", SQLite's
# FTS5 tables
TRIGRAM_INDEXES = {"user_real_name_trgm", "user_id_number_trgm", "user_real_name_tripled_trgm"}
FTS_TABLES = {table + part for table in ("person_search", "person_name_tripled")
              for part in ("", "_data", "_idx", "_docsize", "_config")} | {"person_name_tripled_content"}


def _actual_indexes(table):
    return {(tuple(index.columns), bool(index.unique), " WHERE " in index.sql.upper())
            for index in db.get_indexes(table)
            if not index.name.endswith("_pkey") and not index.name.startswith("sqlite_autoindex_")  # primary keys
            and index.name not in TRIGRAM_INDEXES}


@pytest.mark.parametrize("model", MODELS, ids=lambda m: m._meta.table_name)
def test_migrated_table_matches_its_model(app, model):
    table = model._meta.table_name
    assert table in db.get_tables(), f"迁移后缺少表 {table}"
    actual = {column.name: column for column in db.get_columns(table)}
    expected = {field.column_name: field for field in model._meta.sorted_fields}
    assert set(actual) == set(expected)
    for name, field in expected.items():
        if not field.primary_key:
            assert actual[name].null == field.null, f"{table}.{name} 的可空性与模型不一致"
    assert _actual_indexes(table) == _expected_indexes(model)


def test_no_table_without_a_model(app):
    tables = {t for t in db.get_tables() if not t.startswith("sqlite_stat")} - {"migratehistory"}  # ANALYZE's
    assert tables == {m._meta.table_name for m in MODELS} | (set() if _postgres() else FTS_TABLES)


def test_the_search_has_its_trigram_index(app):
    if _postgres():
        assert {index.name for index in db.get_indexes("user")} >= TRIGRAM_INDEXES
    else:
        assert set(db.get_tables()) >= FTS_TABLES


def _postgres():
    return isinstance(db.obj, PostgresqlDatabase)


def test_006_keeps_each_submitted_application_as_its_latest_submission(tmp_path):
    """An application submitted twice before 006 gets its snapshot as 第 2 次提交, with the files it names that exist."""
    from peewee import SqliteDatabase

    from app import migration_router

    database = SqliteDatabase(str(tmp_path / "old.db"), pragmas={"foreign_keys": 1})
    router = migration_router(database)
    router.run("004_review_chain")
    snapshot = '{"photo": {"id": 1, "name": "照片.jpg", "size": 3}, "achievements": [{"id": 9, "title": "工程", ' \
               '"files": [{"id": 77, "name": "已不存在.pdf", "size": 1}]}]}'
    for sql, params in [
        ('INSERT INTO "user" (username, password_hash, role, real_name, mobile, is_enabled, must_change_password, '
         "created_at, upload_quota) VALUES ('a', '-', 'applicant', '张三', '', 1, 0, '2026-01-01', 1)", ()),
        ("INSERT INTO stored_file (stored_name, original_name, content_type, size, sha256, created_at) "
         "VALUES ('s', '照片.jpg', 'image/jpeg', 3, 'h', '2026-01-01')", ()),
        ("INSERT INTO review_plan (title, year, level, opens_on, closes_on, requirements, created_at, "
         "required_attachments, education_years, rubric, pass_mark) "
         "VALUES ('p', 2020, 'mid', '2020-01-01', '2020-02-01', '', '2020-01-01', '', '', '', 105)", ()),
        ("INSERT INTO application (applicant_id, plan_id, status, submitted_at, snapshot, pledge_ip, recent_degree, "
         "mid_again, transfer_from, landmark_text, holds_senior_title, second_title, assessments, statement, "
         "self_evaluation, insured_outside_province, education_hours, version, created_at, updated_at, step_reached) "
         "VALUES (1, 1, 'at_unit', '2026-01-02', ?, '', 0, 0, '', '', 0, '', '{}', '', '{}', 0, '{}', 1, "
         "'2026-01-01', '2026-01-01', 1)", (snapshot,)),
        ("INSERT INTO review_action (application_id, level, action, reason, at) VALUES "
         "(1, 'applicant', 'submit', '', '2026-01-01'), (1, 'unit', 'return', '请补充', '2026-01-01'), "
         "(1, 'applicant', 'resubmit', '', '2026-01-02')", ()),
    ]:
        database.execute_sql(sql, params)

    router.run()

    assert database.execute_sql("SELECT application_id, number, snapshot, submitted_by_id FROM submission"
                                ).fetchall() == [(1, 2, snapshot, 1)]
    assert database.execute_sql("SELECT file_id FROM submission_file").fetchall() == [(1,)]
    database.close()


def test_015_gives_a_senior_plan_the_senior_committee_among_its_committees(tmp_path):
    """The 建筑（施工专业） plan (committee 1, a 高评委) is decided there; a plan of 中评委 only waits for seed-reference."""
    from peewee import SqliteDatabase

    from app import migration_router

    database = SqliteDatabase(str(tmp_path / "old.db"), pragmas={"foreign_keys": 1})
    router = migration_router(database)
    router.run("011_experts_certificates_integrity")
    for number, senior in ((1, 1), (3, 0)):
        database.execute_sql("INSERT INTO committee (number, name, titles, professions_text, scope, receiving_office, "
                             "phone, address, note, is_senior) VALUES (?, ?, '', '', '', '', '', '', '', ?)",
                             (number, f"评委会{number}", senior))
    for title, level, committee in (("施工", "senior", 1), ("建设工程", "senior", 2), ("中级", "mid", 2)):
        database.execute_sql("INSERT INTO review_plan (title, year, level, opens_on, closes_on, requirements, "
                             "created_at, required_attachments, education_years, rubric, pass_mark) VALUES "
                             "(?, 2020, ?, '2020-01-01', '2020-02-01', '', '2020-01-01', '', '', '', 105)", (title, level))
        database.execute_sql("INSERT INTO plan_committee (plan_id, committee_id) VALUES "
                             "((SELECT id FROM review_plan WHERE title = ?), ?)", (title, committee))

    router.run()

    assert database.execute_sql("SELECT title, senior_committee_id FROM review_plan ORDER BY id").fetchall() == [
        ("施工", 1), ("建设工程", None), ("中级", None)]
    database.close()


def test_018_keeps_each_composition_current_and_lets_an_ended_member_sit_again(tmp_path):
    """A member composed before 018 stays in force (time not recorded); only the current composition is unique per
    expert, so a recomposition can end a row and add the same expert again; going back would lose that history."""
    from peewee import IntegrityError, SqliteDatabase

    from app import migration_router

    database = SqliteDatabase(str(tmp_path / "old.db"))  # foreign keys off: a bare row of committee_member is enough
    router = migration_router(database)
    router.run("017_queue_indexes")
    database.execute_sql("INSERT INTO committee_member (plan_id, expert_id, role) VALUES (1, 7, 'chair')")

    router.run("018_committee_member_versions")

    assert database.execute_sql("SELECT plan_id, expert_id, role, created_at, created_by_id, ended_at, ended_by_id "
                                "FROM committee_member").fetchall() == [(1, 7, "chair", None, None, None, None)]
    with pytest.raises(IntegrityError), database.atomic():
        database.execute_sql("INSERT INTO committee_member (plan_id, expert_id, role) VALUES (1, 7, 'member')")
    database.execute_sql("UPDATE committee_member SET ended_at = '2026-11-27 10:00:00'")
    database.execute_sql("INSERT INTO committee_member (plan_id, expert_id, role, created_at) "
                         "VALUES (1, 7, 'member', '2026-11-27 10:00:00')")
    with pytest.raises(RuntimeError, match="不能回退 018：已有 1 条已结束的评委会组成记录"):
        router.rollback()
    assert database.execute_sql("SELECT COUNT(*) FROM committee_member").fetchone() == (2,)
    database.close()


def test_replaying_the_done_migrations_touches_nothing(app):
    """An upgrade first replays every migration already done (fake, to rebuild the models' state): none may run SQL
    of its own then (021 looked up pg_trgm through the mocked database: TypeError on the next upgrade)."""
    from app import migration_router

    router = migration_router(db.obj)
    assert router.done and router.migrator.orm["application"]  # the replay of every done migration
