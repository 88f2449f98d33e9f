"""A world for wizard tests: an open plan, an applicant of an approved 越城区 unit with a complete profile,
passed achievements, and helpers that fill each step through the real routes."""
import base64
import io
import json
from datetime import date, timedelta

from PIL import Image, ImageDraw

from models import (
    Achievement,
    AchievementKind,
    AchievementStatus,
    Application,
    ApplicationCategory,
    ApplicationType,
    Committee,
    Degree,
    Education,
    EducationRecord,
    Level,
    PlanCommittee,
    ReviewPlan,
)
from tests import photos
from tests.conftest import ID_MALE, login, make_applicant, make_unit
from tests.samples import pdf

PDF = pdf()
# 自评 claims on the default rubric (services/scoring.DEFAULT_RUBRIC) that total exactly one point under and at 105.
CLAIMS_104 = {"degree_master": 1, "work_year": 15, "project_member": 3, "project_lead": 2}  # 20 + 30 + 24 + 30
CLAIMS_105 = {"degree_bachelor": 1, "education_year": 3, "work_year": 15, "project_lead": 3}  # 15 + 15 + 30 + 45


def open_plan(committee_number=3, level=Level.MID, today=None):
    """A plan of that committee, this year's, open from 30 days ago to 60 days on, checking the last two years."""
    today = today or date.today()
    plan = (ReviewPlan.select().join(PlanCommittee).join(Committee)
            .where((Committee.number == committee_number) & (ReviewPlan.level == level)).get())
    plan.year, plan.opens_on, plan.closes_on = today.year, today - timedelta(days=30), today + timedelta(days=60)
    plan.education_years = f"{today.year - 2},{today.year - 1}"
    plan.save()
    return plan


def applicant_ready(mobile="13900000001", region="越城区", unit_name="越城建工集团", id_number=ID_MALE, name="张三"):
    unit = make_unit(unit_name, region)
    user = make_applicant(mobile, id_number, name)
    user.organisation, user.work_started_on = unit, date(2010, 7, 1)
    user.save()
    EducationRecord.create(user=user, education=Education.BACHELOR, degree=Degree.BACHELOR, school="浙江大学",
                           major="土木工程", graduated_on=date(2010, 6, 30))
    return user


def draft(plan=None, user=None, **fields):
    """A draft whose step 3 is complete (正常申报 in the 越城区 plan), with `fields` changed."""
    from services.steps import assessment_years

    plan = plan or open_plan()
    user = user or applicant_ready()
    application = Application.create(plan=plan, applicant=user, unit=user.organisation)
    values = dict(application_type=ApplicationType.NORMAL, profession=plan.profession_links[0].profession,
                  category=ApplicationCategory.CONSTRUCTION_SUPERVISION, statement="负责住宅工程的施工技术管理。",
                  committee=Committee.get(Committee.number == 3),
                  assessments=json.dumps({str(y): "pass" for y in assessment_years(plan)}))
    values.update(fields)
    for name, value in values.items():
        setattr(application, name, value)
    application.save()
    return application


def passed_achievement(owner, title="越城区某住宅小区工程", collective=False):
    return Achievement.create(owner=owner, kind=AchievementKind.PROJECT, title=title, role_in="技术负责人",
                              is_collective=collective, status=AchievementStatus.PASSED)


def signature_data_url():
    image = Image.new("RGBA", (600, 240), (0, 0, 0, 0))
    draw = ImageDraw.Draw(image)
    for points in (((60, 60), (200, 180)), ((200, 60), (60, 180)), ((260, 80), (540, 90)), ((300, 60), (420, 200)),
                   ((420, 120), (560, 200))):
        draw.line(points, fill=(0, 0, 0, 255), width=6)
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def start(client, plan):
    response = client.post(f"/plans/{plan.id}/apply")
    assert response.status_code == 302, response.get_data(as_text=True)
    return Application.select().where(Application.plan == plan).order_by(Application.id.desc()).get()  # the newest


def step_url(application, number):
    return f"/applications/{application.id}/step/{number}"


def upload_photo(client, application, data=None, name="photo.jpg"):
    return client.post(step_url(application, 1), data={"photo": (io.BytesIO(data or photos.jpeg()), name)},
                       content_type="multipart/form-data")


def sign(client, application):
    client.get(step_url(application, 2))
    token = Application.get_by_id(application.id).pledge_token
    return client.post(f"/pledge/{token}", data={"signature": signature_data_url()})


def info_data(plan, committee_id, **overrides):
    from services.steps import assessment_years

    data = {"application_type": "normal", "profession": plan.profession_links[0].profession_id,
            "category": "construction_supervision", "statement": "负责多个住宅工程的施工技术管理。",
            "committee": committee_id}
    data.update({f"assessment_{year}": "pass" for year in assessment_years(plan)})
    data.update(overrides)
    return data


def fill_info(client, application, committee_number=3, **overrides):
    committee = Committee.get(Committee.number == committee_number)
    return client.post(step_url(application, 3), data=info_data(application.plan, committee.id, **overrides),
                       content_type="multipart/form-data")


def pick(client, application, *achievements, files=None):
    data = {"achievement": [str(a.id) for a in achievements]}
    data.update(files or {})
    return client.post(step_url(application, 4), data=data, content_type="multipart/form-data")


def attach_all(client, application, hours=90):
    from services.checklist import checklist

    data = {f"hours_{y}": str(hours) for y in application.plan.years_checked}
    for item in checklist(Application.get_by_id(application.id)):
        data[f"file_{item.key}"] = (io.BytesIO(PDF), f"{item.key}.pdf")
    return client.post(step_url(application, 5), data=data, content_type="multipart/form-data")


def fill_to_preview(client, user, plan, committee_number=3):
    """Log in and fill steps 1–5, choosing that committee in step 3; returns the application, ready for 提交."""
    login(client, user)
    application = start(client, plan)
    assert upload_photo(client, application).status_code == 302
    sign(client, application)
    assert fill_info(client, application, committee_number).status_code == 302
    assert pick(client, application, passed_achievement(user)).status_code == 302
    assert attach_all(client, application).status_code == 302
    return Application.get_by_id(application.id)
