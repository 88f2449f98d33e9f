"""电子证书 in Chromium: a confirmed pass → the committee office issues it → the applicant downloads the PDF from
我的申报 → the public page opened at the URL read back from the QR code printed on that PDF (zxing-cpp)."""
import io
from datetime import date
from urllib.parse import urlsplit

import pytest
import zxingcpp
from playwright.sync_api import expect
from pypdf import PdfReader

from models import ApplicationStatus, Certificate, Role, Stage
from services import certificates
from tests.chain_world import place, staff
from tests.e2e.test_review_chain_browser import flash, log_in, log_out, open_menu, row, submitted_for_browser

pytestmark = pytest.mark.browser


def qr_urls(content):
    """The texts of the QR codes in the images of a PDF's pages."""
    return [code.text for page in PdfReader(io.BytesIO(content)).pages for image in page.images
            for code in zxingcpp.read_barcodes(image.image) if code.format == zxingcpp.BarcodeFormat.QRCode]


def test_an_issued_certificate_is_downloaded_and_verified_through_its_qr_code(app, page, signing_key):
    application, applicant = submitted_for_browser(app)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3, username="pwh_certificates")
    place(application, ApplicationStatus.PASSED, Stage.COMMITTEE, office.organisation, meeting_date=date(2026, 11, 20))
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.accept()))

    log_in(page, office)
    open_menu(page, "电子证书")
    # rendering and signing the PDF takes seconds on a machine busy with other tests
    row(page, applicant.real_name).get_by_role("button", name="签发").click(timeout=60_000)
    certificate = Certificate.get(Certificate.application == application.id)
    expect(flash(page)).to_have_text(f"已签发{applicant.real_name}的电子证书，编号 {certificate.number}。")
    assert dialogs == [f"确定为{applicant.real_name}签发电子证书吗？签发后不能撤回（只能由诚信档案撤销）。"]
    expect(row(page, certificate.number)).to_contain_text("有效")
    log_out(page)

    log_in(page, applicant)
    open_menu(page, "我的申报")
    with page.expect_download() as download:
        page.get_by_role("link", name=f"下载电子证书（{certificate.number}）").click()
    assert download.value.suggested_filename == f"电子证书-{certificate.number}.pdf"
    content = download.value.path().read_bytes()
    assert certificates.check_signature(content, certificates.platform_certificate(app.config)).valid
    log_out(page)

    [url] = qr_urls(content)
    link = urlsplit(url)
    assert link.path == f"/verify/certificates/{certificate.number}" and link.query == f"token={certificate.verify_token}"
    page.goto(url)  # as a visitor with a phone would: no log-in
    expect(page.get_by_role("heading", name="电子证书核验")).to_be_visible()
    expect(page.get_by_text("这是本平台签发的有效电子证书。")).to_be_visible()
    facts = page.locator(".certificate-facts")
    for text in (certificate.number, applicant.real_name, "工程师", "2026-11-20"):
        expect(facts).to_contain_text(text)
    expect(facts).not_to_contain_text(applicant.id_number)
    photo = facts.get_by_role("img", name="持证人证件照（点击查看原图）")
    expect(photo).to_be_visible()
    assert photo.evaluate("image => image.naturalWidth") > 0
