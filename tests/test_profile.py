"""个人基本信息: the form and its errors in place, 专业工作年限 in full years, and choosing the 现工作单位."""
from datetime import date, timedelta

import pytest

from models import Application, ApplicationStatus, EducationRecord, Level, ReviewPlan, TitleRecord, User
from services.profile import full_years
from tests.conftest import login, make_applicant
from tests.helpers import field_errors, field_value, parse
from tests.samples import CODE_B, register_unit


@pytest.mark.parametrize("start, today, years", [
    (date(2010, 6, 15), date(2020, 6, 14), 9),  # the day before the 10th anniversary
    (date(2010, 6, 15), date(2020, 6, 15), 10),  # the anniversary itself
    (date(2010, 6, 15), date(2020, 12, 31), 10),
    (date(2010, 12, 31), date(2020, 1, 1), 9),
    (date(2012, 2, 29), date(2021, 2, 28), 8),  # born on 29 February: the year is full on 1 March
    (date(2012, 2, 29), date(2021, 3, 1), 9),
    (date(2012, 2, 29), date(2024, 2, 29), 12),
    (date(2020, 9, 1), date(2020, 9, 1), 0),
    (date(2020, 9, 2), date(2020, 9, 1), 0),  # not yet started: never negative
], ids=str)
def test_professional_years_are_full_years(start, today, years):
    assert full_years(start, today) == years


def test_no_start_date_no_years():
    assert full_years(None, date(2020, 1, 1)) is None


@pytest.fixture
def unit(app):
    return register_unit(app)[0]


@pytest.fixture
def person():
    return make_applicant()


@pytest.fixture
def person_client(app, person):
    client = app.test_client()
    login(client, person)
    return client


def profile_form(organisation=0, **overrides):
    return {
        "work_started_on": "2008-07-01", "organisation": organisation,
        "education-0-education": "bachelor", "education-0-degree": "bachelor", "education-0-school": "浙江大学",
        "education-0-major": "土木工程", "education-0-graduated_on": "2008-06-30",
        "education-0-verifiable_on_chsi": "y",
        "titles-0-name": "助理工程师", "titles-0-profession": "建筑工程", "titles-0-obtained_on": "2012-12-01",
        "save": "1", **overrides,
    }


def years_ago(years, days=0):
    today = date.today()
    anniversary = today.replace(year=today.year - years) if (today.month, today.day) != (2, 29) \
        else date(today.year - years, 3, 1)
    return anniversary + timedelta(days=days)


def test_the_profile_is_saved_and_shown_again(person_client, person, unit):
    response = person_client.post("/me/profile", data=profile_form(unit.id), follow_redirects=True)

    assert "个人基本信息已保存。" in response.get_data(as_text=True)
    person = User.get_by_id(person.id)
    assert (person.work_started_on, person.organisation_id) == (date(2008, 7, 1), unit.id)
    education = EducationRecord.get(EducationRecord.user == person)
    assert (education.school, education.major, education.graduated_on, education.verifiable_on_chsi) == (
        "浙江大学", "土木工程", date(2008, 6, 30), True)
    title = TitleRecord.get(TitleRecord.user == person)
    assert (title.name, title.profession, title.obtained_on) == ("助理工程师", "建筑工程", date(2012, 12, 1))

    page = parse(response)
    assert field_value(page, "work_started_on") == "2008-07-01"
    assert field_value(page, "education-0-school") == "浙江大学"
    assert field_value(page, "titles-0-name") == "助理工程师"
    assert "selected" in page.find("option", value=str(unit.id)).attrs
    assert "330602198506150013" in page.text() and "1985-06-15" in page.text(), "from the 身份证号"


@pytest.mark.parametrize("days, years", [(1, 9), (0, 10)], ids=["day-before-10th-anniversary", "10th-anniversary"])
def test_the_page_shows_the_professional_years_counted_to_today(person_client, person, days, years):
    person.work_started_on = years_ago(10, days)
    person.save()
    assert parse(person_client.get("/me/profile")).find(id="work-years").text().startswith(f"{years} 年")


@pytest.mark.parametrize("field, value, words", [
    ("work_started_on", (date.today() + timedelta(days=1)).isoformat(), "晚于今天"),
    ("work_started_on", "1980-01-01", "早于出生日期 1985-06-15"),
    ("work_started_on", "2008-13-01", "日期“2008-13-01”无效，请按 年-月-日（如 2020-09-01）填写。"),
    ("work_started_on", "", "此项必填。"),
    ("education-0-school", "", "此项必填。"),
], ids=["future", "before-birth", "no-such-date", "empty", "no-school"])
def test_an_error_is_shown_next_to_its_field_and_the_rest_comes_back_filled(person_client, person, field, value,
                                                                            words):
    response = person_client.post("/me/profile", data=profile_form(**{field: value}))

    assert response.status_code == 200
    page = parse(response)
    assert [e for e in field_errors(page, field) if words in e]
    assert page.find(name=field).attrs.get("aria-invalid") == "true"
    for other, typed in (("work_started_on", "2008-07-01"), ("education-0-major", "土木工程"),
                         ("titles-0-name", "助理工程师")):
        if other != field:
            assert field_value(page, other) == typed
    assert User.get_by_id(person.id).work_started_on is None, "nothing is saved"


def test_removing_the_only_education_is_refused(person_client):
    page = parse(person_client.post("/me/profile", data=profile_form(**{"education-0-remove": "y"})))
    assert "请至少填写一条学历信息。" in page.text()


def test_only_approved_units_are_offered_and_accepted(app, person_client, person, unit):
    pending, _ = register_unit(app, approve=False, name="待审核的单位", code=CODE_B, mobile="13700000022")

    page = parse(person_client.get("/me/profile"))
    offered = [o.text() for o in page.find(name="organisation").find_all("option")]
    assert offered == ["请选择", "绍兴越城建工有限公司（越城区）"]

    page = parse(person_client.post("/me/profile", data=profile_form(pending.id)))
    assert field_errors(page, "organisation") == ["所选单位不存在或尚未通过平台审核。"]
    assert User.get_by_id(person.id).organisation_id is None


def make_application(person, status):
    plan = ReviewPlan.create(title="2020年度建设工程专业工程师职务任职资格评审工作计划", year=2020, level=Level.MID,
                             opens_on=date(2020, 9, 1), closes_on=date(2020, 10, 31))
    return Application.create(applicant=person, plan=plan, status=status)


UNDER_REVIEW = {ApplicationStatus.AT_UNIT, ApplicationStatus.UNIT_PASSED, ApplicationStatus.PENDING,
                ApplicationStatus.STAGE_PASSED, ApplicationStatus.AT_COMMITTEE, ApplicationStatus.RECOMMENDED,
                ApplicationStatus.DECIDED, ApplicationStatus.RESULT_PUBLICITY}


@pytest.mark.parametrize("status, allowed", [(s, s not in UNDER_REVIEW) for s in ApplicationStatus],
                         ids=[s.value for s in ApplicationStatus])
def test_changing_unit_while_an_application_is_under_review_is_refused(app, person_client, person, unit, status,
                                                                         allowed):
    other, _ = register_unit(app, name="新单位", code=CODE_B, mobile="13700000022")
    person.organisation = unit
    person.save()
    make_application(person, status)

    response = person_client.post("/me/profile", data=profile_form(other.id))

    now_at = User.get_by_id(person.id).organisation_id
    if allowed:
        assert response.status_code == 302 and now_at == other.id
    else:
        page = parse(response)
        assert field_errors(page, "organisation") == [
            f"您的申报《2020年度建设工程专业工程师职务任职资格评审工作计划》已提交（{status.label}），提交后不能更换工作单位。"
            "如确需更换，请先请单位将申报退回。"]
        assert "提交后不能更换工作单位" in page.find("p", cls="notice").text(), "said before trying, too"
        assert now_at == unit.id


def test_other_fields_can_still_be_saved_while_under_review(person_client, person, unit):
    person.organisation = unit
    person.save()
    make_application(person, ApplicationStatus.AT_UNIT)

    response = person_client.post("/me/profile", data=profile_form(unit.id, work_started_on="2009-03-01"))

    assert response.status_code == 302
    assert User.get_by_id(person.id).work_started_on == date(2009, 3, 1)


def test_adding_a_row_keeps_what_was_typed(person_client):
    data = profile_form(**{"add_education": "1"})
    del data["save"]
    page = parse(person_client.post("/me/profile", data=data))

    assert field_value(page, "education-0-school") == "浙江大学"
    assert page.find(name="education-1-school") is not None
    assert field_errors(page, "education-1-school") == []


def test_a_blank_row_added_by_mistake_can_be_removed(person_client, person):
    data = profile_form(**{"education-1-school": "", "education-1-major": "", "education-1-graduated_on": "",
                           "education-1-education": "master", "education-1-degree": "none",
                           "education-1-remove": "y"})

    response = person_client.post("/me/profile", data=data)

    assert response.status_code == 302
    assert [e.school for e in EducationRecord.select().where(EducationRecord.user == person)] == ["浙江大学"]


def test_the_saved_rows_come_back_in_order_and_a_removed_one_is_gone(person_client, person):
    two = profile_form(**{"education-1-education": "master", "education-1-degree": "master",
                          "education-1-school": "同济大学", "education-1-major": "结构工程",
                          "education-1-graduated_on": "2011-06-30"})
    person_client.post("/me/profile", data=two)
    page = parse(person_client.get("/me/profile"))
    assert [field_value(page, f"education-{i}-school") for i in (0, 1)] == ["浙江大学", "同济大学"]

    person_client.post("/me/profile", data={**two, "education-0-remove": "y"})
    assert [e.school for e in EducationRecord.select().where(EducationRecord.user == person)] == ["同济大学"]
