"""Fee rules without state: the payment reference (缴费附言) and its check character, and bank statements (CSV).

A reference is 4 digits of the charging office's id, 8 digits of the application's id and an ISO 7064 MOD 11-2
check character (0–9 or X, as in the 身份证号): 13 characters, unique per (application, office), and any single
mistyped character or two swapped neighbours give a reference whose check character does not match.
"""
import csv
import io
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation

from models import FeeState

REFERENCE = re.compile(r"(?<![0-9])([0-9]{12}[0-9X])(?![0-9X])", re.IGNORECASE)
HEADERS = {"day": ("交易日期",), "amount": ("金额", "贷方金额"), "payer": ("付款人",), "memo": ("附言", "摘要")}
CENT = Decimal("0.01")


def check_char(digits):
    """ISO 7064 MOD 11-2 over any number of digits."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2 % 11
    return "0123456789X"[(12 - total) % 11]


def reference(organisation_id, application_id):
    body = f"{organisation_id:04d}{application_id:08d}"
    return body + check_char(body)


def is_valid_reference(text):
    text = (text or "").strip().upper()
    return bool(re.fullmatch(r"[0-9]{12}[0-9X]", text)) and check_char(text[:12]) == text[12]


class StatementError(ValueError):
    """A bank statement that cannot be read; the message names the line."""


@dataclass
class StatementRow:
    line: int
    day: date
    amount: Decimal
    payer: str
    memo: str
    reference: str = ""  # the first valid reference found in the memo, upper case


def _decode(data):
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise StatementError("文件既不是 UTF-8 也不是 GBK 编码的 CSV，请从网银重新导出。")


def _day(text, line):
    digits = re.sub(r"[^0-9]", " ", text).split()
    try:
        if len(digits) == 1 and len(digits[0]) == 8:
            return date(int(digits[0][:4]), int(digits[0][4:6]), int(digits[0][6:]))
        return date(*(int(d) for d in digits[:3]))
    except (TypeError, ValueError):
        raise StatementError(f"第 {line} 行：交易日期“{text[:20]}”无法识别。") from None


def _amount(text, line):
    try:
        value = Decimal(text.replace(",", "").replace("¥", "").strip())
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value <= 0 or value != value.quantize(CENT):
        raise StatementError(f"第 {line} 行：金额“{text[:20]}”不是有效的收款金额。")
    return value


def parse_statement(data):
    """The credit rows of a statement file (bytes). Raises StatementError naming the first bad line."""
    try:
        return _rows(csv.reader(io.StringIO(_decode(data))))
    except csv.Error as error:  # e.g. a field past the csv module's size limit
        raise StatementError(f"文件不是有效的 CSV：{error}") from None


def _rows(reader):
    header, columns = None, {}
    rows = []
    for line, cells in enumerate(reader, 1):
        cells = [c.strip() for c in cells]
        if not any(cells):
            continue
        if header is None:
            found = {key: next((cells.index(n) for n in names if n in cells), None) for key, names in HEADERS.items()}
            if None in (found["day"], found["amount"], found["memo"]):
                if line >= 20:
                    break
                continue  # a bank's title lines above the header
            header, columns = line, found
            continue
        if len(cells) <= max(i for i in columns.values() if i is not None):
            raise StatementError(f"第 {line} 行：只有 {len(cells)} 列，少于表头的列数。")
        cell = {key: (cells[i] if i is not None else "") for key, i in columns.items()}
        row = StatementRow(line, _day(cell["day"], line), _amount(cell["amount"], line), cell["payer"], cell["memo"])
        row.reference = next((m.upper() for m in REFERENCE.findall(row.memo) if is_valid_reference(m)), "")
        rows.append(row)
    if header is None:
        raise StatementError("找不到表头：须有“交易日期”“金额”（或“贷方金额”）和“附言”（或“摘要”）列。")
    return rows


@dataclass
class StatementPlan:
    """What importing a statement would do, by category; only `matched` is confirmed."""

    matched: list = field(default_factory=list)  # (row, notice)
    mismatched: list = field(default_factory=list)  # (row, notice): the reference is known, the amount is not exact
    unknown: list = field(default_factory=list)  # rows: no valid reference, or not one of this office's notices
    duplicates: list = field(default_factory=list)  # (row, notice): already paid, or a second row for one notice


def plan_statement(rows, notices_by_reference):
    """Match rows to this office's notices by reference and exact amount."""
    plan, taken = StatementPlan(), set()
    for row in rows:
        notice = notices_by_reference.get(row.reference)
        if notice is None:
            plan.unknown.append(row)
        elif notice.state != FeeState.PENDING or notice.id in taken:
            plan.duplicates.append((row, notice))
        elif row.amount != notice.amount:
            plan.mismatched.append((row, notice))
        else:
            taken.add(notice.id)
            plan.matched.append((row, notice))
    return plan
