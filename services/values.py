"""Reading untrusted values: whole numbers that fit the database's integer columns, text without control characters."""
import re
from datetime import date, datetime

# PostgreSQL's INTEGER and SERIAL columns (ids, versions, years) hold 32 bits; SQLite's hold 64.
MAX_INT = 2**31 - 1
# C0 and C1 control characters except tab, line feed and carriage return (a vertical tab pasted from Word, NUL, …).
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def whole_number(value):
    """`value` (a form or query string) as a non-negative int that fits an INTEGER column, or None."""
    text = str(value if value is not None else "").strip()
    if not (text.isascii() and text.isdigit()) or len(text) > len(str(MAX_INT)):
        return None
    number = int(text)
    return number if number <= MAX_INT else None

# Dates a form may carry: wide enough for any birth, career or plan, narrow enough that adding a year cannot overflow.
EARLIEST, LATEST = date(1900, 1, 1), date(2099, 12, 31)


def read_date(text):
    """A YYYY-MM-DD date between EARLIEST and LATEST, or None."""
    try:
        day = date.fromisoformat(str(text or "").strip()[:10])
    except ValueError:
        return None
    return day if EARLIEST <= day <= LATEST else None


def read_datetime(text):
    """A "YYYY-MM-DD HH:MM" (or the browser's "YYYY-MM-DDTHH:MM") moment between EARLIEST and LATEST, or None."""
    try:
        moment = datetime.fromisoformat(str(text or "").strip().replace("T", " ")[:16])
    except ValueError:
        return None
    return moment if EARLIEST <= moment.date() <= LATEST else None


def clean_text(value):
    """A string without control characters; other values unchanged."""
    return CONTROL.sub("", value) if isinstance(value, str) else value


def whole_numbers(values):
    """The entries of a list of strings (checked ids, say) that whole_number() reads, as ints."""
    return [n for n in map(whole_number, values) if n is not None]
