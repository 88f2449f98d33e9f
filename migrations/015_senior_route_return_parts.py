"""Peewee migrations -- 015: the 高评委 that decides a 高级 plan (ReviewPlan.senior_committee); the parts a 退回
asks to change (ReviewAction.parts, 一次性告知)."""
import peewee as pw
from peewee_migrate import Migrator


def migrate(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.add_fields(
        'review_plan',
        senior_committee=pw.ForeignKeyField(column_name='senior_committee_id', field='id',
                                            model=migrator.orm['committee'], null=True))
    migrator.add_fields('review_action', parts=pw.TextField(default='[]'))
    # A 高级 plan that names a 高评委 among its committees (the 建筑（施工专业） plan: committee 1) is decided there;
    # `flask seed-reference` adds the province's 建设工程专业高评委 and gives it the other 高级 plans.
    migrator.sql(
        "UPDATE review_plan SET senior_committee_id = ("
        "SELECT MIN(c.id) FROM plan_committee pc JOIN committee c ON c.id = pc.committee_id "
        "WHERE pc.plan_id = review_plan.id AND c.is_senior) WHERE level = 'senior'")


def rollback(migrator: Migrator, database: pw.Database, *, fake=False):
    migrator.remove_fields('review_action', 'parts')
    migrator.remove_fields('review_plan', 'senior_committee')
