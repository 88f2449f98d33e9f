"""电子证书 (issue 12): the number's check character, issuing by the committee office, the platform's signature,
the applicant's download and the public verification (QR link, 证书编号 + 姓名, an uploaded file)."""
import io
from datetime import date

import pytest

from models import (
    Application,
    ApplicationStatus,
    AuditLog,
    Certificate,
    Level,
    Notification,
    ReviewAction,
    Role,
    Stage,
    StoredFile,
)
from services import certificates, storage
from tests.chain_world import as_user, place, staff, submitted
from tests.conftest import ID_MALE

MEETING = date(2026, 11, 20)


def passed(client, **person):
    """A submitted application (with its step-1 photo) whose result was confirmed: 评审通过 at committee 3."""
    application, applicant = submitted(client, **person)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3, username=f"office_{application.id}")
    application = place(application, ApplicationStatus.PASSED, stage=Stage.COMMITTEE, holder=office.organisation,
                        meeting_date=MEETING)
    return application, applicant, office


def issue(client, office, application):
    as_user(client, office)
    return client.post(f"/certificates/applications/{application.id}/issue", follow_redirects=True)


def issued_pdf(app, certificate):
    return storage.read(certificate.file, storage.location(app.config))


# ---------------------------------------------------------------- the number

@pytest.mark.parametrize("number", [
    certificates.number_for(2026, 3, Level.MID, 42),
    certificates.number_for(2026, 11, Level.SENIOR, 999999),
    certificates.number_for(2027, 1, Level.SENIOR, 1),
    "20260310000425",  # the module docstring's example
    "2026031000045X",  # a check character of 10 is written X
])
def test_valid_numbers_are_accepted(number):
    assert len(number) == 14
    assert certificates.number_problem(number) is None


@pytest.mark.parametrize("position", range(14))
def test_a_number_with_one_character_changed_is_refused(position):
    number = "20260310000425"
    changed = number[:position] + str((int(number[position]) + 1) % 10) + number[position + 1:]
    assert "校验位不符" in certificates.number_problem(changed)


@pytest.mark.parametrize("typed, problem", [
    ("2026031000042", "格式不对"),  # one character short
    ("2026O310000425", "格式不对"),  # a letter O for a zero
    ("20260310000452", "校验位不符"),  # two neighbours swapped
])
def test_malformed_numbers_name_the_rule(typed, problem):
    assert problem in certificates.number_problem(typed)


def test_the_number_is_year_committee_level_application_and_check():
    assert certificates.number_for(2026, 3, Level.MID, 42) == "20260310000425"
    assert certificates.number_for(2026, 3, Level.SENIOR, 42)[:7] == "2026032"


# ---------------------------------------------------------------- issuing

def test_the_office_issues_a_signed_certificate_the_applicant_downloads(app, client, signing_key):
    application, applicant, office = passed(client)
    response = issue(client, office, application)
    certificate = Certificate.get(Certificate.application == application)
    assert f"编号 {certificate.number}" in response.get_data(as_text=True)
    assert certificate.number == certificates.number_for(date.today().year, 3, Level.MID, application.id)
    assert certificate.issued_by_id == office.id and certificate.issued_on == date.today()
    history = ReviewAction.get(ReviewAction.application == application, ReviewAction.action == "certificate")
    assert history.action_label == "电子证书已签发"
    assert Notification.select().where((Notification.user == applicant) & (Notification.title == "电子证书已签发")).exists()
    assert AuditLog.get(AuditLog.action == "certificate.issue").detail == f"电子证书 {certificate.number}"
    content = issued_pdf(app, certificate)
    assert certificates.check_signature(content, certificates.platform_certificate(app.config)).valid

    as_user(client, applicant)
    mine = client.get("/applications").get_data(as_text=True)
    assert f"下载电子证书（{certificate.number}）" in mine
    download = client.get(f"/applications/{application.id}/certificate.pdf")
    assert download.status_code == 200 and download.data == content
    assert download.mimetype == "application/pdf"


def test_a_second_issue_is_refused(client, signing_key):
    application, _, office = passed(client)
    issue(client, office, application)
    again = issue(client, office, application).get_data(as_text=True)
    assert "已签发" in again and "不再重复签发" in again
    assert Certificate.select().count() == 1


@pytest.mark.parametrize("status", [ApplicationStatus.AT_COMMITTEE, ApplicationStatus.DECIDED,
                                    ApplicationStatus.RESULT_PUBLICITY, ApplicationStatus.FAILED])
def test_only_a_confirmed_pass_gets_a_certificate(client, signing_key, status):
    application, _, office = passed(client)
    place(application, status, stage=Stage.COMMITTEE, holder=office.organisation)
    body = issue(client, office, application).get_data(as_text=True)
    assert "评审通过" in body and not Certificate.select().exists()


def test_another_committee_office_cannot_issue(client, signing_key):
    application, _, _ = passed(client)
    other = staff(Role.COMMITTEE_OFFICE, committee_number=4, username="office_keqiao")
    as_user(client, other)
    assert client.post(f"/certificates/applications/{application.id}/issue").status_code == 404
    assert not Certificate.select().exists()


def test_a_missing_signing_key_is_a_clear_error_and_no_certificate(app, client, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_KEY_FILE", str(tmp_path / "absent-key.pem"))
    application, _, office = passed(client)
    files_before = StoredFile.select().count()
    body = issue(client, office, application).get_data(as_text=True)
    assert "平台签名密钥不存在" in body and "create-signing-key" in body
    assert not Certificate.select().exists()
    assert StoredFile.select().count() == files_before


def test_the_signing_key_command_refuses_to_overwrite(app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "SIGNING_KEY_FILE", str(tmp_path / "key.pem"))
    monkeypatch.setitem(app.config, "SIGNING_CERT_FILE", str(tmp_path / "cert.pem"))
    runner = app.test_cli_runner()
    first = runner.invoke(args=["create-signing-key"])
    assert first.exit_code == 0 and "签名密钥已写入" in first.output
    assert (tmp_path / "key.pem").stat().st_mode & 0o077 == 0
    key = (tmp_path / "key.pem").read_bytes()
    again = runner.invoke(args=["create-signing-key"])
    assert again.exit_code != 0 and "--force" in again.output
    assert (tmp_path / "key.pem").read_bytes() == key
    assert runner.invoke(args=["create-signing-key", "--force"]).exit_code == 0
    assert (tmp_path / "key.pem").read_bytes() != key


# ---------------------------------------------------------------- the signature

def test_one_changed_byte_breaks_the_signature(app, client, signing_key):
    application, _, office = passed(client)
    issue(client, office, application)
    content = issued_pdf(app, Certificate.get())
    trusted = certificates.platform_certificate(app.config)
    assert certificates.check_signature(content, trusted).valid
    at = content.index(b"/Type /Page") + 2  # inside the signed page description
    tampered = content[:at] + bytes([content[at] ^ 1]) + content[at + 1:]
    assert not certificates.check_signature(tampered, trusted).valid
    appended = content + b"\n% appended after signing\n"
    assert not certificates.check_signature(appended, trusted).valid


def test_a_signature_by_another_key_is_not_the_platforms(app, client, signing_key, tmp_path):
    application, _, office = passed(client)
    issue(client, office, application)
    certificates.create_signing_key(tmp_path / "k.pem", tmp_path / "c.pem", "别的平台")
    stranger = {"SIGNING_KEY_FILE": tmp_path / "k.pem", "SIGNING_CERT_FILE": tmp_path / "c.pem"}
    check = certificates.check_signature(issued_pdf(app, Certificate.get()), certificates.platform_certificate(stranger))
    assert not check.valid and "不是本平台" in check.summary


# ---------------------------------------------------------------- public verification

def issued(client):
    application, applicant, office = passed(client)
    issue(client, office, application)
    client.post("/logout")
    return Certificate.get(Certificate.application == application), applicant


def test_the_qr_link_shows_the_certificate_and_a_wrong_token_nothing(client, signing_key):
    certificate, applicant = issued(client)
    page = client.get(f"/verify/certificates/{certificate.number}?token={certificate.verify_token}")
    body = page.get_data(as_text=True)
    assert page.status_code == 200 and "有效" in body and applicant.real_name in body and "工程师" in body
    wrong = client.get(f"/verify/certificates/{certificate.number}?token=guessed")
    assert wrong.status_code == 404 and applicant.real_name not in wrong.get_data(as_text=True)
    photo = client.get(f"/verify/certificates/{certificate.number}/photo?token={certificate.verify_token}")
    assert photo.status_code == 200 and photo.mimetype == "image/jpeg"
    assert client.get(f"/verify/certificates/{certificate.number}/photo").status_code == 404


@pytest.mark.parametrize("name, status, shown", [("张三", 200, True), ("张四", 404, False), ("", 400, False)])
def test_number_and_name_must_both_match(client, signing_key, name, status, shown):
    certificate, _ = issued(client)
    response = client.post("/verify/certificates", data={"number": certificate.number, "name": name})
    assert response.status_code == status
    assert ("评审通过日期" in response.get_data(as_text=True)) is shown


def test_wrong_guesses_are_slowed_down(client, signing_key):
    certificate, _ = issued(client)
    codes = [client.post("/verify/certificates", data={"number": certificate.number, "name": f"猜{i}"}).status_code
             for i in range(6)]
    assert codes == [404] * 5 + [429]


def test_a_revoked_certificate_shows_when_and_why(client, signing_key):
    certificate, applicant = issued(client)
    Certificate.update(revoked_on=date(2026, 12, 1), revoked_reason="申报材料弄虚作假").execute()
    body = client.post("/verify/certificates", data={"number": certificate.number, "name": applicant.real_name}
                       ).get_data(as_text=True)
    assert "已撤销" in body and "2026-12-01" in body and "申报材料弄虚作假" in body and "有效电子证书" not in body


def upload(client, data, name="证书.pdf"):
    return client.post("/verify/certificates/file", data={"file": (io.BytesIO(data), name)},
                       content_type="multipart/form-data")


def test_the_uploaded_original_is_valid_and_in_the_register(app, client, signing_key):
    certificate, applicant = issued(client)
    body = upload(client, issued_pdf(app, certificate)).get_data(as_text=True)
    assert "签名有效" in body and f"与平台登记的电子证书 {certificate.number} 的签发文件完全一致" in body
    assert applicant.real_name in body


def test_an_uploaded_tampered_pdf_is_invalid(app, client, signing_key):
    certificate, applicant = issued(client)
    content = issued_pdf(app, certificate)
    at = content.index(b"/Type /Page") + 2
    body = upload(client, content[:at] + bytes([content[at] ^ 1]) + content[at + 1:]).get_data(as_text=True)
    assert "签名无效" in body or "无法" in body
    assert "平台登记中没有这个文件" in body and applicant.real_name not in body


@pytest.mark.parametrize("data, message", [(b"not a pdf", "只接受 PDF"), (b"", "请选择")])
def test_an_upload_that_is_not_a_pdf_is_refused(client, signing_key, data, message):
    response = upload(client, data, "证书.pdf" if data else "")
    assert response.status_code == 400 and message in response.get_data(as_text=True)


def test_public_pages_never_show_the_full_id_number(app, client, signing_key):
    certificate, applicant = issued(client)
    assert applicant.id_number == ID_MALE
    pages = [client.get(f"/verify/certificates/{certificate.number}?token={certificate.verify_token}"),
             client.post("/verify/certificates", data={"number": certificate.number, "name": applicant.real_name}),
             upload(client, issued_pdf(app, certificate))]
    for page in pages:
        assert page.status_code == 200
        assert ID_MALE not in page.get_data(as_text=True)
        assert ID_MALE[-6:] not in page.get_data(as_text=True)


# ---------------------------------------------------------------- the office's list and the batch

def test_the_office_lists_searches_and_exports_what_it_issued(client, signing_key):
    from openpyxl import load_workbook

    certificate, applicant = issued(client)
    office = certificate.issued_by
    as_user(client, office)
    page = client.get("/certificates?q=" + certificate.number[:8]).get_data(as_text=True)
    assert certificate.number in page and "有效" in page
    assert certificate.number not in client.get("/certificates?q=无此人").get_data(as_text=True)
    sheet = load_workbook(io.BytesIO(client.get("/certificates/issued.xlsx").data)).active
    values = [cell.value for row in sheet.iter_rows() for cell in row]
    assert certificate.number in values and applicant.real_name in values
    other = staff(Role.COMMITTEE_OFFICE, committee_number=4, username="office_keqiao")
    as_user(client, other)
    assert certificate.number not in client.get("/certificates").get_data(as_text=True)
    assert client.get(f"/applications/{certificate.application_id}/certificate.pdf").status_code == 403


def test_the_batch_issues_each_certificate_once_even_when_run_twice(app, client, signing_key):
    import tasks
    from tests.chain_world import filed

    application, _, office = passed(client)
    more = [place(filed(application.plan, application.unit, n, office.organisation), ApplicationStatus.PASSED,
                  stage=Stage.COMMITTEE, holder=office.organisation, meeting_date=MEETING) for n in (1, 2)]
    as_user(client, office)
    response = client.post("/certificates/batches", data={"plan": application.plan_id}, follow_redirects=True)
    assert "全部电子证书" in response.get_data(as_text=True)
    numbers = {c.application_id: c.number for c in Certificate.select()}
    assert set(numbers) == {application.id, *(a.id for a in more)}
    from models import BatchState, DocumentBatch

    batch = DocumentBatch.get()
    assert batch.state == BatchState.DONE and batch.done == 3
    tasks.run_batch(batch.id)  # a restarted worker runs the job again
    assert {c.application_id: c.number for c in Certificate.select()} == numbers
    assert Notification.select().where(Notification.title == "电子证书已签发").count() == 3
    again = client.post("/certificates/batches", data={"plan": application.plan_id}, follow_redirects=True)
    assert "没有待签发电子证书" in again.get_data(as_text=True)
    assert Application.get_by_id(application.id).status == ApplicationStatus.PASSED


def test_the_demo_data_has_a_certificate_a_visitor_can_verify(app, client, signing_key):
    from services.demo import DEMO_CERTIFIED_NAME

    output = app.test_cli_runner().invoke(args=["seed-demo"]).output
    certificate = Certificate.get()
    assert f"演示电子证书：编号 {certificate.number}，姓名 {DEMO_CERTIFIED_NAME}" in output
    assert certificate.issued_by.username == "pwh_yuecheng"
    body = client.post("/verify/certificates", data={"number": certificate.number, "name": DEMO_CERTIFIED_NAME}
                       ).get_data(as_text=True)
    assert "这是本平台签发的有效电子证书。" in body
    assert certificates.check_signature(issued_pdf(app, certificate), certificates.platform_certificate(app.config)).valid


def test_the_roster_batches_do_not_issue_certificates(client):
    from models import DocumentBatch

    application, _, office = passed(client)
    as_user(client, office)
    page = client.get(f"/roster/?plan={application.plan_id}").get_data(as_text=True)
    assert "全部电子证书" not in page
    refused = client.post("/roster/batches", data={"plan": application.plan_id, "kind": "certificates"},
                          follow_redirects=True)
    assert "请选择要生成的材料" in refused.get_data(as_text=True)
    assert not DocumentBatch.select().exists() and not Certificate.select().exists()
