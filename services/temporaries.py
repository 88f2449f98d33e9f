"""Uploads of people not logged in (a unit's 授权委托证明 on a registration form that came back with errors).

They are held in a folder of their own, under a total size cap and an age limit, swept on every use, until the
form is valid and the file is stored for its new owner: an anonymous visitor cannot fill the disk.
"""
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from services import storage
from services.txn import on_commit

SALT = "upload-temporary"


@dataclass(frozen=True)
class Temporary:
    """A checked upload held under `name` in the temporaries folder; `original_name` is what the user chose."""

    name: str
    original_name: str


def _files(root):
    """(path, size, mtime) of each temporary, oldest first; one swept away meanwhile by another request is skipped."""
    found = []
    for path in root.iterdir():
        try:
            info = path.stat()
        except FileNotFoundError:
            continue
        found.append((path, info.st_size, info.st_mtime))
    return sorted(found, key=lambda item: item[2])


def sweep(root, max_bytes, max_age, incoming=0):
    """Remove the temporaries older than `max_age` seconds, then the oldest until `incoming` more bytes fit the cap."""
    now, kept = time.time(), []
    for path, size, mtime in _files(root):
        if now - mtime > max_age:
            path.unlink(missing_ok=True)
        else:
            kept.append((path, size))
    total = sum(size for _, size in kept)
    for path, size in kept:
        if total + incoming <= max_bytes:
            break
        path.unlink(missing_ok=True)
        total -= size


def hold(data, filename, rule, root, max_bytes, max_age):
    """Check an anonymous upload and hold it as a Temporary (after sweeping to make room under the cap)."""
    storage.check(data, filename, rule)
    root = storage.folder(root)
    sweep(root, max_bytes, max_age, incoming=len(data))
    temporary = Temporary(secrets.token_hex(16), Path(filename or "未命名").name[:255])
    (root / temporary.name).write_bytes(data)
    return temporary


def token_for(temporary, secret):
    return URLSafeTimedSerializer(secret, salt=SALT).dumps([temporary.name, temporary.original_name])


def from_token(token, secret, root, max_age):
    """The Temporary a token_for() token names, or None when forged, too old or already swept away."""
    if not token:
        return None
    try:
        name, original_name = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    if not (Path(root) / name).is_file():
        return None
    return Temporary(name, original_name)


def keep(temporary, rule, root, upload_root):
    """Store a Temporary as a StoredFile in the caller's transaction; the temporary goes once that commits."""
    path = Path(root) / temporary.name
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise storage.UploadError(f"之前上传的“{temporary.original_name}”已过期并被清理，请重新选择文件。") from None
    stored = storage.save(data, temporary.original_name, rule, upload_root)
    on_commit(lambda: path.unlink(missing_ok=True))
    return stored
