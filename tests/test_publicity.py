"""公示 (SPEC §6.1, §9): at least 5 working days by the State Council's calendar, the 公示表, and 报送 only after it,
to the construction bureau of the unit's region or first to the talent centre."""
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from models import Application, ApplicationStatus, Holiday, Ownership, Publicity, ReviewAction, Role, Stage
from services.exports import safe_cell
from services.workdays import publicity_end_date
from tests.chain_world import as_user, decide, filed, place, staff
from tests.conftest import make_unit, organisation
from tests.wizard_world import open_plan

S = ApplicationStatus
TODAY = date.today()


@pytest.mark.parametrize("start, end", [
    ("2026-11-23", "2026-11-27"),  # an ordinary week, Monday to Friday
    ("2026-09-28", "2026-10-09"),  # spans 国庆节 (10-01 … 10-07 off; 10-10, a Saturday, is worked but not needed)
    ("2026-11-07", "2026-11-13"),  # starts on a Saturday: the weekend does not count
    ("2026-09-19", "2026-09-24"),  # Saturday before the Sunday 09-20 worked for 国庆节 (调休): that Sunday counts
    ("2026-02-14", "2026-02-27"),  # a Saturday worked for 春节 counts, then the 春节 holiday to 02-23 does not
    ("2026-09-24", "2026-10-08"),  # over 中秋节 (09-25) and 国庆节
])
def test_a_publicity_lasts_five_working_days_by_the_holiday_calendar(start, end):
    assert publicity_end_date(date.fromisoformat(start)) == (date.fromisoformat(end), [])


def test_a_year_the_calendar_does_not_know_counts_weekends_and_the_days_the_administrator_entered():
    assert publicity_end_date(date(2026, 12, 28)) == (date(2027, 1, 1), [2027])
    assert publicity_end_date(date(2027, 3, 6)) == (date(2027, 3, 12), [2027])
    Holiday.create(day=date(2027, 1, 1), name="元旦")
    assert publicity_end_date(date(2026, 12, 28)) == (date(2027, 1, 4), [2027])
    Holiday.create(day=date(2027, 1, 2), is_workday=True, name="元旦调休")
    assert publicity_end_date(date(2026, 12, 28)) == (date(2027, 1, 2), [2027])


def passed_by_unit(count=1, unit_name="越城建工集团", region="越城区", names=()):
    plan, unit = open_plan(), make_unit(unit_name, region)
    return unit, [filed(plan, unit, n, unit, S.UNIT_PASSED, Stage.UNIT, name=(names[n - 1] if names else None))
                  for n in range(1, count + 1)]


def test_starting_a_publicity_shows_its_end_and_says_when_holidays_were_not_known(client):
    unit, apps = passed_by_unit(2)
    as_user(client, staff(Role.UNIT, unit=unit))
    preview = client.get("/review/publicity/end-date?starts_on=2026-09-28").get_data(as_text=True)
    assert "2026-10-09" in preview and "未包含" not in preview
    assert "未包含 2027" in client.get("/review/publicity/end-date?starts_on=2026-12-28").get_data(as_text=True)

    page = client.post("/review/publicity", data={"ids": [apps[0].id], "starts_on": "2026-12-28"},
                       follow_redirects=True).get_data(as_text=True)
    publicity = Publicity.get()
    assert (publicity.starts_on, publicity.ends_on) == (date(2026, 12, 28), date(2027, 1, 1))
    assert "2027 年" in publicity.note and publicity.note in page
    assert Application.get_by_id(apps[0].id).publicity_id == publicity.id
    assert Application.get_by_id(apps[1].id).publicity_id is None
    timeline = apps[0].actions.get()
    assert (timeline.action, timeline.reason) == ("publicity", "公示期 2026-12-28 至 2027-01-01（5 个工作日）")


@pytest.mark.parametrize("form, error", [
    ({"starts_on": (TODAY - timedelta(days=1)).isoformat()}, "早于今天"),
    ({"starts_on": TODAY.isoformat(), "ids": []}, "请选择至少一名"),
])
def test_a_publicity_that_cannot_start(client, form, error):
    unit, apps = passed_by_unit()
    as_user(client, staff(Role.UNIT, unit=unit))
    response = client.post("/review/publicity", data={"ids": [apps[0].id], **form})
    assert error in response.get_data(as_text=True)
    assert Publicity.select().count() == 0


def test_the_publicity_sheet_exports_as_xlsx_with_formulas_neutralised(client):
    unit, apps = passed_by_unit(2, names=("=HYPERLINK(\"http://x\")", "李四"))
    unit.contact_name, unit.contact_mobile = "王主任", "0575-88000000"
    unit.save()
    user = staff(Role.UNIT, unit=unit)
    as_user(client, user)
    client.post("/review/publicity", data={"ids": [a.id for a in apps], "starts_on": "2026-12-01"})
    publicity = Publicity.get()
    response = client.get(f"/review/publicity/{publicity.id}/export.xlsx")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][0] == "越城建工集团专业技术职务任职资格申报人员公示表"
    assert rows[1][0] == "公示期：2026-12-01 至 2026-12-07"
    assert rows[2] == ("序号", "姓名", "性别", "工作单位", "现职称", "申报资格", "专业", "主要业绩")
    profession = apps[0].profession.name
    assert rows[3][:7] == (1, "'=HYPERLINK(\"http://x\")", "男", "越城建工集团", "无", "工程师", profession)
    assert rows[4][:4] == (2, "李四", "女", "越城建工集团")
    assert "王主任" in rows[5][0] and "0575-88000000" in rows[5][0]
    assert all(cell.data_type != "f" for row in sheet.iter_rows() for cell in row)
    sheet_page = client.get(f"/review/publicity/{publicity.id}").get_data(as_text=True)
    assert "李四" in sheet_page and "主要业绩" in sheet_page

    as_user(client, staff(Role.UNIT, unit=make_unit("越城路桥公司")))
    assert client.get(f"/review/publicity/{publicity.id}/export.xlsx").status_code == 404
    assert client.post(f"/review/publicity/{publicity.id}/send").status_code == 404


@pytest.mark.parametrize("value, safe", [("=1+1", "'=1+1"), ("+86", "'+86"), ("-3", "'-3"), ("@SUM(A1)", "'@SUM(A1)"),
                                         ("张三", "张三"), (3, 3)])
def test_spreadsheet_cells_are_neutralised(value, safe):
    assert safe_cell(value) == safe


def test_sending_is_refused_until_the_day_after_the_period(client):
    unit, apps = passed_by_unit()
    as_user(client, staff(Role.UNIT, unit=unit))
    client.post("/review/publicity", data={"ids": [apps[0].id], "starts_on": TODAY.isoformat()})
    publicity = Publicity.get()
    assert publicity.ends_on == publicity_end_date(TODAY)[0]
    for ends_on in (publicity.ends_on, TODAY):
        Publicity.update(ends_on=ends_on).execute()
        response = client.post(f"/review/publicity/{publicity.id}/send", follow_redirects=True)
        assert f"公示期至 {ends_on} 结束，{ends_on + timedelta(days=1)} 起才能报送" in response.get_data(as_text=True)
        assert Application.get_by_id(apps[0].id).status == S.UNIT_PASSED
    Publicity.update(starts_on=TODAY - timedelta(days=9), ends_on=TODAY - timedelta(days=1)).execute()
    assert "1 件已报送越城区住房和城乡建设局。" in client.post(f"/review/publicity/{publicity.id}/send", follow_redirects=True).get_data(
        as_text=True)
    fresh = Application.get_by_id(apps[0].id)
    assert (fresh.status, fresh.stage_organisation.name) == (S.PENDING, "越城区住房和城乡建设局")
    assert Publicity.get().sent_at is not None
    assert [a.action for a in fresh.actions.order_by(ReviewAction.id)] == ["publicity", "send"]


def test_a_unit_not_yet_publicised_cannot_be_sent(client):
    unit, apps = passed_by_unit()
    publicity = Publicity.create(unit=unit, starts_on=TODAY - timedelta(days=9), ends_on=TODAY - timedelta(days=1))
    as_user(client, staff(Role.UNIT, unit=unit))
    page = client.post(f"/review/publicity/{publicity.id}/send", follow_redirects=True).get_data(as_text=True)
    assert "该公示中没有待报送的申报" in page
    assert Application.get_by_id(apps[0].id).stage == Stage.UNIT
    assert Publicity.get_by_id(publicity.id).sent_at is None


def test_a_publicity_is_sent_once(client):
    unit, apps = passed_by_unit()
    as_user(client, staff(Role.UNIT, unit=unit))
    client.post("/review/publicity", data={"ids": [apps[0].id], "starts_on": TODAY.isoformat()})
    Publicity.update(starts_on=TODAY - timedelta(days=9), ends_on=TODAY - timedelta(days=1)).execute()
    publicity = Publicity.get()
    client.post(f"/review/publicity/{publicity.id}/send")
    sent_at = Publicity.get_by_id(publicity.id).sent_at
    page = client.post(f"/review/publicity/{publicity.id}/send", follow_redirects=True).get_data(as_text=True)
    assert f"该公示已于 {sent_at:%Y-%m-%d %H:%M} 报送" in page
    assert Application.get_by_id(apps[0].id).actions.where(ReviewAction.action == "send").count() == 1


def test_an_objection_during_publicity_lets_the_unit_return_before_sending(client):
    unit, apps = passed_by_unit()
    as_user(client, staff(Role.UNIT, unit=unit))
    client.post("/review/publicity", data={"ids": [apps[0].id], "starts_on": TODAY.isoformat()})
    page = client.get(f"/review/applications/{apps[0].id}").get_data(as_text=True)
    assert "公示异议处理" in page and 'value="pass"' not in page
    seen = Application.get_by_id(apps[0].id).version
    client.post(f"/review/applications/{apps[0].id}/decide", data={"action": "pass", "reason": "", "seen": seen})
    assert Application.get_by_id(apps[0].id).status == S.UNIT_PASSED  # 通过 again is not an objection
    client.post(f"/review/applications/{apps[0].id}/decide",
                data={"action": "return", "reason": "公示期间有人反映业绩不实", "seen": seen, "parts": "step_4"})
    fresh = Application.get_by_id(apps[0].id)
    assert fresh.status == S.RETURNED and fresh.publicity is None


@pytest.mark.parametrize("ownership, files_there, first", [
    (Ownership.PRIVATE, True, "绍兴市人才交流中心"),
    (Ownership.JOINT_STOCK, True, "绍兴市人才交流中心"),
    (Ownership.STATE_OWNED, True, "柯桥区"),
    (Ownership.PUBLIC_INSTITUTION, True, "柯桥区"),
    (Ownership.PRIVATE, False, "柯桥区"),
    (Ownership.JOINT_STOCK, False, "柯桥区"),
])
def test_sending_goes_to_the_regions_bureau_or_first_to_the_talent_centre(client, ownership, files_there, first):
    unit, apps = passed_by_unit(unit_name="柯桥纺城建设", region="柯桥区")
    unit.ownership, unit.files_at_talent_centre = ownership, files_there
    unit.save()
    publicity = Publicity.create(unit=unit, starts_on=TODAY - timedelta(days=9), ends_on=TODAY - timedelta(days=1))
    place(apps[0], S.UNIT_PASSED, Stage.UNIT, unit, publicity=publicity)
    as_user(client, staff(Role.UNIT, unit=unit))
    client.post(f"/review/publicity/{publicity.id}/send")
    fresh = Application.get_by_id(apps[0].id)
    assert fresh.status == S.PENDING and fresh.stage_organisation.name.startswith(first)
    assert fresh.stage == (Stage.TALENT_CENTRE if first == "绍兴市人才交流中心" else Stage.CONSTRUCTION_BUREAU)


def test_the_talent_centre_passes_its_applicants_to_the_bureau_of_the_units_region(client):
    unit, apps = passed_by_unit(unit_name="柯桥纺城建设", region="柯桥区")
    application = place(apps[0], S.PENDING, Stage.TALENT_CENTRE, organisation(Role.TALENT_CENTRE))
    as_user(client, staff(Role.TALENT_CENTRE))
    assert decide(client, application, "pass", "档案齐全").status_code == 302
    assert "1 件已推荐至柯桥区住房和城乡建设局。" in client.post("/review/recommend", follow_redirects=True).get_data(
        as_text=True)
    fresh = Application.get_by_id(application.id)
    assert (fresh.status, fresh.stage, fresh.stage_organisation_id) == (
        S.PENDING, Stage.CONSTRUCTION_BUREAU, organisation(Role.CONSTRUCTION_BUREAU, "柯桥区").id)
    last = fresh.actions.order_by(ReviewAction.id.desc()).first()
    assert last.action_label == "审核推荐" and "柯桥区" in last.reason
