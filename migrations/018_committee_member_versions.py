"""Peewee migrations -- 018: 评委会组成 kept, never deleted: a recomposition ends the current CommitteeMember rows
(ended_at, ended_by) and adds the new ones (created_at, created_by); an expert is unique in a plan's current
composition only, so the unique index on (plan, expert) becomes partial (WHERE ended_at IS NULL; SQLite and
PostgreSQL both have partial indexes). Rows from before 018 keep a NULL created_at (time not recorded)."""
import peewee as pw
from peewee_migrate import Migrator

INDEX = "committeemember_plan_id_expert_id"


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'committee_member',
        created_at=pw.DateTimeField(null=True),
        created_by=pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True,
                                      on_delete='SET NULL'),
        ended_at=pw.DateTimeField(null=True),
        ended_by=pw.ForeignKeyField(column_name='ended_by_id', field='id', model=migrator.orm['user'], null=True,
                                    on_delete='SET NULL'))
    migrator.sql(f'DROP INDEX "{INDEX}"')
    migrator.sql(f'CREATE UNIQUE INDEX "{INDEX}" ON "committee_member" ("plan_id", "expert_id") '
                 'WHERE "ended_at" IS NULL')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    # The old, total unique index cannot hold an ended row beside its successor, and nothing is ever deleted.
    ended = database.execute_sql('SELECT COUNT(*) FROM "committee_member" WHERE "ended_at" IS NOT NULL').fetchone()[0]
    if ended and not fake:
        raise RuntimeError(f"不能回退 018：已有 {ended} 条已结束的评委会组成记录，回退须删除历史，而历史不删除。")
    migrator.sql(f'DROP INDEX "{INDEX}"')
    migrator.sql(f'CREATE UNIQUE INDEX "{INDEX}" ON "committee_member" ("plan_id", "expert_id")')
    migrator.remove_fields('committee_member', 'ended_by', 'ended_at', 'created_by', 'created_at')
