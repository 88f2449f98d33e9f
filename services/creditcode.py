"""统一社会信用代码 (GB 32100-2015): 18 characters from a 31-letter alphabet, the last one a check character."""

ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class CreditCodeError(ValueError):
    pass


def check_char(first17):
    total = sum(ALPHABET.index(c) * w for c, w in zip(first17, WEIGHTS, strict=True))
    return ALPHABET[(31 - total % 31) % 31]


def parse(raw):
    """The normalised code, or CreditCodeError naming the rule broken."""
    code = (raw or "").strip().upper()
    if len(code) != 18:
        raise CreditCodeError(f"统一社会信用代码应为 18 位，您输入了 {len(code)} 位。")
    wrong = [c for c in code if c not in ALPHABET]
    if wrong:
        raise CreditCodeError(f"统一社会信用代码不能含有“{wrong[0]}”（不使用 I、O、Z、S、V 及其他符号）。")
    if not code[2:8].isdigit():
        raise CreditCodeError(f"统一社会信用代码第 3–8 位应为行政区划代码（6 位数字），您输入的是“{code[2:8]}”。")
    if code[17] != check_char(code[:17]):
        raise CreditCodeError(f"统一社会信用代码校验位错误：第 18 位“{code[17]}”与前 17 位不符，请核对。")
    return code
