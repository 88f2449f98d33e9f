"""花名册 《评委会评审对象花名册》 (SPEC §7, 附件3 一.2): one column map for the screen, the print view and the xlsx.

The order is the notice's: 正常申报, 后学历（学位）取得时间不满2年, 转评, 再次通过中级申报, 其他申报, 标志性业绩,
技能人才申报 (the two ticks of 正常申报 are groups of their own), and 正常申报 by 评审专业; the paper materials
are handed in by the same 序号.
"""
import gc
import io
import json
from contextlib import contextmanager
from copy import copy

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, NamedStyle, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from models import (
    Application,
    ApplicationStatus,
    ApplicationType,
    Level,
    ReviewAction,
    Role,
    applications_visible_to,
)
from services.exports import safe_cell, sheet_title

T = ApplicationType
# (label, who belongs): the first group that matches an application is its group
GROUPS = (
    ("正常申报", lambda a: a.application_type == T.NORMAL and not a.recent_degree and not a.mid_again),
    ("后学历（学位）取得时间不满2年", lambda a: a.application_type == T.NORMAL and a.recent_degree),
    ("转评", lambda a: a.application_type == T.TRANSFER),
    ("再次通过中级申报", lambda a: a.application_type == T.NORMAL and a.mid_again),
    # 自评申报 is not one of the notice's seven groups; it is filed with 其他申报
    ("其他申报", lambda a: a.application_type in (T.OTHER, T.SELF_EVALUATION)),
    ("标志性业绩", lambda a: a.application_type == T.LANDMARK),
    ("技能人才申报", lambda a: a.application_type == T.SKILLED),
)
# what a committee office lists: addressed to it and arrived there
AT_OR_PAST_COMMITTEE = (ApplicationStatus.AT_COMMITTEE, ApplicationStatus.RECOMMENDED, ApplicationStatus.DECIDED,
                        ApplicationStatus.RESULT_PUBLICITY, ApplicationStatus.PASSED, ApplicationStatus.FAILED)
SENDERS = (Role.TALENT_CENTRE, Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU)
ROLES = (Role.COMMITTEE_OFFICE, *SENDERS)


def group_of(application):
    """The index of the application's group in GROUPS (len(GROUPS) for one without a 申报类型)."""
    return next((i for i, (_, belongs) in enumerate(GROUPS) if belongs(application)), len(GROUPS))


def sort_key(application):
    """Group, then 评审专业 within 正常申报 (the reference order of Attachment 4), then first submitted first."""
    group = group_of(application)
    profession = (application.profession_id or 0) if group == 0 else 0
    return group, profession, application.submitted_at or application.created_at, application.id


def ordered(applications):
    return sorted(applications, key=sort_key)


def applications_for(viewer, plan):
    """The roster `viewer` sees for `plan`, in roster order: a committee office what is addressed to it and has
    arrived; the talent centre and a bureau what it sent on (审核推荐); anyone else nothing."""
    query = applications_visible_to(viewer).where(Application.plan == plan)
    if viewer.role == Role.COMMITTEE_OFFICE:
        query = query.where(Application.status.in_(AT_OR_PAST_COMMITTEE))
    elif viewer.role in SENDERS:
        sent = ReviewAction.select(ReviewAction.application).where(
            (ReviewAction.organisation == viewer.organisation_id) & (ReviewAction.action == "recommend"))
        query = query.where(Application.id.in_(sent))
    else:
        return []
    return ordered(query)


def numbers(applications):
    """序号 by application id, for applications already in roster order."""
    return {a.id: number for number, a in enumerate(applications, 1)}


def number_in_roster(application, viewer):
    """The application's 序号 in the roster `viewer` sees for its plan (None when it is not on it)."""
    return numbers(applications_for(viewer, application.plan)).get(application.id)


def _frozen(application):
    """The submitted snapshot, parsed once per row (a 5,000-row roster reads it for every column)."""
    if "_frozen" not in application.__dict__:
        application.__dict__["_frozen"] = json.loads(application.snapshot or "{}")
    return application.__dict__["_frozen"]


def _person(application):
    return _frozen(application).get("applicant", {})


def _info(application):
    return _frozen(application).get("info", {})


def _month(iso):
    return iso[:7].replace("-", ".") if iso else ""


def _education(application):
    return "；".join(f"{r['education']}（{r['school']}、{r['major']}、{_month(r['graduated_on'])}）"
                    for r in _person(application).get("education", []))


def _titles(application):
    return "；".join(f"{t['name']}（{_month(t['obtained_on'])}）" for t in _person(application).get("titles", [])) or "无"


def _qualification(application):
    level = _frozen(application).get("plan", {}).get("level")
    title = Level(level).title_name if level else ""
    return f"{title}（{_info(application).get('profession', '')}）"


def _type(application):
    group = group_of(application)
    info = _info(application)
    return GROUPS[group][0] if 0 < group < 4 else info.get("application_type", "")


COLUMNS = (  # (title, value function, column width in Excel units: about two per Chinese character)
    ("序号", None, 6),
    ("姓名", lambda a: _person(a).get("name", ""), 10),
    ("性别", lambda a: _person(a).get("gender", ""), 6),
    ("出生年月", lambda a: _month(_person(a).get("birth_date")), 10),
    ("身份证号", lambda a: _person(a).get("id_number", ""), 21),
    ("工作单位", lambda a: _person(a).get("unit", ""), 30),
    ("学历（毕业院校、专业、毕业时间）", _education, 40),
    ("现专业技术职务及取得时间", _titles, 26),
    ("申报资格（级别、专业）", _qualification, 26),
    ("申报类别", lambda a: _info(a).get("category", ""), 16),
    ("申报类型", _type, 18),
    ("专业工作年限", lambda a: _person(a).get("work_years", ""), 8),
    ("单位考核情况", lambda a: _info(a).get("assessments", ""), 30),
    ("受理评委会", lambda a: _info(a).get("committee", ""), 36),
    ("联系电话", lambda a: _person(a).get("mobile", ""), 14),
    ("备注", lambda a: "", 12),
)


def title_of(plan, viewer):
    holder = viewer.organisation.name if viewer.organisation_id else ""
    return f"{plan.title}评委会评审对象花名册（{holder}）"


def rows(applications, first_number=1):
    """The table as lists of values; 序号 counts from `first_number` (a page of the screen starts further on)."""
    return [[number if fn is None else fn(a) for _, fn, _ in COLUMNS]
            for number, a in enumerate(applications, first_number)]


def xlsx(title, applications):
    """The roster workbook (bytes): merged title row, frozen header repeated on each printed page, A4 landscape fitted
    to the page width, formulas neutralised. Written row by row (write-only), so 5,000 rows take about a second."""
    with _collector_paused():
        return _workbook(title, applications)


@contextmanager
def _collector_paused():
    """Python's cycle collector off while thousands of short-lived cells are made: it would rescan every parsed
    snapshot each time (a third of a second of a 5,000-row roster). Reference counting still frees them."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _workbook(title, applications):
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title("花名册"))
    thin = Side(style="thin")
    book.add_named_style(NamedStyle("roster", border=Border(left=thin, right=thin, top=thin, bottom=thin),
                                    alignment=Alignment(wrap_text=True, vertical="center")))
    book.add_named_style(NamedStyle("roster header", font=Font(bold=True), border=Border(
        left=thin, right=thin, top=thin, bottom=thin), alignment=Alignment(wrap_text=True, vertical="center")))
    for index, (_, _, width) in enumerate(COLUMNS, 1):
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.row_dimensions[1].height = 30
    sheet.freeze_panes = "A3"
    sheet.print_title_rows = "1:2"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = Worksheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight = 1, 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    heading = WriteOnlyCell(sheet, safe_cell(title))
    heading.font = Font(bold=True, size=16)
    heading.alignment = Alignment(horizontal="center", vertical="center")
    sheet.append([heading])
    sheet.merged_cells.add(f"A1:{get_column_letter(len(COLUMNS))}1")
    header, body = _styled(sheet, "roster header"), _styled(sheet, "roster")
    sheet.append([header(name) for name, _, _ in COLUMNS])
    for row in rows(applications):
        sheet.append([body(safe_cell(value)) for value in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _styled(sheet, style):
    """A maker of cells in one named style: the style is looked up once and its array copied to each cell (assigning
    the style by name per cell took a third of a 5,000-row roster's time)."""
    template = WriteOnlyCell(sheet)
    template.style = style

    def cell(value):
        made = WriteOnlyCell(sheet, value)
        made._style = copy(template._style)
        return made
    return cell
