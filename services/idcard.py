"""居民身份证号码 (GB 11643-1999): 18 characters, a valid birth date and the ISO 7064 MOD 11-2 check character."""
import re
from dataclasses import dataclass
from datetime import date

from models import Gender

CHECK_CHARS = "10X98765432"
# 省级行政区划代码 (GB/T 2260): the first two digits.
PROVINCE_CODES = {
    "11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37",
    "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65",
    "71", "81", "82",
}
PATTERN = re.compile(r"^\d{17}[\dX]$")


class IdNumberError(ValueError):
    pass


@dataclass(frozen=True)
class IdNumber:
    number: str
    birth_date: date
    gender: Gender


def check_char(digits):
    """ISO 7064 MOD 11-2 check character of a string of digits: the 18th of a 身份证号 (its weights 7, 9, 10, 5 …
    are 2^17, 2^16 … mod 11), the last of a 证书编号 (services/certificates)."""
    return CHECK_CHARS[sum(int(d) * pow(2, len(digits) - i, 11) for i, d in enumerate(digits)) % 11]


def parse(raw, today=None):
    """Validate a 身份证号 and derive birth date and gender; raises IdNumberError naming the rule broken."""
    number = (raw or "").strip().upper()
    if len(number) != 18:
        raise IdNumberError(f"身份证号应为 18 位，您输入了 {len(number)} 位。")
    if not PATTERN.match(number):
        raise IdNumberError("身份证号前 17 位应为数字，最后一位为数字或 X。")
    if number[:2] not in PROVINCE_CODES:
        raise IdNumberError(f"身份证号前两位“{number[:2]}”不是有效的省级行政区划代码。")
    try:
        birth = date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise IdNumberError(f"身份证号中的出生日期“{number[6:14]}”不是有效日期。") from None
    today = today or date.today()
    if birth > today or birth.year < 1900:
        raise IdNumberError(f"身份证号中的出生日期“{number[6:14]}”不合理。")
    expected = check_char(number[:17])
    if number[17] != expected:
        raise IdNumberError(f"身份证号校验位错误：第 18 位“{number[17]}”与前 17 位不符，请核对号码。")
    gender = Gender.MALE if int(number[16]) % 2 else Gender.FEMALE
    return IdNumber(number, birth, gender)
