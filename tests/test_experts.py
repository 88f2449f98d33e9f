"""专家库 through the office's pages: add and correct with every rule named, 停用 (never delete), xlsx import with a
preview that writes nothing, export, expert accounts; 评委会组成 by page; 面试 scheduled with an SMS."""
import io
import zipfile
from datetime import datetime, timedelta

import pytest
from openpyxl import Workbook, load_workbook

from models import ApplicationStatus as S
from models import AuditLog, Expert, Interview, Role, SmsMessage, Stage, User
from tests.chain_world import as_user, filed, pool_expert, staff
from tests.conftest import ID_FEMALE, ID_MALE, make_unit
from tests.wizard_world import open_plan

GOOD = {"name": "王评审", "id_number": ID_MALE, "unit_name": "绍兴市建筑设计研究院", "title": "正高级工程师",
        "speciality": "建筑工程", "mobile": "13912345678", "relatives": ""}


@pytest.fixture
def office(client):
    user = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    as_user(client, user)
    return user


@pytest.mark.parametrize("field, value, message", [
    ("name", "", "请填写专家姓名。"),
    ("id_number", "33060219850615001", "身份证号“33060219850615001”：身份证号应为 18 位，您输入了 17 位。"),
    ("id_number", "330602198506150014", "身份证号校验位错误"),
    ("mobile", "1391234567", "手机号“1391234567”格式不正确"),
    ("relatives", f"{ID_FEMALE}\n123", "近亲属身份证号第 2 个“123”"),
    ("title", "职" * 65, "职称不超过 64 个字（现为 65 个）"),
])
def test_a_bad_field_is_named_and_the_typed_data_kept(client, office, field, value, message):
    response = client.post("/committee/experts/new", data={**GOOD, field: value})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and message in page
    assert "绍兴市建筑设计研究院" in page, "what was typed is shown again"
    assert not Expert.select().exists()


def test_an_expert_is_added_corrected_and_stopped_never_deleted(client, office):
    assert client.post("/committee/experts/new", data={**GOOD, "relatives": ID_FEMALE.lower()}).status_code == 302
    expert = Expert.get()
    assert (expert.committee_id, expert.relatives, expert.id_number) == (office.organisation.committee_id, ID_FEMALE,
                                                                         ID_MALE)
    twice = client.post("/committee/experts/new", data={**GOOD, "name": "另一人"})
    assert twice.status_code == 400 and f"身份证号 {ID_MALE} 已在本评委会专家库中（王评审）" in twice.get_data(as_text=True)
    client.post(f"/committee/experts/{expert.id}", data={**GOOD, "title": "教授级高工"})
    assert Expert.get_by_id(expert.id).title == "教授级高工"
    client.post(f"/committee/experts/{expert.id}/active", data={"active": "0"})
    assert Expert.get_by_id(expert.id).is_active is False
    assert "已停用" in client.get("/committee/experts?state=inactive").get_data(as_text=True)
    assert "王评审" not in client.get("/committee/experts?state=active").get_data(as_text=True)
    assert {a.action for a in AuditLog.select()} >= {"expert.save", "expert.deactivate"}


def test_another_committees_office_cannot_see_or_change_the_pool(client, office):
    expert = pool_expert(office.organisation.committee, 1)
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=4))
    assert expert.name not in client.get("/committee/experts").get_data(as_text=True)
    assert client.get(f"/committee/experts/{expert.id}").status_code == 404
    assert client.post(f"/committee/experts/{expert.id}/active", data={"active": "0"}).status_code == 404
    assert Expert.get_by_id(expert.id).is_active


def zipped(members):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, text in members.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def workbook(*rows, header=("姓名", "身份证号", "工作单位", "手机号")):
    book = Workbook()
    book.active.append(["越城区中评委专家名单"])
    book.active.append(list(header))
    for row in rows:
        book.active.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("form, message", [
    ({}, "请选择专家名单 xlsx 文件。"),
    ({"carried": "不是base64!"}, "请选择专家名单 xlsx 文件。"),
    ({"workbook": (io.BytesIO(b"x" * (2 * 1024 * 1024 + 1)), "专家.xlsx")}, "文件超过 2 MB，请分批导入。"),
])
def test_an_import_without_a_usable_file_is_refused(client, office, form, message):
    response = client.post("/committee/experts/import", data={**form, "confirm": "yes"},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and f"未导入任何专家：{message}" in response.get_data(as_text=True)
    assert not Expert.select().exists()


def test_an_import_is_previewed_then_confirmed(client, office):
    pool_expert(office.organisation.committee, 1, name="已在库")
    existing = Expert.get().id_number
    data = workbook(("李一", ID_MALE, "甲设计院", 13912345678), ("李二", "330602198506150014", "乙设计院", ""),
                    ("李三", ID_MALE, "丙设计院", ""), ("李四", existing, "", ""), ("李五", ID_FEMALE, "", "139"))
    preview = client.post("/committee/experts/import", data={"workbook": (io.BytesIO(data), "专家.xlsx")},
                          content_type="multipart/form-data")
    page = preview.get_data(as_text=True)
    assert preview.status_code == 200 and '可导入 <strong id="good-count">1</strong> 名' in page
    assert "身份证号校验位错误" in page and "与第 3 行重复" in page and "已在本评委会专家库中" in page
    assert "手机号“139”格式不正确" in page
    assert Expert.select().count() == 1, "nothing is written by the preview"
    carried = page.split('name="carried" value="')[1].split('"')[0]
    done = client.post("/committee/experts/import", data={"carried": carried, "confirm": "yes"}, follow_redirects=True)
    assert "已导入 1 名专家，4 行有错误未导入。" in done.get_data(as_text=True)
    added = Expert.get(Expert.name == "李一")
    assert (added.mobile, added.unit_name) == ("13912345678", "甲设计院")


@pytest.mark.parametrize("content, message", [
    (b"not a workbook", "文件不是有效的 xlsx 工作簿"),
    (zipped({"readme.txt": "不是工作簿"}), "文件不是有效的 xlsx 工作簿"),
    (zipped({"[Content_Types].xml": "<broken", "xl/workbook.xml": "<broken"}), "文件不是有效的 xlsx 工作簿"),
    (workbook(("李一", ID_MALE), header=("名字", "证件")), "找不到表头"),
], ids=["text", "zip without a workbook", "broken xml", "no header"])
def test_an_unreadable_import_writes_nothing(client, office, content, message):
    response = client.post("/committee/experts/import", data={"workbook": (io.BytesIO(content), "x.xlsx")},
                           content_type="multipart/form-data")
    assert response.status_code == 400 and message in response.get_data(as_text=True)
    assert not Expert.select().exists()


def test_the_pool_exports_to_xlsx_with_the_search_applied(client, office):
    pool_expert(office.organisation.committee, 1, name="=HYPERLINK(1)")
    pool_expert(office.organisation.committee, 2, name="钱专家")
    response = client.get("/committee/experts?format=xlsx&q=钱")
    sheet = load_workbook(io.BytesIO(response.data)).active
    cells = [c.value for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "钱专家" in cells and not any("HYPERLINK" in str(c) for c in cells)


def test_an_expert_account_is_opened_once_with_a_temporary_password(client, office):
    expert = pool_expert(office.organisation.committee, 1)
    page = client.post(f"/committee/experts/{expert.id}/account", data={"username": "zj_wang"}).get_data(as_text=True)
    assert "临时密码" in page and "zj_wang" in page
    user = User.get(User.username == "zj_wang")
    assert (user.role, user.organisation_id, user.must_change_password) == (Role.EXPERT, None, True)
    again = client.post(f"/committee/experts/{expert.id}/account", data={"username": "zj_wang2"}, follow_redirects=True)
    assert "已有专家账号" in again.get_data(as_text=True)


def test_the_committee_is_composed_on_its_page(client, office):
    plan = open_plan()
    experts = [pool_expert(office.organisation.committee, n) for n in range(1, 5)]
    roles = {f"role_{e.id}": r for e, r in zip(experts, ["chair", "deputy", "member", "member"], strict=True)}
    refused = client.post(f"/committee/plans/{plan.id}/composition", data=roles)
    assert refused.status_code == 409 and "评委会组成人数须为单数（现为 4 人）" in refused.get_data(as_text=True)
    del roles[f"role_{experts[3].id}"]
    assert client.post(f"/committee/plans/{plan.id}/composition", data=roles).status_code == 302
    assert "符合" in client.get("/committee/composition").get_data(as_text=True)
    other = open_plan(4)
    assert client.get(f"/committee/plans/{other.id}/composition").status_code == 404


def test_an_interview_is_scheduled_and_the_candidate_told_by_sms(client, office):
    plan, unit = open_plan(), make_unit("越城建工集团")
    plan.has_interviews = True
    plan.save()
    application = filed(plan, unit, 1, office.organisation, S.AT_COMMITTEE, Stage.COMMITTEE)
    url = f"/committee/applications/{application.id}/interview-time"
    starts = (datetime.now() + timedelta(days=3)).replace(hour=9, minute=30, second=0, microsecond=0)
    refused = client.post(url, data={"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "room": "302"}, follow_redirects=True)
    assert "已标记为面试对象" in refused.get_data(as_text=True) and not Interview.select().exists()
    client.post(f"/applications/{application.id}/interview", data={"candidate": "1"})
    for bad in ("2020-01-01T09:00", "2026-13-45T09:00", "下周一", "9999-01-01T09:00"):
        refused = client.post(url, data={"starts_at": bad, "room": "302"}, follow_redirects=True)
        assert "请填写面试时间（须晚于现在" in refused.get_data(as_text=True), bad
    client.post(url, data={"starts_at": starts.strftime("%Y-%m-%dT%H:%M"), "room": "越城区行政中心 302 室"})
    interview = Interview.get()
    assert (interview.starts_at, interview.room) == (starts, "越城区行政中心 302 室")
    sms = SmsMessage.select().where(SmsMessage.user == application.applicant).order_by(SmsMessage.id.desc()).first()
    assert starts.strftime("%Y-%m-%d %H:%M") in sms.body and "越城区行政中心 302 室" in sms.body
    assert "越城区行政中心 302 室" in client.get(f"/committee/applications/{application.id}").get_data(as_text=True)
