"""居民身份证号 (GB 11643): 18 characters, a real birth date, a province code and the MOD 11-2 check character."""
from datetime import date

import pytest

from models import Gender
from services.idcard import IdNumberError, check_char, parse

TODAY = date(2024, 6, 1)


@pytest.fixture(autouse=True)
def data():
    """These rules need no database: skip the per-test reference data."""
    yield


def valid(first17):
    """`first17` completed with its correct check character."""
    return first17 + check_char(first17)


def with_check_x(prefix14, gender):
    """A valid number whose check character is X, built by trying sequence numbers of the wanted gender."""
    for sequence in range(1000):
        first17 = f"{prefix14}{sequence:03d}"
        if (int(first17[16]) % 2 == 1) == (gender == Gender.MALE) and check_char(first17) == "X":
            return first17 + "X"
    raise AssertionError("no sequence number gives the check character X")


def wrong_check(number):
    """The same number with a check character that does not match."""
    return number[:17] + next(c for c in "0123456789X" if c != number[17])


MALE = valid("33060219850615001")
FEMALE_X = with_check_x("33060219900101", Gender.FEMALE)


@pytest.mark.parametrize("raw, number, birth, gender", [
    (MALE, MALE, date(1985, 6, 15), Gender.MALE),
    (FEMALE_X, FEMALE_X, date(1990, 1, 1), Gender.FEMALE),
    (FEMALE_X.lower(), FEMALE_X, date(1990, 1, 1), Gender.FEMALE),
    (f"  {MALE}\n", MALE, date(1985, 6, 15), Gender.MALE),
    (valid("11010520000229002"), valid("11010520000229002"), date(2000, 2, 29), Gender.FEMALE),
    (valid("33060220240601001"), valid("33060220240601001"), TODAY, Gender.MALE),
], ids=["male", "female-X", "lowercase-x", "spaces-trimmed", "leap-day", "born-today"])
def test_valid_numbers_give_birth_date_and_gender(raw, number, birth, gender):
    parsed = parse(raw, today=TODAY)
    assert (parsed.number, parsed.birth_date, parsed.gender) == (number, birth, gender)


def test_the_x_check_character_really_is_computed():
    assert FEMALE_X.endswith("X") and check_char(FEMALE_X[:17]) == "X"
    assert parse(FEMALE_X, today=TODAY).number[-1] == "X"


@pytest.mark.parametrize("raw, message", [
    (wrong_check(MALE), "校验位错误"),
    (wrong_check(FEMALE_X), "校验位错误"),
    (MALE[:17], "应为 18 位，您输入了 17 位"),
    (MALE + "1", "应为 18 位，您输入了 19 位"),
    ("", "应为 18 位，您输入了 0 位"),
    (None, "应为 18 位，您输入了 0 位"),
    ("3306021985A6150013", "前 17 位应为数字"),
    ("33060219850615001Y", "最后一位为数字或 X"),
    (valid("33060219900230001"), "出生日期“19900230”不是有效日期"),
    (valid("33060219901301001"), "出生日期“19901301”不是有效日期"),
    (valid("33060219900001001"), "出生日期“19900001”不是有效日期"),
    (valid("33060219000229001"), "出生日期“19000229”不是有效日期"),
    (valid("33060220240602001"), "出生日期“20240602”不合理"),
    (valid("33060218991231001"), "出生日期“18991231”不合理"),
    (valid("00060219850615001"), "前两位“00”不是有效的省级行政区划代码"),
    (valid("99060219850615001"), "前两位“99”不是有效的省级行政区划代码"),
], ids=[
    "wrong-check-digit", "wrong-check-X", "17-chars", "19-chars", "empty", "none", "letter-inside",
    "bad-last-char", "feb-30", "month-13", "month-0", "1900-not-leap", "born-tomorrow", "before-1900",
    "province-00", "province-99",
])
def test_invalid_numbers_are_refused_naming_the_rule(raw, message):
    with pytest.raises(IdNumberError) as refused:
        parse(raw, today=TODAY)
    assert message in str(refused.value)


def test_a_future_birth_date_is_refused_against_the_real_calendar():
    tomorrow = date.fromordinal(date.today().toordinal() + 1)
    with pytest.raises(IdNumberError, match="不合理"):
        parse(valid(f"330602{tomorrow:%Y%m%d}001"))
