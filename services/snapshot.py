"""What a submitted application contained, frozen at 提交 so reviewers never see it change underneath."""
import json

from models import ApplicationAchievement
from services import profile, steps
from services.checklist import checklist


def _file(stored):
    return {"id": stored.id, "name": stored.original_name, "type": stored.content_type, "size": stored.size}


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
            "committee": application.committee.name if application.committee_id else "",
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
    }


def dumps(application):
    return json.dumps(build(application), ensure_ascii=False)
