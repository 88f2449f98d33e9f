"""Exports as column maps (title → value function), so the same rows feed the screen, the print view and xlsx.

Strings that start with = + - @ are neutralised in spreadsheets (a leading apostrophe), so a name typed as a
formula stays text; control characters (which xlsx cannot hold) are dropped.
"""
import io
import json
import re
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from models import Application
from services.integrity import last_barred_day
from services.values import clean_text

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
SHEET_TITLE_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def safe_cell(value):
    value = clean_text(value)
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def sheet_title(text):
    """A worksheet name Excel accepts: none of [ ] : * ? / \\, no control characters, at most 31 characters."""
    return SHEET_TITLE_FORBIDDEN.sub("_", clean_text(text))[:31].strip("'") or "Sheet1"


def _frozen(application):
    return json.loads(application.snapshot or "{}")


def _main_achievements(application):
    return "；".join(a["title"] for a in _frozen(application).get("achievements", [])[:3])


def _current_title(application):
    titles = _frozen(application).get("applicant", {}).get("titles", [])
    return "、".join(t["name"] for t in titles) or "无"


# 公示表 (SPEC §7): the unit's passed applicants.
PUBLICITY_COLUMNS = (
    ("序号", None),
    ("姓名", lambda a: a.applicant.real_name),
    ("性别", lambda a: a.applicant.gender.label if a.applicant.gender else ""),
    ("工作单位", lambda a: a.unit.name),
    ("现职称", _current_title),
    ("申报资格", lambda a: a.plan.level.title_name),
    ("专业", lambda a: _frozen(a).get("info", {}).get("profession", "")),
    ("主要业绩", _main_achievements),
)


FEE_COLUMNS = (
    ("序号", None), ("姓名", lambda n: n.application.applicant.real_name),
    ("评审工作计划", lambda n: n.application.plan.title), ("收费名称", lambda n: n.fee_name),
    ("应缴金额（元）", lambda n: f"{n.amount:.2f}"), ("缴费附言", lambda n: n.reference),
    ("截止日期", lambda n: str(n.due_on)), ("状态", lambda n: n.shown_state(date.today()).label),
    ("实缴金额（元）", lambda n: "" if n.paid_amount is None else f"{n.paid_amount:.2f}"),
    ("缴费日期", lambda n: str(n.paid_on or "")),
)


# 诚信档案: every case, with the last day it bars (the 身份证号 in full: only its keepers export it).
INTEGRITY_COLUMNS = (
    ("序号", None), ("姓名", lambda c: c.name), ("身份证号", lambda c: c.id_number),
    ("身份", lambda c: "评审专家" if c.is_expert else "申报人员"), ("弄虚作假情形", lambda c: c.facts),
    ("处理决定文号", lambda c: c.document_number), ("处理决定日期", lambda c: str(c.decided_on)),
    ("禁止申报至（含）", lambda c: str(last_barred_day(c.decided_on))), ("撤销证书", lambda c: c.certificate.number if c.certificate_id else ""),
    ("记录人", lambda c: c.recorded_by.real_name), ("记录时间", lambda c: str(c.recorded_at)),
)


def publicity_sheet(publicity):
    """The 公示表 as (title, header lines, applications, footer lines), for the print view and the xlsx alike."""
    unit = publicity.unit
    return (f"{unit.name}专业技术职务任职资格申报人员公示表", [f"公示期：{publicity.starts_on} 至 {publicity.ends_on}"],
            list(publicity.applications.order_by(Application.id)),
            [f"公示期内如有异议，请向{unit.name}人事部门反映（联系人：{unit.contact_name}，电话：{unit.contact_mobile}）。"])


def rows(columns, items):
    """The table as lists of values; a column whose function is None is the row number (序号)."""
    return [[number if fn is None else fn(item) for _, fn in columns] for number, item in enumerate(items, 1)]


def xlsx(title, columns, items, header_lines=(), footer_lines=()):
    """An xlsx workbook (bytes) with a title row, optional lines above and below, and the table."""
    book = Workbook()
    sheet = book.active
    sheet.title = sheet_title(title)
    sheet.append([safe_cell(title)])
    sheet["A1"].font = Font(bold=True, size=14)
    for line in header_lines:
        sheet.append([safe_cell(line)])
    sheet.append([name for name, _ in columns])
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    for row in rows(columns, items):
        sheet.append([safe_cell(v) for v in row])
    for line in footer_lines:
        sheet.append([safe_cell(line)])
    for column, width in zip("ABCDEFGHIJKLMNOP", (6, 10, 6, 28, 16, 12, 18, 50), strict=False):
        sheet.column_dimensions[column].width = width
    for row in sheet.iter_rows():
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
