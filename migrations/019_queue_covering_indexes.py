"""Peewee migrations -- 019: indexes an office's review list reads without touching the rows (issue 14): its
applications grouped by state, plan, profession and 申报类型 (the tabs, the dropdowns and the list's total), and its
applications in the list's order whatever their state."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_index('application', 'stage_organisation', 'status', 'plan', 'profession', 'application_type', 'id')
    migrator.add_index('application', 'stage_organisation', 'stage_since', 'id')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.drop_index('application', 'stage_organisation', 'stage_since', 'id')
    migrator.drop_index('application', 'stage_organisation', 'status', 'plan', 'profession', 'application_type', 'id')
