"""Peewee migrations -- 004_review_chain.py: who holds an application, publicity, holidays, fee settings."""
from decimal import ROUND_HALF_EVEN, Decimal

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    @migrator.create_model
    class Publicity(pw.Model):
        id = pw.AutoField()
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['organisation'])
        starts_on = pw.DateField()
        ends_on = pw.DateField()
        note = pw.TextField(default='')
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()
        sent_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "publicity"

    migrator.add_fields(
        'application',
        stage=pw.CharField(index=True, max_length=32, null=True),
        stage_organisation=pw.ForeignKeyField(column_name='stage_organisation_id', field='id', model=migrator.orm['organisation'], null=True),
        stage_since=pw.DateTimeField(null=True),
        version=pw.IntegerField(default=1),
        publicity=pw.ForeignKeyField(column_name='publicity_id', field='id', model=migrator.orm['publicity'], null=True, on_delete='SET NULL'),
        meeting_date=pw.DateField(null=True))

    migrator.add_fields(
        'review_action',
        organisation=pw.ForeignKeyField(column_name='organisation_id', field='id', model=migrator.orm['organisation'], null=True))

    @migrator.create_model
    class FeeSetting(pw.Model):
        id = pw.AutoField()
        organisation = pw.ForeignKeyField(column_name='organisation_id', field='id', model=migrator.orm['organisation'], unique=True)
        charges = pw.BooleanField(default=True)
        amount = pw.DecimalField(auto_round=False, decimal_places=2, default=Decimal('0'), max_digits=10, rounding=ROUND_HALF_EVEN)
        updated_by = pw.ForeignKeyField(column_name='updated_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "fee_setting"

    @migrator.create_model
    class Holiday(pw.Model):
        id = pw.AutoField()
        day = pw.DateField(unique=True)
        is_workday = pw.BooleanField(default=False)
        name = pw.CharField(default='', max_length=32)

        class Meta:
            table_name = "holiday"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('review_action', 'organisation')
    migrator.remove_fields('application', 'stage', 'stage_organisation', 'stage_since', 'version', 'publicity', 'meeting_date')
    migrator.remove_model('holiday')
    migrator.remove_model('fee_setting')
    migrator.remove_model('publicity')
