"""节假日设置: for a year the holiday calendar does not cover, publicity counts weekends and the entered days."""
from datetime import date

import pytest

from models import Holiday, Role
from services.workdays import covered, publicity_end_date
from tests.conftest import login, make_user
from tests.helpers import user_of


@pytest.fixture
def admin_client(client):
    login(client, make_user(Role.ADMIN, "root"))
    return client


def test_the_calendar_covers_2026_and_not_2027():
    assert covered(2026) and not covered(2027)


def test_an_uncovered_year_counts_weekends_only_and_says_so():
    assert publicity_end_date(date(2027, 1, 4)) == (date(2027, 1, 8), [2027])  # Mon–Fri


def test_an_entered_holiday_is_skipped_and_an_adjusted_workday_counts(admin_client):
    admin_client.post("/admin/holidays", data={"day": "2027-01-06", "kind": "holiday", "name": "测试假日"})
    assert publicity_end_date(date(2027, 1, 4))[0] == date(2027, 1, 11)  # Wed off: Mon, Tue, Thu, Fri, next Mon
    admin_client.post("/admin/holidays", data={"day": "2027-01-09", "kind": "workday", "name": "调休"})
    assert publicity_end_date(date(2027, 1, 4))[0] == date(2027, 1, 9)  # the Saturday worked is the 5th day


def test_a_covered_year_cannot_be_entered_and_the_form_says_why(admin_client):
    page = admin_client.post("/admin/holidays", data={"day": "2026-10-08", "kind": "holiday"}).get_data(as_text=True)
    assert "2026 年的法定节假日已由节假日数据提供" in page
    assert not Holiday.select().exists()


def test_an_entered_day_can_be_removed(admin_client):
    admin_client.post("/admin/holidays", data={"day": "2027-05-03", "kind": "holiday", "name": "劳动节"})
    holiday = Holiday.get()
    admin_client.post(f"/admin/holidays/{holiday.id}/remove")
    assert not Holiday.select().exists()


def test_only_the_administrator_enters_holidays(client):
    login(client, user_of(Role.HR_BUREAU))
    assert client.post("/admin/holidays", data={"day": "2027-01-06", "kind": "holiday"}).status_code == 403
