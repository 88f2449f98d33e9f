"""证件照 rules of wizard step 1: JPEG by content, file size, dimensions, aspect ratio, white background."""
import warnings
from dataclasses import dataclass
from fractions import Fraction
from io import BytesIO
from math import ceil

from PIL import Image, ImageChops, ImageOps, ImageStat

KB = 1024
MB = 1024 * 1024
MIN_BYTES = 30 * KB  # the file must be strictly larger
MAX_BYTES = 1 * MB  # and strictly smaller
MIN_WIDTH = 215  # pixels, strictly more
MIN_HEIGHT = 300
MIN_RATIO = Fraction(65, 100)  # width / height, both bounds inclusive
MAX_RATIO = Fraction(80, 100)
# A 1 MB JPEG of a flat picture can declare tens of thousands of pixels a side: refuse before decoding.
MAX_PIXELS = 40_000_000
# The backdrop is judged on the top edge and the upper part of the side edges: in every 证件照 the
# shoulders and clothes run out of the bottom edge (and often the lower sides), so those are not judged.
# Each band is 3 % of the picture's other side, at least 2 px.
BORDER_SHARE = Fraction(3, 100)
BORDER_MIN_PX = 2
SIDE_BANDS_DOWN_TO = Fraction(60, 100)  # of the height
# Near-white backdrop: every channel's mean at least 220 (a grey, blue or red backdrop fails), and at
# least 90 % of the pixels with all channels at least 200 (a white wall with a dark door frame or a
# shadow fails, while a few strands of hair touching the edge are tolerated).
WHITE_MEAN = 220
WHITE_PIXEL = 200
WHITE_SHARE = Fraction(90, 100)
# The background is judged on a reduced decode (JPEG DCT scaling) no smaller than this a side, to bound memory.
PREVIEW_SIDE = 1000
# Phone cameras write MPO: a JPEG whose first picture any JPEG reader shows; Pillow names it MPO.
JPEG_FORMATS = {"JPEG", "MPO"}
# Orientation values 5–8 mean the picture is shown turned by a quarter: width and height swap.
EXIF_ORIENTATION = 0x0112
QUARTER_TURNS = {5, 6, 7, 8}

# What a file really is, by its first bytes, to name it when it is not a JPEG.
SIGNATURES = (
    (b"\x89PNG\r\n\x1a\n", "PNG"),
    (b"GIF87a", "GIF"),
    (b"GIF89a", "GIF"),
    (b"BM", "BMP"),
    (b"II*\x00", "TIFF"),
    (b"MM\x00*", "TIFF"),
    (b"%PDF", "PDF"),
    (b"PK\x03\x04", "ZIP/Office 文档"),
)

RULES_TEXT = (
    "证件照要求：\n"
    "1. 只接受 JPEG 格式（按文件内容判断，改扩展名无效）；\n"
    f"2. 文件大小大于 {MIN_BYTES // KB} KB 且小于 {MAX_BYTES // MB} MB；\n"
    f"3. 宽大于 {MIN_WIDTH} 像素、高大于 {MIN_HEIGHT} 像素；\n"
    f"4. 宽高比（宽÷高）在 {float(MIN_RATIO):.2f}–{float(MAX_RATIO):.2f} 之间（含），即竖版证件照；\n"
    "5. 白色背景（照片顶部和两侧上部的边缘须接近纯白；肩部以下不计）。"
)


class PhotoError(ValueError):
    pass


@dataclass(frozen=True)
class PhotoInfo:
    width: int  # as shown, after the EXIF orientation
    height: int
    size: int  # bytes
    ratio: float  # width / height


def check_photo(data: bytes, size: int | None = None) -> PhotoInfo:
    """Accept a 证件照 or raise PhotoError naming the first rule broken and the measured value.

    `size`: the file's real size when `data` is only its first MAX_BYTES + 1 bytes (a bounded read).
    """
    if size is not None and size >= MAX_BYTES and data.startswith(b"\xff\xd8\xff"):
        _check_size(size)  # too large: refused before decoding a cut-off picture
    image = _open_jpeg(data)
    _check_size(len(data))
    width, height = _shown_size(image)
    _check_dimensions(width, height)
    _check_ratio(width, height)
    _check_background(image)
    return PhotoInfo(width, height, len(data), width / height)


def _open_jpeg(data):
    if not data:
        raise PhotoError("照片文件是空的，请重新选择。")
    if not data.startswith(b"\xff\xd8\xff"):
        raise PhotoError(f"照片实际内容是 {_content_kind(data)}，只接受 JPEG（按文件内容判断，不看扩展名）")
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(BytesIO(data))
    except Image.DecompressionBombError:
        raise PhotoError(
            f"图片像素数超过 {Image.MAX_IMAGE_PIXELS * 2 // 10_000} 万，上限为 {MAX_PIXELS // 10_000} 万像素"
        ) from None
    except OSError:
        raise PhotoError("照片文件已损坏，无法作为 JPEG 图片读取，请重新导出后上传") from None
    if image.format not in JPEG_FORMATS:
        raise PhotoError(f"照片实际内容是 {image.format}，只接受 JPEG（按文件内容判断，不看扩展名）")
    return image


def _content_kind(data):
    for magic, kind in SIGNATURES:
        if data.startswith(magic):
            return kind
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "WEBP"
    if data[4:8] == b"ftyp":
        return "HEIC/MP4"
    return "无法识别的格式"


def _check_size(size):
    if not MIN_BYTES < size < MAX_BYTES:
        shown = f"{size / MB:.2f} MB" if size >= MAX_BYTES else f"{size / KB:.1f} KB"
        raise PhotoError(
            f"文件大小 {shown}（{size} 字节），要求大于 {MIN_BYTES // KB} KB 且小于 {MAX_BYTES // MB} MB"
        )


def _shown_size(image):
    width, height = image.size
    if image.getexif().get(EXIF_ORIENTATION) in QUARTER_TURNS:
        return height, width
    return width, height


def _check_dimensions(width, height):
    if width <= MIN_WIDTH or height <= MIN_HEIGHT:
        raise PhotoError(
            f"图片尺寸 {width}×{height} 像素，要求宽大于 {MIN_WIDTH} 像素、高大于 {MIN_HEIGHT} 像素"
        )
    if width * height > MAX_PIXELS:
        raise PhotoError(
            f"图片尺寸 {width}×{height} 像素（{width * height / 10_000:.0f} 万像素），"
            f"上限为 {MAX_PIXELS // 10_000} 万像素，请缩小后上传"
        )


def _check_ratio(width, height):
    if not MIN_RATIO <= Fraction(width, height) <= MAX_RATIO:
        raise PhotoError(
            f"宽高比 {_ratio_text(width, height)}（{width}×{height} 像素），"
            f"要求 {float(MIN_RATIO):.2f}–{float(MAX_RATIO):.2f}"
        )


def _ratio_text(width, height):
    """The ratio with just enough decimals that it does not read as one of the (accepted) bounds."""
    for decimals in range(2, 7):
        text = f"{width / height:.{decimals}f}"
        if not MIN_RATIO <= Fraction(text) <= MAX_RATIO:
            return text
    return f"{width}/{height}"


def _check_background(image):
    image.draft("RGB", (PREVIEW_SIDE, PREVIEW_SIDE))
    try:
        upright = ImageOps.exif_transpose(image).convert("RGB")
    except OSError:
        raise PhotoError("照片文件不完整或已损坏，无法读取图像内容，请重新导出后上传") from None
    bands = _backdrop_bands(upright)
    total = sum(band.width * band.height for band in bands)
    sums = [sum(ImageStat.Stat(band).sum[channel] for band in bands) for channel in range(3)]
    means = [int(s // total) for s in sums]
    if min(sums) < WHITE_MEAN * total:
        raise PhotoError(
            f"背景不是白色：照片顶部和两侧上部边缘的平均颜色 RGB({means[0]}, {means[1]}, {means[2]})，"
            f"要求各通道平均值不低于 {WHITE_MEAN}（请使用白色背景的证件照）"
        )
    white = sum(_white_pixels(band) for band in bands)
    if white < WHITE_SHARE * total:
        raise PhotoError(
            f"背景不是白色：照片顶部和两侧上部边缘只有 {100 * white // total}% 的像素接近白色，"
            f"要求至少 {float(WHITE_SHARE):.0%}（请使用白色背景的证件照）"
        )


def _backdrop_bands(image):
    """The top band across the full width, then the left and right bands below it down to 60 % of the height."""
    width, height = image.size
    across = max(BORDER_MIN_PX, ceil(BORDER_SHARE * height))
    down = max(BORDER_MIN_PX, ceil(BORDER_SHARE * width))
    bottom = ceil(SIDE_BANDS_DOWN_TO * height)
    return [
        image.crop((0, 0, width, across)),
        image.crop((0, across, down, bottom)),
        image.crop((width - down, across, width, bottom)),
    ]


def _white_pixels(band):
    """How many pixels have every channel at least WHITE_PIXEL."""
    red, green, blue = band.split()
    darkest = ImageChops.darker(ImageChops.darker(red, green), blue)
    return darkest.point(lambda v: 255 if v >= WHITE_PIXEL else 0).histogram()[255]
