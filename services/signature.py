"""The pledge signature of wizard step 2: a PNG data URL from a finger-drawn canvas, refused when blank or near-blank."""
import warnings
from base64 import b64decode
from fractions import Fraction
from io import BytesIO

from PIL import Image, ImageChops

PREFIX = "data:image/png;base64,"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
MAX_BYTES = 512 * 1024
MAX_WIDTH, MAX_HEIGHT = 2000, 2000  # a phone canvas at devicePixelRatio 3 stays well inside
MIN_WIDTH, MIN_HEIGHT = 100, 50
# Ink is what shows on white paper: the picture is laid over white and a pixel counts as ink when one of
# its channels is darker than 200. Transparent or faint (alpha below ~20 %) pixels are not ink.
INK_LEVEL = 200
# A name in two or three characters written with a pen a few pixels wide covers several per cent of
# the box; a dot, a tick or a short dash covers well under half a per cent.
MIN_INK_SHARE = Fraction(5, 1000)
# The ink must also spread: its bounding box at least 20 % of the box's width and 10 % of its height,
# which refuses a single dash or a tiny scrawl in a corner.
MIN_SPAN_WIDTH = Fraction(20, 100)
MIN_SPAN_HEIGHT = Fraction(10, 100)

RETRY = "请用手指在框内正楷签名。"


class SignatureError(ValueError):
    pass


def check_signature(data_url: str) -> bytes:
    """The PNG bytes of an acceptable signature; raises SignatureError naming the rule broken and the measured value."""
    data = _decode(data_url)
    image = _open_png(data)
    _check_ink(image)
    return data


def _decode(data_url):
    text = (data_url or "").strip()
    if not text:
        raise SignatureError("未收到签名，请在框内签名后再提交。")
    if not text.lower().startswith(PREFIX):
        media = text[5:].split(",")[0][:40] if text.lower().startswith("data:") else "非图片数据"
        raise SignatureError(f"签名应为 PNG 图片（data:image/png;base64），收到的是“{media}”，请重新签名。")
    payload = text[len(PREFIX):]
    # Measured before decoding: four base64 characters carry three bytes, less one per "=" of padding
    # (exact for any payload that then decodes).
    size = len(payload) // 4 * 3 - payload[-2:].count("=")
    if size > MAX_BYTES:
        raise SignatureError(
            f"签名图片 {size / 1024:.1f} KB（{size} 字节），超过 {MAX_BYTES // 1024} KB 上限，请清除后重新签名。"
        )
    try:
        return b64decode(payload, validate=True)
    except ValueError:  # binascii.Error, or characters outside ASCII (which b64decode refuses before decoding)
        raise SignatureError("签名数据无法解码（base64 格式错误），请重新签名。") from None


def _open_png(data):
    if not data.startswith(PNG_MAGIC):
        raise SignatureError("签名图片的内容不是 PNG，请重新签名。")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
    except Image.DecompressionBombError:
        raise SignatureError(f"签名图片像素过多，超过 {MAX_WIDTH}×{MAX_HEIGHT} 上限，请重新签名。") from None
    except (OSError, SyntaxError):
        raise SignatureError("签名图片已损坏，无法读取，请重新签名。") from None
    width, height = image.size
    if width > MAX_WIDTH or height > MAX_HEIGHT:
        raise SignatureError(f"签名图片 {width}×{height} 像素，超过 {MAX_WIDTH}×{MAX_HEIGHT} 上限，请重新签名。")
    if width < MIN_WIDTH or height < MIN_HEIGHT:
        raise SignatureError(f"签名图片 {width}×{height} 像素，至少应为 {MIN_WIDTH}×{MIN_HEIGHT}，请重新签名。")
    try:
        image.load()
    except (OSError, SyntaxError, ValueError):
        raise SignatureError("签名图片不完整或已损坏，无法读取，请重新签名。") from None
    return image


def _check_ink(image):
    ink = _ink_mask(image)
    width, height = image.size
    area = width * height
    inked = ink.histogram()[255]
    if not inked:
        raise SignatureError("未检测到签名，请在框内签名后再提交。")
    if inked < MIN_INK_SHARE * area:
        raise SignatureError(
            f"签名过于简单（笔迹覆盖 {_percent(inked, area, 2)}，要求至少 {float(MIN_INK_SHARE):.1%}），{RETRY}"
        )
    left, top, right, bottom = ink.getbbox()
    if right - left < MIN_SPAN_WIDTH * width or bottom - top < MIN_SPAN_HEIGHT * height:
        raise SignatureError(
            f"签名过小（笔迹只占签名框宽度的 {_percent(right - left, width, 0)}、高度的 {_percent(bottom - top, height, 0)}，"
            f"要求至少 {float(MIN_SPAN_WIDTH):.0%} 和 {float(MIN_SPAN_HEIGHT):.0%}），{RETRY}"
        )


def _ink_mask(image):
    """255 where the signature, laid over white paper, shows a channel darker than INK_LEVEL; 0 elsewhere."""
    rgba = image.convert("RGBA")
    on_paper = Image.alpha_composite(Image.new("RGBA", rgba.size, "white"), rgba).convert("RGB")
    red, green, blue = on_paper.split()
    darkest = ImageChops.darker(ImageChops.darker(red, green), blue)
    return darkest.point(lambda v: 255 if v < INK_LEVEL else 0)


def _percent(part, whole, decimals):
    """A share rounded down, so that a value short of a limit never reads as the limit itself."""
    scale = 10**decimals
    return f"{part * 100 * scale // whole / scale:.{decimals}f}%"
