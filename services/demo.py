"""Demo accounts for `make run`: one per role, all with the password DEMO_PASSWORD (listed in the README)."""
from datetime import date, timedelta

from models import (
    Achievement,
    AchievementKind,
    AchievementStatus,
    Committee,
    Degree,
    Education,
    EducationRecord,
    Level,
    Organisation,
    Ownership,
    PlanCommittee,
    Region,
    ReviewPlan,
    Role,
    TitleRecord,
)
from services.accounts import create_account, register_applicant
from services.reference import PROVINCE_SENIOR
from services.txn import atomic

DEMO_PASSWORD = "Demo2026"
DEMO_UNIT = "绍兴示范建设集团有限公司"
# A valid 身份证号 (GB 11643 check character), invented for the demo.
DEMO_ID_NUMBER = "330602198506150013"
DEMO_CREDIT_CODE = "91330602MA2D5E7K1B"  # valid GB 32100 check character, invented


def open_demo_plans(today=None):
    """Open the 越城区 中评委 plan and both senior plans around today, so that demo users can press 马上申报."""
    today = today or date.today()
    mid = (ReviewPlan.select(ReviewPlan.id).join(PlanCommittee).join(Committee)
           .where((Committee.number == 3) & (ReviewPlan.level == Level.MID)))
    ReviewPlan.update(opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=60),
                      education_years=f"{today.year - 2},{today.year - 1}").where(
        ReviewPlan.id.in_(mid) | (ReviewPlan.level == Level.SENIOR)).execute()


def _committee_office(number):
    return Organisation.get((Organisation.kind == Role.COMMITTEE_OFFICE)
                            & (Organisation.committee == Committee.get(Committee.number == number)))


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
            dict(username="pwh_yuecheng", real_name="孙秘书", role=Role.COMMITTEE_OFFICE, organisation=_committee_office(3)),
            dict(username="gpw_jianshe", real_name="周秘书", role=Role.COMMITTEE_OFFICE,
                 organisation=_committee_office(PROVINCE_SENIOR["number"])),
            dict(username="gpw_shigong", real_name="吴秘书", role=Role.COMMITTEE_OFFICE, organisation=_committee_office(1)),
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
        open_demo_plans()
    return users
