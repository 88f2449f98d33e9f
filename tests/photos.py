"""Test pictures: a 证件照-like drawing (white backdrop, dark head and shoulders) as JPEG of an exact byte size, or PNG."""
from io import BytesIO

from PIL import Image, ImageDraw

WHITE = (255, 255, 255)
BLUE = (67, 142, 219)  # the usual blue backdrop of 证件照
DARK = (40, 30, 30)
DEFAULT_SIZE = 50 * 1024  # comfortably inside the rule (> 30 KB, < 1 MB)
COM = b"\xff\xfe"  # JPEG comment marker; its 2-byte length counts itself
MAX_SEGMENT = 2 + 65535
EXIF_ORIENTATION = 0x0112


def portrait(width=300, height=400, background=WHITE):
    """A head and shoulders in the middle, clear of the border, on `background`."""
    image = Image.new("RGB", (width, height), background)
    draw = ImageDraw.Draw(image)
    draw.ellipse((width * 0.3, height * 0.12, width * 0.7, height * 0.6), fill=DARK)
    draw.rectangle((width * 0.08, height * 0.7, width * 0.92, height), fill=DARK)  # shoulders leave the frame
    return image


def jpeg(width=300, height=400, background=WHITE, size=None, turned=False):
    """`portrait` as a JPEG of exactly `size` bytes (default 50 KB); see `as_jpeg` for `turned`."""
    return as_jpeg(portrait(width, height, background), size, turned)


def as_jpeg(image, size=None, turned=False):
    """`image` as a JPEG of exactly `size` bytes (default 50 KB), padded with comment segments.

    `turned`: stored lying on its side with EXIF orientation 6 (show turned a quarter clockwise), as phones do.
    """
    exif = Image.Exif()
    if turned:
        image = image.transpose(Image.Transpose.ROTATE_90)
        exif[EXIF_ORIENTATION] = 6
    buffer = BytesIO()
    image.save(buffer, "JPEG", quality=90, exif=exif)
    return padded(buffer.getvalue(), size or max(DEFAULT_SIZE, len(buffer.getvalue())))


def padded(data, size):
    """`data` (a JPEG) grown to exactly `size` bytes by comment segments after its APPn segments."""
    missing = size - len(data)
    if missing < 0 or 0 < missing < 4:
        raise ValueError(f"cannot pad a {len(data)}-byte JPEG to {size} bytes")
    position = 2
    while data[position + 1] & 0xF0 == 0xE0:  # APP0…APP15 stay first (JFIF, Exif)
        position += 2 + int.from_bytes(data[position + 2:position + 4], "big")
    segments = []
    while missing:
        length = min(missing, MAX_SEGMENT)
        if 0 < missing - length < 4:
            length -= 4
        segments.append(COM + (length - 2).to_bytes(2, "big") + b"x" * (length - 4))
        missing -= length
    return data[:position] + b"".join(segments) + data[position:]


def truncated(data):
    """The JPEG with the second half of its compressed picture data cut off."""
    start = data.rindex(b"\xff\xda")
    return data[: start + (len(data) - start) // 2]


def with_dimensions(data, width, height):
    """The JPEG with its frame header claiming `width`×`height` (the picture data is left as it is)."""
    frame = data.index(b"\xff\xc0")
    return data[: frame + 5] + height.to_bytes(2, "big") + width.to_bytes(2, "big") + data[frame + 9:]


def encoded(kind, width=300, height=400, background=WHITE):
    """The same drawing in another format: PNG, GIF, BMP, WEBP, TIFF."""
    buffer = BytesIO()
    portrait(width, height, background).save(buffer, kind)
    return buffer.getvalue()


def png(width=300, height=400, background=WHITE):
    return encoded("PNG", width, height, background)
