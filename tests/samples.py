"""Sample uploads of exact sizes, valid 统一社会信用代码, and units, staff and achievements in a given state."""
from io import BytesIO

from PIL import Image

from models import Achievement, AchievementKind, AchievementStatus, Role, User
from services import storage
from tests.conftest import PASSWORD, make_applicant, make_user
from workflow import units as workflow_units

MB = 1024 * 1024
_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"


def credit_code(first17):
    """A 统一社会信用代码 with its GB 32100 check character, computed here independently of the service."""
    total = sum(_ALPHABET.index(c) * 3 ** i % 31 for i, c in enumerate(first17))
    return first17 + _ALPHABET[-total % 31]


CODE_A = credit_code("91330602MA2B3C4D5")
CODE_B = credit_code("91330603MA7E8F9G0")


def _padded(head, tail, size):
    if size is None:
        return head + tail
    assert size >= len(head) + len(tail)
    return head + b"0" * (size - len(head) - len(tail)) + tail


def pdf_file(objects, head=b""):
    """A PDF of these numbered objects (1 is the catalog) with its cross-reference table."""
    out, offsets = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n" + head), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def pdf(size=None, catalog=b"", page=b"", objects=(), head=b""):
    """A one-page PDF that pypdf parses, of exactly `size` bytes (an unused stream fills the difference).

    `catalog` and `page` add entries to those dictionaries, `objects` more objects (numbered from 5), `head` bytes
    right after the header."""
    def build(padding):
        return pdf_file([b"<< /Type /Catalog /Pages 2 0 R %s>>" % catalog,
                          b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
                          b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s>>" % page,
                          b"<< /Length %d >>\nstream\n%s\nendstream" % (padding, b"0" * padding), *objects], head)
    padding = 0
    while size is not None and len(build(padding)) != size:
        padding += size - len(build(padding))
        assert padding >= 0, f"a PDF cannot be as small as {size} bytes"
    return build(padding)


def _image(fmt, size):
    out = BytesIO()
    Image.new("RGB", (60, 40), "white").save(out, fmt)
    data = out.getvalue()
    return data if size is None else data + b"\0" * (size - len(data))  # trailing bytes after the end marker


def jpeg(size=None):
    return _image("JPEG", size)


def png(size=None):
    return _image("PNG", size)


def text(size=None):
    return _padded(b"This is a plain text file, not a scan.\n", b"", size)


def upload(data, name):
    """A (stream, filename) pair as the test client posts a file."""
    return BytesIO(data), name


def unit_form(**overrides):
    """The fields of the unit registration form, valid unless overridden."""
    from tests.conftest import region

    return {
        "name": "绍兴越城建工有限公司", "credit_code": CODE_A, "region": region("越城区").id,
        "ownership": "private", "industry_tag": "", "files_at_talent_centre": "no",
        "contact_name": "王人事", "contact_mobile": "13700000011", "password": PASSWORD, "password2": PASSWORD,
        **overrides,
    }


def register_unit(app, *, approve=True, name="绍兴越城建工有限公司", code=CODE_A, mobile="13700000011",
                  region_name="越城区"):
    """A unit registered through the service with a PDF letter, approved by an administrator unless told not to."""
    from tests.conftest import region

    data = {**unit_form(name=name, credit_code=code, contact_mobile=mobile), "region": region(region_name).id}
    with app.test_request_context():
        letter = storage.save(pdf(), "授权委托证明.pdf", storage.LETTER, app.config["UPLOAD_FOLDER"])
        unit, contact = workflow_units.register_unit(data, PASSWORD, letter)
        if approve:
            workflow_units.approve_unit(unit, User.get_or_none(User.role == Role.ADMIN) or make_user(Role.ADMIN, "root"))
    return unit, contact


def staff_of(unit, mobile="13900000001", id_number=None, name="张三"):
    """An applicant who works at `unit`."""
    from tests.conftest import ID_MALE

    person = make_applicant(mobile=mobile, id_number=id_number or ID_MALE, name=name)
    person.organisation = unit
    person.save()
    return person


def achievement(owner, title="越城区某住宅小区工程", status=AchievementStatus.PENDING, kind=AchievementKind.PROJECT):
    return Achievement.create(owner=owner, kind=kind, title=title, status=status)
