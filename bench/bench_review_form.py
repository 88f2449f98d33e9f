"""Benchmark: one 评审表 with the longest 本人述职 (1000 characters) and 10 achievements; goal ≤ 0.5 s.

    .venv/bin/python bench/bench_review_form.py [rounds=10]

Builds a throw-away SQLite database with one application whose unit, 建设主管部门 and 人力社保部门 have given
their opinions, then renders its 评审表 (with a document number and QR code) `rounds` times and prints the
median and the slowest time, the pages and the size. CI does not run it.
"""
import io
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SECRET_KEY", "bench-secret-key-of-at-least-32-bytes")

from pypdf import PdfReader  # noqa: E402

from app import create_app, migration_router  # noqa: E402
from models import (  # noqa: E402
    Application,
    ApplicationStatus,
    ApplicationType,
    Committee,
    DocumentIssue,
    Organisation,
    ReviewAction,
    ReviewPlan,
    Role,
    Stage,
    User,
    db,
    now,
)
from services import documents  # noqa: E402
from services.reference import seed_reference  # noqa: E402
from services.steps import STATEMENT_LIMIT  # noqa: E402

PARAGRAPH = "本人长期从事房屋建筑工程施工技术管理工作，主持编制专项施工方案并组织实施，解决了深基坑支护等技术难题。"
GOAL_SECONDS = 0.5


def snapshot(plan):
    statement = "\n".join([PARAGRAPH * 4] * 10)[:STATEMENT_LIMIT]
    achievements = [{"id": n, "version": 1, "kind": "工程项目", "title": f"某市第{n}号综合体工程（地上 32 层，建筑面积 12 万平方米）",
                     "role_in": "项目技术负责人", "started_on": "2018-03-01", "ended_on": "2020-06-30", "scale": "3.2 亿元",
                     "description": "", "is_collective": False, "details": {}, "files": [], "contributor_evidence": None}
                    for n in range(1, 11)]
    return {
        "plan": {"id": plan.id, "title": plan.title, "level": plan.level.value, "year": plan.year},
        "applicant": {"name": "欧阳明远", "gender": "男", "birth_date": "1985-06-15", "id_number": "330602198506150013",
                      "mobile": "13900000001", "unit": "绍兴市越城区某某建设工程集团有限公司", "work_started_on": "2008-07-01",
                      "work_years": 17,
                      "education": [{"education": "大学本科", "degree": "学士", "school": "浙江大学", "major": "土木工程",
                                     "graduated_on": "2008-06-30", "verifiable_on_chsi": True}],
                      "titles": [{"name": "工程师", "profession": "建筑施工", "obtained_on": "2014-12-01"}]},
        "photo": None, "pledge": {},
        "info": {"application_type": "正常申报", "recent_degree": False, "mid_again": False, "transfer_from": "",
                 "profession": "建筑施工", "category": "施工与监理类", "assessments": "2023合格、2024优秀",
                 "statement": statement, "committee": "绍兴市建设工程高级工程师职务任职资格评审委员会",
                 "self_evaluation": {}, "self_evaluation_total": None},
        "achievements": achievements, "attachments": [], "evidence": {},
        "education_hours": {"2023": 90, "2024": 96},
    }


def application_with_opinions():
    seed_reference()
    plan = ReviewPlan.select().where(ReviewPlan.level == "mid").first()
    committee = Committee.get(Committee.number == 3)
    bureau = Organisation.get(Organisation.kind == Role.CONSTRUCTION_BUREAU)
    unit = Organisation.create(kind=Role.UNIT, name="绍兴市越城区某某建设工程集团有限公司", region=bureau.region)
    hr = Organisation.get((Organisation.kind == Role.HR_BUREAU) & (Organisation.region == bureau.region))
    user = User.create(username="13900000001", password_hash="-", role=Role.APPLICANT, real_name="欧阳明远")
    application = Application.create(applicant=user, plan=plan, unit=unit, status=ApplicationStatus.AT_COMMITTEE,
                                     stage=Stage.COMMITTEE, submitted_at=now(), committee=committee,
                                     application_type=ApplicationType.NORMAL)
    application.snapshot = json.dumps(snapshot(plan), ensure_ascii=False)
    application.save()
    for level, office, reason in ((Stage.UNIT, unit, "经审查，该同志申报材料真实，同意推荐。"),
                                  (Stage.CONSTRUCTION_BUREAU, bureau, "审查符合申报条件。"),
                                  (Stage.HR_BUREAU, hr, "审查通过，同意报送评委会。")):
        ReviewAction.create(application=application, level=level.value, organisation=office, action="pass",
                            reason=reason)
    return application


def main():
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    with tempfile.TemporaryDirectory() as folder:
        app = create_app({"DATABASE_URL": f"sqlite:///{folder}/bench.db", "UPLOAD_FOLDER": f"{folder}/uploads",
                          "SMS_LOG": f"{folder}/sms.log", "PUBLIC_BASE_URL": "https://zc.example.gov.cn"})
        db.connect(reuse_if_open=True)
        migration_router(db.obj).run()
        application = application_with_opinions()
        issue = DocumentIssue.create(application=application, number="2026-000001-BENCH0")
        with app.app_context():
            documents.review_form_pdf(application, issue)  # fonts registered, templates compiled: not timed
            samples = []
            for _ in range(rounds):
                started = time.perf_counter()
                content = documents.review_form_pdf(application, issue)
                samples.append(time.perf_counter() - started)
        pages = len(PdfReader(io.BytesIO(content)).pages)
        median = statistics.median(samples)
        print(f"评审表, 1000-character 述职, 10 achievements: median {median:.3f} s, slowest {max(samples):.3f} s "
              f"over {rounds} rounds; {pages} pages, {len(content) / 1024:.0f} KB "
              f"(goal ≤ {GOAL_SECONDS} s: {'met' if median <= GOAL_SECONDS else 'NOT met'})")
        started = time.perf_counter()
        with app.app_context():
            documents.cover_pdf([application] * 500, {application.id: 1})
        print(f"500 资料袋封面 in one PDF: {time.perf_counter() - started:.2f} s")


if __name__ == "__main__":
    main()
