"""证件照 (step 1): JPEG by content; > 30 KB and < 1 MB; wider than 215 and taller than 300 px;
width/height 0.65–0.80 inclusive; white background. Each refusal names the rule and the measured value."""
import re
from io import BytesIO

import pytest
from PIL import Image, ImageDraw

from services.photo import MAX_BYTES, RULES_TEXT, PhotoError, PhotoInfo, check_photo
from tests.photos import BLUE, as_jpeg, encoded, jpeg, png, portrait, truncated, with_dimensions


@pytest.fixture(autouse=True)
def data():
    """These rules need no database: skip the per-test reference data."""
    yield


def refusal(data):
    with pytest.raises(PhotoError) as caught:
        check_photo(data)
    return str(caught.value)


def test_a_white_background_portrait_is_accepted():
    photo = jpeg(300, 400, size=50 * 1024)
    assert check_photo(photo) == PhotoInfo(width=300, height=400, size=50 * 1024, ratio=0.75)


def test_the_padding_helper_gives_exact_sizes_that_still_open():
    for size in (30721, 200_000, 1048575):
        photo = jpeg(size=size)
        assert len(photo) == size
        assert Image.open(BytesIO(photo)).size == (300, 400)


@pytest.mark.parametrize(
    ("size", "accepted", "shown"),
    [
        (30 * 1024 - 500, False, "29.5 KB（30220 字节）"),
        (30 * 1024, False, "30.0 KB（30720 字节）"),
        (30 * 1024 + 1, True, None),
        (1024 * 1024 - 1, True, None),
        (1024 * 1024, False, "1.00 MB（1048576 字节）"),
        (1024 * 1024 + 100_000, False, "1.10 MB（1148576 字节）"),
    ],
)
def test_file_size_must_be_over_30_kb_and_under_1_mb(size, accepted, shown):
    photo = jpeg(size=size)
    if accepted:
        assert check_photo(photo).size == size
    else:
        assert refusal(photo) == f"文件大小 {shown}，要求大于 30 KB 且小于 1 MB"


@pytest.mark.parametrize(
    ("width", "height", "accepted"),
    [
        (215, 300, False),
        (215, 301, False),
        (216, 300, False),
        (216, 301, True),
        (150, 200, False),
    ],
)
def test_width_over_215_and_height_over_300_pixels(width, height, accepted):
    photo = jpeg(width, height)
    if accepted:
        assert (check_photo(photo).width, check_photo(photo).height) == (width, height)
    else:
        assert refusal(photo) == f"图片尺寸 {width}×{height} 像素，要求宽大于 215 像素、高大于 300 像素"


@pytest.mark.parametrize(
    ("width", "height", "shown"),
    [
        (649, 1000, "0.649"),
        (650, 1000, None),
        (800, 1000, None),
        (801, 1000, "0.801"),
        (260, 400, None),  # 0.65 exactly, from other numbers
        (320, 400, None),  # 0.80 exactly
        (248, 400, "0.62"),
        (400, 400, "1.00"),
        (600, 450, "1.33"),  # a landscape picture
        (1949, 3000, "0.6497"),  # as many decimals as it takes not to read as the bound
    ],
)
def test_width_to_height_ratio_between_065_and_080_inclusive(width, height, shown):
    photo = jpeg(width, height, size=300 * 1024)
    if shown is None:
        assert check_photo(photo).ratio == width / height
    else:
        assert refusal(photo) == f"宽高比 {shown}（{width}×{height} 像素），要求 0.65–0.80"


@pytest.mark.parametrize(
    ("content", "kind"),
    [
        (png(), "PNG"),
        (encoded("GIF"), "GIF"),
        (encoded("BMP"), "BMP"),
        (encoded("TIFF"), "TIFF"),
        (encoded("WEBP"), "WEBP"),
        (b"%PDF-1.7\n" + b"0" * 40_000, "PDF"),
        (bytes(range(256)) * 200, "无法识别的格式"),
    ],
)
def test_only_jpeg_content_is_accepted_whatever_the_file_is_called(content, kind):
    assert refusal(content) == f"照片实际内容是 {kind}，只接受 JPEG（按文件内容判断，不看扩展名）"


def test_an_empty_file_is_refused():
    assert refusal(b"") == "照片文件是空的，请重新选择。"


def test_jpeg_magic_bytes_followed_by_garbage_are_refused():
    assert refusal(b"\xff\xd8\xff\xe0" + b"\x13" * 50_000) == "照片文件已损坏，无法作为 JPEG 图片读取，请重新导出后上传"


def test_a_truncated_jpeg_is_refused():
    photo = truncated(jpeg(size=80 * 1024))
    assert refusal(photo) == "照片文件不完整或已损坏，无法读取图像内容，请重新导出后上传"


def test_pictures_of_more_than_40_million_pixels_are_refused_before_decoding():
    message = refusal(with_dimensions(jpeg(), 6000, 8000))
    assert message == "图片尺寸 6000×8000 像素（4800 万像素），上限为 4000 万像素，请缩小后上传"


def test_pictures_just_under_40_million_pixels_pass_the_dimension_rules():
    # 5400×7200 = 3888 万: the frame header is believed; the 300×400 picture data then decodes as grey.
    assert refusal(with_dimensions(jpeg(), 5400, 7200)).startswith("背景不是白色")


def test_pillows_own_decompression_bomb_limit_is_reported_as_too_many_pixels():
    assert refusal(with_dimensions(jpeg(), 15000, 20000)).startswith("图片像素数超过 17895 万，上限为 4000 万像素")


@pytest.mark.parametrize("mode", ["L", "CMYK"])
def test_grey_and_cmyk_jpegs_are_judged_like_colour_ones(mode):
    assert check_photo(as_jpeg(portrait().convert(mode))).width == 300


def test_an_mpo_from_a_phone_camera_is_a_jpeg():
    buffer = BytesIO()
    portrait().save(buffer, "MPO", save_all=True, append_images=[portrait(150, 200)])
    photo = buffer.getvalue() + b"\0" * (50 * 1024 - len(buffer.getvalue()))  # trailing bytes keep MPF offsets
    assert Image.open(BytesIO(photo)).format == "MPO"
    assert check_photo(photo).size == 50 * 1024


def test_a_phone_photo_stored_on_its_side_is_judged_as_shown():
    photo = jpeg(300, 400, turned=True)
    assert Image.open(BytesIO(photo)).size == (400, 300)
    info = check_photo(photo)
    assert (info.width, info.height, info.ratio) == (300, 400, 0.75)


def measured_colour(message):
    match = re.search(r"RGB\((\d+), (\d+), (\d+)\)", message)
    assert match, message
    return tuple(int(value) for value in match.groups())


@pytest.mark.parametrize(
    "background",
    [BLUE, (200, 30, 30), (200, 200, 200), (216, 216, 216), (255, 255, 200)],
    ids=["blue", "red", "grey", "just-too-grey", "yellowish"],
)
def test_a_backdrop_that_is_not_white_is_refused_naming_its_colour(background):
    message = refusal(jpeg(background=background))
    assert message.startswith("背景不是白色：照片顶部和两侧上部边缘的平均颜色 RGB(")
    assert message.endswith("要求各通道平均值不低于 220（请使用白色背景的证件照）")
    assert all(abs(got - want) <= 2 for got, want in zip(measured_colour(message), background, strict=True))


@pytest.mark.parametrize("background", [(224, 224, 224), (240, 240, 235), (255, 255, 255)])
def test_a_white_or_near_white_backdrop_is_accepted(background):
    assert check_photo(jpeg(background=background)).height == 400


def test_a_shadow_down_one_side_is_refused_even_when_the_average_is_light():
    image = portrait()
    ImageDraw.Draw(image).rectangle((0, 0, 59, 399), fill=(190, 190, 190))  # left 20 %
    # Judged: top band 300×12 (60×12 grey), side bands 9×228 each (the left one grey): 2772 of 7704 are grey.
    message = refusal(as_jpeg(image))
    assert message.startswith("背景不是白色：照片顶部和两侧上部边缘只有 ")
    assert message.endswith("% 的像素接近白色，要求至少 90%（请使用白色背景的证件照）")
    assert abs(int(re.search(r"只有 (\d+)%", message).group(1)) - 64) <= 2


def test_a_dark_band_across_the_top_is_refused():
    image = portrait()
    ImageDraw.Draw(image).rectangle((0, 0, 299, 20), fill=(60, 50, 40))
    assert refusal(as_jpeg(image)).startswith("背景不是白色：")


def test_a_little_hair_touching_the_top_edge_is_tolerated():
    image = portrait()
    ImageDraw.Draw(image).ellipse((120, -30, 165, 40), fill=(40, 30, 30))
    assert check_photo(as_jpeg(image)).width == 300


def test_shoulders_filling_the_bottom_edge_are_not_backdrop():
    image = portrait()
    ImageDraw.Draw(image).rectangle((0, 260, 299, 399), fill=(20, 20, 60))
    assert check_photo(as_jpeg(image)).width == 300


def test_the_checks_come_in_order_type_size_dimensions_ratio_background():
    assert refusal(png(100, 100, background=BLUE)).startswith("照片实际内容是 PNG")
    assert refusal(jpeg(100, 100, background=BLUE, size=20 * 1024)).startswith("文件大小")
    assert refusal(jpeg(100, 100, background=BLUE)).startswith("图片尺寸")
    assert refusal(jpeg(400, 400, background=BLUE)).startswith("宽高比")
    assert refusal(jpeg(300, 400, background=BLUE)).startswith("背景不是白色")


def test_the_rules_text_lists_every_rule():
    for rule in ("JPEG", "按文件内容判断", "大于 30 KB 且小于 1 MB", "宽大于 215 像素、高大于 300 像素",
                 "0.65–0.80", "白色背景"):
        assert rule in RULES_TEXT


def test_a_bounded_read_of_a_large_jpeg_is_refused_by_its_real_size():
    head = jpeg(size=MAX_BYTES + 1)
    with pytest.raises(PhotoError, match=r"文件大小 3\.00 MB（3145728 字节）"):
        check_photo(head, size=3 * MAX_BYTES)
