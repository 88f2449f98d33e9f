"""The documents of 附件3 as PDF: the 评审表 (from the frozen snapshot) and the 资料袋封面; one function per document.

Every page of a 评审表 is stamped afterwards with the watermark, 第 N 页 共 M 页 and the document number, drawn
with reportlab in the same embedded font, so the count is the real one.
"""
import base64
import io
import json

import segno
from flask import current_app, has_request_context, url_for
from pypdf import PdfReader, PdfWriter
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import cm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen import canvas

from models import ApplicationType, Level, ReviewAction, Stage, StoredFile
from services import pdf, routing, scoring, storage

DOCUMENT_TITLE = "专业技术职务任职资格评审表"
UNREGISTERED = "未登记"
COVERS_PER_RENDER = 50


def copies(application):
    """打印份数: 3, or 4 for an interview candidate of a plan with interviews (附件3)."""
    return 4 if application.plan.has_interviews and application.interview_candidate else 3


def stamping_stages(application):
    """The levels that give an opinion on the 评审表 and stamp it, in order (the application's route)."""
    stages = [Stage.UNIT]
    if application.unit_id and application.unit.goes_through_talent_centre:
        stages.append(Stage.TALENT_CENTRE)
    stages += [Stage.CONSTRUCTION_BUREAU, Stage.HR_BUREAU]
    if application.profession_id or application.plan.level == Level.MID:
        stages += routing.committee_stages(application.plan, application.profession)
    return stages


# The decisions that are a level's opinion (报送, 公示 and 审核推荐 only move the application on).
OPINIONS = ("pass", "return", "refuse", "result_pass", "result_fail")


def opinions(application):
    """[(stage, its latest opinion since the latest 提交, a ReviewAction, or None)] for each stamping level."""
    submitted = (application.actions.where(ReviewAction.action.in_(("submit", "resubmit")))
                 .order_by(ReviewAction.id.desc()).first())
    latest = {}
    for action in application.actions.where(ReviewAction.action.in_(OPINIONS)
                                            & (ReviewAction.id > (submitted.id if submitted else 0))
                                            ).order_by(ReviewAction.id):
        latest[action.level] = action
    return [(stage, latest.get(stage.value)) for stage in stamping_stages(application)]


def image_uri(stored):
    """A stored image (the 证件照) as a data: URI for a PDF template, or None when there is none or its file is gone."""
    if stored is None:
        return None
    data = storage.read(stored, storage.location(current_app.config))
    if data is None:
        return None
    return f"data:{stored.content_type};base64," + base64.b64encode(data).decode()


def _snapshot_photo(data):
    photo = data.get("photo")
    return image_uri(StoredFile.get_or_none(StoredFile.id == photo["id"]) if photo else None)


def public_url(endpoint, **values):
    """The address of a public page printed on a document: under PUBLIC_BASE_URL, else this request's address."""
    base = current_app.config.get("PUBLIC_BASE_URL")
    if base:
        return base.rstrip("/") + current_app.url_map.bind("").build(endpoint, values)  # unknown values: the query
    if not has_request_context():
        raise RuntimeError("在后台生成文档须设置 PUBLIC_BASE_URL（二维码中核验地址的前缀）。")
    return url_for(endpoint, _external=True, **values)


def verify_url(number):
    """The public check page of a document number."""
    return public_url("documents.verify", document_number=number)


def qr_uri(url):
    out = io.BytesIO()
    segno.make(url, error="m").save(out, kind="png", scale=4, border=2)
    return "data:image/png;base64," + base64.b64encode(out.getvalue()).decode()


def _stamp(content, number, watermark):
    """Each page of `content` with the diagonal watermark, 第 N 页 共 M 页 and the document number."""
    reader = PdfReader(io.BytesIO(content))
    total = len(reader.pages)
    overlay_out = io.BytesIO()
    sheet = canvas.Canvas(overlay_out, pagesize=A4, invariant=1)
    width, height = A4
    for page in range(1, total + 1):
        sheet.saveState()
        sheet.setFillGray(0.5)
        sheet.setFillAlpha(0.15)
        sheet.setFont("hei", 40)
        sheet.translate(width / 2, height / 2)
        sheet.rotate(45)
        sheet.drawCentredString(0, 0, watermark)
        sheet.restoreState()
        sheet.setFont("song", 9)
        sheet.drawCentredString(width / 2, 28, f"第 {page} 页 共 {total} 页")
        sheet.drawRightString(width - 50, 28, f"编号：{number}")
        sheet.showPage()
    sheet.save()
    overlay = PdfReader(io.BytesIO(overlay_out.getvalue()))
    writer = PdfWriter(clone_from=reader)
    for page, stamp in zip(writer.pages, overlay.pages, strict=True):
        page.merge_page(stamp)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


STATEMENT_FONT_SIZE = 10.5  # pt, as the template's body text
STATEMENT_WIDTH = A4[0] - 2 * 1.6 * cm  # the template's page less its left and right margins


def wrap_lines(text, width=STATEMENT_WIDTH, size=STATEMENT_FONT_SIZE, font="song"):
    """`text`'s paragraphs as [(line, starts a paragraph)], each line fitting `width`, a paragraph's first line
    indented 2 characters.

    xhtml2pdf cannot split a paragraph broken between Chinese characters across two pages (reportlab's
    "Splitting error"), so the 本人述职 goes in as whole lines, and a page break falls between two of them.
    """
    lines = []
    pdf.register_fonts()
    for paragraph in (text or "").splitlines():
        line, first, room = "", True, width - 2 * size
        for char in paragraph.strip():
            if line and stringWidth(line + char, font, size) > room:
                lines.append((line, first))
                line, first, room = "", False, width
            line += char
        if line:
            lines.append((line, first))
    return lines


def self_evaluation_items(application, claims):
    """[(item, count, points)] of the 自评 items claimed, in the plan's rubric order."""
    rubric = scoring.from_json(application.plan.rubric)
    return [(item, int(claims[item.key]), scoring.item_score(item, int(claims[item.key])))
            for item in scoring.items(rubric) if str(claims.get(item.key, "")).isdigit() and int(claims[item.key])]


def review_form_context(application, issue=None):
    data = json.loads(application.snapshot or "{}")
    number = issue.number if issue else UNREGISTERED
    info = data.get("info", {})
    return {
        "data": data, "applicant": data.get("applicant", {}), "info": info, "number": number,
        "types": [(kind.label, kind.label == info.get("application_type")) for kind in ApplicationType],
        "photo": _snapshot_photo(data), "opinions": opinions(application), "copies": copies(application),
        "qr": qr_uri(verify_url(number)) if issue else None, "title": DOCUMENT_TITLE,
        "qualification": f"{application.plan.level.title_name}（{info.get('profession', '')}）",
        "self_items": self_evaluation_items(application, info.get("self_evaluation") or {}),
        "statement_lines": wrap_lines(info.get("statement")),
        "platform": current_app.config["PLATFORM_NAME"],
    }


def review_form_pdf(application, issue=None):
    """One 评审表 of `application` from its frozen snapshot; `issue` (a DocumentIssue) gives the number and QR code."""
    context = review_form_context(application, issue)
    content = pdf.from_template("review_form.html", **context)
    watermark = current_app.config.get("DOCUMENT_WATERMARK") or context["platform"]
    return _stamp(content, context["number"], watermark)


def cover_pdf(applications, numbers):
    """One A4 资料袋封面 per application, large type; `numbers` maps application id → roster 序号."""
    covers = []
    for application in applications:
        data = json.loads(application.snapshot or "{}")
        covers.append({"name": data.get("applicant", {}).get("name", application.applicant.real_name),
                       "level": f"{application.plan.level.label}（{application.plan.level.title_name}）",
                       "profession": data.get("info", {}).get("profession", ""),
                       "unit": data.get("applicant", {}).get("unit", ""),
                       "committee": data.get("info", {}).get("committee", ""),
                       "number": numbers.get(application.id, "")})
    # xhtml2pdf recurses once per element of a document: a few hundred covers in one HTML overflow Python's stack
    return merge_pdfs([pdf.from_template("cover.html", covers=covers[start:start + COVERS_PER_RENDER])
                       for start in range(0, len(covers), COVERS_PER_RENDER)])


def merge_pdfs(documents):
    """One PDF of the pages of `documents` (bytes each), in order."""
    writer = PdfWriter()
    for content in documents:
        writer.append(PdfReader(io.BytesIO(content)))
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()
