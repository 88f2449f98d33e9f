"""Demo accounts for `make run`: one per role, all with the password DEMO_PASSWORD (listed in the README)."""
from datetime import date, timedelta

from models import (
    Achievement,
    AchievementKind,
    AchievementStatus,
    Committee,
    CommitteeMember,
    Degree,
    Education,
    EducationRecord,
    Expert,
    Level,
    MemberRole,
    Organisation,
    Ownership,
    PlanCommittee,
    Region,
    ReviewPlan,
    Role,
    TitleRecord,
)
from services.accounts import create_account, register_applicant
from services.idcard import check_char
from services.txn import atomic

DEMO_PASSWORD = "Demo2026"
DEMO_UNIT = "绍兴示范建设集团有限公司"
# A valid 身份证号 (GB 11643 check character), invented for the demo.
DEMO_ID_NUMBER = "330602198506150013"
DEMO_CREDIT_CODE = "91330602MA2D5E7K1B"  # valid GB 32100 check character, invented
DEMO_SENIOR_PLAN = "2020年度建设工程专业高级工程师职务任职资格评审工作计划"


def open_demo_plans(today=None):
    """Open the 越城区 中评委 plan and the senior plan around today, so that demo users can press 马上申报."""
    today = today or date.today()
    mid = (ReviewPlan.select(ReviewPlan.id).join(PlanCommittee).join(Committee)
           .where((Committee.number == 3) & (ReviewPlan.level == Level.MID)))
    ReviewPlan.update(opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=60),
                      education_years=f"{today.year - 2},{today.year - 1}").where(
        ReviewPlan.id.in_(mid) | (ReviewPlan.title == DEMO_SENIOR_PLAN)).execute()


# 越城区中评委's 专家库: (name, unit, title, speciality); the first is 主任委员, the next two 副主任委员, the rest 委员.
# 周工 works at the demo unit, so a meeting proposes his recusal from 张工程's application.
DEMO_EXPERTS = [
    ("陈建国", "绍兴市建筑设计研究院", "正高级工程师", "建筑工程"), ("林秀英", "浙江越城建设监理有限公司", "高级工程师", "工程监理"),
    ("黄志强", "绍兴文理学院", "教授", "土木工程"), ("周立新", DEMO_UNIT, "高级工程师", "建筑施工"),
    ("吴海燕", "绍兴市市政设计院", "高级工程师", "市政工程"), ("徐国华", "越城区建设工程质量监督站", "高级工程师", "质量管理"),
    ("孙明", "绍兴市勘察测绘院", "高级工程师", "岩土工程"), ("马丽", "浙江绍兴安装工程有限公司", "高级工程师", "建筑安装"),
    ("朱伟", "绍兴市造价管理站", "高级工程师", "工程造价"),
]


def _demo_committee(unit):
    """越城区中评委's 专家库 and the committee composed for its mid plan; returns the 主任委员's Expert row."""
    committee = Committee.get(Committee.number == 3)
    plan = (ReviewPlan.select().join(PlanCommittee)
            .where((PlanCommittee.committee == committee) & (ReviewPlan.level == Level.MID)).get())
    roles = [MemberRole.CHAIR, MemberRole.DEPUTY, MemberRole.DEPUTY] + [MemberRole.MEMBER] * (len(DEMO_EXPERTS) - 3)
    experts = []
    for number, ((name, unit_name, title, speciality), role) in enumerate(zip(DEMO_EXPERTS, roles, strict=True), 1):
        first17 = f"33060219650301{number:03d}"
        expert = Expert.create(committee=committee, name=name, id_number=first17 + check_char(first17),
                               unit_name=unit_name, unit=unit if unit_name == unit.name else None, title=title,
                               speciality=speciality, mobile=f"1390000{number:04d}")
        CommitteeMember.create(plan=plan, expert=expert, role=role)
        experts.append(expert)
    return experts[0]


def seed_demo():
    """Create the demo unit and accounts; requires the reference data."""
    yuecheng = Region.get(Region.name == "越城区")
    with atomic():
        unit, _ = Organisation.get_or_create(kind=Role.UNIT, name=DEMO_UNIT, defaults={
            "region": yuecheng, "credit_code": DEMO_CREDIT_CODE, "ownership": Ownership.PRIVATE,
            "contact_name": "王人事", "contact_mobile": "13800000002"})
        accounts = [
            dict(username="admin", real_name="平台管理员", role=Role.ADMIN),
            dict(username="unit_demo", real_name="王人事", role=Role.UNIT, mobile="13800000002", organisation=unit),
            dict(username="talent_demo", real_name="李专员", role=Role.TALENT_CENTRE,
                 organisation=Organisation.get(Organisation.kind == Role.TALENT_CENTRE)),
            dict(username="jsj_yuecheng", real_name="赵审查", role=Role.CONSTRUCTION_BUREAU,
                 organisation=Organisation.get((Organisation.kind == Role.CONSTRUCTION_BUREAU)
                                               & (Organisation.region == yuecheng))),
            dict(username="rsj_yuecheng", real_name="钱审核", role=Role.HR_BUREAU,
                 organisation=Organisation.get((Organisation.kind == Role.HR_BUREAU)
                                               & (Organisation.region == yuecheng))),
            dict(username="pwh_yuecheng", real_name="孙秘书", role=Role.COMMITTEE_OFFICE,
                 organisation=Organisation.get((Organisation.kind == Role.COMMITTEE_OFFICE)
                                               & (Organisation.committee == Committee.get(Committee.number == 3)))),
        ]
        applicant = register_applicant(mobile="13800000001", password=DEMO_PASSWORD, real_name="张工程",
                                       id_number=DEMO_ID_NUMBER)
        applicant.organisation, applicant.work_started_on = unit, date(2008, 7, 1)
        applicant.save()
        EducationRecord.create(user=applicant, education=Education.BACHELOR, degree=Degree.BACHELOR,
                               school="浙江大学", major="土木工程", graduated_on=date(2008, 6, 30))
        TitleRecord.create(user=applicant, name="助理工程师", profession="建筑工程", obtained_on=date(2013, 12, 1))
        Achievement.create(owner=applicant, kind=AchievementKind.PROJECT, title="越城区镜湖新区安置房工程",
                           role_in="项目技术负责人", started_on=date(2018, 3, 1), ended_on=date(2020, 6, 30),
                           scale="建筑面积 12 万平方米", description="负责施工组织设计和质量、安全技术管理。",
                           status=AchievementStatus.PASSED)
        users = [applicant]
        users += [create_account(None, password=DEMO_PASSWORD, **spec) for spec in accounts]
        chair = _demo_committee(unit)
        chair.user = create_account(None, username="expert_demo", real_name=chair.name, password=DEMO_PASSWORD,
                                    role=Role.EXPERT, mobile=chair.mobile)
        chair.save()
        users.append(chair.user)
        open_demo_plans()
    return users
