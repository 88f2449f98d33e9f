"""Peewee migrations -- 021: the review lists' search by name or 身份证号 (any part of either) served by a trigram index
instead of reading every user (issue 14): on PostgreSQL pg_trgm's GIN indexes on "user".real_name and id_number,
which LIKE '%…%' uses as it is; on SQLite an FTS5 table with the trigram tokenizer over the same two columns, kept
by triggers (external content: the text stays in "user" alone).

A trigram index finds text of 3 characters or more. On PostgreSQL a third index finds a name by one or two characters
(below); on SQLite such short text is looked for among the list's applicants (blueprints/review.search_condition).
"""
import peewee as pw
from peewee_migrate import Migrator

from services.trigram import trigram_schema

SQLITE = [
    "CREATE VIRTUAL TABLE person_search USING fts5(real_name, id_number, content='user', content_rowid='id', "
    "tokenize='trigram')",
    "INSERT INTO person_search (person_search) VALUES ('rebuild')",
    "CREATE TRIGGER person_search_added AFTER INSERT ON user BEGIN "
    "INSERT INTO person_search (rowid, real_name, id_number) VALUES (NEW.id, NEW.real_name, NEW.id_number); END",
    "CREATE TRIGGER person_search_removed AFTER DELETE ON user BEGIN "
    "INSERT INTO person_search (person_search, rowid, real_name, id_number) "
    "VALUES ('delete', OLD.id, OLD.real_name, OLD.id_number); END",
    "CREATE TRIGGER person_search_changed AFTER UPDATE OF real_name, id_number ON user BEGIN "
    "INSERT INTO person_search (person_search, rowid, real_name, id_number) "
    "VALUES ('delete', OLD.id, OLD.real_name, OLD.id_number); "
    "INSERT INTO person_search (rowid, real_name, id_number) VALUES (NEW.id, NEW.real_name, NEW.id_number); END",
]
SQLITE_ROLLBACK = ["DROP TRIGGER person_search_changed", "DROP TRIGGER person_search_removed",
                   "DROP TRIGGER person_search_added", "DROP TABLE person_search"]
# PostgreSQL also finds a name by one or two characters: each character tripled ("李伟伟" → "李李李伟伟伟伟伟伟"), the
# tripled name contains "aaabbb" exactly when the name contains "ab" (and "aaa" when it contains "a"): 3 characters
# and more, which a trigram index serves
TRIPLED_NAME = r"regexp_replace(real_name, '(.)', '\1\1\1', 'g')"
POSTGRES_INDEXES = {"user_real_name_trgm": "real_name", "user_id_number_trgm": "id_number",
                    "user_real_name_tripled_trgm": f"({TRIPLED_NAME})"}


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        for statement in SQLITE:
            migrator.sql(statement)
        return
    schema = "public" if fake else trigram_schema(database)  # a fake run (peewee_migrate replaying) touches nothing
    for name, column in POSTGRES_INDEXES.items():
        migrator.sql(f'CREATE INDEX {name} ON "user" USING gin ({column} "{schema}".gin_trgm_ops)')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        for statement in SQLITE_ROLLBACK:
            migrator.sql(statement)
        return
    for name in POSTGRES_INDEXES:
        migrator.sql(f"DROP INDEX {name}")
