"""Employers (用人单位): registration with the 授权委托证明, the administrator's 通过 / 退回, correction and resubmission."""
import pytest

from models import AuditLog, Organisation, Role, SmsMessage, StoredFile, UnitReview, UnitStatus, User
from tests.conftest import PASSWORD, login, make_applicant, make_user
from tests.helpers import field_errors, field_value, form_errors, menu, parse
from tests.samples import CODE_A, CODE_B, MB, jpeg, pdf, png, register_unit, staff_of, text, unit_form, upload


@pytest.fixture
def admin():
    return User.get_or_none(User.role == Role.ADMIN) or make_user(Role.ADMIN, "root")


@pytest.fixture
def admin_client(app, admin):
    client = app.test_client()
    login(client, admin)
    return client


def post_registration(client, letter=None, **fields):
    data = unit_form(**fields)
    if letter is not None:
        data["letter"] = letter
    return client.post("/unit/register", data=data, content_type="multipart/form-data")


def the_unit():
    return Organisation.get(Organisation.credit_code == CODE_A)


# ---------------------------------------------------------------- registration

def test_a_unit_registers_and_waits_for_the_administrator(client, admin):
    response = post_registration(client, upload(pdf(), "授权委托证明.pdf"), credit_code=CODE_A.lower(),
                                 industry_tag="survey_design", files_at_talent_centre="yes")

    assert response.status_code == 302 and response.location.endswith("/unit/info")
    unit = the_unit()
    assert (unit.name, unit.kind, unit.status, unit.region.name) == ("绍兴越城建工有限公司", Role.UNIT,
                                                                     UnitStatus.PENDING, "越城区")
    assert (unit.ownership.label, unit.industry_tag.label, unit.files_at_talent_centre) == (
        "民营企业", "勘察设计企业", True)
    assert (unit.contact_name, unit.contact_mobile) == ("王人事", "13700000011")
    contact = User.get(User.username == "13700000011")
    assert (contact.role, contact.organisation_id, contact.mobile) == (Role.UNIT, unit.id, "13700000011")
    letter = unit.authorization_letter
    assert (letter.original_name, letter.content_type, letter.uploaded_by_id) == (
        "授权委托证明.pdf", "application/pdf", contact.id)
    assert [n.title for n in admin.notifications] == ["单位“绍兴越城建工有限公司”提交了授权委托证明，待审核"]

    page = client.get("/unit/info").get_data(as_text=True)
    assert "待审核" in page and "等待平台管理员审核" in page and "授权委托证明.pdf" in page


@pytest.mark.parametrize("code, words", [
    (CODE_A[:17] + ("0" if CODE_A[17] != "0" else "1"), "校验位错误"),
    (CODE_A[:17], "应为 18 位，您输入了 17 位"),
    (CODE_A[:5] + "O" + CODE_A[6:], "不能含有“O”"),
], ids=["check-character", "length", "letter-O"])
def test_a_wrong_credit_code_is_shown_next_to_the_field_and_the_form_comes_back_filled(client, code, words):
    page = parse(post_registration(client, upload(pdf(), "授权委托证明.pdf"), credit_code=code))

    assert any(words in e for e in field_errors(page, "credit_code"))
    assert field_value(page, "credit_code") == code
    assert field_value(page, "name") == "绍兴越城建工有限公司"
    assert field_value(page, "contact_mobile") == "13700000011"
    assert field_errors(page, "name") == []
    assert Organisation.select().where(Organisation.kind == Role.UNIT).count() == 0


@pytest.mark.parametrize("content, name, accepted", [
    (pdf(10 * MB), "授权委托证明.pdf", True),
    (pdf(10 * MB + 1), "授权委托证明.pdf", False),
    (jpeg(10 * MB), "授权委托证明.jpg", True),
    (png(), "授权委托证明.pdf", False),
    (text(), "授权委托证明.jpg", False),
], ids=["pdf-10MB", "pdf-10MB+1", "jpeg-10MB", "png-named-pdf", "text-named-jpg"])
def test_the_letter_is_checked_by_content_and_size(client, content, name, accepted):
    response = post_registration(client, upload(content, name))

    if accepted:
        assert response.status_code == 302
        assert the_unit().authorization_letter.size == len(content)
    else:
        assert response.status_code == 200
        errors = field_errors(parse(response), "letter")
        assert len(errors) == 1 and name in errors[0]
        assert not Organisation.select().where(Organisation.credit_code == CODE_A).exists()
        assert StoredFile.select().count() == 0


def test_registration_without_a_letter_is_refused(client):
    page = parse(post_registration(client))
    assert field_errors(page, "letter") == ["请上传授权委托证明（PDF、JPEG，不超过 10 MB）。"]
    assert not User.select().where(User.username == "13700000011").exists()


def test_a_letter_accepted_once_need_not_be_chosen_again_when_the_form_comes_back(client):
    refused = parse(post_registration(client, upload(pdf(), "授权委托证明.pdf"), password2="Different1"))

    assert field_errors(refused, "password2") == ["两次输入的密码不一致。"]
    assert "已上传：授权委托证明.pdf" in refused.text()
    token = refused.find("input", name="letter_token").attrs.get("value")
    assert token

    response = post_registration(client, letter_token=token)
    assert response.status_code == 302
    assert the_unit().authorization_letter.original_name == "授权委托证明.pdf"


def test_a_forged_letter_token_does_not_stand_in_for_the_letter(client):
    page = parse(post_registration(client, letter_token="1.forged.token"))
    assert field_errors(page, "letter") == ["请上传授权委托证明（PDF、JPEG，不超过 10 MB）。"]


@pytest.mark.parametrize("existing, field, words", [
    ({"name": "先注册的单位", "code": CODE_A}, "credit_code", f"统一社会信用代码 {CODE_A} 已有单位注册"),
    ({"name": "绍兴越城建工有限公司", "code": CODE_B}, "name", "单位“绍兴越城建工有限公司”已注册"),
], ids=["same-code", "same-name"])
def test_a_unit_cannot_register_twice(app, client, existing, field, words):
    register_unit(app, mobile="13700000099", **existing)

    page = parse(post_registration(client, upload(pdf(), "授权委托证明.pdf")))
    assert [e for e in field_errors(page, field) if words in e]
    assert Organisation.select().where(Organisation.kind == Role.UNIT).count() == 1


# ---------------------------------------------------------------- the administrator's decision

def test_the_administrator_sees_the_pending_unit_and_opens_its_letter(app, admin_client):
    unit, _ = register_unit(app, approve=False)
    approved, _ = register_unit(app, name="已通过的单位", code=CODE_B, mobile="13700000022")

    listing = parse(admin_client.get("/admin/units"))
    rows = [tr.attrs["id"] for tr in listing.find_all("tr") if tr.attrs.get("id", "").startswith("unit-")]
    assert rows == [f"unit-{unit.id}"], "the list opens on the units waiting for review"

    detail = parse(admin_client.get(f"/admin/units/{unit.id}"))
    link = detail.find("a", href=f"/files/{unit.authorization_letter.id}")
    assert link is not None and link.text() == "授权委托证明.pdf"
    letter = admin_client.get(link.attrs["href"])
    assert (letter.status_code, letter.mimetype, letter.data) == (200, "application/pdf", pdf())
    assert approved.id != unit.id


def test_approval_binds_the_unit_and_tells_its_contact_by_sms_and_in_app(app, admin_client):
    unit, contact = register_unit(app, approve=False)

    response = admin_client.post(f"/admin/units/{unit.id}/decide", data={"action": "approve"}, follow_redirects=True)

    assert "“绍兴越城建工有限公司”已审核通过" in response.get_data(as_text=True)
    assert Organisation.get_by_id(unit.id).status == UnitStatus.APPROVED
    assert [n.title for n in contact.notifications] == ["单位授权委托证明审核通过"]
    assert [(m.mobile, m.body) for m in SmsMessage.select()] == [
        ("13700000011", "【职称评审】单位授权委托证明审核通过：“绍兴越城建工有限公司”已绑定，本单位人员现在可以选择本单位。")]


def test_refusal_needs_a_reason(app, admin_client):
    unit, contact = register_unit(app, approve=False)

    response = admin_client.post(f"/admin/units/{unit.id}/decide", data={"action": "refuse", "reason": "  "},
                                 follow_redirects=True)

    assert "退回必须填写理由。" in response.get_data(as_text=True)
    assert Organisation.get_by_id(unit.id).status == UnitStatus.PENDING
    assert contact.notifications.count() == 0 and SmsMessage.select().count() == 0


def test_a_refused_unit_corrects_its_data_and_resubmits_with_its_history_kept(app, admin_client):
    unit, contact = register_unit(app, approve=False)
    admin_client.post(f"/admin/units/{unit.id}/decide", data={"action": "refuse", "reason": "授权委托证明未盖公章"})

    assert Organisation.get_by_id(unit.id).status == UnitStatus.REFUSED
    assert [n.body for n in contact.notifications] == ["理由：授权委托证明未盖公章。请修改后重新提交。"]
    assert "授权委托证明未盖公章" in SmsMessage.get().body

    client = app.test_client()
    login(client, contact)
    info = parse(client.get("/unit/info"))
    assert "已退回" in info.text() and "授权委托证明未盖公章" in info.text()
    assert field_value(info, "name") == "绍兴越城建工有限公司", "the form is filled with the unit's data"

    data = {k: v for k, v in unit_form(name="绍兴越城建工集团有限公司").items() if not k.startswith("password")}
    data["letter"] = upload(jpeg(), "授权委托证明（盖章）.jpg")
    response = client.post("/unit/info", data=data, content_type="multipart/form-data", follow_redirects=True)

    assert "单位信息已修改并重新提交审核。" in response.get_data(as_text=True)
    unit = Organisation.get_by_id(unit.id)
    assert (unit.status, unit.name, unit.authorization_letter.original_name) == (
        UnitStatus.PENDING, "绍兴越城建工集团有限公司", "授权委托证明（盖章）.jpg")
    history = [(r.action, r.reason, r.letter.original_name if r.letter else None)
               for r in unit.reviews.order_by(UnitReview.id)]
    assert history == [("submit", "", "授权委托证明.pdf"), ("refuse", "授权委托证明未盖公章", None),
                       ("submit", "", "授权委托证明（盖章）.jpg")]
    pending = admin_client.get("/admin/units").get_data(as_text=True)
    assert "绍兴越城建工集团有限公司" in pending

    admin_client.post(f"/admin/units/{unit.id}/decide", data={"action": "approve"})
    assert Organisation.get_by_id(unit.id).status == UnitStatus.APPROVED


def test_a_correction_without_a_new_file_keeps_the_letter_already_submitted(app):
    unit, contact = register_unit(app, approve=False)
    client = app.test_client()
    login(client, contact)
    data = {k: v for k, v in unit_form(contact_name="李人事").items() if not k.startswith("password")}

    client.post("/unit/info", data=data, content_type="multipart/form-data")

    unit = Organisation.get_by_id(unit.id)
    assert unit.contact_name == "李人事"
    assert unit.authorization_letter.original_name == "授权委托证明.pdf"
    assert unit.reviews.count() == 2
    assert [(a.action, a.detail) for a in AuditLog.select().where(AuditLog.action == "unit.correct")] == [
        ("unit.correct", "修改：单位经办人姓名")]


def test_an_approved_unit_cannot_change_its_data_itself(app):
    unit, contact = register_unit(app)
    client = app.test_client()
    login(client, contact)

    page = client.get("/unit/info").get_data(as_text=True)
    assert "信息如需变更，请联系平台管理员" in page and "修改并重新提交审核" not in page
    data = {k: v for k, v in unit_form(name="改名").items() if not k.startswith("password")}
    assert client.post("/unit/info", data=data).status_code == 403
    assert Organisation.get_by_id(unit.id).name == "绍兴越城建工有限公司"


def test_a_decided_unit_cannot_be_decided_again(app, admin_client):
    unit, contact = register_unit(app)

    response = admin_client.post(f"/admin/units/{unit.id}/decide", data={"action": "refuse", "reason": "再退"},
                                 follow_redirects=True)

    assert "该记录已被他人处理或已修改" in response.get_data(as_text=True)
    assert Organisation.get_by_id(unit.id).status == UnitStatus.APPROVED


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.UNIT])
def test_only_the_administrator_decides(app, role):
    unit, _ = register_unit(app, approve=False)
    other, other_contact = register_unit(app, name="别的单位", code=CODE_B, mobile="13700000022")
    user = make_applicant() if role == Role.APPLICANT else other_contact
    client = app.test_client()
    login(client, user)

    assert client.post(f"/admin/units/{unit.id}/decide", data={"action": "approve"}).status_code == 403
    assert Organisation.get_by_id(unit.id).status == UnitStatus.PENDING


# ---------------------------------------------------------------- before and after approval

def test_a_pending_unit_cannot_review_yet(app):
    unit, contact = register_unit(app, approve=False)
    client = app.test_client()
    login(client, contact)

    response = client.get("/unit/achievements", follow_redirects=True)
    assert response.request.path == "/unit/info"
    assert "本单位授权委托证明待审核，审核通过后才能使用此功能。" in response.get_data(as_text=True)


def test_the_unit_lists_its_staff_only(app):
    unit, contact = register_unit(app)
    other, _ = register_unit(app, name="别的单位", code=CODE_B, mobile="13700000022")
    staff_of(unit, "13900000001", name="张三")
    staff_of(other, "13900000002", id_number="33060219900101028X", name="李四")
    client = app.test_client()
    login(client, contact)

    assert ("本单位人员", "/unit/staff") in menu(parse(client.get("/home")))
    names = [tr.find_all("td")[0].text() for tr in parse(client.get("/unit/staff")).find("tbody").find_all("tr")]
    assert names == ["张三"]


def test_unit_pages_are_for_units(app):
    client = app.test_client()
    login(client, make_applicant())
    for path in ("/unit/info", "/unit/staff", "/unit/achievements"):
        assert client.get(path).status_code == 403


def test_the_registration_form_shows_every_field_of_the_unit(client):
    page = parse(client.get("/unit/register"))
    for name in ("name", "credit_code", "region", "ownership", "industry_tag", "contact_name", "contact_mobile",
                 "letter", "password", "password2"):
        assert page.find(name=name) is not None, name
    assert [r.attrs["value"] for r in page.find_all("input", type="radio")] == ["yes", "no"]
    assert form_errors(page) == []
    assert PASSWORD not in page.text()
