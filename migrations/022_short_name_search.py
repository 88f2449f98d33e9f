"""Peewee migrations -- 022: on SQLite, a name found by one or two characters through an index too (issue 14), as
PostgreSQL does since migration 021: an FTS5 trigram table of each user's name with every character tripled
("李伟伟" → "李李李伟伟伟伟伟伟"), kept by triggers. The tripled name contains "aaabbb" exactly when the name contains
"ab" (and "aaa" when it contains "a"): 3 characters and more, which a trigram index serves.

SQLite has no regexp_replace for a trigger to triple the name with, so the triggers spell it out, one substr() per
character of the longest name the model allows (User.real_name, 64 characters); past a name's end substr() is empty.
The table keeps its text (not external content): FTS5 checks a LIKE against the stored text.
"""
import peewee as pw
from peewee_migrate import Migrator

NAME_LENGTH = 64  # models.User.real_name's max_length
TRIPLED = " || ".join(f"substr(NEW.real_name, {i}, 1)" for i in range(1, NAME_LENGTH + 1) for _ in range(3))
SQLITE = [
    "CREATE VIRTUAL TABLE person_name_tripled USING fts5(name, tokenize='trigram')",
    "CREATE TRIGGER person_name_tripled_added AFTER INSERT ON user BEGIN "
    f"INSERT INTO person_name_tripled (rowid, name) VALUES (NEW.id, {TRIPLED}); END",
    "CREATE TRIGGER person_name_tripled_removed AFTER DELETE ON user BEGIN "
    "DELETE FROM person_name_tripled WHERE rowid = OLD.id; END",
    "CREATE TRIGGER person_name_tripled_changed AFTER UPDATE OF real_name ON user BEGIN "
    "DELETE FROM person_name_tripled WHERE rowid = OLD.id; "
    f"INSERT INTO person_name_tripled (rowid, name) VALUES (NEW.id, {TRIPLED}); END",
    f"INSERT INTO person_name_tripled (rowid, name) SELECT id, {TRIPLED.replace('NEW.', '')} FROM user",
]
SQLITE_ROLLBACK = ["DROP TRIGGER person_name_tripled_changed", "DROP TRIGGER person_name_tripled_removed",
                   "DROP TRIGGER person_name_tripled_added", "DROP TABLE person_name_tripled"]


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        for statement in SQLITE:
            migrator.sql(statement)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    if not isinstance(database, pw.PostgresqlDatabase):
        for statement in SQLITE_ROLLBACK:
            migrator.sql(statement)
