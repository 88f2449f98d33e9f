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


def pdf(size=None):
    """A PDF (by content) of exactly `size` bytes."""
    return _padded(b"%PDF-1.4\n1 0 obj <<>> endobj\n%", b"\n%%EOF\n", size)


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
