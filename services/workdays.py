"""Working days in mainland China: weekends, statutory holidays and adjusted workdays (调休), for 公示 periods.

chinese_calendar knows the State Council's calendar year by year. For a year it does not cover, weekends are
counted and the days the administrator entered (Holiday rows) are applied; the caller is told, so the page can say so.
"""
from datetime import date, timedelta

import chinese_calendar

from models import Holiday
from services import audit
from services.txn import atomic

PUBLICITY_WORKING_DAYS = 5


def covered(year):
    """Whether the holiday calendar knows this year."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


def is_workday(day, entered=None):
    """True on a working day; `entered` maps dates to the administrator's Holiday rows (for uncovered years)."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        entered = _entered(day.year) if entered is None else entered
        if day in entered:
            return entered[day].is_workday
        return day.weekday() < 5


def _entered(year):
    return {h.day: h for h in Holiday.select().where(Holiday.day.between(date(year, 1, 1), date(year, 12, 31)))}


def publicity_end_date(start, days=PUBLICITY_WORKING_DAYS):
    """The last day of a publicity that starts on `start` and lasts `days` working days (start counts if it is one).

    Returns (end, uncovered_years): the years the library did not know, where weekends and entered days were used.
    """
    day, counted, uncovered, entered = start, 0, set(), {}
    while True:
        if day.year not in entered:
            entered[day.year] = {} if covered(day.year) else _entered(day.year)
            if not covered(day.year):
                uncovered.add(day.year)
        if is_workday(day, entered[day.year]):
            counted += 1
            if counted == days:
                return day, sorted(uncovered)
        day += timedelta(days=1)


def publicity_period(start):
    """(end, note) of a 公示 from `start`: the note asks the office to check the end when the holiday data lacks a year."""
    end, uncovered = publicity_end_date(start)
    if not uncovered:
        return end, ""
    years = "、".join(str(y) for y in uncovered)
    return end, (f"平台的节假日数据未包含 {years} 年，该年只按周末和管理员录入的节假日计算工作日，"
                 f"请核对公示期是否满 {PUBLICITY_WORKING_DAYS} 个工作日。")


def first_sending_day(ends_on):
    """报送 is possible from the day after the 公示 ends (any day: the publicity is over, not a working-day count)."""
    return ends_on + timedelta(days=1)


def enter_day(day, is_workday, name, actor, ip=""):
    """The administrator enters a holiday or an adjusted workday of a year the calendar does not cover."""
    if covered(day.year):
        raise ValueError(f"{day.year} 年的法定节假日已由节假日数据提供，无需录入。")
    with atomic():
        Holiday.insert(day=day, is_workday=is_workday, name=name).on_conflict(
            conflict_target=[Holiday.day], update={Holiday.is_workday: is_workday, Holiday.name: name}).execute()
        audit.record(actor, "holiday.enter", str(day), f"{'调休上班' if is_workday else '放假'} {name}", ip)


def remove_day(holiday, actor, ip=""):
    with atomic():
        holiday.delete_instance()
        audit.record(actor, "holiday.remove", str(holiday.day), holiday.name, ip)
