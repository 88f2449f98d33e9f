"""Peewee migrations -- 006_submissions.py: every 提交 of an application kept (第 n 次提交) with the files it carries.

Applications submitted before this migration keep their current snapshot, numbered by how many times they were
submitted (their 提交 history rows); the versions it overwrote cannot be recovered.
"""
import json

import peewee as pw
from peewee_migrate import Migrator

from services.snapshot import file_ids


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Submission(pw.Model):
        id = pw.AutoField()
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'], on_delete='CASCADE')
        number = pw.IntegerField()
        snapshot = pw.TextField()
        submitted_at = pw.DateTimeField()
        submitted_by = pw.ForeignKeyField(column_name='submitted_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')

        class Meta:
            table_name = "submission"
            indexes = [(('application', 'number'), True)]

    @migrator.create_model
    class SubmissionFile(pw.Model):
        id = pw.AutoField()
        submission = pw.ForeignKeyField(column_name='submission_id', field='id', model=migrator.orm['submission'], on_delete='CASCADE')
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'])

        class Meta:
            table_name = "submission_file"
            indexes = [(('submission', 'file'), True)]

    def first_submissions():
        application, stored, action = migrator.orm['application'], migrator.orm['stored_file'], migrator.orm['review_action']
        existing = {row.id for row in stored.select(stored.id)}
        for row in application.select().where(application.submitted_at.is_null(False)):
            times = action.select().where((action.application == row.id)
                                          & action.action.in_(["submit", "resubmit"])).count()
            kept = Submission.create(application=row.id, number=max(times, 1), snapshot=row.snapshot,
                                     submitted_at=row.submitted_at, submitted_by=row.applicant_id)
            for file_id in dict.fromkeys(file_ids(json.loads(row.snapshot or "{}"))):
                if file_id in existing:
                    SubmissionFile.create(submission=kept, file=file_id)

    if not fake:
        migrator.run(first_submissions)


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('submission_file')
    migrator.remove_model('submission')
