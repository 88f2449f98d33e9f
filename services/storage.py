"""Uploads: checked by content (never by name), bounded in size, stored under the instance folder with random names."""
import hashlib
import secrets
from dataclasses import dataclass
from functools import partial
from io import BytesIO
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from models import StoredFile
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
    try:
        with Image.open(BytesIO(data)) as image:
            image.verify()
            if image.format not in ({"JPEG", "MPO"} if content_type == JPEG else {TYPE_LABELS[content_type]}):
                raise UploadError("图片内容与其格式标记不符。")
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
    return content_type


def folder(upload_root):
    path = Path(upload_root)
    path.mkdir(parents=True, exist_ok=True)
    return path


def save(data, filename, rule, upload_root, uploaded_by=None):
    """Check and store an upload; returns the StoredFile. If its transaction rolls back, the bytes are removed too."""
    content_type = check(data, filename, rule)
    path = folder(upload_root) / secrets.token_hex(16)
    with atomic():
        on_rollback(partial(path.unlink, missing_ok=True))
        path.write_bytes(data)
        return StoredFile.create(
            stored_name=path.name, original_name=Path(filename or "未命名").name[:255], content_type=content_type,
            size=len(data), sha256=hashlib.sha256(data).hexdigest(), uploaded_by=uploaded_by,
        )


def path_of(stored, upload_root):
    return Path(upload_root) / stored.stored_name


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
