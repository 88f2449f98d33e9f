"""Malformed input is a 400/404 or the form again with the rule in Chinese, never a 500 (issue 8): the reproductions
the issue names, each at its boundary. tests/test_fuzz.py sends such values to every route."""
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from models import (
    Achievement,
    AchievementKind,
    AchievementStatus,
    Application,
    ApplicationStatus,
    Publicity,
    ReviewAction,
    Role,
    Stage,
    TitleRecord,
)
from services.values import MAX_INT, clean_text, read_date, whole_number
from tests.chain_world import as_user, filed, staff, submitted
from tests.conftest import login, make_applicant, make_unit
from tests.helpers import field_errors, parse, user_of
from tests.wizard_world import applicant_ready, fill_info, open_plan, sign, start, step_url, upload_photo

S = ApplicationStatus


@pytest.mark.parametrize("text, number", [
    ("0", 0), (" 42 ", 42), (str(MAX_INT), MAX_INT), (str(MAX_INT + 1), None), (str(2**63), None),
    ("9" * 5000, None), ("-1", None), ("1.0", None), ("abc", None), ("²", None), ("١٢", None), ("", None), (None, None),
])
def test_a_whole_number_fits_an_integer_column_or_is_none(text, number):
    assert whole_number(text) == number


@pytest.mark.parametrize("text, day", [
    ("1900-01-01", date(1900, 1, 1)), ("1899-12-31", None), ("2099-12-31", date(2099, 12, 31)), ("2100-01-01", None),
    ("9999-12-31", None), ("2020-02-30", None), ("abc", None), ("", None),
])
def test_a_date_stays_where_its_arithmetic_cannot_overflow(text, day):
    assert read_date(text) == day


@pytest.mark.parametrize("text, cleaned", [
    ("王\x0b五", "王五"), ("a\x00b\x1fc\x7fd\x85e", "abcde"), ("行一\r\n行二\t列", "行一\r\n行二\t列"), ("", ""),
])
def test_control_characters_are_dropped_but_line_breaks_and_tabs_kept(text, cleaned):
    assert clean_text(text) == cleaned


@pytest.mark.parametrize("path", [f"/applications/{n}" for n in (2**63, 2**31, 10**30)]
                         + [f"/files/{2**63}", f"/files/{2**31}/download", f"/applications/1/step/{2**63}",
                            f"/me/achievements/{2**63}/edit", f"/plans/{2**63}"])
def test_an_id_past_what_the_database_holds_is_404(client, path):
    login(client, make_applicant())
    assert client.get(path).status_code == 404


@pytest.mark.parametrize("query", [f"plan={2**63}", f"profession={2**63}", f"plan={2**31}", "plan=²", "plan=-1"])
def test_a_queue_filter_that_is_not_an_id_is_ignored(client, query):
    as_user(client, user_of(Role.CONSTRUCTION_BUREAU))
    assert client.get(f"/review/applications?{query}").status_code == 200


@pytest.mark.parametrize("seen", ["abc", str(2**63), "1.5", "²"])
def test_a_review_decision_from_a_page_with_a_bad_version_asks_to_reload(client, seen):
    application, _ = submitted(client)
    as_user(client, staff(Role.UNIT, unit=application.unit))
    response = client.post(f"/review/applications/{application.id}/decide",
                           data={"action": "pass", "reason": "", "seen": seen})
    assert response.status_code == 409 and "页面版本号" in response.get_data(as_text=True)
    assert Application.get_by_id(application.id).status == application.status


@pytest.mark.parametrize("version", ["abc", str(2**63), "-1"])
def test_an_achievement_review_from_a_page_with_a_bad_version_is_refused(client, version):
    applicant = make_applicant()
    applicant.organisation = make_unit()
    applicant.save()
    item = Achievement.create(owner=applicant, kind=AchievementKind.PROJECT, title="某工程")
    as_user(client, staff(Role.UNIT, unit=applicant.organisation))
    response = client.post(f"/unit/achievements/{item.id}/review", data={"action": "pass", "version": version},
                           follow_redirects=True)
    assert response.status_code == 200 and "该记录已被他人处理或已修改" in response.get_data(as_text=True)
    assert Achievement.get_by_id(item.id).status == AchievementStatus.PENDING


@pytest.mark.parametrize("starts_on, error", [
    ("9999-12-31", "超出范围（1900-01-01 至 2099-12-31）"), ("2100-01-01", "超出范围"), ("0001-01-01", "超出范围"),
])
def test_a_publicity_start_past_the_calendar_is_refused_in_the_form(client, starts_on, error):
    unit = make_unit()
    application = filed(open_plan(), unit, 1, unit, S.UNIT_PASSED, Stage.UNIT)
    as_user(client, staff(Role.UNIT, unit=unit))
    response = client.post("/review/publicity", data={"ids": [application.id], "starts_on": starts_on})
    assert response.status_code == 200 and error in " ".join(field_errors(parse(response), "starts_on"))
    assert "请选择有效的开始日期" in client.get(f"/review/publicity/end-date?starts_on={starts_on}").get_data(as_text=True)


@pytest.mark.parametrize("amount, error", [
    ("sNaN", "不是有效的数字"), ("NaN", "不是有效的数字"), ("Infinity", "不是有效的数字"), ("-Infinity", "不是有效的数字"),
    ("abc", "不是有效的数字"), ("1e999999", "金额须在 0–100000 元之间"), ("100000.01", "金额须在 0–100000 元之间"),
    ("100000", None), ("300.00", None), ("0", None),
])
def test_a_fee_is_a_finite_number_within_its_range(client, amount, error):
    as_user(client, user_of(Role.CONSTRUCTION_BUREAU))
    response = client.post("/review/fees", data={"charges": "yes", "amount": amount})
    if error is None:
        assert response.status_code == 302
    else:
        assert response.status_code == 200 and error in " ".join(field_errors(parse(response), "amount"))


@pytest.mark.parametrize("signature", ["data:image/png;base64,签名", "data:image/png;base64,QUJD\u00e9"])
def test_a_signature_that_is_not_ascii_base64_is_refused_with_the_rule(client, signature):
    login(client, applicant_ready())
    application = start(client, open_plan())
    upload_photo(client, application)
    client.get(step_url(application, 2))
    token = Application.get_by_id(application.id).pledge_token
    response = client.post(f"/pledge/{token}", data={"signature": signature})
    assert response.status_code == 400 and "base64 格式错误" in response.get_data(as_text=True)


def test_the_profile_saves_a_title_row_posted_without_its_profession(client):
    user = make_applicant()
    TitleRecord.create(user=user, name="助理工程师", profession="建筑施工", obtained_on=date(2015, 12, 1))
    login(client, user)
    response = client.post("/me/profile", data={
        "work_started_on": "2010-07-01", "organisation": "0",
        "education-0-education": "bachelor", "education-0-degree": "bachelor", "education-0-school": "浙江大学",
        "education-0-major": "土木工程", "education-0-graduated_on": "2010-06-30",
        "titles-0-name": "工程师", "titles-0-obtained_on": "2018-12-01"})
    assert response.status_code == 302
    assert [(t.name, t.profession) for t in user.titles] == [("工程师", "")]


@pytest.mark.parametrize("profession", [str(2**63), str(2**31), "abc"])
def test_step_3_with_a_profession_id_past_the_database_is_shown_again(client, profession):
    login(client, applicant_ready())
    application = start(client, open_plan())
    upload_photo(client, application)
    sign(client, application)
    response = fill_info(client, application, profession=profession)
    assert response.status_code == 200 and field_errors(parse(response), "profession")


def test_text_pasted_with_control_characters_is_saved_without_them(client):
    login(client, make_applicant())
    response = client.post("/me/achievements/new?kind=project", data={"title": "王\x0b五的\x00项目", "role_in": "负责人\x1f"})
    assert response.status_code == 302
    assert (Achievement.get().title, Achievement.get().role_in) == ("王五的项目", "负责人")


def test_a_reason_and_a_search_outside_any_form_lose_their_control_characters_too(client):
    application, _ = submitted(client)
    as_user(client, staff(Role.UNIT, unit=application.unit))
    assert client.get("/review/applications?q=张\x00三").status_code == 200  # PostgreSQL refuses NUL in text
    client.post(f"/review/applications/{application.id}/decide", data={
        "action": "return", "reason": "材料\x0b不全\x00", "seen": application.version, "parts": "step_3"})
    assert application.actions.order_by(ReviewAction.id.desc()).first().reason == "材料不全"


@pytest.mark.parametrize("unit_name, person, sheet, cell", [
    ("越城建工集团", "王\x0b五", "越城建工集团专业技术职务任职资格申报人员公示表", "王五"),  # a vertical tab pasted from Word
    ("某[公司]/A:B", "李四", "某_公司__A_B专业技术职务任职资格申报人员公示表", "李四"),
    ("某公司*?\\" + "长" * 40, "=1+1\x1f", "某公司___" + "长" * 25, "'=1+1"),
])
def test_the_publicity_sheet_exports_whatever_was_typed_into_names(client, unit_name, person, sheet, cell):
    unit = make_unit(unit_name)
    application = filed(open_plan(), unit, 1, unit, S.UNIT_PASSED, Stage.UNIT, name=person)
    as_user(client, staff(Role.UNIT, unit=unit))
    client.post("/review/publicity", data={"ids": [application.id], "starts_on": date.today().isoformat()})
    response = client.get(f"/review/publicity/{Publicity.get().id}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data))
    assert book.active.title == sheet
    assert book.active["B4"].value == cell


def test_the_messages_wtforms_writes_itself_are_in_chinese(client):
    as_user(client, user_of(Role.CONSTRUCTION_BUREAU))
    response = client.post("/review/fees", data={"charges": "maybe", "amount": "1"})
    assert [p.text() for p in parse(response).find("fieldset").find_all("p", cls="error")] == ["不是有效的选择。"]
    as_user(client, make_applicant())
    response = client.post("/me/achievements/new?kind=project", data={"title": "长" * 201})
    assert field_errors(parse(response), "title") == ["字段长度不能超过 200 个字符。"]
