"""Peewee migrations -- 010_fees.py: 收费设定 with deadline, reminder, payee and fee name; 缴费通知 (fee notices)."""
from decimal import ROUND_HALF_EVEN

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'fee_setting',
        fee_name=pw.CharField(default='评审费', max_length=50),
        deadline_days=pw.IntegerField(default=10),
        reminder_days=pw.IntegerField(default=2),
        payee=pw.TextField(default=''))

    @migrator.create_model
    class FeeNotice(pw.Model):
        id = pw.AutoField()
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'], on_delete='CASCADE')
        organisation = pw.ForeignKeyField(column_name='organisation_id', field='id', model=migrator.orm['organisation'])
        fee_name = pw.CharField(max_length=50)
        amount = pw.DecimalField(auto_round=False, decimal_places=2, max_digits=10, rounding=ROUND_HALF_EVEN)
        payee = pw.TextField(default='')
        reference = pw.CharField(max_length=20, unique=True)
        issued_on = pw.DateField()
        due_on = pw.DateField(index=True)
        state = pw.CharField(default='pending', index=True, max_length=32)
        paid_amount = pw.DecimalField(auto_round=False, decimal_places=2, max_digits=10, null=True, rounding=ROUND_HALF_EVEN)
        paid_on = pw.DateField(null=True)
        note = pw.TextField(default='')
        settled_by = pw.ForeignKeyField(column_name='settled_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        settled_at = pw.DateTimeField(null=True)
        reminded_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "fee_notice"
            indexes = [(('application', 'organisation'), True)]


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('fee_notice')
    migrator.remove_fields('fee_setting', 'fee_name', 'deadline_days', 'reminder_days', 'payee')
