"""Peewee migrations -- 011: the meeting's computed result (decided_pass), 专家库, 电子证书, 诚信档案."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields('application', decided_pass=pw.BooleanField(null=True))

    @migrator.create_model
    class Expert(pw.Model):
        id = pw.AutoField()
        committee = pw.ForeignKeyField(column_name='committee_id', field='id', model=migrator.orm['committee'])
        name = pw.CharField(max_length=64)
        id_number = pw.CharField(index=True, max_length=18)
        unit_name = pw.CharField(default='', max_length=128)
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['organisation'], null=True)
        title = pw.CharField(default='', max_length=64)
        speciality = pw.CharField(default='', max_length=64)
        mobile = pw.CharField(default='', max_length=20)
        relatives = pw.TextField(default='')
        is_active = pw.BooleanField(default=True)
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], null=True, unique=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "expert"
            indexes = [(('committee', 'id_number'), True)]

    @migrator.create_model
    class Certificate(pw.Model):
        id = pw.AutoField()
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'], unique=True)
        number = pw.CharField(max_length=32, unique=True)
        issued_on = pw.DateField()
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'], null=True)
        issued_by = pw.ForeignKeyField(column_name='issued_by_id', field='id', model=migrator.orm['user'], null=True)
        revoked_on = pw.DateField(null=True)
        revoked_reason = pw.TextField(default='')

        class Meta:
            table_name = "certificate"

    @migrator.create_model
    class IntegrityCase(pw.Model):
        id = pw.AutoField()
        id_number = pw.CharField(index=True, max_length=18)
        name = pw.CharField(max_length=64)
        is_expert = pw.BooleanField(default=False)
        facts = pw.TextField()
        document_number = pw.CharField(max_length=64)
        decided_on = pw.DateField()
        certificate = pw.ForeignKeyField(column_name='certificate_id', field='id', model=migrator.orm['certificate'], null=True)
        recorded_by = pw.ForeignKeyField(column_name='recorded_by_id', field='id', model=migrator.orm['user'])
        recorded_at = pw.DateTimeField()

        class Meta:
            table_name = "integrity_case"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('integrity_case')
    migrator.remove_model('certificate')
    migrator.remove_model('expert')
    migrator.remove_fields('application', 'decided_pass')
