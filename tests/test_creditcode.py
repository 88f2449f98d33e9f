"""统一社会信用代码 (GB 32100-2015): 18 characters, no I O Z S V, digits 3–8 a region code, the 18th a check character."""
import pytest

from services.creditcode import ALPHABET, CreditCodeError, check_char, parse
from tests.samples import CODE_A, credit_code

# Codes printed on real business licences and in the standard's own example.
PUBLISHED = ["914403001922038216", "91350100M000100Y43", "91110000802100433B", "9144030071526726XG"]


@pytest.mark.parametrize("code", PUBLISHED + [CODE_A])
def test_a_code_with_the_right_check_character_is_accepted(code):
    assert parse(code) == code


def test_lower_case_and_surrounding_spaces_are_normalised():
    assert parse(f"  {CODE_A.lower()} ") == CODE_A


@pytest.mark.parametrize("wrong", [c for c in ALPHABET if c != CODE_A[17]])
def test_every_other_check_character_is_refused(wrong):
    with pytest.raises(CreditCodeError, match=f"校验位错误：第 18 位“{wrong}”与前 17 位不符"):
        parse(CODE_A[:17] + wrong)


@pytest.mark.parametrize("first17, check", [
    # the weighted sum is a multiple of 31: the check character wraps round to 0, not to 31
    ("91330602MA000000Y", "0"),
    # the weighted sum leaves 1: the check character is the last of the alphabet
    ("10000000000000000", "Y"),
])
def test_check_character_at_the_ends_of_the_alphabet(first17, check):
    assert check_char(first17) == check == credit_code(first17)[17]
    assert parse(first17 + check) == first17 + check


@pytest.mark.parametrize("raw, length", [
    (CODE_A[:17], 17),
    (CODE_A + "0", 19),
    ("", 0),
    (None, 0),
])
def test_a_code_of_another_length_is_refused_with_the_length_found(raw, length):
    with pytest.raises(CreditCodeError, match=f"应为 18 位，您输入了 {length} 位"):
        parse(raw)


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V", "-", "Ａ"])
def test_a_character_outside_the_alphabet_is_refused_and_named(letter):
    code = CODE_A[:10] + letter + CODE_A[11:]
    with pytest.raises(CreditCodeError, match=f"不能含有“{letter}”"):
        parse(code)


def test_the_region_code_must_be_six_digits():
    code = credit_code("91A30602MA2B3C4D5")
    with pytest.raises(CreditCodeError, match="第 3–8 位应为行政区划代码（6 位数字），您输入的是“A30602”"):
        parse(code)
