"""Peewee migrations -- 014_certificate_tokens.py: the random token of a 电子证书's QR link (beside its number)."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields('certificate', verify_token=pw.CharField(max_length=32, null=True))


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('certificate', 'verify_token')
