"""评审工作计划: the administrator's plan form, the applicants' plan pages and 马上申报."""
from datetime import date, timedelta
from urllib.parse import urlsplit

import pytest

from blueprints.plans import wizard_url
from models import (
    Application,
    ApplicationStatus,
    AuditLog,
    Committee,
    Degree,
    Education,
    EducationRecord,
    Level,
    PlanCommittee,
    PlanProfession,
    Profession,
    ReviewPlan,
    Role,
)
from services import scoring, steps
from services.checklist import KINDS
from services.demo import open_demo_plans
from services.reference import SENIOR_PLANS
from tests.conftest import login, make_applicant, make_unit, make_user
from tests.helpers import field_errors, field_value, menu, parse, user_of

TODAY = date.today()
DAY = timedelta(days=1)


@pytest.fixture
def admin_client(client):
    login(client, make_user(Role.ADMIN, "root"))
    return client


def committee(number):
    return Committee.get(Committee.number == number)


def profession(name):
    return Profession.get(Profession.name == name)


def make_plan(title="测试评审工作计划", level=Level.MID, opens_on=TODAY - 10 * DAY, closes_on=TODAY + 10 * DAY,
              committees=(3,), **extra):
    plan = ReviewPlan.create(title=title, year=opens_on.year, level=level, opens_on=opens_on, closes_on=closes_on,
                             requirements="须具备大学本科学历。", education_years="2024,2025",
                             required_attachments="education,appointment", **extra)
    for number in committees:
        PlanCommittee.create(plan=plan, committee=committee(number))
    PlanProfession.create(plan=plan, profession=profession("给排水"))
    return plan


def complete_applicant(mobile="13900000001"):
    """An applicant whose 个人基本信息 lets them apply: an approved unit, a start date and one education record."""
    user = make_applicant(mobile=mobile)
    user.organisation = make_unit()
    user.work_started_on = date(2010, 7, 1)
    user.save()
    EducationRecord.create(user=user, education=Education.BACHELOR, degree=Degree.BACHELOR, school="浙江大学",
                           major="土木工程", graduated_on=date(2010, 6, 30))
    return user


@pytest.fixture
def applicant_client(client):
    login(client, complete_applicant())
    return client


# ---------------------------------------------------------------- administrator

def checked(page, name, value):
    return "checked" in page.find("input", name=name, value=value).attrs


def rubric_data(rows):
    """The rubric form's fields for `rows` (dicts of group, key, label, unit, points, cap)."""
    return {f"rubric-{n}-{name}": value for n, row in enumerate(rows) for name, value in row.items()}


def shown_rubric(page):
    """The rubric the form shows, read back from its rows."""
    rows = {}
    for element in page.iter():
        name = element.attrs.get("name") or ""
        if name.startswith("rubric-"):
            _, number, field = name.split("-")
            rows.setdefault(int(number), {})[field] = element.attrs.get("value") or ""
    return scoring.from_rows([rows[n] for n in sorted(rows)])


def plan_data(**overrides):
    data = {
        "title": "2026年度越城区工程师评审工作计划", "year": "2026", "level": "mid",
        "opens_on": "2026-09-01", "closes_on": "2026-10-31", "requirements": "申报人须从事本专业工作满4年。",
        "committees": [str(committee(3).id)], "professions": [str(profession("给排水").id), str(profession("暖通工程").id)],
        "attachments": ["education", "diploma"], "education_years": "2024,2025",
        "pass_mark": "105", **rubric_data(scoring.rows(scoring.DEFAULT_RUBRIC)),
    }
    data.update(overrides)
    return data


def test_admin_creates_a_plan(admin_client):
    page = parse(admin_client.get("/admin/plans/new"))
    assert field_value(page, "pass_mark") == "105"
    assert shown_rubric(page) == scoring.DEFAULT_RUBRIC
    assert len(page.find_all("input", type="checkbox", name="committees")) == 12  # the eleven and the province's 高评委
    assert [o.text() for o in page.find("select", name="senior_committee").find_all("option")][1:] == [
        committee(1).name, committee(12).name]
    assert len(page.find_all("input", type="checkbox", name="professions")) == Profession.select().count()
    assert len(page.find_all("input", type="checkbox", name="attachments")) == len(KINDS)

    response = admin_client.post("/admin/plans/new", data=plan_data(education_years="2025， 2024"))

    assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/admin/plans"
    plan = ReviewPlan.get(ReviewPlan.title == "2026年度越城区工程师评审工作计划")
    assert (plan.year, plan.level, plan.opens_on, plan.closes_on) == (2026, Level.MID, date(2026, 9, 1), date(2026, 10, 31))
    assert (plan.required_attachments, plan.education_years, plan.pass_mark) == ("education,diploma", "2024,2025", 105)
    assert plan.has_interviews is False
    assert scoring.from_json(plan.rubric) == scoring.DEFAULT_RUBRIC
    assert [link.committee.number for link in plan.committee_links] == [3]
    assert {link.profession.name for link in plan.profession_links} == {"给排水", "暖通工程"}
    entry = AuditLog.get(AuditLog.action == "plan.create")
    assert entry.target == f"plan:{plan.id}" and entry.actor.username == "root"

    listing = parse(admin_client.get("/admin/plans", query_string={"q": "越城区工程师"})).find("tbody").text()
    assert plan.title in listing and "2020年度" not in listing


def test_admin_edits_a_plan_and_its_links(admin_client):
    plan = make_plan()
    page = parse(admin_client.get(f"/admin/plans/{plan.id}/edit"))
    assert field_value(page, "title") == "测试评审工作计划"
    assert checked(page, "committees", str(committee(3).id))
    assert checked(page, "attachments", "appointment")
    assert shown_rubric(page) == scoring.DEFAULT_RUBRIC, "an empty rubric is shown as the default"

    response = admin_client.post(f"/admin/plans/{plan.id}/edit", data=plan_data(
        title="测试评审工作计划（修订）", level="senior", committees=[str(committee(2).id), str(committee(4).id)],
        senior_committee=str(committee(12).id), professions=[str(profession("岩土工程").id)], attachments=[],
        education_years="", pass_mark="110", has_interviews="y"))

    assert response.status_code == 302
    plan = ReviewPlan.get_by_id(plan.id)
    assert (plan.title, plan.level, plan.required_attachments, plan.education_years, plan.pass_mark) == (
        "测试评审工作计划（修订）", Level.SENIOR, "", "", 110)
    assert plan.has_interviews and checked(parse(admin_client.get(f"/admin/plans/{plan.id}/edit")), "has_interviews", "y")
    assert sorted(link.committee.number for link in plan.committee_links) == [2, 4]
    assert plan.senior_committee == committee(12)
    assert [link.profession.name for link in plan.profession_links] == ["岩土工程"]
    assert AuditLog.select().where((AuditLog.action == "plan.update") & (AuditLog.target == f"plan:{plan.id}")).count() == 1


@pytest.mark.parametrize("overrides, field, message", [
    ({"opens_on": "2026-10-31", "closes_on": "2026-10-30"}, "closes_on", "申报截止日期（2026-10-30）不能早于申报开始日期（2026-10-31）"),
    ({"education_years": "2024,20x5"}, "education_years", "“20x5”不是4位年份"),
    ({"education_years": "24,25"}, "education_years", "“24”不是4位年份"),
    ({"education_years": ""}, "education_years", "须填写核查的年度"),
    ({"pass_mark": "400"}, "pass_mark", "自评细则满分 399 分，低于及格分 400 分"),
    ({"pass_mark": "0"}, "pass_mark", "及格分须为 1–999 之间的整数"),
    ({"pass_mark": "1000"}, "pass_mark", "及格分须为 1–999 之间的整数"),
    ({"pass_mark": "abc"}, "pass_mark", "不是整数"),
    ({"year": "20"}, "year", "4位年份"),
    ({"title": ""}, "title", "此项必填"),
    ({"committees": []}, "committees", "请至少选择一个受理评审委员会"),
    ({"professions": []}, "professions", "请至少选择一个可评审专业"),
    ({"level": "senior"}, "senior_committee", "高级评审工作计划须选择评审的高评委"),
    ({"title": "2020年度建设工程专业高级工程师职务任职资格评审工作计划"}, "title", "已有同名的评审工作计划"),
], ids=["closes-before-opens", "year-20x5", "two-digit-years", "no-years-for-education", "pass-mark-over-the-rubric",
        "pass-mark-0", "pass-mark-1000", "pass-mark-not-a-number", "year-20", "no-title",
        "no-committee", "no-profession", "senior-without-senior-committee", "duplicate-title"])
def test_a_bad_plan_is_refused_next_to_its_field_and_the_form_comes_back_filled(admin_client, overrides, field,
                                                                                message):
    count = ReviewPlan.select().count()
    data = plan_data(**overrides)
    response = admin_client.post("/admin/plans/new", data=data)

    assert response.status_code == 200
    page = parse(response)
    assert any(message in error for error in field_errors(page, field)), field_errors(page, field)
    assert ReviewPlan.select().count() == count
    assert not AuditLog.select().where(AuditLog.action == "plan.create").exists()
    if field != "title":
        assert field_value(page, "title") == data["title"]
    if field != "professions":
        assert checked(page, "professions", str(profession("给排水").id))


def test_an_edit_with_an_error_keeps_the_plan_unchanged(admin_client):
    plan = make_plan()
    response = admin_client.post(f"/admin/plans/{plan.id}/edit", data=plan_data(pass_mark="1000"))
    assert field_errors(parse(response), "pass_mark")
    assert ReviewPlan.get_by_id(plan.id).title == "测试评审工作计划"


@pytest.mark.parametrize("pass_mark", [1, 999])
def test_pass_marks_at_the_limits_are_accepted(admin_client, pass_mark):
    rows = scoring.rows(scoring.DEFAULT_RUBRIC)
    rows[0]["cap"] = "999"  # a rubric whose full marks reach the highest pass mark
    response = admin_client.post("/admin/plans/new", data=plan_data(pass_mark=str(pass_mark), **rubric_data(rows)))
    assert response.status_code == 302
    assert ReviewPlan.get(ReviewPlan.title == plan_data()["title"]).pass_mark == pass_mark


def test_the_admin_list_filters_by_level_and_year(admin_client):
    make_plan("2026年度某中级计划", opens_on=date(2026, 9, 1), closes_on=date(2026, 10, 31))
    senior_2020 = admin_client.get("/admin/plans", query_string={"level": "senior", "year": "2020"})
    titles = [a.text() for a in parse(senior_2020).find("table", cls="list").find_all("a") if a.text() != "编辑"]
    assert sorted(titles) == sorted(p.title for p in ReviewPlan.select().where(
        (ReviewPlan.level == Level.SENIOR) & (ReviewPlan.year == 2020)))
    mid_2026 = parse(admin_client.get("/admin/plans", query_string={"level": "mid", "year": "2026"})).find("tbody").text()
    assert "2026年度某中级计划" in mid_2026 and "2020年度" not in mid_2026


def test_the_admin_menu_opens_the_plan_list(admin_client):
    assert ("评审工作计划", "/admin/plans") in menu(parse(admin_client.get("/home")))


@pytest.mark.parametrize("role", [r for r in Role if r != Role.ADMIN], ids=[r.value for r in Role if r != Role.ADMIN])
def test_only_the_administrator_opens_the_admin_plan_pages(client, role):
    plan = make_plan()
    login(client, user_of(role, "someone", mobile="13900000009") if role != Role.APPLICANT else make_applicant())
    for path in ("/admin/plans", "/admin/plans/new", f"/admin/plans/{plan.id}/edit"):
        assert client.get(path).status_code == 403, path
    assert client.post("/admin/plans/new", data=plan_data()).status_code == 403
    assert client.post(f"/admin/plans/{plan.id}/edit", data=plan_data()).status_code == 403
    assert ReviewPlan.get_by_id(plan.id).title == "测试评审工作计划"


# ---------------------------------------------------------------- applicants

@pytest.mark.parametrize("level, path, label", [
    (Level.SENIOR, "/plans/senior", "高级职称评审"), (Level.MID, "/plans/mid", "中级职称评审"),
])
def test_the_applicant_menu_lists_the_plans_of_its_level(applicant_client, level, path, label):
    assert (label, path) in menu(parse(applicant_client.get("/home")))
    rows = parse(applicant_client.get(path)).find("table", cls="list").find("tbody").find_all("tr")
    shown = [row.find("a").text() for row in rows]
    assert sorted(shown) == sorted(p.title for p in ReviewPlan.select().where(ReviewPlan.level == level))
    assert all("已截止" in row.text() for row in rows), "the 2020 plans have closed"


def test_the_plan_list_shows_status_newest_first_and_searches(applicant_client):
    make_plan("2027年度未开始的计划", opens_on=TODAY + 5 * DAY, closes_on=TODAY + 30 * DAY)
    make_plan("2026年度申报中的计划", opens_on=TODAY - 5 * DAY, closes_on=TODAY + 30 * DAY)
    page = parse(applicant_client.get("/plans/mid"))
    rows = page.find("table", cls="list").find("tbody").find_all("tr")
    assert rows[0].find("a").text() == "2027年度未开始的计划" and "未开始" in rows[0].text()
    assert rows[1].find("a").text() == "2026年度申报中的计划" and "申报中" in rows[1].text()

    found = parse(applicant_client.get("/plans/mid", query_string={"q": "申报中"}))
    assert [r.find("a").text() for r in found.find("tbody").find_all("tr")] == ["2026年度申报中的计划"]


def test_the_plan_list_is_paginated(applicant_client):
    for n in range(25):
        make_plan(f"分页测试计划{n:02d}")
    first = parse(applicant_client.get("/plans/mid", query_string={"q": "分页测试"}))
    assert len(first.find("tbody").find_all("tr")) == 20
    assert "共 25 条，第 1 / 2 页" in first.find("nav", cls="pager").text()
    second = parse(applicant_client.get("/plans/mid", query_string={"q": "分页测试", "page": 2}))
    assert len(second.find("tbody").find_all("tr")) == 5


def test_the_plan_page_shows_what_the_plan_asks(applicant_client):
    plan = make_plan(pass_mark=110)
    text = parse(applicant_client.get(f"/plans/{plan.id}")).text()
    for expected in (plan.title, Level.MID.label, Level.MID.title_name, str(plan.opens_on), str(plan.closes_on),
                     "须具备大学本科学历。", committee(3).name, "给排水", KINDS["education"], KINDS["appointment"],
                     "2024年、2025年", "110 分"):
        assert expected in text, expected
    assert KINDS["diploma"] not in text


def apply_button(response):
    return next((b for b in parse(response).find_all("button") if b.text() == "马上申报"), None)


@pytest.mark.parametrize("opens, closes, offered, reason", [
    (0, 10, True, None),
    (-10, 0, True, None),
    (1, 10, False, "尚未开始"),
    (-10, -1, False, f"本计划申报已于 {TODAY - DAY} 截止。"),
], ids=["first-day", "last-day", "day-before", "day-after"])
def test_apply_is_offered_from_the_first_to_the_last_day(applicant_client, opens, closes, offered, reason):
    plan = make_plan(opens_on=TODAY + opens * DAY, closes_on=TODAY + closes * DAY)
    response = applicant_client.get(f"/plans/{plan.id}")
    button = apply_button(response)
    assert (button is not None) == offered
    if offered:
        form = parse(response).find("section", id="apply").find("form")
        assert form.attrs["method"] == "post" and form.attrs["action"] == f"/plans/{plan.id}/apply"
        assert form.find("input", name="csrf_token") is not None
    else:
        assert reason in parse(response).find("section", id="apply").text()


def test_an_incomplete_profile_is_told_what_to_fill_in(client):
    login(client, make_applicant())
    plan = make_plan()
    section = parse(client.get(f"/plans/{plan.id}")).find("section", id="apply")
    assert apply_button(client.get(f"/plans/{plan.id}")) is None
    for missing in ("现工作单位", "从事工程技术工作起始时间", "学历信息"):
        assert f"请先在“个人基本信息”中填写{missing}。" in section.text()
    assert section.find("a", href="/me/profile") is not None

    response = client.post(f"/plans/{plan.id}/apply")
    assert urlsplit(response.headers["Location"]).path == f"/plans/{plan.id}"
    assert Application.select().count() == 0


def test_a_closed_plan_refuses_apply(applicant_client):
    plan = make_plan(opens_on=TODAY - 30 * DAY, closes_on=TODAY - DAY)
    response = applicant_client.post(f"/plans/{plan.id}/apply", follow_redirects=True)
    assert response.request.path == f"/plans/{plan.id}"
    assert f"本计划申报已于 {TODAY - DAY} 截止。" in parse(response).find("div", id="flash").text()
    assert Application.select().count() == 0


def test_apply_starts_one_draft_and_resumes_it(app, applicant_client):
    plan = make_plan()
    first = applicant_client.post(f"/plans/{plan.id}/apply")
    application = Application.get()
    with app.test_request_context():
        expected = wizard_url(application)
    assert first.status_code == 302 and urlsplit(first.headers["Location"]).path == expected
    assert (application.plan_id, application.status, application.step_reached) == (plan.id, ApplicationStatus.DRAFT, 1)

    second = applicant_client.post(f"/plans/{plan.id}/apply")
    assert urlsplit(second.headers["Location"]).path == expected
    assert Application.select().count() == 1

    page = parse(applicant_client.get(f"/plans/{plan.id}"))
    section = page.find("section", id="apply")
    assert ApplicationStatus.DRAFT.label in section.text() and apply_button(applicant_client.get(f"/plans/{plan.id}")) is None
    assert section.find("a", href=expected).text() == "继续填写"
    listing = parse(applicant_client.get("/plans/mid", query_string={"q": plan.title}))
    assert ApplicationStatus.DRAFT.label in listing.find("tbody").text()


def test_a_submitted_application_is_shown_not_continued(app, applicant_client):
    plan = make_plan()
    applicant_client.post(f"/plans/{plan.id}/apply")
    Application.update(status=ApplicationStatus.AT_UNIT).execute()
    section = parse(applicant_client.get(f"/plans/{plan.id}")).find("section", id="apply")
    assert ApplicationStatus.AT_UNIT.label in section.text() and "查看申报" in section.text()


@pytest.mark.parametrize("role", [r for r in Role if r != Role.APPLICANT], ids=[r.value for r in Role if r != Role.APPLICANT])
def test_only_applicants_may_apply(client, role):
    plan = make_plan()
    login(client, user_of(role, "someone", mobile="13900000009"))
    assert client.post(f"/plans/{plan.id}/apply").status_code == 403
    assert Application.select().count() == 0


def test_anonymous_visitors_are_sent_to_login(client):
    plan = make_plan()
    for response in (client.get("/plans/mid"), client.get(f"/plans/{plan.id}"), client.post(f"/plans/{plan.id}/apply")):
        assert response.status_code == 302 and urlsplit(response.headers["Location"]).path == "/login"


def test_the_demo_opens_the_yuecheng_plan_and_both_senior_plans_around_today_and_they_still_agree_with_their_year():
    open_demo_plans(date(2026, 3, 15))
    opened = ReviewPlan.select().where(ReviewPlan.opens_on == date(2026, 2, 13)).order_by(ReviewPlan.level)
    assert {(p.title, p.closes_on, p.education_years) for p in opened} == {
        *((title, date(2026, 5, 14), "2018,2019") for title, *_ in SENIOR_PLANS),
        (f"2020年度{committee(3).name}（工程师）评审工作计划", date(2026, 5, 14), "2018,2019"),
    }
    for plan in opened:
        assert "2018、2019年继续教育学时登记证明" in plan.requirements and plan.year == 2020
        assert steps.assessment_years(plan) == ([2016, 2017, 2018, 2019] if plan.level == Level.SENIOR else [2017, 2018, 2019])


# ---------------------------------------------------------------- 自评细则 as a form

def test_the_rubric_is_edited_as_rows_and_a_mistake_is_named_beside_its_cell(admin_client):
    rows = scoring.rows(scoring.DEFAULT_RUBRIC)
    rows[0] = {**rows[0], "points": "二十"}
    rows.append({"group": "获奖", "key": "", "label": "县级科技奖项", "unit": "项", "points": "5", "cap": "10"})
    data = plan_data(**rubric_data(rows))
    data.pop("rubric-1-label")  # the second item's name left empty
    response = admin_client.post("/admin/plans/new", data=data)
    assert response.status_code == 200 and not ReviewPlan.select().where(ReviewPlan.title == data["title"]).exists()
    text = response.get_data(as_text=True)
    assert "第 1 行：每单位分值“二十”须为 1–100 的整数。" in text and "第 2 行：请填写条目名称。" in text
    assert "JSON" not in text and "Error" not in text
    assert parse(response).find("input", name=f"rubric-{len(rows) - 1}-label").attrs["value"] == "县级科技奖项", \
        "nothing typed is lost"

    rows[0] = scoring.rows(scoring.DEFAULT_RUBRIC)[0]
    preview = admin_client.post("/admin/plans/new", data={**plan_data(**rubric_data(rows)), "preview": "1"})
    assert preview.status_code == 200 and "预览：申报人员看到的自评细则（满分 409 分" in preview.get_data(as_text=True)
    assert not ReviewPlan.select().where(ReviewPlan.title == data["title"]).exists(), "a preview saves nothing"

    assert admin_client.post("/admin/plans/new", data=plan_data(**rubric_data(rows))).status_code == 302
    saved = scoring.from_json(ReviewPlan.get(ReviewPlan.title == data["title"]).rubric)
    awards = next(group for group in saved if group.label == "获奖")
    assert [item.label for item in awards.items][-1] == "县级科技奖项" and awards.items[-1].key == "item_1"
    assert scoring.items(saved)[0] == scoring.items(scoring.DEFAULT_RUBRIC)[0], "an item keeps its key"
