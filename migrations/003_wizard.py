"""Peewee migrations -- 003_wizard.py: what the plans ask for, the application wizard's draft, its history."""
import datetime

import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'review_plan',

        required_attachments=pw.TextField(default=''),
        education_years=pw.CharField(default='', max_length=32),
        rubric=pw.TextField(default=''),
        pass_mark=pw.IntegerField(default=105))

    migrator.add_fields(
        'application',

        updated_at=pw.DateTimeField(default=datetime.datetime.now),
        step_reached=pw.IntegerField(default=1),
        photo=pw.ForeignKeyField(column_name='photo_id', field='id', model=migrator.orm['stored_file'], null=True),
        pledge_token=pw.CharField(max_length=64, null=True, unique=True),
        pledge_token_expires=pw.DateTimeField(null=True),
        pledge_signature=pw.ForeignKeyField(column_name='pledge_signature_id', field='id', model=migrator.orm['stored_file'], null=True),
        pledge_signed_at=pw.DateTimeField(null=True),
        pledge_ip=pw.CharField(default='', max_length=64),
        application_type=pw.CharField(max_length=32, null=True),
        recent_degree=pw.BooleanField(default=False),
        mid_again=pw.BooleanField(default=False),
        transfer_from=pw.CharField(default='', max_length=128),
        landmark_text=pw.TextField(default=''),
        holds_senior_title=pw.BooleanField(default=False),
        second_title=pw.CharField(default='', max_length=128),
        profession=pw.ForeignKeyField(column_name='profession_id', field='id', model=migrator.orm['profession'], null=True),
        category=pw.CharField(max_length=32, null=True),
        assessments=pw.TextField(default='{}'),
        statement=pw.TextField(default=''),
        committee=pw.ForeignKeyField(column_name='committee_id', field='id', model=migrator.orm['committee'], null=True),
        self_evaluation=pw.TextField(default='{}'),
        self_evaluation_total=pw.IntegerField(null=True),
        insured_outside_province=pw.BooleanField(default=False),
        established_post=pw.BooleanField(null=True),
        education_hours=pw.TextField(default='{}'))

    @migrator.create_model
    class ApplicationAchievement(pw.Model):
        id = pw.AutoField()
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'], on_delete='CASCADE')
        achievement = pw.ForeignKeyField(column_name='achievement_id', field='id', model=migrator.orm['achievement'])
        version = pw.IntegerField()
        contributor_evidence = pw.ForeignKeyField(column_name='contributor_evidence_id', field='id', model=migrator.orm['stored_file'], null=True)

        class Meta:
            table_name = "application_achievement"
            indexes = [(('application', 'achievement'), True)]

    @migrator.create_model
    class ApplicationFile(pw.Model):
        id = pw.AutoField()
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'], on_delete='CASCADE')
        key = pw.CharField(max_length=32)
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'])
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "application_file"

    @migrator.create_model
    class ReviewAction(pw.Model):
        id = pw.AutoField()
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'], on_delete='CASCADE')
        level = pw.CharField(max_length=32)
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        action = pw.CharField(max_length=32)
        reason = pw.TextField(default='')
        at = pw.DateTimeField()

        class Meta:
            table_name = "review_action"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_model('review_action')
    migrator.remove_model('application_file')
    migrator.remove_model('application_achievement')
    migrator.remove_fields('application', 'updated_at', 'step_reached', 'photo', 'pledge_token', 'pledge_token_expires',
                           'pledge_signature', 'pledge_signed_at', 'pledge_ip', 'application_type', 'recent_degree',
                           'mid_again', 'transfer_from', 'landmark_text', 'holds_senior_title', 'second_title',
                           'profession', 'category', 'assessments', 'statement', 'committee', 'self_evaluation',
                           'self_evaluation_total', 'insured_outside_province', 'established_post', 'education_hours')
    migrator.remove_fields('review_plan', 'required_attachments', 'education_years', 'rubric', 'pass_mark')
