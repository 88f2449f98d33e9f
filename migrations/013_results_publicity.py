"""Peewee migrations -- 013: 评审结果公示, objections (异议) and 复查."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class ResultPublicity(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['review_plan'])
        office = pw.ForeignKeyField(column_name='office_id', field='id', model=migrator.orm['organisation'])
        starts_on = pw.DateField()
        ends_on = pw.DateField()
        how_to_object = pw.TextField(default='')
        note = pw.TextField(default='')
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True,
                                        on_delete='SET NULL')
        created_at = pw.DateTimeField()
        confirmed_at = pw.DateTimeField(null=True)
        confirmed_by = pw.ForeignKeyField(column_name='confirmed_by_id', field='id', model=migrator.orm['user'],
                                          null=True, on_delete='SET NULL')

        class Meta:
            table_name = "result_publicity"

    migrator.add_fields('application', result_publicity=pw.ForeignKeyField(
        column_name='result_publicity_id', field='id', model=migrator.orm['result_publicity'], null=True,
        on_delete='SET NULL'))

    @migrator.create_model
    class Objection(pw.Model):
        id = pw.AutoField()
        publicity = pw.ForeignKeyField(column_name='publicity_id', field='id', model=migrator.orm['result_publicity'])
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'])
        name = pw.CharField(max_length=64)
        contact = pw.CharField(max_length=64)
        content = pw.TextField()
        evidence = pw.ForeignKeyField(column_name='evidence_id', field='id', model=migrator.orm['stored_file'], null=True)
        ip = pw.CharField(default='', max_length=64)
        lodged_at = pw.DateTimeField()
        state = pw.CharField(index=True, max_length=32)
        decision = pw.TextField(default='')
        decided_by = pw.ForeignKeyField(column_name='decided_by_id', field='id', model=migrator.orm['user'], null=True,
                                        on_delete='SET NULL')
        decided_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "objection"

    @migrator.create_model
    class Recheck(pw.Model):
        id = pw.AutoField()
        publicity = pw.ForeignKeyField(column_name='publicity_id', field='id', model=migrator.orm['result_publicity'])
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'])
        reason = pw.TextField()
        asked_at = pw.DateTimeField()
        outcome = pw.CharField(index=True, max_length=32)
        answer = pw.TextField(default='')
        answered_by = pw.ForeignKeyField(column_name='answered_by_id', field='id', model=migrator.orm['user'],
                                         null=True, on_delete='SET NULL')
        answered_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "recheck"
            indexes = [(('publicity', 'application'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('recheck')
    migrator.remove_model('objection')
    migrator.remove_fields('application', 'result_publicity')
    migrator.remove_model('result_publicity')
