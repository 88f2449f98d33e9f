"""Each role's menu, with the names the notice tells users to click."""
from dataclasses import dataclass, field

from flask import url_for

from models import Level, Role


@dataclass(frozen=True)
class MenuItem:
    label: str
    endpoint: str
    params: dict = field(default_factory=dict)

    @property
    def url(self):
        return url_for(self.endpoint, **self.params)


HOME = MenuItem("首页", "home.index")
NOTICES = MenuItem("消息通知", "home.notifications")
PENDING = MenuItem("待审查", "review.queue")
RECOMMEND = MenuItem("审核推荐", "review.recommend_page")
FEES = MenuItem("收费设定", "review.fees")
FEE_LIST = MenuItem("缴费管理", "fees.notice_list")
ROSTER = MenuItem("评委会评审对象花名册", "roster.index")
INTEGRITY = MenuItem("诚信档案", "integrity.cases")

MENUS = {
    Role.APPLICANT: [
        HOME, MenuItem("个人基本信息", "applicant.profile_page"), MenuItem("我的业绩档案", "applicant.achievements"),
        MenuItem("高级职称评审", "plans.plan_list", {"level": Level.SENIOR.value}),
        MenuItem("中级职称评审", "plans.plan_list", {"level": Level.MID.value}), MenuItem("我的申报", "wizard.mine"),
        NOTICES,
    ],
    Role.UNIT: [
        HOME, MenuItem("单位信息", "unit.info"), MenuItem("本单位人员", "unit.staff"),
        MenuItem("业绩档案审核", "unit.achievements"),
        MenuItem("职称申报资格审查", "review.queue"), MenuItem("资格公示与报送", "review.publicity"), NOTICES,
    ],
    Role.TALENT_CENTRE: [HOME, FEES, FEE_LIST, PENDING, RECOMMEND, ROSTER, NOTICES],
    Role.CONSTRUCTION_BUREAU: [HOME, FEES, FEE_LIST, PENDING, RECOMMEND, ROSTER, NOTICES],
    Role.HR_BUREAU: [HOME, FEES, FEE_LIST, PENDING, RECOMMEND, ROSTER, NOTICES],
    Role.COMMITTEE_OFFICE: [
        HOME, MenuItem("评审对象", "committee.queue"), MenuItem("专家库", "experts.pool"),
        MenuItem("评委会组成", "experts.compositions"), MenuItem("评审会议", "meetings.meeting_list"), ROSTER,
        MenuItem("推荐至高评委", "committee.forward"), MenuItem("评审结果公示", "results.publicity_list"),
        MenuItem("异议处理", "results.objections"), MenuItem("复查申请", "results.rechecks"),
        MenuItem("电子证书", "certificates.index"), INTEGRITY, FEES, FEE_LIST, NOTICES,
    ],
    Role.EXPERT: [HOME, MenuItem("我的评审会议", "expert.meetings"), NOTICES],
    Role.ADMIN: [
        HOME, MenuItem("账号管理", "admin.accounts_list"), MenuItem("单位审核", "admin.units"),
        MenuItem("评审工作计划", "plans.admin_list"), MenuItem("评委会与专业", "admin.committees"),
        MenuItem("节假日设置", "admin.holidays"), INTEGRITY,
        MenuItem("短信发件箱", "admin.outbox"), MenuItem("操作日志", "admin.audit_log"), NOTICES,
    ],
}


def menu_for(user):
    return MENUS.get(user.role, []) if user.is_authenticated else []

