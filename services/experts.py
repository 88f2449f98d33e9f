"""专家库: the fields of an expert checked in one place, the xlsx import (parse and preview; the workflow executes)
and the export's column map."""
import io
import zipfile
from dataclasses import dataclass, field

from openpyxl import load_workbook

from models import Expert, Organisation, Role, UnitStatus
from services import idcard
from services.accounts import MOBILE
from services.values import clean_text

# (attribute, column title, longest) in the order of the form, the import template and the export
FIELDS = (("name", "姓名", 64), ("id_number", "身份证号", 18), ("unit_name", "工作单位", 128), ("title", "职称", 64),
          ("speciality", "专业", 64), ("mobile", "手机号", 20), ("relatives", "近亲属身份证号", 2000))
LABELS = {name: title for name, title, _ in FIELDS}
MAX_IMPORT_ROWS = 2000


class ExpertError(ValueError):
    """A field that breaks a rule; `field` names it so the form shows the message next to it."""

    def __init__(self, message, field=None):
        super().__init__(message)
        self.field = field


def _text(value):
    """A cell or form value as text; whole numbers typed into a spreadsheet lose their ".0"."""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return clean_text(str(value)).strip() if value is not None else ""


def clean(data):
    """The expert's columns from a form or an import row (dict of attribute → value); raises ExpertError."""
    values = {name: _text(data.get(name)) for name, _, _ in FIELDS}
    for name, title, longest in FIELDS:
        if len(values[name]) > longest:
            raise ExpertError(f"{title}不超过 {longest} 个字（现为 {len(values[name])} 个）。", name)
    if not values["name"]:
        raise ExpertError("请填写专家姓名。", "name")
    try:
        values["id_number"] = idcard.parse(values["id_number"]).number
    except idcard.IdNumberError as error:
        raise ExpertError(f"身份证号“{values['id_number']}”：{error}", "id_number") from None
    if values["mobile"] and not MOBILE.match(values["mobile"]):
        raise ExpertError(f"手机号“{values['mobile']}”格式不正确，应为 11 位大陆手机号。", "mobile")
    relatives = []
    for number, line in enumerate(values["relatives"].replace("，", "\n").replace(",", "\n").splitlines(), 1):
        if line.strip():
            try:
                relatives.append(idcard.parse(line).number)
            except idcard.IdNumberError as error:
                raise ExpertError(f"近亲属身份证号第 {number} 个“{line.strip()}”：{error}", "relatives") from None
    values["relatives"] = "\n".join(relatives)
    values["unit"] = Organisation.get_or_none((Organisation.kind == Role.UNIT) & (Organisation.name == values["unit_name"])
                                              & (Organisation.status == UnitStatus.APPROVED)) if values["unit_name"] else None
    return values


class ExpertImportError(ValueError):
    """A file that cannot be read as an expert list at all."""


@dataclass
class ImportRow:
    line: int
    values: dict = field(default_factory=dict)
    error: str = ""


# what openpyxl raises on a damaged file; SyntaxError covers the XML parsers' errors (lxml's and ElementTree's)
UNREADABLE = (zipfile.BadZipFile, KeyError, ValueError, OSError, IndexError, TypeError, SyntaxError)


def _sheet_rows(data):
    """The cell values of the first sheet, row by row (read at once: a damaged file fails here, not half-way)."""
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        return list(book.worksheets[0].iter_rows(values_only=True, max_row=MAX_IMPORT_ROWS + 20))
    except UNREADABLE:
        raise ExpertImportError("文件不是有效的 xlsx 工作簿，请用 Excel 或 WPS 另存为 .xlsx 后重试。") from None


def parse_import(data, committee):
    """Every data row of the first sheet, checked: a row with `error` is not imported. Raises ExpertImportError."""
    header, rows, seen = None, [], {}
    taken = {e.id_number for e in Expert.select(Expert.id_number).where(Expert.committee == committee)}
    for line, cells in enumerate(_sheet_rows(data), 1):
        cells = [_text(c) for c in cells]
        if not any(cells):
            continue
        if header is None:
            if "姓名" in cells and "身份证号" in cells:
                header = {name: cells.index(title) for name, title, _ in FIELDS if title in cells}
            elif line >= 10:
                break
            continue
        if len(rows) >= MAX_IMPORT_ROWS:
            raise ExpertImportError(f"一次最多导入 {MAX_IMPORT_ROWS} 名专家，请分批导入。")
        row = ImportRow(line)
        try:
            row.values = clean({name: cells[i] if i < len(cells) else "" for name, i in header.items()})
        except ExpertError as error:
            row.error = str(error)
        else:
            number = row.values["id_number"]
            if number in taken:
                row.error = f"身份证号 {number} 已在本评委会专家库中（如需修改请在专家库中编辑）。"
            elif number in seen:
                row.error = f"身份证号 {number} 与第 {seen[number]} 行重复。"
            seen.setdefault(number, line)
        rows.append(row)
    if header is None:
        raise ExpertImportError("找不到表头：第一张工作表须有“姓名”和“身份证号”列（可选：工作单位、职称、专业、手机号、近亲属身份证号）。")
    return rows


EXPORT_COLUMNS = (
    ("序号", None), ("姓名", lambda e: e.name), ("身份证号", lambda e: e.id_number), ("工作单位", lambda e: e.unit_name),
    ("职称", lambda e: e.title), ("专业", lambda e: e.speciality), ("手机号", lambda e: e.mobile),
    ("状态", lambda e: "在库" if e.is_active else "已停用"), ("专家账号", lambda e: e.user.username if e.user_id else ""),
)
