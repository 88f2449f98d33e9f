"""Peewee migrations -- 008_documents.py: issued versions of the 评审表, plans with interviews, interview candidates."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    # Nullable, because NOT NULL rebuilds the table on SQLite, and dropping "application" or "review_plan" there
    # fails on the rows that reference them (as in 007); the models' default gives every new row a value.
    migrator.add_fields('review_plan', has_interviews=pw.BooleanField(default=False, null=True))
    migrator.add_fields('application', interview_candidate=pw.BooleanField(default=False, null=True))

    @migrator.create_model
    class DocumentIssue(pw.Model):
        id = pw.AutoField()
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'],
                                         on_delete='CASCADE')
        number = pw.CharField(max_length=32, unique=True)
        sha256 = pw.CharField(default='', max_length=64)
        issued_at = pw.DateTimeField()
        issued_by = pw.ForeignKeyField(column_name='issued_by_id', field='id', model=migrator.orm['user'], null=True,
                                       on_delete='SET NULL')

        class Meta:
            table_name = "document_issue"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('document_issue')
    migrator.remove_fields('application', 'interview_candidate')
    migrator.remove_fields('review_plan', 'has_interviews')
