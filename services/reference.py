"""Reference data from the notice (附件4 and the plans it names), loaded idempotently by `flask seed-reference`.

Every record is found by its natural key and created only when missing: a row that exists is the administrator's
(a plan's year, its professions and committees) and is never changed or re-linked, so a restart loses no edit.
"""
from datetime import date

from models import (
    Committee,
    CommitteeProfession,
    IndustryTag,
    Level,
    Organisation,
    PlanCommittee,
    PlanProfession,
    Profession,
    Region,
    ReviewPlan,
    Role,
)
from services.checklist import DEFAULT_KINDS
from services.txn import atomic

REGIONS = [
    ("city", "市直"), ("yuecheng", "越城区"), ("keqiao", "柯桥区"), ("shangyu", "上虞区"),
    ("zhuji", "诸暨市"), ("shengzhou", "嵊州市"), ("xinchang", "新昌县"),
]

CATEGORY_1 = ["建筑工程管理", "建筑材料", "风景园林", "工程造价", "城市燃气工程", "白蚁防治", "建筑机械", "工程勘察"]
CATEGORY_2 = ["岩土工程", "给排水", "暖通工程", "建筑工程（施工）", "建筑电气/建筑智能化", "建筑装饰", "市政道路（桥梁）施工"]
CONSTRUCTION = ["建筑施工专业"]
DESIGN = ["建筑设计", "建筑结构", "建筑装饰设计", "风景园林/景观设计", "市政道路（桥梁）设计", "岩土工程设计",
          "给排水设计", "暖通工程设计", "建筑电气/建筑智能化设计"]
PREFABRICATED = ["装配式建筑施工", "装配式建筑设计", "装配式建筑生产"]
SHANGHAI = ["岩土工程", "给排水", "暖通工程", "建筑工程（施工）", "建筑电气/建筑智能化", "建筑装饰", "风景园林",
            "市政道路（桥梁）施工"]

DISTRICT_PROFESSIONS_TEXT = (
    "1、建筑工程管理、建筑材料、风景园林、工程造价、城市燃气工程、白蚁防治、建筑机械、工程勘察等专业；"
    "2、岩土工程、给排水、暖通工程、建筑工程（施工）、建筑电气/建筑智能化、建筑装饰、市政道路（桥梁）等施工专业。"
)
CATEGORY_NOTE = "专业类别1的高级申报人员需要经中评委推荐，专业类别2的人员不需要经中评委推荐。"
MID_TITLES = "工程师、高级工程师（推荐）"


def _district(number, region, name, office, phone, address, professions_text="", note=""):
    return dict(number=number, name=name, titles=MID_TITLES, professions_text=professions_text, scope=region,
                receiving_office=office, phone=phone, address=address, note=note, region=region,
                professions=CATEGORY_1 + CATEGORY_2)


# 附件4, row by row; `professions` is what the platform offers (the printed text is kept in professions_text).
# Rows 3–7 print no professions; they review the same district list as rows 2 and 8.
COMMITTEES = [
    dict(number=1, name="浙江省建筑（施工专业）工程技术人员高级职务任职资格评审委员会", titles="高级工程师",
         professions_text="建筑施工专业", scope="全市", receiving_office="绍兴市人力社保局专技处", phone="85224188",
         address="越城区曲屯368号", note="", is_senior=True, professions=CONSTRUCTION),
    _district(2, "市直", "市直建设工程中级专业技术职务任职资格评审委员会", "绍兴市建设局政治处", "85140374",
              "越城区凤林西路135号市交投大厦", DISTRICT_PROFESSIONS_TEXT, CATEGORY_NOTE),
    _district(3, "越城区", "越城区建设工程中级专业技术职务任职资格评审委员会", "越城区人力社保局人事管理科",
              "88307199", "越城区马臻路45号"),
    _district(4, "柯桥区", "柯桥区建设工程中级专业技术职务任职资格评审委员会", "柯桥区人力社保局专业技术人员管理科",
              "84126032", "柯桥区纺都路1066号公共服务大楼"),
    _district(5, "上虞区", "上虞区建设工程中级专业技术职务任职资格评审委员会", "上虞区人力社保局专业技术人员管理科",
              "82120302", "上虞区曹娥街道嘉和路168号"),
    _district(6, "诸暨市", "诸暨市建设工程中级专业技术职务任职资格评审委员会", "诸暨市人力社保局专业技术与职业资格管理科",
              "87035676", "诸暨市暨阳街道永昌路12号"),
    _district(7, "嵊州市", "嵊州市建设工程中级专业技术职务任职资格评审委员会", "嵊州市人力社保局专业技术人员管理科",
              "83012837", "嵊州市剡城路369号"),
    _district(8, "新昌县", "新昌县建设工程中级专业技术职务任职资格评审委员会", "新昌县人力社保局人才综合科",
              "86023080", "新昌县鼓山中路179号", DISTRICT_PROFESSIONS_TEXT, CATEGORY_NOTE),
    dict(number=9, name="绍兴市勘察设计行业工程技术人员中级专业技术职务任职资格评审委员会", titles=MID_TITLES,
         professions_text="建筑设计、建筑结构、建筑装饰、风景园林/景观、市政道路（桥梁）、岩土工程、给排水、暖通工程、"
                          "建筑电气/建筑智能化等设计专业",
         scope="全市勘察设计企业", receiving_office="绍兴市勘察设计协会", phone="88208007", address="", note="",
         industry_tag=IndustryTag.SURVEY_DESIGN, professions=DESIGN),
    dict(number=10, name="绍兴市装配式建筑行业工程技术人员中级专业技术职务任职资格评审委员会", titles="工程师",
         professions_text="装配式建筑施工、设计、生产", scope="全市", receiving_office="绍兴建筑产业现代化发展联盟",
         phone="89176889", address="", note="", industry_tag=IndustryTag.PREFABRICATED, professions=PREFABRICATED),
    dict(number=11, name="绍兴市驻沪建筑施工企业工程技术人员中级专业技术职务任职资格评审委员会", titles="工程师",
         professions_text="岩土工程、给排水、暖通工程、建筑工程（施工）、建筑电气/建筑智能化、建筑装饰、风景园林、"
                          "市政道路（桥梁）等施工专业。",
         scope="驻沪建筑施工企业", receiving_office="上海市绍兴商会", phone="021-31269545", address="", note="",
         industry_tag=IndustryTag.SHANGHAI, professions=SHANGHAI),
]
# The province's 建设工程专业高评委 (附件1 二), outside the eleven of 附件4: 绍兴市人力社保局专技处 receives the city's
# senior materials for it (附件3 一 1; the 专技处's phone and address as printed for committee 1).
PROVINCE_SENIOR = dict(
    number=12, name="浙江省建设工程专业高级工程师职务任职资格评审委员会", titles="高级工程师",
    professions_text=DISTRICT_PROFESSIONS_TEXT, scope="全省（本市材料由绍兴市人力社保局专技处接收）",
    receiving_office="绍兴市人力社保局专技处", phone="85224188", address="越城区曲屯368号",
    note="省建设工程专业高评委，不在附件4所列11个评委会之内。" + CATEGORY_NOTE, is_senior=True,
    professions=CATEGORY_1 + CATEGORY_2)

# The bureaus each region's accounts belong to (统一分配的账号).
BUREAUS = {
    "市直": ("绍兴市建设局", "绍兴市人力社保局专技处"),
    "越城区": ("越城区住房和城乡建设局", "越城区人力社保局"),
    "柯桥区": ("柯桥区住房和城乡建设局", "柯桥区人力社保局"),
    "上虞区": ("上虞区住房和城乡建设局", "上虞区人力社保局"),
    "诸暨市": ("诸暨市住房和城乡建设局", "诸暨市人力社保局"),
    "嵊州市": ("嵊州市住房和城乡建设局", "嵊州市人力社保局"),
    "新昌县": ("新昌县住房和城乡建设局", "新昌县人力社保局"),
}
TALENT_CENTRE = "绍兴市人才交流中心"

# The notice gives no filing dates; these are placeholders the administrator edits (评审工作计划 page).
PLAN_OPENS = date(2020, 9, 1)
PLAN_CLOSES = date(2020, 10, 31)
# 申报要求 of the 2020年度 plans, as the notice words them (附件1 二 3–5, 附件3 一).
PLAN_REQUIREMENTS = """\
一、填写申报信息：“本人述职”内容为专业工作业绩情况（限1000字以内），并根据用人单位所属关系选择相应的“受理评审委员会”。
选择“自评申报”的，自评分需达到105分才能申报；已取得高级职称、又通过中级申报建设工程专业高级工程师的，需在“专业技术职务任职资格2”中选择相应高级职称，并上传佐证材料；技能人才申报选择“正常申报”，并上传佐证材料。
二、选择相关业绩：根据建设工程专业工程师/高级工程师评审要求，从个人业绩档案库中提取相应业绩材料。工程业绩材料要求突出专业代表性，不宜过多过杂，集体项目须提供本人系主要贡献者依据。
三、上传相关附件（扫描件）：
（1）2018、2019年继续教育学时登记证明（通过管理系统打印并每年度满足90学时要求）；
（2）省外社保缴纳证明（适用于近1年内有省外社保缴纳记录人员）；
（3）事业单位人员职称申报岗位信息表（适用于事业单位在编人员，非在编人员需提供单位说明）；
（4）中级提供近4年现任专业技术职务资格聘书，高级提供5年现任专业技术职务资格聘书（申报当年须在聘）；
（5）通过自评分105分申报中/高级的人员需上传浙江省建设工程专业工程师/高级工程师职务任职资格自评表1份（含2名本专业或相近专业在职高级/正高工程师证书）；
（6）学历证书及认证材料（适用于学信网上无法查询学历信息人员，认证材料包括毕业生就业登记表、国外、港澳台学历学位认证书等）。
四、报送材料：用人单位所在地人力社保部门网上审核同意后，申报人员自行下载打印带水印的《专业技术职务任职资格评审表》一式3份（参加面试人员4份），加盖所在单位、各主管部门公章，放入资料袋，封面标注姓名、申报专业和所在单位；高级申报对象由所在中评委推荐后提交绍兴市人力社保局专技处，中级申报对象提交各中评委办公室。参加面试的，需提交纸质论文代表作1份。"""

# (title, the 中评委 that recommend category 1 (中推高), its professions, the 高评委 that decides)
SENIOR_PLANS = [
    ("2020年度建设工程专业高级工程师职务任职资格评审工作计划", list(range(2, 10)), CATEGORY_1 + CATEGORY_2,
     PROVINCE_SENIOR["number"]),
    ("2020年省建筑（施工专业）工程技术人员高级职务任职资格评审工作计划", [1], CONSTRUCTION + CATEGORY_2, 1),
]


def _ensure(model, key, values=None):
    """The row found by `key`, or a new one with `values`; an existing row is left exactly as it is."""
    row = model.get_or_none(**key)
    if row is None:
        return model.create(**key, **(values or {})), True
    return row, False


def _link(model, left_name, left, right_name, rights):
    for right in rights:
        model.create(**{left_name: left, right_name: right})


def _seed_plans(committees, professions):
    """The notice's plans, for a new platform only: afterwards the administrator renames, re-dates and re-links them."""
    plans = [(title, Level.SENIOR, numbers, names, committees[senior]) for title, numbers, names, senior in SENIOR_PLANS]
    plans += [
        (f"2020年度{c.name}（工程师）评审工作计划", Level.MID, [c.number],
         [link.profession.name for link in c.profession_links], None)
        for c in committees.values() if not c.is_senior
    ]
    for title, level, numbers, names, senior in plans:
        plan = ReviewPlan.create(title=title, year=2020, level=level, opens_on=PLAN_OPENS, closes_on=PLAN_CLOSES,
                                 education_years="2018,2019", required_attachments=DEFAULT_KINDS,
                                 requirements=PLAN_REQUIREMENTS, senior_committee=senior)
        _link(PlanCommittee, "plan", plan, "committee", [committees[n] for n in numbers])
        _link(PlanProfession, "plan", plan, "profession", [professions[n] for n in names])


def seed_reference():
    """Create whatever reference data is missing; returns counts by kind."""
    with atomic():
        regions = {}
        for order, (code, name) in enumerate(REGIONS):
            regions[name], _ = _ensure(Region, {"code": code}, {"name": name, "sort_order": order})

        professions = {}
        for name in dict.fromkeys(CATEGORY_1 + CATEGORY_2 + CONSTRUCTION + DESIGN + PREFABRICATED + SHANGHAI):
            category = 1 if name in CATEGORY_1 else 2 if name in CATEGORY_2 else None
            professions[name], _ = _ensure(Profession, {"name": name}, {"category": category})

        committees = {}
        for spec in COMMITTEES + [PROVINCE_SENIOR]:
            values = {k: v for k, v in spec.items() if k not in ("number", "professions")}
            values["region"] = regions.get(values.get("region"))
            values.setdefault("is_senior", False)
            values.setdefault("industry_tag", None)
            committee, created = _ensure(Committee, {"number": spec["number"]}, values)
            committees[spec["number"]] = committee
            if created:
                _link(CommitteeProfession, "committee", committee, "profession",
                      [professions[p] for p in spec["professions"]])
            _ensure(Organisation, {"kind": Role.COMMITTEE_OFFICE, "name": f"{committee.name}办公室"},
                    {"committee": committee, "region": committee.region})

        for region_name, (construction, hr) in BUREAUS.items():
            _ensure(Organisation, {"kind": Role.CONSTRUCTION_BUREAU, "name": construction}, {"region": regions[region_name]})
            _ensure(Organisation, {"kind": Role.HR_BUREAU, "name": hr}, {"region": regions[region_name]})
        _ensure(Organisation, {"kind": Role.TALENT_CENTRE, "name": TALENT_CENTRE}, {"region": regions["市直"]})

        if not ReviewPlan.select().exists():  # the plans are the administrator's once they exist
            _seed_plans(committees, professions)
        # a 高级 plan of a database older than 015 that names no 高评委 among its committees is the 建设工程专业 one
        ReviewPlan.update(senior_committee=committees[PROVINCE_SENIOR["number"]]).where(
            (ReviewPlan.level == Level.SENIOR) & ReviewPlan.senior_committee.is_null()).execute()

    return {
        "地区": Region.select().count(), "评委会": Committee.select().count(), "专业": Profession.select().count(),
        "机构": Organisation.select().count(), "评审工作计划": ReviewPlan.select().count(),
    }
