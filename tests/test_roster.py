"""花名册 《评委会评审对象花名册》 (SPEC §7, 附件3 一.2): its order, its xlsx, and who sees which roster."""
import io

import pytest
from openpyxl import load_workbook

from models import Application, ApplicationStatus, ApplicationType, ReviewAction, Role, Stage
from services import roster, snapshot
from tests.chain_world import as_user, filed, staff
from tests.conftest import ID_FEMALE, make_applicant, make_unit, make_user, organisation
from tests.test_committee import office_of
from tests.wizard_world import open_plan

S, T = ApplicationStatus, ApplicationType


def entry(plan, unit, number, holder, kind=T.NORMAL, profession=None, recent=False, again=False, name=None,
          status=S.AT_COMMITTEE, stage=Stage.COMMITTEE):
    """An application on a committee's roster, with the 申报类型 and ticks given, frozen as submitted."""
    application = filed(plan, unit, number, holder, status, stage, name=name, profession=profession,
                        application_type=kind)
    application.recent_degree, application.mid_again = recent, again
    application.snapshot = snapshot.dumps(application)
    application.save()
    return application


@pytest.mark.parametrize("kind, recent, again, group", [
    (T.NORMAL, False, False, "正常申报"),
    (T.NORMAL, True, False, "后学历（学位）取得时间不满2年"),
    (T.NORMAL, False, True, "再次通过中级申报"),
    (T.NORMAL, True, True, "后学历（学位）取得时间不满2年"),  # both ticked: the earlier group of the notice
    (T.TRANSFER, False, False, "转评"),
    (T.OTHER, False, False, "其他申报"),
    (T.SELF_EVALUATION, False, False, "其他申报"),
    (T.LANDMARK, False, False, "标志性业绩"),
    (T.SKILLED, False, False, "技能人才申报"),
    (T.TRANSFER, True, True, "转评"),  # the ticks belong to 正常申报 only
])
def test_each_application_type_falls_in_its_group(kind, recent, again, group):
    application = Application(application_type=kind, recent_degree=recent, mid_again=again)
    assert roster.GROUPS[roster.group_of(application)][0] == group


def test_the_roster_follows_the_notices_order_and_sorts_normal_applications_by_profession(client):
    plan, unit = open_plan(), make_unit("越城建工集团")
    first, second = (link.profession for link in plan.profession_links.limit(2))
    office = office_of(3)
    # created out of order on purpose: (name, type, profession, 后学历, 再次通过中级)
    table = [
        ("技能甲", T.SKILLED, first, False, False), ("其他甲", T.OTHER, first, False, False),
        ("正常乙专业二", T.NORMAL, second, False, False), ("再次甲", T.NORMAL, first, False, True),
        ("标志甲", T.LANDMARK, first, False, False), ("转评甲", T.TRANSFER, first, False, False),
        ("后学历甲", T.NORMAL, second, True, False), ("正常甲专业一", T.NORMAL, first, False, False),
        ("正常丙专业二", T.NORMAL, second, False, False), ("正常丁专业一", T.NORMAL, first, False, False),
    ]
    for number, (name, kind, profession, recent, again) in enumerate(table, 1):
        entry(plan, unit, number, office, kind, profession, recent, again, name)
    viewer = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    names = [a.applicant.real_name for a in roster.applications_for(viewer, plan)]
    assert names == ["正常甲专业一", "正常丁专业一", "正常乙专业二", "正常丙专业二", "后学历甲", "转评甲", "再次甲",
                     "其他甲", "标志甲", "技能甲"]
    rows = roster.rows(roster.applications_for(viewer, plan))
    assert [row[0] for row in rows] == list(range(1, 11))
    by_name = {row[1]: row for row in rows}
    assert by_name["后学历甲"][10] == "后学历（学位）取得时间不满2年" and by_name["转评甲"][10] == "转评"
    assert by_name["标志甲"][10] == "标志性业绩直接申报"
    transfer = Application.get(Application.application_type == T.TRANSFER)
    assert roster.number_in_roster(transfer, viewer) == 6


def test_the_columns_are_at_least_those_of_spec_section_7():
    titles = [title for title, _, _ in roster.COLUMNS]
    assert titles == ["序号", "姓名", "性别", "出生年月", "身份证号", "工作单位", "学历（毕业院校、专业、毕业时间）",
                      "现专业技术职务及取得时间", "申报资格（级别、专业）", "申报类别", "申报类型", "专业工作年限",
                      "单位考核情况", "受理评委会", "联系电话", "备注"]


def test_the_xlsx_has_a_merged_title_a_frozen_repeated_header_a4_landscape_and_neutralised_cells(client):
    plan, unit = open_plan(), make_unit("越城建工集团")
    office = office_of(3)
    entry(plan, unit, 1, office, name="=HYPERLINK(\"http://x\")")
    entry(plan, unit, 2, office, name="@SUM(A1)")
    entry(plan, unit, 3, office, name="王五")
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=3))
    response = client.get(f"/roster/{plan.id}/roster.xlsx")
    assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    sheet = load_workbook(io.BytesIO(response.data)).active
    assert [str(r) for r in sheet.merged_cells.ranges] == ["A1:P1"]
    assert "评委会评审对象花名册" in sheet["A1"].value
    assert [c.value for c in sheet[2]] == [title for title, _, _ in roster.COLUMNS]
    assert sheet.freeze_panes == "A3" and sheet.print_title_rows == "$1:$2"
    setup = sheet.page_setup
    assert (setup.orientation, setup.paperSize, setup.fitToWidth, setup.fitToHeight) == ("landscape", 9, 1, 0)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    names = [sheet.cell(row, 2).value for row in range(3, sheet.max_row + 1)]
    assert names == ["'=HYPERLINK(\"http://x\")", "'@SUM(A1)", "王五"]
    assert [sheet.cell(row, 1).value for row in range(3, 6)] == [1, 2, 3]
    assert sheet["B2"].font.b and all(sheet.cell(row, 2).border.left.style == "thin" for row in range(2, 6))
    assert all(sheet.cell(row, 7).alignment.wrap_text for row in range(3, 6)), "long 学历 text wraps in its cell"
    # 身份证号 fits: 18 digits need about 20 units; a Chinese header word about two per character
    assert sheet.column_dimensions["E"].width >= 20 and sheet.column_dimensions["N"].width >= 2 * len("受理评委会")


def _roster_names(client, user, plan):
    as_user(client, user)
    response = client.get(f"/roster/?plan={plan.id}")
    return response.status_code, response.get_data(as_text=True)


def test_each_office_sees_the_roster_of_what_reached_it_or_it_sent(client):
    plan, ours, theirs = open_plan(), make_unit("越城建工集团"), make_unit("柯桥营造公司", "柯桥区")
    office = office_of(3)
    hr, their_hr = organisation(Role.HR_BUREAU, "越城区"), organisation(Role.HR_BUREAU, "柯桥区")
    at_committee = entry(plan, ours, 1, office, name="到会甲")
    theirs_at_committee = entry(plan, theirs, 2, office, name="柯桥乙")
    entry(plan, ours, 3, hr, name="在审丙", status=S.PENDING, stage=Stage.HR_BUREAU)
    for application, sender in ((at_committee, hr), (theirs_at_committee, their_hr)):
        ReviewAction.create(application=application, level=Stage.HR_BUREAU.value, organisation=sender,
                            action="recommend")
    status, page = _roster_names(client, staff(Role.COMMITTEE_OFFICE, committee_number=3), plan)
    assert status == 200 and "到会甲" in page and "柯桥乙" in page and "在审丙" not in page
    status, page = _roster_names(client, staff(Role.HR_BUREAU, "越城区"), plan)
    assert status == 200 and "到会甲" in page and "柯桥乙" not in page and "在审丙" not in page
    status, page = _roster_names(client, staff(Role.HR_BUREAU, "柯桥区"), plan)
    assert status == 200 and "柯桥乙" in page and "到会甲" not in page
    for other in (staff(Role.COMMITTEE_OFFICE, committee_number=4), staff(Role.CONSTRUCTION_BUREAU, "越城区")):
        status, page = _roster_names(client, other, plan)
        assert status == 200 and "到会甲" not in page and "柯桥乙" not in page
    as_user(client, staff(Role.HR_BUREAU, "柯桥区"))
    workbook = load_workbook(io.BytesIO(client.get(f"/roster/{plan.id}/roster.xlsx").data)).active
    assert [workbook.cell(r, 2).value for r in range(3, workbook.max_row + 1)] == ["柯桥乙"]
    printed = client.get(f"/roster/{plan.id}/print").get_data(as_text=True)
    assert "柯桥乙" in printed and "到会甲" not in printed
    for user in (staff(Role.UNIT, unit=ours), make_applicant("13911112222", ID_FEMALE, "李四"),
                 make_user(Role.ADMIN, "admin_roster")):
        as_user(client, user)
        assert client.get(f"/roster/?plan={plan.id}").status_code == 403
        assert client.get(f"/roster/{plan.id}/roster.xlsx").status_code == 403


def test_the_screen_pages_and_searches_but_keeps_the_roster_number(client):
    plan, unit = open_plan(), make_unit("越城建工集团")
    office = office_of(3)
    for number in range(1, 26):
        entry(plan, unit, number, office, name=f"申报人{number:02d}")
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=3))
    first = client.get(f"/roster/?plan={plan.id}").get_data(as_text=True)
    assert "共 25 条，第 1 / 2 页" in first and "申报人20" in first and "申报人21" not in first
    second = client.get(f"/roster/?plan={plan.id}&page=2").get_data(as_text=True)
    assert "申报人21" in second and "申报人20" not in second
    found = client.get(f"/roster/?plan={plan.id}&q=申报人23").get_data(as_text=True)
    assert "共 1 条" in found and "<td>23</td><td>申报人23</td>" in found
    assert "打印花名册" in first and "尚未开放" not in first


def test_the_menu_opens_the_roster_instead_of_not_yet_open(client):
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=3))
    page = client.get("/home").get_data(as_text=True)
    assert 'href="/roster/"' in page
