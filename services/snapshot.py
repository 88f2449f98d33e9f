"""What a submitted application contained, frozen at 提交 so reviewers never see it change underneath."""
import json

from models import ApplicationAchievement, ApplicationType, Submission
from services import profile, routing, scoring, steps
from services.checklist import checklist


def _file(stored):
    return {"id": stored.id, "name": stored.original_name, "type": stored.content_type, "size": stored.size}


def _name(record):
    return record.name if record else ""


def _date(value):
    return value.isoformat() if value else None


def build(application):
    applicant, plan = application.applicant, application.plan
    unit = application.unit
    files = steps.files_by_key(application)
    return {
        "plan": {"id": plan.id, "title": plan.title, "level": plan.level.value, "year": plan.year},
        "applicant": {
            "name": applicant.real_name, "gender": applicant.gender.label if applicant.gender else "",
            "birth_date": _date(applicant.birth_date), "id_number": applicant.id_number, "mobile": applicant.mobile,
            "unit": unit.name if unit else "", "work_started_on": _date(applicant.work_started_on),
            "work_years": profile.full_years(applicant.work_started_on),
            "education": [{"education": r.education.label, "degree": r.degree.label, "school": r.school,
                           "major": r.major, "graduated_on": _date(r.graduated_on),
                           "verifiable_on_chsi": r.verifiable_on_chsi} for r in applicant.education],
            "titles": [{"name": t.name, "profession": t.profession, "obtained_on": _date(t.obtained_on)}
                       for t in applicant.titles],
        },
        "photo": _file(application.photo) if application.photo_id else None,
        "pledge": {"signature": _file(application.pledge_signature) if application.pledge_signature_id else None,
                   "signed_at": _date(application.pledge_signed_at), "ip": application.pledge_ip},
        "info": {
            "application_type": application.application_type.label if application.application_type else "",
            "recent_degree": application.recent_degree, "mid_again": application.mid_again,
            "transfer_from": application.transfer_from, "landmark_text": application.landmark_text,
            "holds_senior_title": application.holds_senior_title, "second_title": application.second_title,
            "profession": application.profession.name if application.profession_id else "",
            "category": application.category.label if application.category else "",
            "assessments": steps.assessment_text(application), "statement": application.statement,
            "committee": _name(routing.deciding_committee(application)),
            "recommender": _name(routing.recommending_committee(application)),
            "self_evaluation": steps.loads(application.self_evaluation),
            "self_evaluation_total": application.self_evaluation_total,
            "insured_outside_province": application.insured_outside_province,
            "established_post": application.established_post,
        },
        "achievements": [{
            "id": link.achievement.id, "version": link.version, "kind": link.achievement.kind.label,
            "title": link.achievement.title, "role_in": link.achievement.role_in,
            "started_on": _date(link.achievement.started_on), "ended_on": _date(link.achievement.ended_on),
            "scale": link.achievement.scale, "description": link.achievement.description,
            "is_collective": link.achievement.is_collective, "details": steps.loads(link.achievement.details),
            "files": [_file(f) for f in link.achievement.current_files],
            "contributor_evidence": _file(link.contributor_evidence) if link.contributor_evidence_id else None,
        } for link in application.achievement_links.order_by(ApplicationAchievement.id)],
        "attachments": [{"key": item.key, "label": item.label, "files": [_file(f) for f in files.get(item.key, [])]}
                        for item in checklist(application)],
        "evidence": {key: [_file(f) for f in files.get(key, [])] for key in steps.evidence_needed(application)},
        "education_hours": steps.loads(application.education_hours),
        # the rubric as it stood at 提交, so a later change of the plan's rubric does not rewrite what was claimed
        "self_evaluation_items": scoring.breakdown(steps.rubric(plan), steps.loads(application.self_evaluation))
        if application.application_type == ApplicationType.SELF_EVALUATION else [],
    }


def dumps(application):
    return json.dumps(build(application), ensure_ascii=False)


def file_ids(data):
    """Ids of every file a snapshot names (photo, signature, evidence, attachments, achievements' files)."""
    if isinstance(data, dict):
        own = [data["id"]] if {"id", "name", "size"} <= data.keys() else []
        return own + [i for value in data.values() for i in file_ids(value)]
    if isinstance(data, list):
        return [i for value in data for i in file_ids(value)]
    return []


APPLICANT_LABELS = {
    "name": "姓名", "gender": "性别", "birth_date": "出生日期", "id_number": "身份证号", "mobile": "联系电话",
    "unit": "工作单位", "work_started_on": "工作起始时间", "work_years": "专业工作年限",
}
# Step 3's answers, by Application column: the diff between submissions and the audit of step 3 name them so.
INFO_LABELS = {
    "application_type": "申报类型", "recent_degree": "后学历（学位）取得时间不满2年", "mid_again": "再次通过中级申报",
    "transfer_from": "原系列职称", "landmark_text": "标志性业绩", "holds_senior_title": "已取得高级职称",
    "second_title": "专业技术职务任职资格2", "profession": "从事专业", "category": "申报类别",
    "assessments": "单位考核情况", "statement": "本人述职", "committee": "受理评审委员会", "recommender": "推荐中评委（中推高）",
    "self_evaluation": "自评项目", "self_evaluation_total": "自评总分",
    "insured_outside_province": "近1年内有省外社保缴纳记录", "established_post": "事业单位在编",
}


def _text(value):
    if isinstance(value, bool):
        return "是" if value else "否"
    if value is None or value in ("", [], {}):
        return "（空）"
    if isinstance(value, dict):
        return "，".join(f"{k}：{v}" for k, v in value.items())
    return str(value)


def _files_text(files):
    return "、".join(f["name"] for f in files) or "无"


def _lines(data):
    """The snapshot as {label: (text, value)}, in the order of the page; `value` tells a re-uploaded file apart."""
    applicant, info = data.get("applicant", {}), data.get("info", {})
    lines = {label: (_text(applicant.get(key)), applicant.get(key)) for key, label in APPLICANT_LABELS.items()}
    education = applicant.get("education", [])
    lines["学历"] = ("；".join(f"{e['education']}（{e['degree']}），{e['school']} {e['major']}，{e['graduated_on']} 毕业"
                            for e in education) or "（空）", education)
    titles = applicant.get("titles", [])
    lines["现专业技术职务"] = ("；".join(f"{t['name']}（{t['profession']}），{t['obtained_on']} 取得" for t in titles)
                          or "无", titles)
    photo = data.get("photo")
    lines["证件照"] = (photo["name"] if photo else "未上传", photo)
    pledge = data.get("pledge", {})
    lines["个人承诺"] = (f"{pledge['signed_at']} 签署" if pledge.get("signed_at") else "未签署", pledge)
    lines.update({label: (_text(info.get(key)), info.get(key)) for key, label in INFO_LABELS.items()})
    for key, files in data.get("evidence", {}).items():
        lines[steps.EVIDENCE.get(key, key)] = (_files_text(files), files)
    for item in data.get("achievements", []):
        text = f"{item['kind']}，第 {item['version']} 版，附件：{_files_text(item['files'])}"
        if item.get("contributor_evidence"):
            text += f"，主要贡献者依据：{item['contributor_evidence']['name']}"
        lines[f"相关业绩“{item['title']}”"] = (text, item)
    for year, hours in data.get("education_hours", {}).items():
        lines[f"{year}年继续教育学时"] = (f"{hours} 学时", hours)
    for item in data.get("attachments", []):
        lines[item["label"]] = (_files_text(item["files"]), item["files"])
    return lines


def changes(before, after):
    """What changed between two snapshots: [(label, was, now)], in Chinese, a re-uploaded file said so."""
    old, new = _lines(before), _lines(after)
    found = []
    for label in [*old, *(label for label in new if label not in old)]:
        (was, was_value), (now_text, now_value) = old.get(label, ("（无）", None)), new.get(label, ("（无）", None))
        if was_value != now_value:
            found.append((label, was, now_text if now_text != was else f"{now_text}（已重新上传）"))
    return found


def submissions(application):
    """Every 提交 of an application kept, oldest first, each with its snapshot (`data`) and, but for the first, the
    one before it (`previous`) and what changed since (`changes`)."""
    found = list(application.submissions.order_by(Submission.number))
    for earlier, later in zip([None, *found], found, strict=False):
        later.data, later.previous = json.loads(later.snapshot), earlier
        later.changes = changes(earlier.data, later.data) if earlier else []
    return found
