"""The audit log: append-only, one row per action that matters, shown to the administrator in Chinese words."""
from models import Achievement, Application, AuditLog, Organisation, ReviewPlan, Role, User

# Every action written to the log, with the word the audit page shows (操作).
ACTION_LABELS = {
    "account.create": "创建账号", "account.register_taken": "已注册号码再次注册", "login": "登录",
    "auth.login_failed": "登录失败", "logout": "退出", "password.change": "修改密码",
    "password.reset": "重置密码",
    "profile.save": "保存个人基本信息", "profile.unit": "更换现工作单位",
    "unit.submit": "单位提交审核", "unit.correct": "修改单位信息", "unit.approve": "单位审核通过", "unit.refuse": "单位审核退回",
    "achievement.save": "保存业绩", "achievement.pass": "业绩审核通过", "achievement.return": "业绩审核退回",
    "plan.create": "新建评审工作计划", "plan.update": "修改评审工作计划",
    "holiday.enter": "录入节假日", "holiday.remove": "删除节假日", "fee.set": "收费设定", "fee.notice": "发出缴费通知", "fee.paid": "确认缴费",
    "fee.waived": "免收费用", "sms.retry": "重新发送短信",
    "application.start": "开始申报", "application.photo": "上传证件照", "application.pledge": "签署个人承诺",
    "application.info": "保存申报信息", "application.achievements": "选择相关业绩",
    "application.hours": "填写继续教育学时", "application.attach": "上传申报附件", "application.detach": "移除申报附件",
    "application.submit": "提交申报",
    "application.pass": "审查通过", "application.return": "退回修改", "application.refuse": "审查不通过",
    "application.publicity": "资格公示", "application.send": "报送", "application.recommend": "审核推荐",
    "application.result_pass": "评审通过", "application.result_fail": "评审未通过",
    "application.forward": "推荐至高评委", "application.interview": "标记面试对象", "document.issue": "下载评审表",
    "certificate.issue": "签发电子证书",
    "application.decided": "评审会表决", "application.interview_schedule": "安排面试",
    "expert.save": "保存专家信息", "expert.activate": "启用专家", "expert.deactivate": "停用专家",
    "expert.import": "导入专家", "expert.account": "开通专家账号", "committee.compose": "评委会组成",
    "meeting.create": "新建评审会议", "meeting.extend": "补充议程", "meeting.attendance": "登记出席情况", "meeting.recusal": "确认回避",
    "meeting.vote_open": "开始在线投票", "meeting.ballot": "专家投票", "meeting.vote_close": "结束投票并计票",
    "batch.start": "批量生成材料", "batch.done": "批量材料生成完成", "batch.fail": "批量材料生成失败",
    "application.result_publicity": "评审结果公示", "application.result_notice": "告知评审结果",
    "application.objection_upheld": "异议成立，评审未通过", "application.recheck": "申请复查",
    "application.recheck_maintained": "复查：维持原结果", "application.re_review": "复查：重新评审",
    "objection.lodge": "提出异议", "objection.dismissed": "异议不成立", "objection.upheld": "异议成立",
    "results.confirm": "确认评审结果", "integrity.record": "记录诚信档案", "certificate.revoke": "撤销证书",
}


def record(actor, action, target="", detail="", ip=""):
    return AuditLog.create(actor=actor, action=action, target=str(target)[:128], detail=detail, ip=ip or "")


def action_label(action):
    return ACTION_LABELS.get(action, action)


def actions_matching(text):
    """The actions whose Chinese word contains `text`, so the audit page can be searched in Chinese."""
    return [action for action, label in ACTION_LABELS.items() if text in label]


def _applications(ids):
    return {f"application:{a.id}": f"申报 #{a.id}（{a.applicant.real_name}，{a.plan.title}）"
            for a in Application.select().where(Application.id.in_(ids))}


def _users(ids):
    return {f"user:{u.id}": f"账号 {u.real_name}（{u.username}）" for u in User.select().where(User.id.in_(ids))}


def _organisations(ids):
    return {f"organisation:{o.id}": f"{'单位' if o.kind == Role.UNIT else '机构'} {o.name}"
            for o in Organisation.select().where(Organisation.id.in_(ids))}


def _achievements(ids):
    return {f"achievement:{a.id}": f"业绩 #{a.id}“{a.title}”（{a.owner.real_name}）"
            for a in Achievement.select().where(Achievement.id.in_(ids))}


def _plans(ids):
    return {f"plan:{p.id}": f"评审工作计划“{p.title}”" for p in ReviewPlan.select().where(ReviewPlan.id.in_(ids))}


TARGET_KINDS = {"application": _applications, "user": _users, "organisation": _organisations,
                "achievement": _achievements, "plan": _plans}


def target_labels(entries):
    """{target: words} for a page of log rows (对象): "申报 #12（张三，2020年度…）" instead of `application:12`.

    One query per kind of object; a target of another form (a holiday's date) is shown as it is.
    """
    ids = {}
    for entry in entries:
        kind, _, number = entry.target.partition(":")
        if kind in TARGET_KINDS and number.isdigit() and len(number) < 19:
            ids.setdefault(kind, set()).add(int(number))
    labels = {}
    for kind, found in ids.items():
        labels.update(TARGET_KINDS[kind](list(found)))
    return labels
