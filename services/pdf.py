"""PDF rendering: Jinja templates to A4 PDF with xhtml2pdf, Chinese fonts embedded from Debian packages.

Body text is set in AR PL UMing (a Ming/Song face, fonts-arphic-uming), headings in 文泉驿正黑 (fonts-wqy-zenhei);
both are TrueType collections, embedded as subsets so the PDF reads the same on a machine without them.
"""
import io
import os
from pathlib import Path

from flask import current_app
from reportlab import rl_config
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from xhtml2pdf import default, pisa

# (name used in the templates' CSS, env variable for its path, default path, Debian package)
FONTS = (
    ("song", "PDF_FONT_SONG", "/usr/share/fonts/truetype/arphic/uming.ttc", "fonts-arphic-uming"),
    ("hei", "PDF_FONT_HEI", "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "fonts-wqy-zenhei"),
)


class FontsMissing(RuntimeError):
    """The Chinese fonts the documents embed are not installed."""


def font_path(name):
    for font, variable, path, _package in FONTS:
        if font == name:
            return Path(os.environ.get(variable) or path)
    raise KeyError(name)


def register_fonts():
    """Register both faces with reportlab and xhtml2pdf (once); FontsMissing names what to install."""
    if all(font in default.DEFAULT_FONT for font, *_ in FONTS):
        return
    missing = [(variable, font_path(font), package) for font, variable, _path, package in FONTS
               if not font_path(font).is_file()]
    if missing:
        raise FontsMissing("生成 PDF 所需的中文字体缺失：" + "；".join(
            f"{path} 不存在（请安装：apt-get install {package}，或用环境变量 {variable} 指定字体文件）"
            for variable, path, package in missing))
    # No creation time and a document id from the content: the same document gives the same bytes (and SHA-256).
    rl_config.invariant = 1
    for font, *_ in FONTS:
        pdfmetrics.registerFont(TTFont(font, str(font_path(font)), subfontIndex=0))
        default.DEFAULT_FONT[font] = font


def render(html):
    """PDF bytes of an HTML document (xhtml2pdf's dialect of CSS: @page, @frame, pdf:pagenumber)."""
    register_fonts()
    out = io.BytesIO()
    result = pisa.CreatePDF(html, dest=out, encoding="utf-8")
    if result.err:
        raise RuntimeError(f"PDF 生成失败（{result.err} 处错误）")
    return out.getvalue()


def from_template(name, /, **context):
    """PDF bytes of a template under templates/documents/; no request needed (background jobs render too)."""
    return render(current_app.jinja_env.get_template(f"documents/{name}").render(**context))
