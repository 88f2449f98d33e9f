"""Peewee migrations -- 002_units_profiles_achievements.py.

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
    
    migrator.add_fields(
        'organisation',

        status=pw.CharField(default='approved', max_length=32),
        credit_code=pw.CharField(max_length=18, null=True, unique=True),
        ownership=pw.CharField(max_length=32, null=True),
        industry_tag=pw.CharField(max_length=32, null=True),
        files_at_talent_centre=pw.BooleanField(default=False),
        contact_name=pw.CharField(default='', max_length=64),
        contact_mobile=pw.CharField(default='', max_length=20))

    migrator.add_fields(
        'user',

        work_started_on=pw.DateField(null=True),
        upload_quota=pw.IntegerField(default=209715200))

    @migrator.create_model
    class Achievement(pw.Model):
        id = pw.AutoField()
        owner = pw.ForeignKeyField(column_name='owner_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        kind = pw.CharField(max_length=32)
        title = pw.CharField(max_length=200)
        role_in = pw.CharField(default='', max_length=64)
        started_on = pw.DateField(null=True)
        ended_on = pw.DateField(null=True)
        scale = pw.CharField(default='', max_length=128)
        description = pw.TextField(default='')
        is_collective = pw.BooleanField(default=False)
        details = pw.TextField(default='{}')
        status = pw.CharField(default='pending', index=True, max_length=32)
        version = pw.IntegerField(default=1)
        created_at = pw.DateTimeField()
        updated_at = pw.DateTimeField()

        class Meta:
            table_name = "achievement"

    @migrator.create_model
    class StoredFile(pw.Model):
        id = pw.AutoField()
        stored_name = pw.CharField(max_length=64, unique=True)
        original_name = pw.CharField(max_length=255)
        content_type = pw.CharField(max_length=64)
        size = pw.IntegerField()
        sha256 = pw.CharField(max_length=64)
        uploaded_by = pw.ForeignKeyField(column_name='uploaded_by_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "stored_file"

    @migrator.create_model
    class AchievementFile(pw.Model):
        id = pw.AutoField()
        achievement = pw.ForeignKeyField(column_name='achievement_id', field='id', model=migrator.orm['achievement'], on_delete='CASCADE')
        file = pw.ForeignKeyField(column_name='file_id', field='id', model=migrator.orm['stored_file'])
        is_current = pw.BooleanField(default=True)

        class Meta:
            table_name = "achievement_file"

    @migrator.create_model
    class AchievementReview(pw.Model):
        id = pw.AutoField()
        achievement = pw.ForeignKeyField(column_name='achievement_id', field='id', model=migrator.orm['achievement'], on_delete='CASCADE')
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        action = pw.CharField(max_length=16)
        reason = pw.TextField(default='')
        version = pw.IntegerField()
        at = pw.DateTimeField()

        class Meta:
            table_name = "achievement_review"

    @migrator.create_model
    class Application(pw.Model):
        id = pw.AutoField()
        applicant = pw.ForeignKeyField(column_name='applicant_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        plan = pw.ForeignKeyField(column_name='plan_id', field='id', model=migrator.orm['review_plan'])
        status = pw.CharField(default='draft', index=True, max_length=32)
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['organisation'], null=True)
        submitted_at = pw.DateTimeField(null=True)
        snapshot = pw.TextField(default='{}')
        created_at = pw.DateTimeField()

        class Meta:
            table_name = "application"
            indexes = [(('applicant', 'plan'), True)]

    @migrator.create_model
    class EducationRecord(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        education = pw.CharField(max_length=32)
        degree = pw.CharField(default='none', max_length=32)
        school = pw.CharField(max_length=128)
        major = pw.CharField(max_length=128)
        graduated_on = pw.DateField()
        verifiable_on_chsi = pw.BooleanField(default=True)
        sort_order = pw.IntegerField(default=0)

        class Meta:
            table_name = "education_record"

    @migrator.create_model
    class TitleRecord(pw.Model):
        id = pw.AutoField()
        user = pw.ForeignKeyField(column_name='user_id', field='id', model=migrator.orm['user'], on_delete='CASCADE')
        name = pw.CharField(max_length=64)
        profession = pw.CharField(default='', max_length=64)
        obtained_on = pw.DateField()
        sort_order = pw.IntegerField(default=0)

        class Meta:
            table_name = "title_record"

    @migrator.create_model
    class UnitReview(pw.Model):
        id = pw.AutoField()
        unit = pw.ForeignKeyField(column_name='unit_id', field='id', model=migrator.orm['organisation'], on_delete='CASCADE')
        actor = pw.ForeignKeyField(column_name='actor_id', field='id', model=migrator.orm['user'], null=True, on_delete='SET NULL')
        action = pw.CharField(max_length=16)
        reason = pw.TextField(default='')
        letter = pw.ForeignKeyField(column_name='letter_id', field='id', model=migrator.orm['stored_file'], null=True)
        at = pw.DateTimeField()

        class Meta:
            table_name = "unit_review"

def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    """Write your rollback migrations here."""
    

    migrator.remove_fields('user', 'work_started_on', 'upload_quota')

    migrator.remove_fields('organisation', 'status', 'credit_code', 'ownership', 'industry_tag', 'files_at_talent_centre', 'contact_name', 'contact_mobile')

    migrator.remove_model('unit_review')

    migrator.remove_model('title_record')

    migrator.remove_model('education_record')

    migrator.remove_model('application')

    migrator.remove_model('achievement_review')

    migrator.remove_model('achievement_file')

    migrator.remove_model('stored_file')

    migrator.remove_model('achievement')
