"""An empty database migrated to head has exactly the models' tables, columns, nullability and indexes."""
import pytest

from models import MODELS, db


def _expected_indexes(model):
    """(columns, unique) of every index the model declares: unique/indexed fields, foreign keys, Meta.indexes."""
    found = set()
    for field in model._meta.sorted_fields:
        if field.primary_key:
            continue
        if field.unique or field.index or getattr(field, "rel_model", None) is not None:
            found.add(((field.column_name,), bool(field.unique)))
    for columns, unique in model._meta.indexes:
        names = tuple(model._meta.fields[c].column_name for c in columns)
        found.add((names, bool(unique)))
    return found


def _actual_indexes(table):
    return {(tuple(index.columns), bool(index.unique)) for index in db.get_indexes(table)
            if not index.name.endswith("_pkey")}


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
    tables = set(db.get_tables()) - {"migratehistory"}
    assert tables == {m._meta.table_name for m in MODELS}
