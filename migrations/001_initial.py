"""Peewee migrations -- 001_initial.py.

Some examples (model - class or model name)::

    > Model = migrator.orm['table_name']            # Return model in current state by name
    > Model = migrator.ModelClass                   # Return model in current state by name

    > migrator.sql(sql)                             # Run custom SQL
    > migrator.run(func, *args, **kwargs)           # Run python function with the given args
    > migrator.create_model(Model)                  # Create a model (could be used as decorator)
    > migrator.remove_model(model, cascade=True)    # Remove a model
    > migrator.add_fields(model, **fields)          # Add fields (allow_not_null=True skips default)
    > migrator.change_fields(model, **fields)       # Change fields
    > migrator.remove_fields(model, *field_names, cascade=True)
    > migrator.rename_field(model, old_field_name, new_field_name)
    > migrator.rename_table(model, new_table_name)
    > migrator.add_index(model, *col_names, unique=False)
    > migrator.add_not_null(model, *field_names)
    > migrator.add_default(model, field_name, default)
    > migrator.add_constraint(model, name, sql)
    > migrator.drop_index(model, *col_names)
    > migrator.drop_not_null(model, *field_names)
    > migrator.drop_constraints(model, *constraints)

"""

from contextlib import suppress

import peewee as pw
from peewee_migrate import Migrator


with suppress(ImportError):
    import playhouse.postgres_ext as pw_pext


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your migrations here."""
    
    @migrator.create_model
    class Region(pw.Model):
        id = pw.AutoField()
        code = pw.CharField(max_length=16, unique=True)
        name = pw.CharField(max_length=32, unique=True)
        sort_order = pw.IntegerField(default=0)

        class Meta:
            table_name = "region"

    @migrator.create_model
    class Committee(pw.Model):
        id = pw.AutoField()
        number = pw.IntegerField(unique=True)
        name = pw.CharField(max_length=128)
        titles = pw.CharField(max_length=64)
        professions_text = pw.TextField(default='')
        scope = pw.CharField(max_length=64)
        receiving_office = pw.CharField(max_length=128)
        phone = pw.CharField(default='', max_length=32)
        address = pw.CharField(default='', max_length=128)
        note = pw.TextField(default='')
        is_senior = pw.BooleanField(default=False)
        region = pw.ForeignKeyField(column_name='region_id', field='id', model=migrator.orm['region'], null=True)
        industry_tag = pw.CharField(max_length=32, null=True)

        class Meta:
            table_name = "committee"

    @migrator.create_model
    class Organisation(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=128)
        kind = pw.CharField(max_length=32)
        region = pw.ForeignKeyField(column_name='region_id', field='id', model=migrator.orm['region'], null=True)
        committee = pw.ForeignKeyField(column_name='committee_id', field='id', model=migrator.orm['committee'], null=True)
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "organisation"
            indexes = [(('kind', 'name'), True)]

    @migrator.create_model
    class User(pw.Model):
        id = pw.AutoField()
        username = pw.CharField(max_length=64, unique=True)
        password_hash = pw.CharField(max_length=256)
        role = pw.CharField(max_length=32)
        real_name = pw.CharField(max_length=64)
        mobile = pw.CharField(default='', max_length=20)
        id_number = pw.CharField(max_length=18, null=True, unique=True)
        gender = pw.CharField(max_length=32, null=True)
        birth_date = pw.DateField(null=True)
        organisation = pw.ForeignKeyField(column_name='organisation_id', field='id', model=migrator.orm['organisation'], null=True)
        is_enabled = pw.BooleanField(default=True)
        must_change_password = pw.BooleanField(default=False)
        locked_until = pw.DateTimeField(null=True)
        created_at = pw.DateTimeField()
        last_login_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "user"

    @migrator.create_model
    class AuditLog(pw.Model):
        id = pw.AutoField()
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        action = pw.CharField(index=True, max_length=64)
        target = pw.CharField(default='', max_length=128)
        detail = pw.TextField(default='')
        ip = pw.CharField(default='', max_length=64)
        created_at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "audit_log"

    @migrator.create_model
    class Profession(pw.Model):
        id = pw.AutoField()
        name = pw.CharField(max_length=64, unique=True)
        category = pw.IntegerField(null=True)

        class Meta:
            table_name = "profession"

    @migrator.create_model
    class CommitteeProfession(pw.Model):
        id = pw.AutoField()
        committee = pw.ForeignKeyField(column_name='committee_id', field='id', model=migrator.orm['committee'], on_delete='CASCADE')
        profession = pw.ForeignKeyField(column_name='profession_id', field='id', model=migrator.orm['profession'], on_delete='CASCADE')

        class Meta:
            table_name = "committee_profession"
            indexes = [(('committee', 'profession'), True)]

    @migrator.create_model
    class LoginFailure(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        at = pw.DateTimeField(index=True)

        class Meta:
            table_name = "login_failure"

    @migrator.create_model
    class Notification(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        title = pw.CharField(max_length=200)
        body = pw.TextField(default='')
        link = pw.CharField(default='', max_length=300)
        created_at = pw.DateTimeField(index=True)
        read_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "notification"

    @migrator.create_model
    class ReviewPlan(pw.Model):
        id = pw.AutoField()
        title = pw.CharField(max_length=200, unique=True)
        year = pw.IntegerField()
        level = pw.CharField(max_length=32)
        opens_on = pw.DateField()
        closes_on = pw.DateField()
        requirements = pw.TextField(default='')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "review_plan"

    @migrator.create_model
    class PlanCommittee(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['review_plan'], on_delete='CASCADE')
        committee = pw.ForeignKeyField(column_name='committee_id', field='id', model=migrator.orm['committee'], on_delete='CASCADE')

        class Meta:
            table_name = "plan_committee"
            indexes = [(('plan', 'committee'), True)]

    @migrator.create_model
    class PlanProfession(pw.Model):
        id = pw.AutoField()
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['review_plan'], on_delete='CASCADE')
        profession = pw.ForeignKeyField(column_name='profession_id', field='id', model=migrator.orm['profession'], on_delete='CASCADE')

        class Meta:
            table_name = "plan_profession"
            indexes = [(('plan', 'profession'), True)]

    @migrator.create_model
    class SmsMessage(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        mobile = pw.CharField(max_length=20)
        body = pw.TextField()
        status = pw.CharField(default='pending', index=True, max_length=32)
        attempts = pw.IntegerField(default=0)
        last_error = pw.TextField(default='')
        created_at = pw.DateTimeField()
        next_attempt_at = pw.DateTimeField()
        sent_at = pw.DateTimeField(null=True)

        class Meta:
            table_name = "sms_message"


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    
    migrator.remove_model('sms_message')

    migrator.remove_model('plan_profession')

    migrator.remove_model('plan_committee')

    migrator.remove_model('review_plan')

    migrator.remove_model('notification')

    migrator.remove_model('login_failure')

    migrator.remove_model('committee_profession')

    migrator.remove_model('profession')

    migrator.remove_model('audit_log')

    migrator.remove_model('user')

    migrator.remove_model('organisation')

    migrator.remove_model('committee')

    migrator.remove_model('region')
