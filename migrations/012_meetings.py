"""Peewee migrations -- 012: 评委会组成, 评审会议 (attendance, agenda, recusals, secret ballots), 面试安排.

The ballot table has a random primary key, no voter and no time; on SQLite it is WITHOUT ROWID, so its rows are
stored in key order and not in the order they were cast (PostgreSQL has no such option; see models.Ballot).
"""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    sqlite = isinstance(database, pw.SqliteDatabase)

    @migrator.create_model
    class CommitteeMember(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['review_plan'])
        expert = pw.ForeignKeyField(column_name='expert_id', field='id', model=migrator.orm['expert'])
        role = pw.CharField(max_length=32)

        class Meta:
            table_name = "committee_member"
            indexes = [(('plan', 'expert'), True)]

    @migrator.create_model
    class Meeting(pw.Model):
        id = pw.AutoField()
        office = pw.ForeignKeyField(column_name='office_id', field='id', model=migrator.orm['organisation'])
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['review_plan'])
        held_on = pw.DateField()
        place = pw.CharField(max_length=128)
        created_by = pw.ForeignKeyField(column_name='created_by_id', field='id', model=migrator.orm['user'], null=True,
                                        on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "meeting"

    @migrator.create_model
    class Attendance(pw.Model):
        id = pw.AutoField()
        meeting = pw.ForeignKeyField(column_name='meeting_id', field='id', model=migrator.orm['meeting'],
                                     on_delete='CASCADE')
        expert = pw.ForeignKeyField(column_name='expert_id', field='id', model=migrator.orm['expert'])
        role = pw.CharField(max_length=32)
        present = pw.BooleanField(default=False)

        class Meta:
            table_name = "attendance"
            indexes = [(('meeting', 'expert'), True)]

    @migrator.create_model
    class AgendaItem(pw.Model):
        id = pw.AutoField()
        meeting = pw.ForeignKeyField(column_name='meeting_id', field='id', model=migrator.orm['meeting'],
                                     on_delete='CASCADE')
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'])
        position = pw.IntegerField()
        mode = pw.CharField(max_length=32, null=True)
        state = pw.CharField(default='waiting', max_length=32)
        voters = pw.IntegerField(null=True)
        agree = pw.IntegerField(null=True)
        disagree = pw.IntegerField(null=True)
        abstain = pw.IntegerField(null=True)
        passed = pw.BooleanField(null=True)
        closed_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "agenda_item"
            indexes = [(('meeting', 'application'), True)]

    @migrator.create_model
    class Recusal(pw.Model):
        id = pw.AutoField()
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['agenda_item'],
                                  on_delete='CASCADE')
        expert = pw.ForeignKeyField(column_name='expert_id', field='id', model=migrator.orm['expert'])
        kind = pw.CharField(max_length=32)
        reason = pw.TextField(default='')
        recorded_by = pw.ForeignKeyField(column_name='recorded_by_id', field='id', model=migrator.orm['user'],
                                         null=True, on_delete='SET NULL')
        recorded_at = pw.DateTimeField()

        class Meta:
            table_name = "recusal"
            indexes = [(('item', 'expert'), True)]

    @migrator.create_model
    class Ballot(pw.Model):
        key = pw.CharField(max_length=32, primary_key=True)
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['agenda_item'],
                                  on_delete='CASCADE')
        choice = pw.CharField(max_length=32)

        class Meta:
            table_name = "ballot"
            without_rowid = sqlite

    @migrator.create_model
    class BallotCast(pw.Model):
        id = pw.AutoField()
        item = pw.ForeignKeyField(column_name='item_id', field='id', model=migrator.orm['agenda_item'],
                                  on_delete='CASCADE')
        expert = pw.ForeignKeyField(column_name='expert_id', field='id', model=migrator.orm['expert'])

        class Meta:
            table_name = "ballot_cast"
            indexes = [(('item', 'expert'), True)]

    @migrator.create_model
    class Interview(pw.Model):
        id = pw.AutoField()
        application = pw.ForeignKeyField(column_name='application_id', field='id', model=migrator.orm['application'],
                                         unique=True)
        starts_at = pw.DateTimeField()
        room = pw.CharField(max_length=128)
        scheduled_by = pw.ForeignKeyField(column_name='scheduled_by_id', field='id', model=migrator.orm['user'],
                                          null=True, on_delete='SET NULL')
        scheduled_at = pw.DateTimeField()

        class Meta:
            table_name = "interview"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    for table in ('interview', 'ballot_cast', 'ballot', 'recusal', 'agenda_item', 'attendance', 'meeting',
                  'committee_member'):
        migrator.remove_model(table)
