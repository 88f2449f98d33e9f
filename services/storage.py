"""Uploads: checked by content (never by name), bounded in size, stored with random names in the upload folder, or in
object storage when STORAGE_URL is set (services/filestore.py holds the bytes either way).

Images are decoded to the last pixel; PDFs are parsed (pypdf) and refused when they carry JavaScript, automatic
actions or web-page code."""
import hashlib
import logging
import re
import secrets
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError
from pypdf import PdfReader
from pypdf.errors import FileNotDecryptedError
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject

from models import StoredFile
from services import filestore
from services.txn import atomic, on_rollback

MB = 1024 * 1024
PDF, JPEG, PNG = "application/pdf", "image/jpeg", "image/png"
TYPE_LABELS = {PDF: "PDF", JPEG: "JPEG", PNG: "PNG"}
SIGNATURES = ((b"%PDF-", PDF), (b"\xff\xd8\xff", JPEG), (b"\x89PNG\r\n\x1a\n", PNG))


class UploadError(ValueError):
    pass


@dataclass(frozen=True)
class UploadRule:
    """Which types (by content) and how many bytes an upload may have."""

    types: tuple
    max_bytes: int

    def describe(self):
        return "、".join(TYPE_LABELS[t] for t in self.types) + f"，不超过 {self.max_bytes // MB} MB"


LETTER = UploadRule((PDF, JPEG), 10 * MB)  # 授权委托证明
ATTACHMENT = UploadRule((PDF, JPEG, PNG), 20 * MB)  # 业绩档案附件, application attachments
PHOTO = UploadRule((JPEG,), 1 * MB)  # 证件照 (services/photo.py checks the rest)
SIGNATURE = UploadRule((PNG,), 1 * MB)  # the pledge's signature image


def sniff(data):
    """The content type the bytes really are (PDF, JPEG or PNG), or None."""
    for signature, content_type in SIGNATURES:
        if data.startswith(signature):
            return content_type
    return None


def _check_image(data, content_type):
    """verify() checks the structure (PNG checksums); load() decodes every pixel, which a truncated JPEG fails."""
    try:
        with Image.open(BytesIO(data)) as image:
            image.verify()
            if image.format not in ({"JPEG", "MPO"} if content_type == JPEG else {TYPE_LABELS[content_type]}):
                raise UploadError("图片内容与其格式标记不符。")
        with Image.open(BytesIO(data)) as image:
            image.load()
    except Image.DecompressionBombError:
        raise UploadError("图片像素数过大（疑似异常文件），请缩小图片尺寸后重新上传。") from None
    except (UnidentifiedImageError, OSError, SyntaxError) as error:
        raise UploadError(f"图片文件已损坏或不完整，无法打开（{type(error).__name__}）。") from None


def check(data, filename, rule):
    """The content type of an acceptable upload; UploadError naming the rule and the measured value otherwise."""
    if not data:
        raise UploadError(f"文件“{filename}”是空文件。")
    if len(data) > rule.max_bytes:
        raise UploadError(f"文件“{filename}”大小为 {len(data) / MB:.1f} MB，超过上限 {rule.max_bytes // MB} MB。")
    content_type = sniff(data)
    if content_type not in rule.types:
        found = TYPE_LABELS.get(content_type, "无法识别的格式")
        raise UploadError(f"文件“{filename}”的实际内容是{found}，只接受 {rule.describe()}（按文件内容判断，不看扩展名）。")
    if content_type != PDF:
        _check_image(data, content_type)
    elif b"%%EOF" not in data[-2048:]:
        raise UploadError(f"PDF 文件“{filename}”不完整（缺少文件结束标记），请重新导出后上传。")
    else:
        _check_pdf(data, filename)
    return content_type


# Keys whose presence means the PDF runs something when opened or used: JavaScript (/JS, the /JavaScript name tree),
# additional actions on open/close/page/field events (/AA); and actions (/S) that run scripts or programs.
ACTIVE_KEYS = {"/JS", "/JavaScript", "/AA"}
ACTIVE_ACTIONS = {"/JavaScript", "/Launch", "/ImportData", "/SubmitForm", "/RichMediaExecute"}
# Web-page code where a browser sniffing the type would look (the first 1024 bytes): a PDF/HTML polyglot. Further
# in, a browser never looks: files are served as their checked type with nosniff (blueprints/files.py).
WEB_CODE = re.compile(rb"<\s*(!doctype|html|head|body|script|iframe|svg|object|embed)\b", re.IGNORECASE)
SNIFFED_BYTES = 1024


def _check_pdf(data, filename):
    """A PDF that pypdf parses to at least one page, with no active content and no web-page code where it is sniffed."""
    found = WEB_CODE.search(data, 0, SNIFFED_BYTES)
    if found:
        raise UploadError(f"PDF 文件“{filename}”中夹带网页代码（{found.group(0).decode('latin-1')}…），不予接收。")
    try:
        reader = PdfReader(BytesIO(data), strict=False)
        if not len(reader.pages):
            raise UploadError(f"PDF 文件“{filename}”没有页面，请重新导出后上传。")
        active = _active_content(reader.trailer)
    except UploadError:
        raise
    except FileNotDecryptedError:
        raise UploadError(f"PDF 文件“{filename}”设有打开密码，请去除密码后重新上传。") from None
    except Exception as error:  # noqa: BLE001 - whatever a malformed PDF makes the parser raise, the file is refused
        logging.getLogger(__name__).info("PDF refused: %r", error)
        raise UploadError(f"PDF 文件“{filename}”无法解析（{type(error).__name__}），请用正规软件重新导出后上传。") from None
    if active:
        raise UploadError(f"PDF 文件“{filename}”含有脚本或自动执行的动作（{active}），不予接收。请打印为 PDF 后重新上传。")


def _active_content(trailer):
    """The first key or action of the document (walked from its trailer) that runs something, or None."""
    seen, stack = set(), [trailer]
    while stack:
        node = stack.pop()
        if isinstance(node, IndirectObject):
            if node.idnum in seen:
                continue
            seen.add(node.idnum)
            node = node.get_object()
        if isinstance(node, DictionaryObject):
            if ACTIVE_KEYS & set(node) or node.get("/S") in ACTIVE_ACTIONS:
                return next(iter(ACTIVE_KEYS & set(node)), None) or str(node.get("/S"))
            stack.extend(node.values())
        elif isinstance(node, ArrayObject):
            stack.extend(node)
    return None


def location(config):
    """Where stored files go: the bucket STORAGE_URL names, else the UPLOAD_FOLDER folder."""
    return config.get("STORAGE_URL") or config["UPLOAD_FOLDER"]


def temporaries_location(config):
    """Where anonymous uploads wait (services/temporaries.py): beside the stored files, so every app host sees them."""
    url = config.get("STORAGE_URL")
    return filestore.under(url, "upload-tmp") if url else config["UPLOAD_TEMP_FOLDER"]


def save(data, filename, rule, place, uploaded_by=None):
    """Check and store an upload at `place` (location()); returns the StoredFile. If its transaction rolls back, the
    bytes are removed too."""
    return store(data, filename or "未命名", check(data, filename, rule), place, uploaded_by)


def store(data, filename, content_type, place, made_by=None):
    """Keep checked bytes, or a file the platform made itself (a batch of documents), under a random name."""
    files, name = filestore.open_store(place), secrets.token_hex(16)
    with atomic():
        on_rollback(partial(files.delete, name))
        files.put(name, data)
        return StoredFile.create(
            stored_name=name, original_name=Path(filename).name[:255], content_type=content_type,
            size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=made_by,
        )


def read(stored, place):
    """A stored file's bytes, or None when they are missing."""
    return filestore.open_store(place).get(stored.stored_name)


def send(stored, place, **options):
    """A response streaming a stored file (send_file's options), or None when its bytes are missing."""
    return filestore.open_store(place).send(stored.stored_name, mimetype=stored.content_type, **options)


def token_for(stored, secret):
    """A signed reference to an accepted upload, so a form that comes back with errors need not ask for it again."""
    from itsdangerous import URLSafeTimedSerializer

    return URLSafeTimedSerializer(secret, salt="upload").dumps(stored.id)


def from_token(token, secret, max_age=86400):
    """The StoredFile a token_for() token names, or None when it is missing, forged or older than a day."""
    from itsdangerous import BadSignature, URLSafeTimedSerializer

    if not token:
        return None
    try:
        file_id = URLSafeTimedSerializer(secret, salt="upload").loads(token, max_age=max_age)
    except BadSignature:
        return None
    return StoredFile.get_or_none(StoredFile.id == file_id)


def used_bytes(user):
    """Bytes a user has uploaded so far (counted against their quota)."""
    from peewee import fn

    return StoredFile.select(fn.COALESCE(fn.SUM(StoredFile.size), 0)).where(StoredFile.uploaded_by == user).scalar()
