"""Every peewee model of the platform, in sections by concept, with the enums and their Chinese labels.

Behaviour beyond `can_*` predicates and `visible_to` scoping lives in workflow.py or services/.
"""
import secrets
from datetime import datetime
from enum import StrEnum

import peewee as pw
from flask_login import UserMixin

db = pw.DatabaseProxy()


def now():
    """Naive local time; the platform serves one time zone (Asia/Shanghai)."""
    return datetime.now().replace(microsecond=0)


def new_session_token():
    return secrets.token_hex(32)


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
    EXPERT = ("expert", "评审专家")
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


class Ownership(LabeledEnum):
    PUBLIC_INSTITUTION = ("public_institution", "机关事业单位")
    STATE_OWNED = ("state_owned", "国有企业")
    PRIVATE = ("private", "民营企业")
    JOINT_STOCK = ("joint_stock", "股份制企业")
    OTHER = ("other", "其他")


# Units of these kinds whose files the talent centre holds apply through it (附件2 二（四）).
AGENCY_OWNERSHIPS = (Ownership.PRIVATE, Ownership.JOINT_STOCK)


class UnitStatus(LabeledEnum):
    PENDING = ("pending", "待审核")
    APPROVED = ("approved", "已通过")
    REFUSED = ("refused", "已退回")


class AchievementKind(LabeledEnum):
    PROJECT = ("project", "工程项目")
    PAPER = ("paper", "论文著作")
    AWARD = ("award", "获奖")
    PATENT = ("patent", "专利")
    STANDARD = ("standard", "标准规范")
    OTHER = ("other", "其他")


class AchievementStatus(LabeledEnum):
    PENDING = ("pending", "待审核")
    PASSED = ("passed", "已通过")
    RETURNED = ("returned", "已退回")


class Education(LabeledEnum):
    DOCTORATE = ("doctorate", "博士研究生")
    MASTER = ("master", "硕士研究生")
    BACHELOR = ("bachelor", "大学本科")
    JUNIOR_COLLEGE = ("junior_college", "大学专科")
    SECONDARY = ("secondary", "中专")
    OTHER = ("other", "其他")


class Degree(LabeledEnum):
    NONE = ("none", "无")
    BACHELOR = ("bachelor", "学士")
    MASTER = ("master", "硕士")
    DOCTORATE = ("doctorate", "博士")


class ApplicationStatus(LabeledEnum):
    DRAFT = ("draft", "草稿")
    AT_UNIT = ("at_unit", "待单位审核")
    UNIT_PASSED = ("unit_passed", "单位审查通过，待公示报送")
    PENDING = ("pending", "待审查")  # at the talent centre or a bureau (Application.stage says which)
    STAGE_PASSED = ("stage_passed", "审查通过，待审核推荐")
    AT_COMMITTEE = ("at_committee", "待评委会评审")
    RECOMMENDED = ("recommended", "中评委已推荐，待报送高评委")
    # Decide now, release later: the meeting's computed result (Application.decided_pass) waits for the
    # results 公示 and the office's 确认; only then does it become PASSED or FAILED.
    DECIDED = ("decided", "评审会已表决，待结果公示")
    RESULT_PUBLICITY = ("result_publicity", "评审结果公示中")
    PASSED = ("passed", "评审通过")
    FAILED = ("failed", "评审未通过")
    RETURNED = ("returned", "已退回修改")
    REFUSED = ("refused", "未通过")


class Stage(LabeledEnum):
    """Which level holds a submitted application; the label names the office as the applicant sees it."""

    UNIT = ("unit", "用人单位")
    TALENT_CENTRE = ("talent_centre", "人才交流中心")
    CONSTRUCTION_BUREAU = ("construction_bureau", "建设主管部门")
    HR_BUREAU = ("hr_bureau", "人力社保部门")
    COMMITTEE = ("committee", "中评委办公室")
    SENIOR_COMMITTEE = ("senior_committee", "高评委办公室")


# Applications in these states are the applicant's to edit; any other state has been submitted.
EDITABLE_STATUSES = (ApplicationStatus.DRAFT, ApplicationStatus.RETURNED)


class ApplicationType(LabeledEnum):
    """申报类型, in the roster order of 附件3 一.2 (the two ticks of 正常申报 are flags, not types)."""

    NORMAL = ("normal", "正常申报")
    TRANSFER = ("transfer", "转评")
    OTHER = ("other", "其他申报")
    LANDMARK = ("landmark", "标志性业绩直接申报")
    SKILLED = ("skilled", "技能人才申报")
    SELF_EVALUATION = ("self_evaluation", "自评申报")


class ApplicationCategory(LabeledEnum):
    """申报类别 (附件3 二.2)."""

    PLANNING_DESIGN = ("planning_design", "规划与设计类")
    CONSTRUCTION_SUPERVISION = ("construction_supervision", "施工与监理类")
    TECHNICAL_MANAGEMENT = ("technical_management", "技术管理类")


class AssessmentResult(LabeledEnum):
    """单位考核情况, one per year; 合格 or better is required."""

    EXCELLENT = ("excellent", "优秀")
    PASS = ("pass", "合格")
    BASIC = ("basic", "基本合格")
    FAIL = ("fail", "不合格")


class BatchKind(LabeledEnum):
    """What a document batch produces for every application of a plan's roster."""

    REVIEW_FORMS = ("review_forms", "全部评审表")
    COVERS = ("covers", "全部资料袋封面")
    ROSTER = ("roster", "花名册（xlsx）")
    CERTIFICATES = ("certificates", "全部电子证书")  # issues those not yet issued; the result is a zip of them all


class BatchState(LabeledEnum):
    QUEUED = ("queued", "排队中")
    RUNNING = ("running", "生成中")
    DONE = ("done", "已完成")
    FAILED = ("failed", "失败")


class ObjectionState(LabeledEnum):
    """An objection (异议) to a name on a results 公示, and the office's written decision on it."""

    PENDING = ("pending", "待处理")
    DISMISSED = ("dismissed", "不成立")
    UPHELD = ("upheld", "成立")


class RecheckOutcome(LabeledEnum):
    """What the office's answer to a 复查 does: keep the computed result, or send it to the committee to vote again."""

    PENDING = ("pending", "待答复")
    MAINTAINED = ("maintained", "维持原结果")
    RE_REVIEW = ("re_review", "重新评审")


class SmsStatus(LabeledEnum):
    PENDING = ("pending", "待发送")
    SENDING = ("sending", "发送中")
    SENT = ("sent", "已发送")
    FAILED = ("failed", "发送失败，将重试")
    GAVE_UP = ("gave_up", "多次失败，已停止重试")


class MemberRole(LabeledEnum):
    """A member's place in a plan's committee (评委会组成)."""

    CHAIR = ("chair", "主任委员")
    DEPUTY = ("deputy", "副主任委员")
    MEMBER = ("member", "委员")


class ConflictKind(LabeledEnum):
    """Why an expert is recused (回避) from an application; services/meetings.conflicts computes all but DECLARED."""

    SELF = ("self", "本人申报")
    SAME_UNIT = ("same_unit", "与申报人同一单位")
    RELATIVE = ("relative", "申报人是其申报的近亲属")
    DECLARED = ("declared", "其他应当回避的情形")


class VoteMode(LabeledEnum):
    PAPER = ("paper", "纸质无记名投票，录入计票结果")
    ONLINE = ("online", "专家在线无记名投票")


class VoteState(LabeledEnum):
    WAITING = ("waiting", "未表决")
    OPEN = ("open", "投票中")
    CLOSED = ("closed", "已表决")


class Choice(LabeledEnum):
    AGREE = ("agree", "同意")
    DISAGREE = ("disagree", "不同意")
    ABSTAIN = ("abstain", "弃权")


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
    """An employer, the talent centre, a bureau or a committee office; `kind` is the role of its accounts.

    The unit columns are filled for employers (用人单位) only; other organisations are created approved.
    """

    name = pw.CharField(max_length=128)
    kind = EnumField(Role)
    region = pw.ForeignKeyField(Region, null=True, backref="organisations")
    committee = pw.ForeignKeyField(Committee, null=True, backref="offices")
    created_at = pw.DateTimeField(default=now)
    status = EnumField(UnitStatus, default=UnitStatus.APPROVED)
    credit_code = pw.CharField(max_length=18, null=True, unique=True)
    ownership = EnumField(Ownership, null=True)
    industry_tag = EnumField(IndustryTag, null=True)
    files_at_talent_centre = pw.BooleanField(default=False)
    contact_name = pw.CharField(max_length=64, default="")
    contact_mobile = pw.CharField(max_length=20, default="")

    @property
    def is_approved(self):
        return self.status == UnitStatus.APPROVED

    @property
    def authorization_letter(self):
        """The 授权委托证明 of the latest submission."""
        review = (UnitReview.select().where((UnitReview.unit == self) & UnitReview.letter.is_null(False))
                  .order_by(UnitReview.id.desc()).first())
        return review.letter if review else None

    @property
    def goes_through_talent_centre(self):
        """附件2 二（四）: private and joint-stock enterprises whose personnel files the centre holds."""
        return self.kind == Role.UNIT and self.files_at_talent_centre and self.ownership in AGENCY_OWNERSHIPS

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
    # What flask-login keeps in the session cookie instead of the id; replaced on 退出 and on a password change,
    # so that every cookie issued before stops working.
    session_token = pw.CharField(max_length=64, null=True, unique=True, default=new_session_token)
    created_at = pw.DateTimeField(default=now)
    last_login_at = pw.DateTimeField(null=True)
    work_started_on = pw.DateField(null=True)  # 从事工程技术工作起始时间
    upload_quota = pw.IntegerField(default=200 * 1024 * 1024)

    @property
    def is_active(self):
        return self.is_enabled

    def get_id(self):
        return self.session_token

    @property
    def is_admin(self):
        return self.role == Role.ADMIN

    def can_manage_accounts(self):
        return self.role == Role.ADMIN

    def __str__(self):
        return self.real_name


# ---------------------------------------------------------------- files

class StoredFile(BaseModel):
    """An upload kept under the instance folder with a random name; its type is what its content says."""

    stored_name = pw.CharField(max_length=64, unique=True)
    original_name = pw.CharField(max_length=255)
    content_type = pw.CharField(max_length=128)  # an xlsx's has 65 characters
    size = pw.IntegerField()
    sha256 = pw.CharField(max_length=64)
    uploaded_by = pw.ForeignKeyField(User, null=True, backref="uploads", on_delete="SET NULL")
    created_at = pw.DateTimeField(default=now)

    @property
    def is_image(self):
        return self.content_type.startswith("image/")

    def can_view(self, user):
        """Its uploader, the administrator, and whoever may see an achievement or unit that uses it."""
        if not user.is_authenticated:
            return False
        if user.is_admin or user.id == self.uploaded_by_id:
            return True
        if any(link.achievement.can_view(user) for link in self.achievement_links):
            return True
        if user.role == Role.UNIT and (UnitReview.select().where(
                (UnitReview.letter == self) & (UnitReview.unit == user.organisation_id)).exists()):
            return True
        if objections_visible_to(user).where(Objection.evidence == self).exists():  # 异议的证据材料
            return True
        return applications_visible_to(user).where(Application.id.in_(applications_using(self))).exists()


class UnitReview(BaseModel):
    """One step in a unit's approval history: 提交, 通过 or 退回 with the reason."""

    unit = pw.ForeignKeyField(Organisation, backref="reviews", on_delete="CASCADE")
    actor = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    action = pw.CharField(max_length=16)  # submit / approve / refuse
    reason = pw.TextField(default="")
    letter = pw.ForeignKeyField(StoredFile, null=True, backref="+")
    at = pw.DateTimeField(default=now)

    ACTION_LABELS = {"submit": "提交审核", "approve": "审核通过", "refuse": "退回"}

    @property
    def action_label(self):
        return self.ACTION_LABELS.get(self.action, self.action)


class EducationRecord(BaseModel):
    """One line of a person's education history."""

    user = pw.ForeignKeyField(User, backref="education", on_delete="CASCADE")
    education = EnumField(Education)
    degree = EnumField(Degree, default=Degree.NONE)
    school = pw.CharField(max_length=128)
    major = pw.CharField(max_length=128)
    graduated_on = pw.DateField()
    verifiable_on_chsi = pw.BooleanField(default=True)  # 学信网可查
    sort_order = pw.IntegerField(default=0)


class TitleRecord(BaseModel):
    """A professional title held now (现专业技术职务资格)."""

    user = pw.ForeignKeyField(User, backref="titles", on_delete="CASCADE")
    name = pw.CharField(max_length=64)  # e.g. 助理工程师, 工程师
    profession = pw.CharField(max_length=64, default="")
    obtained_on = pw.DateField()
    sort_order = pw.IntegerField(default=0)


class LoginFailure(BaseModel):
    """One failed login (wrong password or 图形验证码), kept for good: the recent ones decide when to ask for a captcha."""

    username = pw.CharField(max_length=64, index=True)  # as typed, whether or not such an account exists
    user = pw.ForeignKeyField(User, null=True, backref="login_failures", on_delete="CASCADE")
    ip = pw.CharField(max_length=64, default="", index=True)
    at = pw.DateTimeField(default=now, index=True)


class CaptchaChallenge(BaseModel):
    """One 图形验证码 shown on the login page; its answer stays on the server and is good for one try."""

    token = pw.CharField(max_length=64, unique=True)
    answer = pw.CharField(max_length=8)
    created_at = pw.DateTimeField(default=now, index=True)
    used = pw.BooleanField(default=False)


# ---------------------------------------------------------------- plans

class ReviewPlan(BaseModel):
    """评审工作计划: who may apply, when, and what the application must contain."""

    title = pw.CharField(max_length=200, unique=True)
    year = pw.IntegerField()
    level = EnumField(Level)
    opens_on = pw.DateField()
    closes_on = pw.DateField()
    requirements = pw.TextField(default="")
    created_at = pw.DateTimeField(default=now)
    required_attachments = pw.TextField(default="")  # checklist keys the plan asks for, comma-separated
    education_years = pw.CharField(max_length=32, default="")  # 继续教育 years checked, e.g. "2018,2019"
    rubric = pw.TextField(default="")  # 自评 rubric (JSON, services/scoring.py); empty means the default
    pass_mark = pw.IntegerField(default=105)
    has_interviews = pw.BooleanField(default=False, null=True)  # 面试: candidates print 4 copies (null: see 008)
    # 高级 plans: the 高评委 that decides (附件1 二; services/routing says the way there); None for 中级 plans
    senior_committee = pw.ForeignKeyField(Committee, null=True, backref="senior_plans")

    def __str__(self):
        return self.title

    @property
    def years_checked(self):
        return [int(y) for y in self.education_years.split(",") if y.strip().isdigit()]

    @property
    def attachment_keys(self):
        return [k for k in self.required_attachments.split(",") if k]


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


# ---------------------------------------------------------------- achievements (我的业绩档案)

class Achievement(BaseModel):
    """An entry of the achievement archive; the unit passes or returns it (业绩档案审核).

    `version` grows with every edit, so a submitted application's snapshot says which version it used.
    Kind-specific fields (刊物, 专利号 …) live in `details` (JSON) as services/achievements.py declares.
    """

    owner = pw.ForeignKeyField(User, backref="achievements", on_delete="CASCADE")
    kind = EnumField(AchievementKind)
    title = pw.CharField(max_length=200)
    role_in = pw.CharField(max_length=64, default="")  # 本人角色 / 排名
    started_on = pw.DateField(null=True)
    ended_on = pw.DateField(null=True)
    scale = pw.CharField(max_length=128, default="")  # 规模或投资额
    description = pw.TextField(default="")
    is_collective = pw.BooleanField(default=False)
    details = pw.TextField(default="{}")
    status = EnumField(AchievementStatus, default=AchievementStatus.PENDING, index=True)
    version = pw.IntegerField(default=1)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)

    @property
    def history(self):
        return self.reviews.order_by(AchievementReview.id.desc())

    @property
    def current_files(self):
        return [link.file for link in self.file_links.where(AchievementFile.is_current).order_by(AchievementFile.id)]

    def can_edit(self, user):
        return user.is_authenticated and user.id == self.owner_id

    def can_review(self, user):
        """The applicant's current unit, once approved (业绩档案审核)."""
        return (user.is_authenticated and user.role == Role.UNIT and user.organisation_id is not None
                and user.organisation_id == self.owner.organisation_id and user.organisation.is_approved)

    def can_view(self, user):
        return self.can_edit(user) or self.can_review(user) or (user.is_authenticated and user.is_admin)


class AchievementFile(BaseModel):
    """An attachment of an achievement; unlinking keeps the file (a submitted snapshot may still use it)."""

    achievement = pw.ForeignKeyField(Achievement, backref="file_links", on_delete="CASCADE")
    file = pw.ForeignKeyField(StoredFile, backref="achievement_links")
    is_current = pw.BooleanField(default=True)


class AchievementReview(BaseModel):
    """The unit's 通过 / 退回 of one version of an achievement, with the reason."""

    achievement = pw.ForeignKeyField(Achievement, backref="reviews", on_delete="CASCADE")
    actor = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    action = pw.CharField(max_length=16)  # pass / return
    reason = pw.TextField(default="")
    version = pw.IntegerField()
    at = pw.DateTimeField(default=now)


# ---------------------------------------------------------------- applications

class Publicity(BaseModel):
    """A unit's 公示 of the applicants it passed: at least 5 working days before 报送."""

    unit = pw.ForeignKeyField(Organisation, backref="publicities")
    starts_on = pw.DateField()
    ends_on = pw.DateField()
    note = pw.TextField(default="")  # e.g. that a year's holidays were not known and weekends only were counted
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = pw.DateTimeField(default=now)
    sent_at = pw.DateTimeField(null=True)


class ResultPublicity(BaseModel):
    """评审结果公示 of one plan by a committee office: at least 5 working days, then the office's 确认.

    The applications listed (RESULT_PUBLICITY) and the failed ones told at the same time (DECIDED, decided_pass
    False) point here; 确认 releases both.
    """

    plan = pw.ForeignKeyField(ReviewPlan, backref="+")
    office = pw.ForeignKeyField(Organisation, backref="+")
    starts_on = pw.DateField()
    ends_on = pw.DateField()
    how_to_object = pw.TextField(default="")  # where and how to object, as published
    note = pw.TextField(default="")  # e.g. that a year's holidays were not known and weekends only were counted
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = pw.DateTimeField(default=now)
    confirmed_at = pw.DateTimeField(null=True)
    confirmed_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    def is_open(self, today):
        """Objections and 复查 are taken from the first to the last day of the period, both included."""
        return self.starts_on <= today <= self.ends_on

    def can_manage(self, user):
        return user.is_authenticated and user.organisation_id is not None and user.organisation_id == self.office_id


class Application(BaseModel):
    """One applicant's application to one plan: the wizard's draft, then what was submitted (snapshot)."""

    applicant = pw.ForeignKeyField(User, backref="applications", on_delete="CASCADE")
    plan = pw.ForeignKeyField(ReviewPlan, backref="applications")
    status = EnumField(ApplicationStatus, default=ApplicationStatus.DRAFT, index=True)
    unit = pw.ForeignKeyField(Organisation, null=True, backref="applications")
    submitted_at = pw.DateTimeField(null=True)
    snapshot = pw.TextField(default="{}")  # what was submitted, frozen (JSON)
    created_at = pw.DateTimeField(default=now)
    updated_at = pw.DateTimeField(default=now)
    step_reached = pw.IntegerField(default=1)  # the wizard resumes here
    # step 1 证件照
    photo = pw.ForeignKeyField(StoredFile, null=True, backref="+")
    # step 2 个人承诺
    pledge_token = pw.CharField(max_length=64, null=True, unique=True)
    pledge_token_expires = pw.DateTimeField(null=True)
    pledge_signature = pw.ForeignKeyField(StoredFile, null=True, backref="+")
    pledge_signed_at = pw.DateTimeField(null=True)
    pledge_ip = pw.CharField(max_length=64, default="")
    # step 3 填写申报信息
    application_type = EnumField(ApplicationType, null=True)
    recent_degree = pw.BooleanField(default=False)  # 后学历（学位）取得时间不满2年
    mid_again = pw.BooleanField(default=False)  # 再次通过中级申报
    transfer_from = pw.CharField(max_length=128, default="")  # 转评: the title held in another series
    landmark_text = pw.TextField(default="")  # 标志性业绩
    holds_senior_title = pw.BooleanField(default=False)  # applies through the 中级 route while holding a senior title
    second_title = pw.CharField(max_length=128, default="")  # 专业技术职务任职资格2
    profession = pw.ForeignKeyField(Profession, null=True, backref="+")
    category = EnumField(ApplicationCategory, null=True)
    assessments = pw.TextField(default="{}")  # 单位考核情况 {"2022": "pass", …}
    statement = pw.TextField(default="")  # 本人述职
    committee = pw.ForeignKeyField(Committee, null=True, backref="applications")
    self_evaluation = pw.TextField(default="{}")  # {rubric item key: claimed count}
    self_evaluation_total = pw.IntegerField(null=True)
    insured_outside_province = pw.BooleanField(default=False)  # 近1年内有省外社保缴纳记录
    established_post = pw.BooleanField(null=True)  # 事业单位在编 (None: not a 事业单位)
    # step 5 继续教育学时 {"2018": 96, …}
    education_hours = pw.TextField(default="{}")
    # the review chain: who holds it now, since when; `version` grows with every state change
    stage = EnumField(Stage, null=True, index=True)
    stage_organisation = pw.ForeignKeyField(Organisation, null=True, backref="+")
    stage_since = pw.DateTimeField(null=True)
    version = pw.IntegerField(default=1)
    publicity = pw.ForeignKeyField(Publicity, null=True, backref="applications", on_delete="SET NULL")
    meeting_date = pw.DateField(null=True)  # of the committee's decision
    decided_pass = pw.BooleanField(null=True)  # the meeting's computed result, released by 确认 (see DECIDED)
    interview_candidate = pw.BooleanField(default=False, null=True)  # 面试对象, marked by its holder (null: see 008)
    result_publicity = pw.ForeignKeyField(ResultPublicity, null=True, backref="applications", on_delete="SET NULL")

    class Meta:
        indexes = (
            (("applicant", "plan"), True),
            # the review lists: an office's pile by state in the list's order; the 越城区 bureau holds 15k of 100k
            (("stage_organisation", "status", "stage_since", "id"), False),
            (("stage_since", "id"), False),
            # read without the rows (index only): the tabs and dropdowns' groups, and the all-states list's order
            (("stage_organisation", "status", "plan", "profession", "application_type", "id"), False),
            (("stage_organisation", "stage_since", "id"), False),
        )

    @property
    def is_editable(self):
        return self.status in EDITABLE_STATUSES

    def can_edit(self, user):
        return user.is_authenticated and user.id == self.applicant_id and self.is_editable

    def can_object(self, user):
        """During or after its 公示, before 报送, the unit may still 退回 or 不通过 on an objection (异议)."""
        return (user.is_authenticated and user.role == Role.UNIT and self.status == ApplicationStatus.UNIT_PASSED
                and user.organisation_id == self.stage_organisation_id)

    @property
    def last_return(self):
        """The latest 退回 / 退回修改, whose reason the applicant must address."""
        return self.actions.where(ReviewAction.action == "return").order_by(ReviewAction.id.desc()).first()

    @property
    def hr_bureau_passed(self):
        """人力社保部门 审查通过 since its latest 提交 (a later 退回 and 重新提交 takes it back)."""
        submits = self.actions.where(ReviewAction.action.in_(("submit", "resubmit")))
        latest = submits.order_by(ReviewAction.id.desc()).first()
        return self.actions.where((ReviewAction.level == Stage.HR_BUREAU.value) & (ReviewAction.action == "pass")
                                  & (ReviewAction.id > (latest.id if latest else 0))).exists()

    def can_download_review_form(self, user):
        """The applicant once the 人力社保部门 passed it; every office that has held it (or holds it) at any time."""
        if not user.is_authenticated or not self.submitted_at:
            return False
        if user.role == Role.APPLICANT:
            return user.id == self.applicant_id and self.hr_bureau_passed
        return applications_visible_to(user).where(Application.id == self.id).exists()

    def can_mark_interview(self, user):
        """An office holding it may mark it a 面试对象 (or not), when its plan has interviews."""
        return (user.is_authenticated and user.organisation_id is not None and self.plan.has_interviews
                and user.organisation_id == self.stage_organisation_id and user.role != Role.UNIT)

    def can_ask_recheck(self, user, today):
        """复查: the applicant of a failed result told on a results 公示, within its period, once per 公示."""
        publicity = self.result_publicity
        return (user.is_authenticated and user.id == self.applicant_id and publicity is not None
                and self.status == ApplicationStatus.DECIDED and self.decided_pass is False
                and publicity.is_open(today)
                and not Recheck.select().where((Recheck.application == self.id)
                                               & (Recheck.publicity == publicity.id)).exists())

    def can_issue_certificate(self, user):
        """The committee office holding a confirmed pass (评审通过) issues its 电子证书, once."""
        return (user.is_authenticated and user.role == Role.COMMITTEE_OFFICE and self.status == ApplicationStatus.PASSED
                and user.organisation_id is not None and user.organisation_id == self.stage_organisation_id
                and not Certificate.select().where(Certificate.application == self.id).exists())

    def can_review(self, user):
        """The organisation holding it now may decide it (审查 at the unit, the talent centre and the bureaus); a
        committee's result comes only from its meeting (workflow/meetings.py), never from this decision."""
        return (user.is_authenticated and user.organisation_id is not None
                and user.organisation_id == self.stage_organisation_id
                and self.status in (ApplicationStatus.AT_UNIT, ApplicationStatus.PENDING))


class ApplicationAchievement(BaseModel):
    """An achievement picked in step 4, with the version picked and, for a collective project, the evidence."""

    application = pw.ForeignKeyField(Application, backref="achievement_links", on_delete="CASCADE")
    achievement = pw.ForeignKeyField(Achievement, backref="application_links")
    version = pw.IntegerField()
    contributor_evidence = pw.ForeignKeyField(StoredFile, null=True, backref="+")  # 本人系主要贡献者依据

    class Meta:
        indexes = ((("application", "achievement"), True),)


class ApplicationFile(BaseModel):
    """A file attached to an application: evidence of step 3 or an item of step 5's checklist (`key`)."""

    application = pw.ForeignKeyField(Application, backref="files", on_delete="CASCADE")
    key = pw.CharField(max_length=32)  # checklist or evidence key, e.g. "education_2019", "landmark"
    file = pw.ForeignKeyField(StoredFile, backref="application_links")
    created_at = pw.DateTimeField(default=now)


class Submission(BaseModel):
    """One 提交 of an application, kept for good: what the applicant submitted that time (第 n 次提交)."""

    application = pw.ForeignKeyField(Application, backref="submissions", on_delete="CASCADE")
    number = pw.IntegerField()
    snapshot = pw.TextField()  # services/snapshot.build, as JSON
    submitted_at = pw.DateTimeField(default=now)
    submitted_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    class Meta:
        indexes = ((("application", "number"), True),)


class SubmissionFile(BaseModel):
    """A file a submission carries; reviewers are served these, never a file added to an achievement afterwards."""

    submission = pw.ForeignKeyField(Submission, backref="file_links", on_delete="CASCADE")
    file = pw.ForeignKeyField(StoredFile, backref="submission_links")

    class Meta:
        indexes = ((("submission", "file"), True),)


class ReviewAction(BaseModel):
    """Append-only history of an application: 提交, and every level's decision with its reason."""

    application = pw.ForeignKeyField(Application, backref="actions", on_delete="CASCADE")
    level = pw.CharField(max_length=32)  # who acted: applicant, or a Stage value
    organisation = pw.ForeignKeyField(Organisation, null=True, backref="+")
    actor = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    action = pw.CharField(max_length=32)
    reason = pw.TextField(default="")
    # 一次性告知: the parts a 退回 asks to change, [{"key": "step_3", "label": "第3步 填写申报信息"}, …] (JSON)
    parts = pw.TextField(default="[]")
    at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("organisation", "application"), False),)  # what an office has handled (applications_visible_to)

    ACTION_LABELS = {
        "submit": "提交", "resubmit": "修改后重新提交", "pass": "通过", "return": "退回", "refuse": "不通过",
        "publicity": "资格公示", "send": "报送", "recommend": "审核推荐", "result_pass": "评审通过",
        "result_fail": "评审未通过", "forward": "推荐至高评委", "decided": "评审会表决（结果待公示）",
        "fee_notice": "缴费通知", "fee_paid": "确认缴费", "fee_waived": "免收费用",
        "result_publicity": "评审结果公示", "result_notice": "告知评审结果", "objection_upheld": "异议成立",
        "recheck": "申请复查", "recheck_maintained": "复查：维持原结果", "re_review": "复查：重新评审",
        "certificate": "电子证书已签发",
    }
    # At bureaus and the talent centre the notice names the same decisions differently (附件2 二).
    BUREAU_LABELS = {"pass": "审查通过", "return": "退回修改", "refuse": "审查不通过"}

    @property
    def level_label(self):
        if self.organisation_id:
            return self.organisation.name
        return "申报人员" if self.level == "applicant" else Stage(self.level).label

    @property
    def action_label(self):
        if self.level in (Stage.TALENT_CENTRE.value, Stage.CONSTRUCTION_BUREAU.value, Stage.HR_BUREAU.value):
            return self.BUREAU_LABELS.get(self.action) or self.ACTION_LABELS.get(self.action, self.action)
        return self.ACTION_LABELS.get(self.action, self.action)


class DocumentIssue(BaseModel):
    """One issued version of a 评审表: its number (printed and in the QR code) and the SHA-256 of the bytes issued."""

    application = pw.ForeignKeyField(Application, backref="document_issues", on_delete="CASCADE")
    number = pw.CharField(max_length=32, unique=True)
    sha256 = pw.CharField(max_length=64, default="")
    issued_at = pw.DateTimeField(default=now)
    issued_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")


class Holiday(BaseModel):
    """A day the administrator enters for a year the holiday calendar does not cover: a holiday or an adjusted workday."""

    day = pw.DateField(unique=True)
    is_workday = pw.BooleanField(default=False)  # True: an adjusted workday (调休上班) on a weekend
    name = pw.CharField(max_length=32, default="")


class FeeSetting(BaseModel):
    """收费设定 of one organisation: 收费 by default, switchable to 不收费, with an amount (yuan)."""

    organisation = pw.ForeignKeyField(Organisation, unique=True, backref="+")
    charges = pw.BooleanField(default=True)
    amount = pw.DecimalField(max_digits=10, decimal_places=2, default=0)
    fee_name = pw.CharField(max_length=50, default="评审费")
    deadline_days = pw.IntegerField(default=10)  # working days from the notice to the payment deadline
    reminder_days = pw.IntegerField(default=2)  # working days before the deadline the reminder SMS goes out
    payee = pw.TextField(default="")  # 收款单位、开户行、账号, as the office types it
    updated_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    updated_at = pw.DateTimeField(default=now)


class FeeState(LabeledEnum):
    PENDING = ("pending", "待缴费")
    PAID = ("paid", "已缴费")
    OVERDUE = ("overdue", "已逾期")  # never stored: a pending notice past its deadline
    WAIVED = ("waived", "免收")


class FeeNotice(BaseModel):
    """缴费通知: issued once per application and charging office, frozen from the 收费设定 of that day."""

    application = pw.ForeignKeyField(Application, backref="fee_notices", on_delete="CASCADE")
    organisation = pw.ForeignKeyField(Organisation, backref="+")
    fee_name = pw.CharField(max_length=50)
    amount = pw.DecimalField(max_digits=10, decimal_places=2)
    payee = pw.TextField(default="")
    reference = pw.CharField(max_length=20, unique=True)  # 缴费附言, see services.fees.reference
    issued_on = pw.DateField()
    due_on = pw.DateField(index=True)
    state = EnumField(FeeState, default=FeeState.PENDING, index=True)
    paid_amount = pw.DecimalField(max_digits=10, decimal_places=2, null=True)
    paid_on = pw.DateField(null=True)
    note = pw.TextField(default="")  # the payment's note, or why it was waived
    settled_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    settled_at = pw.DateTimeField(null=True)
    reminded_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("application", "organisation"), True),)

    def shown_state(self, today):
        """The state the pages show: a pending notice is 已逾期 from the day after its deadline."""
        return FeeState.OVERDUE if self.state == FeeState.PENDING and today > self.due_on else self.state


class DocumentBatch(BaseModel):
    """A background job (tasks.py) making one kind of document for a plan's roster, with its progress and result."""

    kind = EnumField(BatchKind)
    plan = pw.ForeignKeyField(ReviewPlan, backref="+")
    as_zip = pw.BooleanField(default=False)  # PDF kinds: a zip of one file per applicant instead of one merged PDF
    site = pw.CharField(max_length=255, default="")  # the address it was asked from: the 评审表's QR links there
    requested_by = pw.ForeignKeyField(User, backref="+")
    organisation = pw.ForeignKeyField(Organisation, backref="+")
    state = EnumField(BatchState, default=BatchState.QUEUED, index=True)
    done = pw.IntegerField(default=0)
    total = pw.IntegerField(default=0)
    error = pw.TextField(default="")
    result = pw.ForeignKeyField(StoredFile, null=True, backref="+")
    created_at = pw.DateTimeField(default=now)
    started_at = pw.DateTimeField(null=True)
    finished_at = pw.DateTimeField(null=True)

    @property
    def is_finished(self):
        return self.state in (BatchState.DONE, BatchState.FAILED)

    @property
    def percent(self):
        return 100 if self.state == BatchState.DONE else (100 * self.done // self.total if self.total else 0)

    def can_view(self, user):
        """The office that asked for it (any of its accounts)."""
        return user.is_authenticated and user.organisation_id == self.organisation_id


# ---------------------------------------------------------------- committees at work: experts, certificates, 诚信档案

class Expert(BaseModel):
    """An expert of a committee's 专家库; `user` is the expert account used to vote online, when there is one."""

    committee = pw.ForeignKeyField(Committee, backref="experts")
    name = pw.CharField(max_length=64)
    id_number = pw.CharField(max_length=18, index=True)
    unit_name = pw.CharField(max_length=128, default="")
    unit = pw.ForeignKeyField(Organisation, null=True, backref="+")  # when the expert's employer is a unit here
    title = pw.CharField(max_length=64, default="")
    speciality = pw.CharField(max_length=64, default="")
    mobile = pw.CharField(max_length=20, default="")
    relatives = pw.TextField(default="")  # 身份证号 of declared relatives (近亲属), one per line
    is_active = pw.BooleanField(default=True)
    user = pw.ForeignKeyField(User, null=True, unique=True, backref="expert_profiles")
    created_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("committee", "id_number"), True),)

    def __str__(self):
        return self.name


    def can_manage(self, user):
        """The office of its committee (专家库 management, composition, expert accounts)."""
        return (user.is_authenticated and user.role == Role.COMMITTEE_OFFICE and user.organisation_id is not None
                and user.organisation.committee_id == self.committee_id)


class CommitteeMember(BaseModel):
    """A member of the committee that reviews a plan (评委会组成), chosen from its 专家库.

    Never deleted: a recomposition ends the current rows (ended_at) and adds the new ones, so every composition the
    plan ever had stays readable; the rows saved together share their created_at. Rows from before migration 018
    have no created_at. The current composition is the rows not ended (`CommitteeMember.current()`).
    """

    plan = pw.ForeignKeyField(ReviewPlan, backref="committee_members")
    expert = pw.ForeignKeyField(Expert, backref="memberships")
    role = EnumField(MemberRole)
    created_at = pw.DateTimeField(null=True, default=now)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    ended_at = pw.DateTimeField(null=True)
    ended_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")

    @classmethod
    def current(cls):
        """The members of the compositions in force (not ended by a recomposition)."""
        return cls.ended_at.is_null()


# An expert sits once in a plan's current composition; ended rows may repeat them (migration 018).
CommitteeMember.add_index(CommitteeMember.index(CommitteeMember.plan, CommitteeMember.expert, unique=True,
                                                where=CommitteeMember.ended_at.is_null(),
                                                name="committeemember_plan_id_expert_id"))


class Meeting(BaseModel):
    """评审会议 of an office for a plan; its members and agenda are frozen when it is created."""

    office = pw.ForeignKeyField(Organisation, backref="+")
    plan = pw.ForeignKeyField(ReviewPlan, backref="meetings")
    held_on = pw.DateField()
    place = pw.CharField(max_length=128)
    created_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    created_at = pw.DateTimeField(default=now)

    def can_manage(self, user):
        return user.is_authenticated and user.role == Role.COMMITTEE_OFFICE and user.organisation_id == self.office_id

    def __str__(self):
        return f"{self.held_on} {self.place}"


class Attendance(BaseModel):
    """A member of the meeting's committee (as composed when the meeting was created), present or not."""

    meeting = pw.ForeignKeyField(Meeting, backref="attendance", on_delete="CASCADE")
    expert = pw.ForeignKeyField(Expert, backref="attendance")
    role = EnumField(MemberRole)
    present = pw.BooleanField(default=False)

    class Meta:
        indexes = ((("meeting", "expert"), True),)


class AgendaItem(BaseModel):
    """An application on a meeting's agenda (花名册 order), its vote and the computed result."""

    meeting = pw.ForeignKeyField(Meeting, backref="items", on_delete="CASCADE")
    application = pw.ForeignKeyField(Application, backref="agenda_items")
    position = pw.IntegerField()
    mode = EnumField(VoteMode, null=True)
    state = EnumField(VoteState, default=VoteState.WAITING)
    voters = pw.IntegerField(null=True)  # present, non-recused members when the vote closed
    agree = pw.IntegerField(null=True)
    disagree = pw.IntegerField(null=True)
    abstain = pw.IntegerField(null=True)
    passed = pw.BooleanField(null=True)
    closed_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("meeting", "application"), True),)


class Recusal(BaseModel):
    """An expert recused (回避) from an agenda item, with its cause; recorded by the office."""

    item = pw.ForeignKeyField(AgendaItem, backref="recusals", on_delete="CASCADE")
    expert = pw.ForeignKeyField(Expert, backref="recusals")
    kind = EnumField(ConflictKind)
    reason = pw.TextField(default="")
    recorded_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    recorded_at = pw.DateTimeField(default=now)

    class Meta:
        indexes = ((("item", "expert"), True),)


def new_ballot_key():
    return secrets.token_hex(16)


class Ballot(BaseModel):
    """One secret (无记名) online ballot: no column names its voter or the time it was cast, and its key is random.

    On SQLite the table is WITHOUT ROWID (migration 012), so rows are stored in key order, not in the order cast;
    who has voted is kept apart in BallotCast, whose order therefore cannot be matched to the ballots.
    """

    key = pw.CharField(max_length=32, primary_key=True, default=new_ballot_key)
    item = pw.ForeignKeyField(AgendaItem, backref="ballots", on_delete="CASCADE")
    choice = EnumField(Choice)


class BallotCast(BaseModel):
    """That an expert has voted on an item (so no one votes twice); which way is in no table."""

    item = pw.ForeignKeyField(AgendaItem, backref="casts", on_delete="CASCADE")
    expert = pw.ForeignKeyField(Expert, backref="+")

    class Meta:
        indexes = ((("item", "expert"), True),)


class Interview(BaseModel):
    """面试/答辩 time and room of a candidate; the candidate is told by SMS."""

    application = pw.ForeignKeyField(Application, unique=True, backref="interviews")
    starts_at = pw.DateTimeField()
    room = pw.CharField(max_length=128)
    scheduled_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    scheduled_at = pw.DateTimeField(default=now)


class OfficeApplication(BaseModel):
    """One application an office (talent centre, bureau, committee office) may see, with the columns its review list
    filters and orders by: a derived table kept by the database's triggers from `application` and `review_action`
    (migration 020), never written here. It is applications_visible_to's rule for those offices, stored."""

    organisation_id = pw.IntegerField()
    application_id = pw.IntegerField(index=True)
    acted = pw.BooleanField()  # a review_action row names the organisation; else it holds the application now
    status = EnumField(ApplicationStatus)
    plan_id = pw.IntegerField()
    profession_id = pw.IntegerField(null=True)
    application_type = EnumField(ApplicationType, null=True)
    stage_since = pw.DateTimeField(null=True)
    applicant_id = pw.IntegerField()

    class Meta:
        primary_key = pw.CompositeKey("organisation_id", "application_id")
        indexes = ((("applicant_id", "organisation_id"), False),  # a search's people
                   (("organisation_id", "status", "stage_since", "application_id", "plan_id", "profession_id",
                     "application_type"), False),
                   (("organisation_id", "stage_since", "application_id", "status", "plan_id", "profession_id",
                     "application_type"), False))


class OfficeCount(BaseModel):
    """How many rows of OfficeApplication an office has per (state, plan, profession, 申报类型), as the sum of its rows
    of each key (a change adds rows, +1 and -1; services/office_lists.compact() folds them): the total of its list
    under a combination of filters (profession 0 and 申报类型 "" for none). Derived and kept by triggers."""

    organisation_id = pw.IntegerField()
    status = EnumField(ApplicationStatus)
    plan_id = pw.IntegerField()
    profession_id = pw.IntegerField()
    application_type = pw.CharField(max_length=32)
    n = pw.IntegerField()

    class Meta:
        primary_key = False
        indexes = ((("organisation_id", "status", "plan_id", "profession_id", "application_type", "n"), False),)


class OfficeTotal(BaseModel):
    """The same counted along one dimension at a time (status, plan, profession, type; the value as text, "" for
    none): the tabs and dropdowns of an office's list in a few dozen rows. Derived and kept by triggers."""

    organisation_id = pw.IntegerField()
    dimension = pw.CharField(max_length=16)
    value = pw.CharField(max_length=32)
    n = pw.IntegerField()

    class Meta:
        primary_key = False
        indexes = ((("organisation_id", "dimension", "value", "n"), False),)


class Certificate(BaseModel):
    """The 电子证书 of a confirmed pass; revoked (never deleted) by a 诚信档案 case."""

    application = pw.ForeignKeyField(Application, unique=True, backref="certificates")
    number = pw.CharField(max_length=32, unique=True)
    issued_on = pw.DateField()
    file = pw.ForeignKeyField(StoredFile, null=True, backref="+")  # the signed PDF
    issued_by = pw.ForeignKeyField(User, null=True, backref="+")
    revoked_on = pw.DateField(null=True)
    revoked_reason = pw.TextField(default="")
    verify_token = pw.CharField(max_length=32, null=True)  # in the QR code's link beside the number (migration 014)

    @property
    def is_revoked(self):
        return self.revoked_on is not None

    def can_download(self, user):
        """The applicant, and whoever may open its application (the offices that handled it, the administrator)."""
        return user.is_authenticated and applications_visible_to(user).where(
            Application.id == self.application_id).exists()


class IntegrityCase(BaseModel):
    """A 诚信档案 entry: falsified material found; the 身份证号 may not apply for 3 years (services/integrity)."""

    id_number = pw.CharField(max_length=18, index=True)
    name = pw.CharField(max_length=64)
    is_expert = pw.BooleanField(default=False)
    facts = pw.TextField()  # what was falsified
    document_number = pw.CharField(max_length=64)  # 处理决定文号
    decided_on = pw.DateField()
    certificate = pw.ForeignKeyField(Certificate, null=True, backref="integrity_cases")  # the one it revoked
    recorded_by = pw.ForeignKeyField(User, backref="+")
    recorded_at = pw.DateTimeField(default=now)


class Objection(BaseModel):
    """异议 to one name of a results 公示, lodged on the public page by anyone, decided in writing by the office."""

    publicity = pw.ForeignKeyField(ResultPublicity, backref="objections")
    application = pw.ForeignKeyField(Application, backref="objections")
    name = pw.CharField(max_length=64)  # the objector's real name
    contact = pw.CharField(max_length=64)
    content = pw.TextField()
    evidence = pw.ForeignKeyField(StoredFile, null=True, backref="+")
    ip = pw.CharField(max_length=64, default="")
    lodged_at = pw.DateTimeField(default=now)
    state = EnumField(ObjectionState, default=ObjectionState.PENDING, index=True)
    decision = pw.TextField(default="")
    decided_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    decided_at = pw.DateTimeField(null=True)


class Recheck(BaseModel):
    """复查: the applicant's request within the period, and the office's written answer (one per 公示)."""

    publicity = pw.ForeignKeyField(ResultPublicity, backref="rechecks")
    application = pw.ForeignKeyField(Application, backref="rechecks")
    reason = pw.TextField()
    asked_at = pw.DateTimeField(default=now)
    outcome = EnumField(RecheckOutcome, default=RecheckOutcome.PENDING, index=True)
    answer = pw.TextField(default="")
    answered_by = pw.ForeignKeyField(User, null=True, backref="+", on_delete="SET NULL")
    answered_at = pw.DateTimeField(null=True)

    class Meta:
        indexes = ((("publicity", "application"), True),)


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
    Region, Committee, Profession, CommitteeProfession, StoredFile, Organisation, User, UnitReview,
    EducationRecord, TitleRecord, LoginFailure, CaptchaChallenge, ReviewPlan, PlanCommittee, PlanProfession,
    Achievement, AchievementFile, AchievementReview, Publicity, ResultPublicity, Application, ApplicationAchievement,
    ApplicationFile, Submission, SubmissionFile, ReviewAction, DocumentIssue, Holiday, FeeSetting, FeeNotice, DocumentBatch,
    Expert, Certificate, IntegrityCase, Objection, Recheck, Notification, SmsMessage, AuditLog, CommitteeMember, Meeting,
    Attendance, AgendaItem, Recusal, Ballot, BallotCast, Interview, OfficeApplication, OfficeCount,
    OfficeTotal,
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


def achievements_visible_to(viewer):
    """Achievements `viewer` may open: the owner's own, its staff's for an approved unit, all for the administrator."""
    query = Achievement.select(Achievement, User).join(User, on=(Achievement.owner == User.id))
    if viewer.role == Role.ADMIN:
        return query
    if viewer.role == Role.UNIT and viewer.organisation.is_approved:
        return query.where(User.organisation == viewer.organisation_id)
    return query.where(Achievement.owner == viewer.id)


def applications_visible_to(viewer):
    """Applications `viewer` may open: the applicant's own; a unit's submitted ones; for the talent centre, bureaus
    and committee offices those they hold now or have handled (ReviewAction rows name the organisation)."""
    query = Application.select()
    if viewer.role == Role.ADMIN:
        return query
    if viewer.role == Role.APPLICANT:
        return query.where(Application.applicant == viewer.id)
    if viewer.organisation_id is None:
        return query.where(False)
    if viewer.role == Role.UNIT:
        return query.where((Application.unit == viewer.organisation_id) & Application.submitted_at.is_null(False))
    # Two halves each served by an index ("held now", "handled before"), not one OR that defeats them on PostgreSQL.
    held = Application.select(Application.id).where(Application.stage_organisation == viewer.organisation_id)
    return query.where(Application.id.in_(held | _handled_by(viewer.organisation_id)))


def _handled_by(organisation_id):
    """The ids of the applications an organisation has acted on (its ReviewAction rows)."""
    return ReviewAction.select(ReviewAction.application).where(ReviewAction.organisation == organisation_id)


def is_office(viewer):
    """The talent centre, the bureaus and the committee offices: they see what they hold now or have acted on."""
    return viewer.role not in (Role.ADMIN, Role.APPLICANT, Role.UNIT) and viewer.organisation_id is not None


class VisibleList:
    """applications_visible_to(viewer) as a list to filter and page without reading the wide application rows: for
    an office its OfficeApplication rows (the same rule, kept by the database; migration 020), for anyone else the
    applications themselves. The columns are named alike either way: `id` is the application's id, `columns` maps
    status, plan, profession and application_type; `office` is the office's organisation id (its OfficeCount and
    OfficeTotal counters), else None."""

    NAMES = ("status", "plan", "profession", "application_type")

    def __init__(self, viewer):
        self.office = viewer.organisation_id if is_office(viewer) else None
        if self.office is not None:
            rows = OfficeApplication
            self.query = rows.select().where(rows.organisation_id == self.office)
            self.id, self.applicant, self.stage_since = rows.application_id, rows.applicant_id, rows.stage_since
            self.columns = dict(zip(self.NAMES, (rows.status, rows.plan_id, rows.profession_id, rows.application_type),
                                    strict=True))
        else:
            self.query = applications_visible_to(viewer)
            self.id, self.applicant, self.stage_since = Application.id, Application.applicant, Application.stage_since
            self.columns = {name: getattr(Application, name) for name in self.NAMES}


def application_visible_to(viewer, application_id):
    """The one application `viewer` may open, or None: applications_visible_to's rule checked for one row by its
    primary key (the rule over every application took 5 ms a page at 100k: the detail page and each decision)."""
    if not is_office(viewer):
        return applications_visible_to(viewer).where(Application.id == application_id).first()
    found = Application.get_or_none(Application.id == application_id)
    if found is None or found.stage_organisation_id == viewer.organisation_id:
        return found
    handled = _handled_by(viewer.organisation_id).where(ReviewAction.application == application_id).exists()
    return found if handled else None


def applications_held_by(viewer):
    """The applications `viewer`'s organisation holds now: the piles it has to work on (a subset of the visible)."""
    if viewer.role in (Role.ADMIN, Role.APPLICANT, Role.UNIT) or viewer.organisation_id is None:
        return applications_visible_to(viewer).where(Application.stage_organisation == viewer.organisation_id)
    return Application.select().where(Application.stage_organisation == viewer.organisation_id)  # all of it visible


def result_publicities_visible_to(viewer):
    """Results 公示 `viewer` manages: its committee office's own, all for the administrator."""
    query = ResultPublicity.select()
    if viewer.role == Role.ADMIN:
        return query
    return query.where(ResultPublicity.office == (viewer.organisation_id or 0))


def objections_visible_to(viewer):
    """Objections to the results 公示 `viewer` manages."""
    return Objection.select().where(Objection.publicity.in_(result_publicities_visible_to(viewer).select(ResultPublicity.id)))


def rechecks_visible_to(viewer):
    """复查 requests: the applicant's own, else those of the results 公示 `viewer` manages."""
    if viewer.role == Role.APPLICANT:
        return Recheck.select().where(Recheck.application.in_(applications_visible_to(viewer).select(Application.id)))
    return Recheck.select().where(Recheck.publicity.in_(result_publicities_visible_to(viewer).select(ResultPublicity.id)))


# Who keeps the 诚信档案: committee offices record and read it city-wide (the bar follows the person everywhere).
INTEGRITY_KEEPERS = (Role.COMMITTEE_OFFICE, Role.ADMIN)


def integrity_cases_visible_to(viewer):
    """诚信档案 entries: all of them for committee offices and the administrator, none for anyone else."""
    query = IntegrityCase.select()
    return query if viewer.role in INTEGRITY_KEEPERS else query.where(False)


def fee_notices_visible_to(viewer):
    """Fee notices `viewer` may see: the applicant's own, an office's own (it charges and confirms only those)."""
    query = FeeNotice.select()
    if viewer.role == Role.ADMIN:
        return query
    if viewer.role == Role.APPLICANT:
        return query.where(FeeNotice.application.in_(applications_visible_to(viewer).select(Application.id)))
    return query.where(FeeNotice.organisation == (viewer.organisation_id or 0))


def certificates_visible_to(viewer):
    """Certificates `viewer` may list: the applicant's own, those an office's accounts issued, all for the administrator."""
    query = Certificate.select(Certificate, Application, User).join(Application).join(
        User, on=(Application.applicant == User.id))
    if viewer.role == Role.ADMIN:
        return query
    if viewer.role == Role.APPLICANT:
        return query.where(Application.applicant == viewer.id)
    issuers = User.select(User.id).where(User.organisation == (viewer.organisation_id or 0))
    return query.where(Certificate.issued_by.in_(issuers))


def applications_using(stored):
    """Ids of the applications whose submitted versions carry a file (a draft's files are only its applicant's)."""
    return (Submission.select(Submission.application)
            .join(SubmissionFile, on=(SubmissionFile.submission == Submission.id)).where(SubmissionFile.file == stored))


def experts_visible_to(viewer):
    """Experts `viewer` may see: its committee's 专家库 for an office, its own rows for an expert, all for the admin."""
    query = Expert.select()
    if viewer.role == Role.ADMIN:
        return query
    if viewer.role == Role.COMMITTEE_OFFICE and viewer.organisation_id:
        return query.where(Expert.committee == viewer.organisation.committee_id)
    if viewer.role == Role.EXPERT:
        return query.where(Expert.user == viewer.id)
    return query.where(False)


def meetings_visible_to(viewer):
    """Meetings `viewer` may open: the office's own; for an expert, those whose committee they sit on."""
    query = Meeting.select()
    if viewer.role == Role.ADMIN:
        return query
    if viewer.role == Role.COMMITTEE_OFFICE and viewer.organisation_id:
        return query.where(Meeting.office == viewer.organisation_id)
    if viewer.role == Role.EXPERT:
        seats = Attendance.select(Attendance.meeting).where(Attendance.expert.in_(experts_visible_to(viewer)))
        return query.where(Meeting.id.in_(seats))
    return query.where(False)
