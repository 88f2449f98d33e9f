"""Peewee migrations -- 017: indexes of the review lists at a city's scale (issue 14): an office's pile by state in
the list's order, the list's order itself, and what an office has handled."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_index('application', 'stage_organisation', 'status', 'stage_since', 'id')
    migrator.add_index('application', 'stage_since', 'id')
    migrator.add_index('review_action', 'organisation', 'application')


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.drop_index('review_action', 'organisation', 'application')
    migrator.drop_index('application', 'stage_since', 'id')
    migrator.drop_index('application', 'stage_organisation', 'status', 'stage_since', 'id')
