"""我的业绩档案 and the unit's 业绩档案审核: kinds and their fields, attachments, the states and who may act."""
import json
from pathlib import Path

import pytest

from models import (
    Achievement,
    AchievementFile,
    AchievementKind,
    AchievementReview,
    AchievementStatus,
    Notification,
    SmsMessage,
    StoredFile,
)
from tests.conftest import ID_FEMALE, login, make_applicant
from tests.helpers import field_errors, field_value, form_errors, parse
from tests.samples import CODE_B, MB, achievement, jpeg, pdf, png, register_unit, staff_of, text, upload

PENDING, PASSED, RETURNED = AchievementStatus.PENDING, AchievementStatus.PASSED, AchievementStatus.RETURNED


@pytest.fixture
def unit_and_contact(app):
    return register_unit(app)


@pytest.fixture
def person(unit_and_contact):
    return staff_of(unit_and_contact[0])


@pytest.fixture
def person_client(app, person):
    client = app.test_client()
    login(client, person)
    return client


@pytest.fixture
def unit_client(app, unit_and_contact):
    client = app.test_client()
    login(client, unit_and_contact[1])
    return client


def project_form(*files, **overrides):
    data = {"title": "越城区某住宅小区工程", "role_in": "项目技术负责人", "started_on": "2016-03-01",
            "ended_on": "2018-06-30", "scale": "建筑面积 5.2 万平方米", "description": "负责施工组织设计。",
            "is_collective": "y", **overrides}
    if files:
        data["files"] = list(files)
    return data


def post_new(client, kind="project", data=None):
    return client.post(f"/me/achievements/new?kind={kind}", data=data if data is not None else project_form(),
                       content_type="multipart/form-data")


def review(client, item, action, reason="", version=None):
    return client.post(f"/unit/achievements/{item.id}/review", follow_redirects=True,
                       data={"action": action, "reason": reason, "version": version or item.version})


def reload(item):
    return Achievement.get_by_id(item.id)


# ---------------------------------------------------------------- kinds, fields, attachments

KIND_FIELDS = [
    ("project", {"title": "某大桥工程", "role_in": "技术负责人", "started_on": "2016-03-01", "ended_on": "2018-06-30",
                 "scale": "投资 3.2 亿元", "description": "主持桥梁施工", "is_collective": "y"},
     ["项目名称", "本人角色", "开始时间", "结束时间", "规模或投资额", "集体项目"]),
    ("paper", {"title": "深基坑支护技术研究", "role_in": "第一作者", "started_on": "2019-05-01",
               "publication": "建筑施工", "serial": "ISSN 1004-1001"},
     ["论文或著作名称", "本人排名", "发表或出版时间", "刊物或出版社", "刊号或书号（ISSN / CN / ISBN）"]),
    ("award", {"title": "某住宅小区工程", "role_in": "第二", "started_on": "2019-12-01", "award_name": "钱江杯",
               "grade": "省级优质工程", "issuer": "浙江省建筑业行业协会"},
     ["获奖项目名称", "奖项名称", "奖项等级", "授奖单位"]),
    ("patent", {"title": "一种模板支撑装置", "role_in": "第一发明人", "started_on": "2020-01-10",
                "patent_type": "实用新型", "patent_number": "ZL201920000000.1"},
     ["专利名称", "专利类型（发明 / 实用新型 / 外观设计）", "专利号"]),
    ("standard", {"title": "装配式混凝土结构施工规程", "role_in": "主要起草人", "started_on": "2020-06-01",
                  "standard_number": "DB33/T 1000-2020", "standard_level": "地方"},
     ["标准或规范名称", "标准编号", "标准级别（国家 / 行业 / 地方 / 团体 / 企业）"]),
    ("other", {"title": "工法", "role_in": "完成人", "started_on": "2018-01-01", "description": "省级工法"},
     ["名称", "本人角色", "时间", "说明"]),
]


def test_every_kind_is_covered():
    assert {kind for kind, *_ in KIND_FIELDS} == {k.value for k in AchievementKind}


@pytest.mark.parametrize("kind, fields, labels", KIND_FIELDS, ids=[k for k, *_ in KIND_FIELDS])
def test_each_kind_has_its_own_fields_and_they_are_kept(person_client, person, kind, fields, labels):
    form = parse(person_client.get(f"/me/achievements/new?kind={kind}"))
    shown = [label.text() for label in form.find_all("label")]
    for label in labels:
        assert label in shown

    response = post_new(person_client, kind, {**fields, "files": [upload(pdf(), "证明.pdf")]})

    assert response.status_code == 302
    item = Achievement.get(Achievement.owner == person)
    assert (item.kind.value, item.title, item.status, item.version) == (kind, fields["title"], PENDING, 1)
    assert [f.original_name for f in item.current_files] == ["证明.pdf"]
    details = json.loads(item.details)
    for name, value in fields.items():
        if name in details:
            assert details[name] == value
    detail = person_client.get(response.location).get_data(as_text=True)
    for value in fields.values():
        if value != "y":
            assert value in detail


@pytest.mark.parametrize("content, name, accepted", [
    (pdf(20 * MB), "竣工验收报告.pdf", True),
    (pdf(20 * MB + 1), "竣工验收报告.pdf", False),
    (png(), "中标通知书.pdf", True),  # a PNG, whatever its name says
    (text(), "中标通知书.jpg", False),
], ids=["pdf-20MB", "pdf-20MB+1", "png-named-pdf", "text-named-jpg"])
def test_attachments_are_checked_by_content_and_size(person_client, person, content, name, accepted):
    response = post_new(person_client, data=project_form(upload(content, name)))

    if accepted:
        assert response.status_code == 302
        stored = Achievement.get(Achievement.owner == person).current_files
        assert [(f.original_name, f.size) for f in stored] == [(name, len(content))]
    else:
        page = parse(response)
        errors = field_errors(page, "files")
        assert len(errors) == 1 and name in errors[0]
        assert field_value(page, "title") == "越城区某住宅小区工程", "the form comes back filled"
        assert Achievement.select().count() == 0


def test_a_refused_file_among_several_leaves_nothing_stored(app, person_client, person):
    folder = Path(app.config["UPLOAD_FOLDER"])
    before = set(folder.iterdir())

    response = post_new(person_client, data=project_form(upload(jpeg(), "合同.jpg"), upload(text(), "说明.jpg")))

    assert response.status_code == 200 and "说明.jpg" in " ".join(field_errors(parse(response), "files"))
    assert StoredFile.select().where(StoredFile.uploaded_by == person).count() == 0, "nothing counts on the quota"
    assert set(folder.iterdir()) == before, "nor is left on disk"


def test_the_personal_quota_counts_every_attachment(person_client, person):
    person.upload_quota = 3 * MB
    person.save()
    assert post_new(person_client, data=project_form(upload(pdf(2 * MB), "a.pdf"))).status_code == 302

    page = parse(post_new(person_client, data=project_form(upload(pdf(MB + 1), "b.pdf"), title="第二个项目")))

    assert field_errors(page, "files") == [
        "个人附件总容量上限为 3 MB，已使用 2.0 MB，本文件 1.0 MB 无法再上传。"]
    assert Achievement.select().count() == 1
    assert post_new(person_client, data=project_form(upload(pdf(MB), "c.pdf"), title="第三个")).status_code == 302


def test_an_end_before_the_start_is_refused_next_to_the_end(person_client):
    page = parse(post_new(person_client, data=project_form(started_on="2018-01-01", ended_on="2017-12-31")))
    assert field_errors(page, "ended_on") == ["结束时间 2017-12-31 早于开始时间 2018-01-01。"]
    assert field_value(page, "scale") == "建筑面积 5.2 万平方米"


def test_a_title_is_required(person_client):
    page = parse(post_new(person_client, data=project_form(title="")))
    assert field_errors(page, "title") == ["此项必填。"]


def test_removing_an_attachment_keeps_the_file_but_not_on_the_achievement(person_client, person):
    post_new(person_client, data=project_form(upload(pdf(), "a.pdf"), upload(jpeg(), "b.jpg")))
    item = Achievement.get(Achievement.owner == person)
    first, second = item.current_files

    person_client.post(f"/me/achievements/{item.id}/edit", content_type="multipart/form-data",
                       data={**project_form(upload(png(), "c.png")), "version": 1, "remove_file": [first.id]})

    assert [f.original_name for f in reload(item).current_files] == ["b.jpg", "c.png"]
    assert StoredFile.get_or_none(StoredFile.id == first.id) is not None
    assert AchievementFile.select().count() == 3


# ---------------------------------------------------------------- the unit's review and the states

def test_the_unit_passes_and_the_applicant_is_told(person_client, unit_client, person):
    post_new(person_client, data=project_form(upload(pdf(), "竣工验收报告.pdf")))
    item = Achievement.get(Achievement.owner == person)

    detail = parse(unit_client.get(f"/unit/achievements/{item.id}"))
    assert detail.find("a", href=f"/files/{item.current_files[0].id}").text() == "竣工验收报告.pdf"
    response = review(unit_client, item, "pass")

    assert "业绩“越城区某住宅小区工程”已通过。" in response.get_data(as_text=True)
    assert reload(item).status == PASSED
    assert [n.title for n in Notification.select().where(Notification.user == person)] == [
        "业绩“越城区某住宅小区工程”已通过单位审核"]
    assert SmsMessage.get(SmsMessage.user == person).mobile == person.mobile
    assert "已通过" in person_client.get(f"/me/achievements/{item.id}").get_data(as_text=True)


@pytest.mark.parametrize("reason", ["", "   "], ids=["empty", "blank"])
def test_returning_needs_a_reason(unit_client, person, reason):
    item = achievement(person)
    response = review(unit_client, item, "return", reason)

    assert "退回必须填写理由。" in response.get_data(as_text=True)
    assert reload(item).status == PENDING
    assert Notification.select().where(Notification.user == person).count() == 0


def test_returned_then_edited_then_passed(person_client, unit_client, person):
    post_new(person_client, data=project_form(upload(pdf(), "合同.pdf")))
    item = Achievement.get(Achievement.owner == person)

    review(unit_client, item, "return", "缺少竣工验收证明")
    assert reload(item).status == RETURNED
    notice = Notification.get(Notification.user == person)
    assert (notice.title, notice.body) == ("业绩“越城区某住宅小区工程”被单位退回", "理由：缺少竣工验收证明")
    page = parse(person_client.get(f"/me/achievements/{item.id}"))
    assert "单位退回理由：缺少竣工验收证明。" in " ".join(form_errors(page))

    person_client.post(f"/me/achievements/{item.id}/edit", content_type="multipart/form-data",
                       data={**project_form(upload(pdf(), "竣工验收证明.pdf")), "version": 1})
    item = reload(item)
    assert (item.status, item.version) == (PENDING, 2)

    review(unit_client, item, "pass")
    assert reload(item).status == PASSED
    history = [(r.action, r.version, r.reason) for r in AchievementReview.select().order_by(AchievementReview.id)]
    assert history == [("return", 1, "缺少竣工验收证明"), ("pass", 2, "")]


def test_editing_a_passed_achievement_sends_it_back_for_review(person_client, person):
    item = achievement(person, status=PASSED)

    form = person_client.get(f"/me/achievements/{item.id}/edit").get_data(as_text=True)
    assert "保存修改后将重新进入“待审核”" in form
    person_client.post(f"/me/achievements/{item.id}/edit", content_type="multipart/form-data",
                       data={**project_form(title="改过的名称"), "version": 1})

    item = reload(item)
    assert (item.status, item.version, item.title) == (PENDING, 2, "改过的名称")


def test_a_review_of_a_version_that_changed_meanwhile_is_refused(person_client, unit_client, person):
    item = achievement(person)
    person_client.post(f"/me/achievements/{item.id}/edit", content_type="multipart/form-data",
                       data={**project_form(title="新版本"), "version": 1})

    response = review(unit_client, item, "pass", version=1)

    assert "该记录已被他人处理或已修改，请刷新后查看当前状态。" in response.get_data(as_text=True)
    assert reload(item).status == PENDING


def test_an_edit_from_a_stale_page_is_refused(person_client, unit_client, person):
    item = achievement(person)
    review(unit_client, item, "pass")

    page = parse(person_client.post(f"/me/achievements/{item.id}/edit", content_type="multipart/form-data",
                                    data={**project_form(title="旧页面"), "version": 0}))

    assert form_errors(page) == ["该记录已被他人处理或已修改，请刷新后查看当前状态。"]
    assert reload(item).status == PASSED


@pytest.mark.parametrize("status", [PASSED, RETURNED])
def test_a_decided_achievement_cannot_be_decided_again(unit_client, person, status):
    item = achievement(person, status=status)
    response = review(unit_client, item, "pass")
    assert "该记录已被他人处理或已修改" in response.get_data(as_text=True)
    assert reload(item).status == status


def test_bulk_pass_reports_how_many_were_done(app, unit_client, person):
    other_unit, _ = register_unit(app, name="别的单位", code=CODE_B, mobile="13700000022")
    stranger = staff_of(other_unit, "13900000002", ID_FEMALE, "李四")
    mine = [achievement(person, f"项目{i}") for i in range(3)]
    already = achievement(person, "已通过的项目", PASSED)
    theirs = achievement(stranger, "别单位的项目")

    response = unit_client.post("/unit/achievements/bulk-pass", follow_redirects=True,
                                data={"ids": [a.id for a in [*mine, already, theirs]] + [999999]})

    assert ("3 项已通过，3 项不符合条件未处理（已被处理、已修改或不属于本单位）。"
            in response.get_data(as_text=True))
    assert [reload(a).status for a in mine] == [PASSED] * 3
    assert reload(theirs).status == PENDING
    assert Notification.select().where(Notification.user == person).count() == 3


def test_bulk_pass_with_nothing_ticked(unit_client):
    response = unit_client.post("/unit/achievements/bulk-pass", data={}, follow_redirects=True)
    assert "请先勾选要通过的业绩。" in response.get_data(as_text=True)


# ---------------------------------------------------------------- the unit's list

def rows(page):
    return [(tr.find_all("td")[1].text(), tr.find_all("td")[3].text())
            for tr in page.find("tbody").find_all("tr") if tr.attrs.get("id")]


def test_the_list_filters_by_state_and_searches_by_name(app, unit_client, person):
    colleague = staff_of(person.organisation, "13900000002", ID_FEMALE, "李四")
    achievement(person, "张的待审项目")
    achievement(person, "张的已通过项目", PASSED)
    achievement(colleague, "李的待审项目")
    achievement(colleague, "李的已退回项目", RETURNED)

    default = parse(unit_client.get("/unit/achievements"))
    assert sorted(rows(default)) == [("张三", "张的待审项目"), ("李四", "李的待审项目")]
    assert "待审核（2）" in default.text() and "已通过（1）" in default.text() and "已退回（1）" in default.text()
    assert rows(parse(unit_client.get("/unit/achievements?status=returned"))) == [("李四", "李的已退回项目")]
    assert sorted(rows(parse(unit_client.get("/unit/achievements?status=all&q=李四")))) == [
        ("李四", "李的已退回项目"), ("李四", "李的待审项目")]
    assert rows(parse(unit_client.get("/unit/achievements?status=passed&q=李四"))) == []


def test_the_list_is_paginated(unit_client, person):
    for i in range(23):
        achievement(person, f"项目{i:02d}")

    first = parse(unit_client.get("/unit/achievements"))
    second = parse(unit_client.get("/unit/achievements?page=2"))

    assert len(rows(first)) == 20 and len(rows(second)) == 3
    assert not {t for _, t in rows(first)} & {t for _, t in rows(second)}


def test_the_applicant_list_filters_by_state(person_client, person):
    achievement(person, "待审项目")
    achievement(person, "退回项目", RETURNED)
    page = parse(person_client.get("/me/achievements?status=returned"))
    titles = [tr.find_all("td")[1].text() for tr in page.find("tbody").find_all("tr") if tr.attrs.get("id")]
    assert titles == ["退回项目"]
    assert page.find("option", value="returned").text() == "已退回"


# ---------------------------------------------------------------- who may act

def test_another_unit_can_neither_see_nor_review(app, person):
    _, other_contact = register_unit(app, name="别的单位", code=CODE_B, mobile="13700000022")
    item = achievement(person)
    client = app.test_client()
    login(client, other_contact)

    assert client.get(f"/unit/achievements/{item.id}").status_code == 404
    assert client.post(f"/unit/achievements/{item.id}/review", data={"action": "pass", "version": 1}).status_code == 404
    assert "越城区某住宅小区工程" not in client.get("/unit/achievements?status=all").get_data(as_text=True)
    assert reload(item).status == PENDING


def test_a_unit_not_yet_approved_cannot_review_its_staff(app):
    unit, contact = register_unit(app, approve=False)
    item = achievement(staff_of(unit))
    client = app.test_client()
    login(client, contact)

    assert client.get(f"/unit/achievements/{item.id}").status_code == 404
    client.post("/unit/achievements/bulk-pass", data={"ids": [item.id]})
    assert reload(item).status == PENDING


def test_the_former_unit_loses_the_achievements_of_someone_who_left(unit_client, person):
    item = achievement(person)
    person.organisation = None
    person.save()
    assert unit_client.get(f"/unit/achievements/{item.id}").status_code == 404


def test_another_applicant_cannot_open_or_edit(app, person):
    item = achievement(person)
    client = app.test_client()
    login(client, make_applicant("13900000002", ID_FEMALE, "李四"))

    assert client.get(f"/me/achievements/{item.id}").status_code == 404
    assert client.post(f"/me/achievements/{item.id}/edit", data={**project_form(title="篡改"), "version": 1},
                       content_type="multipart/form-data").status_code == 404
    assert reload(item).title == "越城区某住宅小区工程"


def test_an_applicant_cannot_review(person_client, person):
    item = achievement(person)
    assert person_client.post(f"/unit/achievements/{item.id}/review", data={"action": "pass"}).status_code == 403
    assert reload(item).status == PENDING


def test_anonymous_is_sent_to_log_in(client, person):
    item = achievement(person)
    for path in (f"/me/achievements/{item.id}", f"/unit/achievements/{item.id}"):
        response = client.get(path)
        assert response.status_code == 302 and "/login" in response.location


def test_the_unit_home_says_how_many_wait_for_review(unit_client, person):
    achievement(person, "项目一")
    achievement(person, "项目二")
    achievement(person, "已通过的项目", PASSED)

    todo = parse(unit_client.get("/home")).find("section", cls="todo")

    link = todo.find("a", href="/unit/achievements?status=pending")
    assert (link.text(), link.parent.find("b").text()) == ("待审核的业绩档案", "2")


def test_an_oversize_attachment_is_refused_with_its_real_size(person_client):
    response = post_new(person_client, data=project_form(upload(pdf(30 * MB), "全套图纸.pdf")))

    errors = field_errors(parse(response), "files")
    assert errors == ["文件“全套图纸.pdf”大小为 30.0 MB，超过上限 20 MB。"]
