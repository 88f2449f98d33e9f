"""Demo accounts for `make run`: one per role, all with the password DEMO_PASSWORD (listed in the README)."""
import io
from datetime import date, timedelta

from PIL import Image, ImageDraw

from models import (
    Achievement,
    AchievementKind,
    AchievementStatus,
    Application,
    ApplicationStatus,
    ApplicationType,
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
    ResultPublicity,
    ReviewAction,
    ReviewPlan,
    Role,
    Stage,
    TitleRecord,
    User,
    now,
)
from services import snapshot, storage
from services.accounts import create_account, register_applicant
from services.idcard import check_char, parse
from services.reference import PROVINCE_SENIOR
from services.txn import atomic
from services.workdays import publicity_end_date

DEMO_PASSWORD = "Demo2026"
DEMO_UNIT = "绍兴示范建设集团有限公司"
# A valid 身份证号 (GB 11643 check character), invented for the demo.
DEMO_ID_NUMBER = "330602198506150013"
DEMO_CREDIT_CODE = "91330602MA2D5E7K1B"  # valid GB 32100 check character, invented
# Someone whose 中级 result 越城区中评委 confirmed, to issue and verify a 电子证书 with (not an account one logs in to).
DEMO_CERTIFIED_NAME = "李证书"
DEMO_CERTIFIED_ID_NUMBER = "330602198803120021"


def open_demo_plans(today=None):
    """Open the 越城区 中评委 plan and both senior plans around today, so that demo users can press 马上申报. Only the
    dates move: a 2020年度 plan keeps checking 2018–2019 继续教育 and the 考核 years before 2020, as its 申报要求 say."""
    today = today or date.today()
    mid = (ReviewPlan.select(ReviewPlan.id).join(PlanCommittee).join(Committee)
           .where((Committee.number == 3) & (ReviewPlan.level == Level.MID)))
    ReviewPlan.update(opens_on=today - timedelta(days=30), closes_on=today + timedelta(days=60)).where(
        ReviewPlan.id.in_(mid) | (ReviewPlan.level == Level.SENIOR)).execute()


def _committee_office(number):
    return Organisation.get((Organisation.kind == Role.COMMITTEE_OFFICE)
                            & (Organisation.committee == Committee.get(Committee.number == number)))


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
    experts, composed_at = [], now()  # one composition: its rows share their created_at
    for number, ((name, unit_name, title, speciality), role) in enumerate(zip(DEMO_EXPERTS, roles, strict=True), 1):
        first17 = f"33060219650301{number:03d}"
        expert = Expert.create(committee=committee, name=name, id_number=first17 + check_char(first17),
                               unit_name=unit_name, unit=unit if unit_name == unit.name else None, title=title,
                               speciality=speciality, mobile=f"1390000{number:04d}")
        CommitteeMember.create(plan=plan, expert=expert, role=role, created_at=composed_at)
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
        chair = _demo_committee(unit)
        chair.user = create_account(None, username="expert_demo", real_name=chair.name, password=DEMO_PASSWORD,
                                    role=Role.EXPERT, mobile=chair.mobile)
        chair.save()
        users.append(chair.user)
        open_demo_plans()
        publish_demo_results(unit, next(u for u in users if u.username == "pwh_yuecheng"))
    return users


# Applicants the 越城区中评委 has voted on: (name, mobile, passed). The passed ones are on a results 公示 open today.
DEMO_DECIDED = (("陈公示", "13800001011", True), ("刘公示", "13800001012", True), ("周未过", "13800001013", False))


def publish_demo_results(unit, officer, today=None):
    """A results 公示 of the 越城区中评委's mid plan that started yesterday, as the office would publish it, so that a
    visitor sees it on the public page (评审结果公示) and the office can handle objections and 复查 (demo set-up only:
    the platform itself moves applications through workflow/results.py)."""
    today = today or date.today()
    office = officer.organisation
    plan = (ReviewPlan.select().join(PlanCommittee).where((PlanCommittee.committee == office.committee)
                                                          & (ReviewPlan.level == Level.MID)).get())
    starts_on = today - timedelta(days=1)
    ends_on = publicity_end_date(starts_on)[0]
    committee = office.committee
    publicity = ResultPublicity.create(
        plan=plan, office=office, starts_on=starts_on, ends_on=ends_on, created_by=officer,
        how_to_object=f"对公示对象有异议的，请于公示期内在本页实名提出，或以书面形式向{office.name}反映"
                      f"（地址：{committee.address or committee.receiving_office}，电话 {committee.phone}）。")
    for number, (name, mobile, passed) in enumerate(DEMO_DECIDED, start=1):
        first17 = f"33060219880101{number:03d}"
        person = register_applicant(mobile=mobile, password=DEMO_PASSWORD, real_name=name,
                                    id_number=first17 + check_char(first17))
        person.organisation = unit
        person.save()
        application = Application.create(
            applicant=person, plan=plan, unit=unit, submitted_at=now(), stage=Stage.COMMITTEE,
            stage_organisation=office, stage_since=now(), meeting_date=starts_on, decided_pass=passed,
            status=ApplicationStatus.RESULT_PUBLICITY if passed else ApplicationStatus.DECIDED,
            result_publicity=publicity, profession=plan.profession_links[0].profession,
            application_type=ApplicationType.NORMAL, committee=committee)
        application.snapshot = snapshot.dumps(application)
        application.save()
        ReviewAction.create(application=application, level=Stage.COMMITTEE.value, organisation=office, actor=officer,
                            action="result_publicity" if passed else "result_notice",
                            reason=f"公示期 {starts_on} 至 {ends_on}")
    return publicity


def _portrait():
    """A 证件照-like drawing: a dark head and shoulders on white, as JPEG."""
    image = Image.new("RGB", (300, 400), (255, 255, 255))
    draw = ImageDraw.Draw(image)
    draw.ellipse((90, 48, 210, 240), fill=(40, 30, 30))
    draw.rectangle((24, 280, 276, 400), fill=(40, 30, 30))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    return out.getvalue()


def seed_demo_pass(upload_root):
    """李证书's confirmed pass (评审通过) of the 越城区中评委's plan, held by its office: the demo certificate's."""
    office = Organisation.get((Organisation.kind == Role.COMMITTEE_OFFICE)
                              & (Organisation.committee == Committee.get(Committee.number == 3)))
    plan = (ReviewPlan.select().join(PlanCommittee).where((PlanCommittee.committee == office.committee_id)
                                                          & (ReviewPlan.level == Level.MID)).get())
    person = parse(DEMO_CERTIFIED_ID_NUMBER)
    with atomic():
        unit = Organisation.get((Organisation.kind == Role.UNIT) & (Organisation.name == DEMO_UNIT))
        holder = User.create(username=f"demo-{person.number}", password_hash="!", role=Role.APPLICANT,
                             real_name=DEMO_CERTIFIED_NAME, id_number=person.number, gender=person.gender,
                             birth_date=person.birth_date, organisation=unit, is_enabled=False)
        photo = storage.store(_portrait(), "证件照.jpg", storage.JPEG, upload_root, holder)
        application = Application.create(
            applicant=holder, plan=plan, unit=unit, photo=photo, submitted_at=now(), stage=Stage.COMMITTEE,
            stage_organisation=office, stage_since=now(), status=ApplicationStatus.PASSED, committee=office.committee,
            profession=plan.profession_links[0].profession, application_type=ApplicationType.NORMAL,
            meeting_date=date.today() - timedelta(days=10))
        application.snapshot = snapshot.dumps(application)
        application.save()
    return application
