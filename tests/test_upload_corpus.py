"""The upload corpus (issue 8): files that look right but are broken, active or two things at once, next to the good
ones, each accepted as its type or refused with the reason. Images are decoded to the last pixel; PDFs are parsed."""
import io
import random
import zipfile

import pytest
from PIL import Image
from pypdf import PdfWriter

from services import storage
from services.storage import ATTACHMENT, JPEG, LETTER, PDF, PNG, UploadError
from tests.samples import jpeg, pdf, pdf_file, png


def _photo(fmt):
    """A picture with real scan data (noise does not compress), so cutting it leaves its header intact."""
    noise = random.Random(8)
    image = Image.frombytes("RGB", (200, 150), bytes(noise.randrange(256) for _ in range(200 * 150 * 3)))
    out = io.BytesIO()
    image.save(out, fmt, quality=90) if fmt == "JPEG" else image.save(out, fmt)
    return out.getvalue()


def _encrypted(user_password):
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    writer.encrypt(user_password=user_password, owner_password="owner")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def _zip():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("证书.pdf", pdf())
    return out.getvalue()


JS = b"<< /S /JavaScript /JS (app.alert(1)) >>"
CORPUS = [
    # (name, content, rule, the accepted type or words of the refusal)
    ("a valid PDF", pdf(), ATTACHMENT, PDF),
    ("a valid JPEG", _photo("JPEG"), ATTACHMENT, JPEG),
    ("a valid PNG", _photo("PNG"), ATTACHMENT, PNG),
    ("a JPEG with bytes after its end marker", jpeg(4000), ATTACHMENT, JPEG),
    ("a PNG with bytes after its end chunk", png(4000), ATTACHMENT, PNG),
    ("a PNG named .pdf", png(), ATTACHMENT, PNG),
    ("a PNG named .pdf where only PDF and JPEG go", png(), LETTER, "实际内容是PNG，只接受 PDF、JPEG"),
    ("a JPEG cut in its scan data", _photo("JPEG")[:-2000], ATTACHMENT, "图片文件已损坏或不完整"),
    ("a PNG cut in its pixel data", _photo("PNG")[:-2000], ATTACHMENT, "图片文件已损坏或不完整"),
    ("a PDF opening on a page", pdf(catalog=b"/OpenAction [3 0 R /Fit] "), ATTACHMENT, PDF),
    ("a PDF with /OpenAction JavaScript", pdf(catalog=b"/OpenAction " + JS), ATTACHMENT, "含有脚本或自动执行的动作（/JS）"),
    ("a PDF with a page's /AA", pdf(page=b"/AA << /O " + JS + b" >> "), ATTACHMENT, "（/AA）"),
    ("a PDF with document JavaScript", pdf(catalog=b"/Names << /JavaScript 5 0 R >> ",
                                          objects=[b"<< /Names [(a) " + JS + b"] >>"]), ATTACHMENT, "（/JavaScript）"),
    ("a PDF hiding its JavaScript in hex-escaped names", pdf(catalog=b"/OpenAction << /#53 /J#61vaScript /J#53 (x) >> "),
     ATTACHMENT, "（/JS）"),
    ("a PDF launching a program", pdf(catalog=b"/OpenAction << /S /Launch /F (cmd.exe) >> "), ATTACHMENT,
     "（/Launch）"),
    ("a PDF/HTML polyglot", pdf(head=b"%<html><body><script>alert(document.cookie)</script></body></html>\n"),
     ATTACHMENT, "夹带网页代码（<html…）"),
    ("a PDF whose body is not PDF", b"%PDF-1.4\n<html>not really</html>\n" + b"x" * 2000 + b"\n%%EOF\n", ATTACHMENT,
     "夹带网页代码"),
    ("a PDF that does not parse", b"%PDF-1.4\n1 0 obj << /Type /Catalog\n" + b"\x00" * 500 + b"\n%%EOF\n", ATTACHMENT,
     "无法解析"),
    ("a PDF without pages", pdf_file([b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [] /Count 0 >>"]),
     ATTACHMENT, "没有页面"),
    ("a PDF without its end marker", pdf()[:-7], ATTACHMENT, "不完整（缺少文件结束标记）"),
    ("a PDF encrypted without an opening password", _encrypted(""), ATTACHMENT, PDF),
    ("a PDF with an opening password", _encrypted("secret"), ATTACHMENT, "设有打开密码"),
    ("an empty file", b"", ATTACHMENT, "是空文件"),
    ("a zip of a PDF", _zip(), ATTACHMENT, "实际内容是无法识别的格式"),
    ("an SVG", b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>', ATTACHMENT,
     "实际内容是无法识别的格式"),
    ("an HTML page named .pdf", b"<!doctype html><html><script>alert(1)</script></html>", ATTACHMENT,
     "实际内容是无法识别的格式"),
]


@pytest.mark.parametrize("content, rule, expected", [case[1:] for case in CORPUS], ids=[case[0] for case in CORPUS])
def test_the_upload_corpus(content, rule, expected):
    if expected in (PDF, JPEG, PNG):
        assert storage.check(content, "附件.pdf", rule) == expected
    else:
        with pytest.raises(UploadError, match=expected):
            storage.check(content, "附件.pdf", rule)
