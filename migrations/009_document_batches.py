"""Peewee migrations -- 009_document_batches.py: background jobs making a plan's 评审表, 资料袋封面 or 花名册."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    # an xlsx's content type has 65 characters; SQLite does not enforce lengths, PostgreSQL does
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql('ALTER TABLE "stored_file" ALTER COLUMN "content_type" TYPE VARCHAR(128)')

    @migrator.create_model
    class DocumentBatch(pw.Model):
        id = pw.AutoField()
        kind = pw.CharField(max_length=32)
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['review_plan'])
        as_zip = pw.BooleanField(default=False)
        site = pw.CharField(default='', max_length=255)
        requested_by = pw.ForeignKeyField(column_name='requested_by_id', field='id', model=migrator.orm['user'])
        organisation = pw.ForeignKeyField(column_name='organisation_id', field='id', model=migrator.orm['organisation'])
        state = pw.CharField(default='queued', index=True, max_length=32)
        done = pw.IntegerField(default=0)
        total = pw.IntegerField(default=0)
        error = pw.TextField(default='')
        result = pw.ForeignKeyField(column_name='result_id', field='id', model=migrator.orm['stored_file'], null=True)
        created_at = pw.DateTimeField()
        started_at = pw.DateTimeField(null=True)
        finished_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "document_batch"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('document_batch')
    if isinstance(database, pw.PostgresqlDatabase):
        migrator.sql('ALTER TABLE "stored_file" ALTER COLUMN "content_type" TYPE VARCHAR(64)')
