"""The 评审表 PDF and 资料袋封面: content from the snapshot, embedded fonts, who may download, issued versions."""
import hashlib
import io
import json
import re
import shutil
import subprocess

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from models import Application, AuditLog, DocumentIssue, Role, Stage
from services import documents
from services import pdf as pdf_service
from tests.chain_world import as_user, decide, publicise_and_send, staff, submitted
from tests.conftest import ID_FEMALE, make_user

STATEMENT = ("本人长期从事房屋建筑工程施工技术管理工作，负责多项重点工程的施工组织设计与质量控制，"
             "主持编制专项施工方案并组织实施，解决了深基坑支护与大体积混凝土温控等技术难题。") * 12
WATERMARK = "职称申报与评审管理服务平台"
A4_WIDTH, RIGHT_MARGIN = 595.3, 40  # points; the form's right margin is 1.6 cm (45 pt)


def through_hr_bureau(client, **kwargs):
    """An application passed by its unit, the 建设主管部门 and the 人力社保部门, now at its committee."""
    application, applicant = submitted(client, info={"statement": STATEMENT[:1000]}, **kwargs)
    unit = staff(Role.UNIT, unit=application.unit)
    as_user(client, unit)
    decide(client, application, "pass", "单位同意推荐")
    publicise_and_send(client, unit, application)
    for role, opinion in ((Role.CONSTRUCTION_BUREAU, "建设局审查符合条件"), (Role.HR_BUREAU, "人社局审查通过")):
        as_user(client, staff(role))
        decide(client, application, "pass", opinion)
        client.post("/review/recommend")
    return Application.get_by_id(application.id), applicant


def embedded_characters(reader):
    """Every character the PDF's embedded fonts map (fontTools' cmap of each FontFile2)."""
    found = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptors = [d.get_object() for d in font.get("/DescendantFonts", [])] or [font]
            for descriptor in descriptors:
                file = descriptor.get("/FontDescriptor", {}).get("/FontFile2")
                if file is None:
                    continue
                ttf = TTFont(io.BytesIO(file.get_object().get_data()))
                glyphs = {glyph for table in ttf["cmap"].tables for glyph in table.cmap.values()}
                found |= {chr(code) for code, glyph in (ttf.getBestCmap() or {}).items() if glyph in glyphs}
                found |= _to_unicode(font)
    return found


def _to_unicode(font):
    """Characters of a subset font, read from its ToUnicode map (a subset's own cmap is by glyph code)."""
    stream = font.get("/ToUnicode")
    if stream is None:
        return set()
    text = stream.get_object().get_data().decode("latin-1")
    chars = set()
    for token in text.split("<")[1:]:
        value = token.split(">")[0]
        if len(value) == 4:
            chars.add(chr(int(value, 16)))
    return chars


def test_the_review_form_carries_the_snapshot_the_opinions_and_the_watermark_on_every_page(client, app):
    application, applicant = through_hr_bureau(client)
    as_user(client, applicant)
    response = client.get(f"/applications/{application.id}/review-form.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    content = response.data
    issue = DocumentIssue.get(DocumentIssue.application == application)
    assert issue.sha256 == hashlib.sha256(content).hexdigest() and issue.issued_by_id == applicant.id
    with app.test_request_context():
        assert documents.review_form_pdf(Application.get_by_id(application.id), issue) == content, \
            "made again, the same issue is the same bytes, so its SHA-256 can be checked against the record"

    reader = PdfReader(io.BytesIO(content))
    pages = [page.extract_text() for page in reader.pages]
    assert len(pages) >= 2, "a 1000-character 述职 runs onto a second page"
    for number, text in enumerate(pages, 1):
        assert WATERMARK in text and f"第 {number} 页 共 {len(pages)} 页" in text and issue.number in text
    stamps = [WATERMARK, f"编号：{issue.number}", *(f"第 {n} 页 共 {len(pages)} 页" for n in range(1, len(pages) + 1))]
    flat = "".join("".join(re.sub("|".join(map(re.escape, stamps)), "", text).split()) for text in pages)
    for expected in (applicant.real_name, applicant.id_number, "单位同意推荐", "建设局审查符合条件", "人社局审查通过",
                     "打印3份", "盖章处", "[√]正常申报", "工程师（", "浙江大学", "土木工程"):
        assert expected in flat, expected
    assert "自评总分" not in flat, "the 自评 part is only for 自评申报"
    assert len(reader.pages[0].images) >= 1, "the photo"
    assert len(reader.pages[-1].images) >= 1, "the QR code on the last page"
    assert STATEMENT[:1000] in flat, "the whole 述职 is printed, nothing cut off at a page's end"

    missing = {c for c in flat if c.isprintable()} - embedded_characters(reader)
    assert not missing, f"characters without an embedded font: {sorted(missing)}"


def test_a_self_evaluation_shows_its_items_and_total(client, app):
    application, _ = through_hr_bureau(client)
    data = json.loads(application.snapshot)
    data["info"].update(application_type="自评申报", self_evaluation={"project_lead": "2", "work_year": "15", "book": "0"},
                        self_evaluation_total=90)
    application.snapshot = json.dumps(data, ensure_ascii=False)
    with app.test_request_context():
        text = "".join("".join(page.extract_text().split())
                       for page in PdfReader(io.BytesIO(documents.review_form_pdf(application))).pages)
    assert "[√]自评申报" in text and "自评总分90分" in text
    assert "大中型工程项目技术负责人2项30" in text and "从事本专业工作年限15年30" in text
    assert "专业著作" not in text, "an item not claimed is not listed"
    assert "编号：未登记" in text, "without an issue the form is a draft copy with no number and no QR code"


def test_missing_fonts_are_named_with_the_package_to_install(monkeypatch):
    monkeypatch.delitem(pdf_service.default.DEFAULT_FONT, "song", raising=False)
    monkeypatch.setenv("PDF_FONT_SONG", "/nonexistent/uming.ttc")
    with pytest.raises(pdf_service.FontsMissing, match="apt-get install fonts-arphic-uming.*PDF_FONT_SONG"):
        pdf_service.render("<p>张三</p>")


def test_the_first_page_renders_and_no_text_runs_past_the_right_margin(client, app, tmp_path):
    if not shutil.which("pdftoppm"):
        pytest.skip("pdftoppm and pdftotext (poppler-utils) are not installed")
    application, applicant = through_hr_bureau(client)
    as_user(client, applicant)
    (tmp_path / "form.pdf").write_bytes(client.get(f"/applications/{application.id}/review-form.pdf").data)
    subprocess.run(["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", "-singlefile", str(tmp_path / "form.pdf"),
                    str(tmp_path / "page")], check=True)
    image = Image.open(tmp_path / "page.png").convert("L")
    dark = sum(image.histogram()[:128])
    assert dark > image.width * image.height * 0.01

    boxes = subprocess.run(["pdftotext", "-bbox", str(tmp_path / "form.pdf"), "-"], check=True, capture_output=True,
                           text=True).stdout
    right = max(float(x) for x in re.findall(r'xMax="([0-9.]+)"', boxes))
    assert right <= A4_WIDTH - RIGHT_MARGIN, f"text reaches {right:.0f} pt of the page's {A4_WIDTH:.0f}"


def test_who_may_download_the_review_form(client, app):
    application, applicant = submitted(client)
    as_user(client, applicant)
    assert client.get(f"/applications/{application.id}/review-form.pdf").status_code == 403, "not passed yet"
    client.post("/logout")
    with app.app_context():
        application, applicant = through_hr_bureau(client, mobile="13900000002", unit_name="越城二建",
                                                   person={"id_number": ID_FEMALE, "name": "李梅"})
    cases = [
        (applicant, 200),
        (make_user(Role.APPLICANT, "13900000009"), 403),
        (staff(Role.UNIT, unit=application.unit), 200),
        (staff(Role.HR_BUREAU), 200),
        (staff(Role.COMMITTEE_OFFICE, committee_number=3), 200),
        (staff(Role.HR_BUREAU, region="柯桥区"), 403),
    ]
    for user, status in cases:
        as_user(client, user)
        assert client.get(f"/applications/{application.id}/review-form.pdf").status_code == status, user.username
    assert DocumentIssue.select().count() == 4


def test_the_public_check_confirms_the_number_and_the_hash(client, app):
    application, applicant = through_hr_bureau(client)
    as_user(client, applicant)
    content = client.get(f"/applications/{application.id}/review-form.pdf").data
    issue = DocumentIssue.get()
    client.post("/logout")
    page = client.get(f"/verify/documents/{issue.number}?sha256={hashlib.sha256(content).hexdigest()}")
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "与登记一致" in text and issue.sha256 in text
    assert applicant.id_number not in text
    wrong = client.get(f"/verify/documents/{issue.number}?sha256={'0' * 64}").get_data(as_text=True)
    assert "不一致" in wrong
    assert client.get("/verify/documents/2026-000001-ABCDEF").status_code == 404


def test_copies_are_three_or_four_for_an_interview_candidate(client):
    application, applicant = through_hr_bureau(client)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    as_user(client, office)
    assert "打印 3 份" in client.get(f"/applications/{application.id}/review-form").get_data(as_text=True)
    client.post(f"/applications/{application.id}/interview", data={"candidate": "1"})
    assert not Application.get_by_id(application.id).interview_candidate, "the plan has no interviews"
    application.plan.has_interviews = True
    application.plan.save()
    client.post(f"/applications/{application.id}/interview", data={"candidate": "1"})
    assert Application.get_by_id(application.id).interview_candidate
    assert AuditLog.get(AuditLog.action == "application.interview").actor_id == office.id
    assert "打印 4 份" in client.get(f"/applications/{application.id}/review-form").get_data(as_text=True)
    as_user(client, staff(Role.HR_BUREAU))
    client.post(f"/applications/{application.id}/interview", data={"candidate": "0"})
    assert Application.get_by_id(application.id).interview_candidate, "only the office holding it marks it"


@pytest.mark.parametrize("per_render", [1, documents.COVERS_PER_RENDER], ids=["rendered in parts", "in one part"])
def test_covers_one_page_each_with_the_roster_number_and_merged(client, app, monkeypatch, per_render):
    monkeypatch.setattr(documents, "COVERS_PER_RENDER", per_render)
    first, _ = submitted(client)
    with app.app_context():  # no request: a background job makes them
        second, _ = submitted(client, mobile="13900000002", unit_name="越城二建",
                              person={"id_number": ID_FEMALE, "name": "李梅"})
        covers = documents.cover_pdf([first, second], {first.id: 7, second.id: 8})
        merged = documents.merge_pdfs([covers, covers])
    pages = ["".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(covers)).pages]
    assert len(pages) == 2
    assert "张三" in pages[0] and "花名册序号7" in pages[0] and "越城建工集团" in pages[0]
    assert "李梅" in pages[1] and "越城二建" in pages[1] and "花名册序号8" in pages[1] and "中级（工程师）" in pages[1]
    assert len(PdfReader(io.BytesIO(merged)).pages) == 4


def test_a_review_form_made_without_a_request_links_the_public_base_url(client, app, monkeypatch):
    application, _ = through_hr_bureau(client)
    issue = DocumentIssue.create(application=application, number="2026-000001-ABC123")
    with app.app_context():
        with pytest.raises(RuntimeError, match="PUBLIC_BASE_URL"):
            documents.review_form_pdf(application, issue)
        monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://zc.example.gov.cn/")
        assert documents.verify_url(issue.number) == "https://zc.example.gov.cn/verify/documents/2026-000001-ABC123"
        assert "2026-000001-ABC123" in PdfReader(io.BytesIO(documents.review_form_pdf(application, issue))).pages[-1].extract_text()


def test_the_application_pages_link_the_review_form_to_those_who_may_download_it(client):
    application, applicant = submitted(client)
    link = f"/applications/{application.id}/review-form"
    as_user(client, applicant)
    assert link not in client.get(f"/applications/{application.id}").get_data(as_text=True)
    as_user(client, staff(Role.UNIT, unit=application.unit))
    assert link in client.get(f"/review/applications/{application.id}").get_data(as_text=True)


def test_an_opinion_given_before_a_resubmission_is_not_printed(client, app):
    application, applicant = submitted(client)
    as_user(client, staff(Role.UNIT, unit=application.unit))
    decide(client, application, "return", "继续教育证明不清晰")
    as_user(client, applicant)
    assert client.post(f"/applications/{application.id}/step/6", data={"confirm": "y"}).status_code == 302
    with app.test_request_context():
        before = dict(documents.opinions(Application.get_by_id(application.id)))
    assert before[Stage.UNIT] is None
    as_user(client, staff(Role.UNIT, unit=application.unit))
    decide(client, application, "pass", "同意推荐")
    with app.test_request_context():
        after = dict(documents.opinions(Application.get_by_id(application.id)))
    assert after[Stage.UNIT].reason == "同意推荐"
