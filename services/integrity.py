"""诚信档案: who is barred from applying, and until when.

A case bars its 身份证号 for 3 years from the decision date: from 2024-05-10 the bar runs through 2027-05-09
(that last day included), and the person may start and submit again from 2027-05-10 — the anniversary itself is
free, as "3 years" counted from the decision ends the day before it. The pages say both dates.
"""
from datetime import date, timedelta

from models import IntegrityCase

RULE = "弄虚作假取得职称的，撤销其职称并记入诚信档案，3 年内不得申报（《职称评审管理暂行规定》）"

BAR_YEARS = 3


def last_barred_day(decided_on):
    """The last day a case decided on `decided_on` still bars (3 years, the anniversary itself free)."""
    try:
        anniversary = decided_on.replace(year=decided_on.year + BAR_YEARS)
    except ValueError:  # 29 February
        anniversary = decided_on.replace(year=decided_on.year + BAR_YEARS, day=28) + timedelta(days=1)
    return anniversary - timedelta(days=1)


def barred_until(id_number, on=None):
    """The last barred day of the bar on `id_number` in force on `on` (today), or None when it is free."""
    if not id_number:
        return None
    on = on or date.today()
    ends = [last_barred_day(case.decided_on)
            for case in IntegrityCase.select().where((IntegrityCase.id_number == id_number.upper())
                                                     & (IntegrityCase.decided_on <= on))]
    ends = [end for end in ends if end >= on]
    return max(ends) if ends else None


def bar_message(id_number, on=None):
    """Why `id_number` may not start or submit an application on `on`, naming the rule and the last barred day."""
    until = barred_until(id_number, on)
    if until is None:
        return None
    return (f"根据诚信档案，您不能申报：{RULE}。禁止申报至 {until}（含当日），"
            f"{until + timedelta(days=1)} 起可以申报。")
