"""Every peewee model of the platform, in sections by concept, with the enums and their Chinese labels.

Behaviour beyond `can_*` predicates and `visible_to` scoping lives in workflow.py or services/.
"""
from datetime import datetime
from enum import StrEnum

import peewee as pw
from flask_login import UserMixin

db = pw.DatabaseProxy()


def now():
    """Naive local time; the platform serves one time zone (Asia/Shanghai)."""
    return datetime.now().replace(microsecond=0)


class LabeledEnum(StrEnum):
    """A string enum whose members carry a Chinese label; declaration order is display order."""

    def __new__(cls, value, label):
        member = str.__new__(cls, value)
        member._value_ = value
        member.label = label
        return member

    @classmethod
    def choices(cls):
        return [(m.value, m.label) for m in cls]


class EnumField(pw.CharField):
    """Stores a LabeledEnum by its value, returns the member."""

    def __init__(self, enum, *args, **kwargs):
        self.enum = enum
        kwargs.setdefault("max_length", 32)
        super().__init__(*args, **kwargs)

    def db_value(self, value):
        return None if value is None else self.enum(value).value

    def python_value(self, value):
        return None if value is None else self.enum(value)


class BaseModel(pw.Model):
    class Meta:
        database = db
        legacy_table_names = False


# ---------------------------------------------------------------- enums

class Role(LabeledEnum):
    APPLICANT = ("applicant", "申报人员")
    UNIT = ("unit", "用人单位")
    TALENT_CENTRE = ("talent_centre", "人才交流中心")
    CONSTRUCTION_BUREAU = ("construction_bureau", "建设主管部门")
    HR_BUREAU = ("hr_bureau", "人力社保部门")
    COMMITTEE_OFFICE = ("committee_office", "评委会办公室")
    ADMIN = ("admin", "平台管理员")


# Roles whose accounts the administrator assigns (统一分配的账号); each is bound to an organisation.
ASSIGNED_ROLES = (Role.TALENT_CENTRE, Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU, Role.COMMITTEE_OFFICE)


class Gender(LabeledEnum):
    MALE = ("male", "男")
    FEMALE = ("female", "女")


class Level(LabeledEnum):
    MID = ("mid", "中级")
    SENIOR = ("senior", "高级")

    @property
    def title_name(self):
        return {"mid": "工程师", "senior": "高级工程师"}[self.value]


class IndustryTag(LabeledEnum):
    SURVEY_DESIGN = ("survey_design", "勘察设计企业")
    PREFABRICATED = ("prefabricated", "装配式建筑")
    SHANGHAI = ("shanghai", "驻沪建筑施工企业")


class SmsStatus(LabeledEnum):
    PENDING = ("pending", "待发送")
    SENDING = ("sending", "发送中")
    SENT = ("sent", "已发送")
    FAILED = ("failed", "发送失败，将重试")
    GAVE_UP = ("gave_up", "多次失败，已停止重试")


# ---------------------------------------------------------------- reference data (附件4)

class Region(BaseModel):
    """市直 and the districts/counties of 绍兴市."""

    code = pw.CharField(max_length=16, unique=True)
    name = pw.CharField(max_length=32, unique=True)
    sort_order = pw.IntegerField(default=0)

    def __str__(self):
        return self.name


class Committee(BaseModel):
    """One of the eleven review committees of Attachment 4."""

    number = pw.IntegerField(unique=True)
    name = pw.CharField(max_length=128)
    titles = pw.CharField(max_length=64)  # 评审（推荐）职务任职资格名称, as printed
    professions_text = pw.TextField(default="")  # 专业, as printed
    scope = pw.CharField(max_length=64)  # 评审（推荐）范围
    receiving_office = pw.CharField(max_length=128)
    phone = pw.CharField(max_length=32, default="")
    address = pw.CharField(max_length=128, default="")
    note = pw.TextField(default="")
    is_senior = pw.BooleanField(default=False)  # 高评委; the others are 中评委
    region = pw.ForeignKeyField(Region, null=True, backref="committees")
    industry_tag = EnumField(IndustryTag, null=True)

    def __str__(self):
        return self.name


class Profession(BaseModel):
    """A reviewable profession; category 1 seniors need a 中评委 recommendation (中推高), category 2 not."""

    name = pw.CharField(max_length=64, unique=True)
    category = pw.IntegerField(null=True)

    def __str__(self):
        return self.name


class CommitteeProfession(BaseModel):
    committee = pw.ForeignKeyField(Committee, backref="profession_links", on_delete="CASCADE")
    profession = pw.ForeignKeyField(Profession, backref="committee_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("committee", "profession"), True),)


# ---------------------------------------------------------------- organisations

class Organisation(BaseModel):
    """An employer, the talent centre, a bureau or a committee office; `kind` is the role of its accounts."""

    name = pw.CharField(max_length=128)
    kind = EnumField(Role)
    region = pw.ForeignKeyField(Region, null=True, backref="organisations")
    committee = pw.ForeignKeyField(Committee, null=True, backref="offices")
    created_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("kind", "name"), True),)

    def __str__(self):
        return self.name


# ---------------------------------------------------------------- people

class User(UserMixin, BaseModel):
    username = pw.CharField(max_length=64, unique=True)  # applicants log in with their mobile number
    password_hash = pw.CharField(max_length=256)
    role = EnumField(Role)
    real_name = pw.CharField(max_length=64)
    mobile = pw.CharField(max_length=20, default="")
    id_number = pw.CharField(max_length=18, null=True, unique=True)
    gender = EnumField(Gender, null=True)
    birth_date = pw.DateField(null=True)
    organisation = pw.ForeignKeyField(Organisation, null=True, backref="users")
    is_enabled = pw.BooleanField(default=True)
    must_change_password = pw.BooleanField(default=False)
    locked_until = pw.DateTimeField(null=True)
    created_at = pw.DateTimeField(default=now)
    last_login_at = pw.DateTimeField(null=True)

    @property
    def is_active(self):
        return self.is_enabled

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    def can_manage_accounts(self):
        return self.role == Role.ADMIN

    def __str__(self):
        return self.real_name


class LoginFailure(BaseModel):
    """One wrong password; five within 15 minutes lock the account."""

    user = pw.ForeignKeyField(User, backref="login_failures", on_delete="CASCADE")
    at = pw.DateTimeField(default=now, index=True)


# ---------------------------------------------------------------- plans

class ReviewPlan(BaseModel):
    """评审工作计划."""

    title = pw.CharField(max_length=200, unique=True)
    year = pw.IntegerField()
    level = EnumField(Level)
    opens_on = pw.DateField()
    closes_on = pw.DateField()
    requirements = pw.TextField(default="")
    created_at = pw.DateTimeField(default=now)

    def __str__(self):
        return self.title


class PlanCommittee(BaseModel):
    plan = pw.ForeignKeyField(ReviewPlan, backref="committee_links", on_delete="CASCADE")
    committee = pw.ForeignKeyField(Committee, backref="plan_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("plan", "committee"), True),)


class PlanProfession(BaseModel):
    plan = pw.ForeignKeyField(ReviewPlan, backref="profession_links", on_delete="CASCADE")
    profession = pw.ForeignKeyField(Profession, backref="plan_links", on_delete="CASCADE")

    class Meta:
        indexes = ((("plan", "profession"), True),)


# ---------------------------------------------------------------- notifications

class Notification(BaseModel):
    """An in-app notice (站内消息)."""

    user = pw.ForeignKeyField(User, backref="notifications", on_delete="CASCADE")
    title = pw.CharField(max_length=200)
    body = pw.TextField(default="")
    link = pw.CharField(max_length=300, default="")
    created_at = pw.DateTimeField(default=now, index=True)
    read_at = pw.DateTimeField(null=True)


class SmsMessage(BaseModel):
    """The SMS outbox: rows are written in the causing transaction and sent after it commits."""

    user = pw.ForeignKeyField(User, null=True, backref="sms_messages", on_delete="SET NULL")
    mobile = pw.CharField(max_length=20)
    body = pw.TextField()
    status = EnumField(SmsStatus, default=SmsStatus.PENDING, index=True)
    attempts = pw.IntegerField(default=0)
    last_error = pw.TextField(default="")
    created_at = pw.DateTimeField(default=now)
    next_attempt_at = pw.DateTimeField(default=now)
    sent_at = pw.DateTimeField(null=True)


# ---------------------------------------------------------------- audit

class AuditLog(BaseModel):
    """Append-only record of who did what, when, from where."""

    actor = pw.ForeignKeyField(User, null=True, backref="audit_entries", on_delete="SET NULL")
    action = pw.CharField(max_length=64, index=True)
    target = pw.CharField(max_length=128, default="")
    detail = pw.TextField(default="")
    ip = pw.CharField(max_length=64, default="")
    created_at = pw.DateTimeField(default=now, index=True)


MODELS = [
    Region, Committee, Profession, CommitteeProfession, Organisation, User, LoginFailure,
    ReviewPlan, PlanCommittee, PlanProfession, Notification, SmsMessage, AuditLog,
]


# ---------------------------------------------------------------- scoping: the one helper every list goes through

REGIONAL_ROLES = (Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU)


def _own_region(viewer):
    return viewer.organisation.region_id if viewer.organisation_id else None


def organisations_visible_to(viewer):
    """Organisations `viewer` may see: all for the administrator, its region's units for a bureau, else its own."""
    query = Organisation.select()
    if viewer.role == Role.ADMIN:
        return query
    if viewer.role in REGIONAL_ROLES:
        return query.where(
            (Organisation.id == viewer.organisation_id)
            | ((Organisation.kind == Role.UNIT) & (Organisation.region == _own_region(viewer)))
        )
    return query.where(Organisation.id == viewer.organisation_id)


def users_visible_to(viewer):
    """People `viewer` may see: everyone for the administrator, the staff of its units for others, else itself."""
    query = User.select()
    if viewer.role == Role.ADMIN:
        return query
    if viewer.role == Role.APPLICANT:
        return query.where(User.id == viewer.id)
    if viewer.role == Role.UNIT:
        return query.where(User.organisation == viewer.organisation_id)
    if viewer.role in REGIONAL_ROLES:
        units = organisations_visible_to(viewer).where(Organisation.kind == Role.UNIT)
        return query.where((User.organisation.in_(units)) | (User.id == viewer.id))
    return query.where(User.id == viewer.id)
