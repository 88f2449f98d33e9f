"""Peewee migrations -- 007_accounts.py: server-side sessions, failed logins kept by name and address, 图形验证码."""
import secrets

import peewee as pw
from peewee_migrate import Migrator


def _give_every_user_a_session_token(database):
    users = pw.Table("user", ("id", "session_token")).bind(database)
    for (user_id,) in users.select(users.id).tuples():
        users.update({users.session_token: secrets.token_hex(32)}).where(users.id == user_id).execute()


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('user', 'locked_until')
    # Nullable, because making it NOT NULL rebuilds the table on SQLite, and dropping "user" there would cascade
    # to every row that references it; every row gets a token here, and every new one by the model's default.
    migrator.add_fields('user', session_token=pw.CharField(max_length=64, null=True, unique=True))
    migrator.run(_give_every_user_a_session_token, database)

    migrator.add_fields(
        'login_failure',
        username=pw.CharField(default='', index=True, max_length=64),
        ip=pw.CharField(default='', index=True, max_length=64))
    migrator.sql('UPDATE "login_failure" SET "username" = '
                 '(SELECT "username" FROM "user" WHERE "user"."id" = "login_failure"."user_id")')
    migrator.drop_not_null('login_failure', 'user')

    @migrator.create_model
    class CaptchaChallenge(pw.Model):
        id = pw.AutoField()
        token = pw.CharField(max_length=64, unique=True)
        answer = pw.CharField(max_length=8)
        created_at = pw.DateTimeField(index=True)
        used = pw.BooleanField(default=False)

        class Meta:
            table_name = "captcha_challenge"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('captcha_challenge')
    migrator.remove_fields('login_failure', 'username', 'ip')
    migrator.add_not_null('login_failure', 'user')
    migrator.remove_fields('user', 'session_token')
    migrator.add_fields('user', locked_until=pw.DateTimeField(null=True))
