"""承诺书签名 (step 2): a PNG data URL from a finger-drawn canvas; blank or near-blank signatures are refused."""
import re
import struct
import zlib
from base64 import b64encode
from io import BytesIO

import pytest
from PIL import Image, ImageDraw

from services.signature import SignatureError, check_signature

TRANSPARENT = (0, 0, 0, 0)
WHITE = (255, 255, 255, 255)
BLACK = (0, 0, 0, 255)
# "张三" in strokes, in fractions of the box: (x0, y0, x1, y1, …) polylines.
STROKES = [
    (0.08, 0.25, 0.22, 0.25, 0.20, 0.50, 0.08, 0.50),
    (0.08, 0.50, 0.24, 0.52, 0.22, 0.85, 0.15, 0.80),
    (0.13, 0.15, 0.13, 0.50),
    (0.30, 0.15, 0.30, 0.90),
    (0.26, 0.40, 0.42, 0.38),
    (0.30, 0.55, 0.44, 0.85),
    (0.40, 0.20, 0.32, 0.35),
    (0.58, 0.25, 0.82, 0.23),
    (0.62, 0.52, 0.80, 0.50),
    (0.55, 0.82, 0.92, 0.80),
]


@pytest.fixture(autouse=True)
def data():
    """These rules need no database: skip the per-test reference data."""
    yield


def canvas(width=600, height=200, paper=TRANSPARENT):
    """What the signing page's canvas is before the pen touches it: transparent, or filled white."""
    return Image.new("RGBA", (width, height), paper)


def signed(width=600, height=200, paper=TRANSPARENT, ink=BLACK):
    """The canvas with "张三" written across most of it, the pen about 1/150 of the width (4 px at 600)."""
    image = canvas(width, height, paper)
    draw = ImageDraw.Draw(image)
    for stroke in STROKES:
        points = [(x * width, y * height) for x, y in zip(stroke[::2], stroke[1::2], strict=True)]
        draw.line(points, fill=ink, width=max(2, round(width / 150)), joint="curve")
    return image


def as_png(image):
    buffer = BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


def data_url(content, media="image/png"):
    if isinstance(content, Image.Image):
        content = as_png(content)
    return f"data:{media};base64,{b64encode(content).decode()}"


def refusal(url):
    with pytest.raises(SignatureError) as caught:
        check_signature(url)
    return str(caught.value)


def padded_png(image, size):
    """`image` as a PNG of exactly `size` bytes, by a private ancillary chunk before IEND."""
    png = as_png(image)
    body = b"x" * (size - len(png) - 12)
    chunk = struct.pack(">I", len(body)) + b"paDd" + body + struct.pack(">I", zlib.crc32(b"paDd" + body))
    return png[:-12] + chunk + png[-12:]


@pytest.mark.parametrize(
    ("width", "height", "paper", "ink"),
    [
        (600, 200, TRANSPARENT, BLACK),
        (600, 200, WHITE, BLACK),
        (600, 200, TRANSPARENT, (20, 40, 160, 255)),  # a blue pen
        (1800, 600, TRANSPARENT, BLACK),  # a phone at devicePixelRatio 3
        (100, 50, WHITE, BLACK),  # the smallest box
        (2000, 2000, WHITE, BLACK),  # the largest box
    ],
)
def test_a_name_written_across_the_box_is_accepted_and_returned_as_png(width, height, paper, ink):
    png = as_png(signed(width, height, paper, ink))
    assert check_signature(data_url(png)) == png


@pytest.mark.parametrize("paper", [TRANSPARENT, WHITE, (0, 0, 0, 0), (255, 255, 255, 0)])
def test_a_blank_canvas_is_refused(paper):
    assert refusal(data_url(canvas(paper=paper))) == "未检测到签名，请在框内签名后再提交。"


def test_marks_that_would_not_show_on_paper_are_not_ink():
    image = signed(ink=(0, 0, 0, 40))  # 16 % opaque: lighter than 200 on white
    ImageDraw.Draw(image).line((0, 100, 599, 100), fill=(240, 240, 240, 255), width=30)  # near-white
    assert refusal(data_url(image)) == "未检测到签名，请在框内签名后再提交。"


def coverage(message):
    return re.search(r"笔迹覆盖 (\d+\.\d\d)%", message).group(1)


def test_a_dot_is_refused_naming_its_coverage():
    image = canvas()
    ImageDraw.Draw(image).ellipse((297, 97, 303, 103), fill=BLACK)
    message = refusal(data_url(image))
    assert message == f"签名过于简单（笔迹覆盖 {coverage(message)}%，要求至少 0.5%），请用手指在框内正楷签名。"
    assert coverage(message) == "0.03"  # 37 of 120 000 pixels


def test_a_thin_short_line_is_refused():
    image = canvas()
    ImageDraw.Draw(image).line((250, 100, 330, 100), fill=BLACK, width=2)
    assert refusal(data_url(image)).startswith("签名过于简单（笔迹覆盖 0.13%，要求至少 0.5%）")


def test_a_long_single_dash_is_refused_as_too_small_in_height():
    image = canvas()
    ImageDraw.Draw(image).line((30, 100, 570, 100), fill=BLACK, width=4)
    assert refusal(data_url(image)) == (
        "签名过小（笔迹只占签名框宽度的 90%、高度的 2%，要求至少 20% 和 10%），请用手指在框内正楷签名。"
    )


def cross(pixels):
    """A 150×150 cross of 2-px bars: 600 ink pixels (0.5 % of 600×200), less one per pixel in `pixels` erased."""
    image = canvas()
    draw = ImageDraw.Draw(image)
    draw.rectangle((100, 20, 249, 21), fill=BLACK)  # 150×2
    draw.rectangle((100, 22, 101, 171), fill=BLACK)  # 2×150
    for point in pixels:
        image.putpixel(point, TRANSPARENT)
    return image


@pytest.mark.parametrize(
    ("erased", "message"),
    [
        ((), None),
        (((200, 20),), "签名过于简单（笔迹覆盖 0.49%，要求至少 0.5%），请用手指在框内正楷签名。"),
    ],
)
def test_ink_must_cover_half_a_percent_of_the_box(erased, message):
    url = data_url(cross(erased))
    if message is None:
        assert check_signature(url)
    else:
        assert refusal(url) == message


@pytest.mark.parametrize(
    ("span", "message"),
    [
        ((120, 20), None),  # exactly 20 % of 600 and 10 % of 200
        ((119, 20), "签名过小（笔迹只占签名框宽度的 19%、高度的 10%，要求至少 20% 和 10%），请用手指在框内正楷签名。"),
        ((120, 19), "签名过小（笔迹只占签名框宽度的 20%、高度的 9%，要求至少 20% 和 10%），请用手指在框内正楷签名。"),
    ],
)
def test_ink_must_spread_over_a_fifth_of_the_width_and_a_tenth_of_the_height(span, message):
    image = canvas()
    ImageDraw.Draw(image).rectangle((200, 80, 200 + span[0] - 1, 80 + span[1] - 1), fill=BLACK)
    url = data_url(image)
    if message is None:
        assert check_signature(url)
    else:
        assert refusal(url) == message


@pytest.mark.parametrize(
    ("width", "height"),
    [(2001, 600), (600, 2001), (99, 50), (100, 49), (40, 20)],
)
def test_boxes_too_big_or_too_small_are_refused_naming_their_size(width, height):
    message = refusal(data_url(signed(width, height)))
    if width > 2000 or height > 2000:
        assert message == f"签名图片 {width}×{height} 像素，超过 2000×2000 上限，请重新签名。"
    else:
        assert message == f"签名图片 {width}×{height} 像素，至少应为 100×50，请重新签名。"


@pytest.mark.parametrize(
    ("size", "accepted"),
    [(512 * 1024 - 1, True), (512 * 1024, True), (512 * 1024 + 1, False), (700 * 1024, False)],
)
def test_at_most_512_kb(size, accepted):
    png = padded_png(signed(), size)
    assert len(png) == size
    if accepted:
        assert check_signature(data_url(png)) == png
    else:
        assert refusal(data_url(png)) == (
            f"签名图片 {size / 1024:.1f} KB（{size} 字节），超过 512 KB 上限，请清除后重新签名。"
        )


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("", "未收到签名，请在框内签名后再提交。"),
        (None, "未收到签名，请在框内签名后再提交。"),
        ("张三", "签名应为 PNG 图片（data:image/png;base64），收到的是“非图片数据”，请重新签名。"),
        ("data:text/plain,hello", "签名应为 PNG 图片（data:image/png;base64），收到的是“text/plain”，请重新签名。"),
        ("data:image/png;base64,!!!!", "签名数据无法解码（base64 格式错误），请重新签名。"),
        ("data:image/png;base64,iVBORw0KGgo", "签名数据无法解码（base64 格式错误），请重新签名。"),
        (data_url(bytes(range(256)) * 4), "签名图片的内容不是 PNG，请重新签名。"),
        (data_url(b"\x89PNG\r\n\x1a\n" + b"\x07" * 500), "签名图片已损坏，无法读取，请重新签名。"),
        (data_url(as_png(signed())[:800]), "签名图片不完整或已损坏，无法读取，请重新签名。"),
    ],
    ids=["empty", "none", "text", "other-data-url", "bad-base64", "unpadded-base64", "garbage", "png-magic-garbage",
         "truncated"],
)
def test_garbage_is_refused(url, message):
    assert refusal(url) == message


def test_a_jpeg_is_refused_whether_declared_or_disguised():
    buffer = BytesIO()
    signed(paper=WHITE).convert("RGB").save(buffer, "JPEG")
    jpeg = buffer.getvalue()
    assert refusal(data_url(jpeg, "image/jpeg")) == (
        "签名应为 PNG 图片（data:image/png;base64），收到的是“image/jpeg;base64”，请重新签名。"
    )
    assert refusal(data_url(jpeg)) == "签名图片的内容不是 PNG，请重新签名。"


def test_the_data_url_prefix_is_read_case_insensitively_and_surrounding_space_ignored():
    png = as_png(signed())
    assert check_signature("  DATA:image/PNG;base64," + b64encode(png).decode() + "\n") == png
