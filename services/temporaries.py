"""Uploads of people not logged in (a unit's 授权委托证明 on a registration form that came back with errors).

They are held apart (a folder of their own, or the bucket's upload-tmp/ prefix with STORAGE_URL), under a total size
cap and an age limit, swept on every use, until the form is valid and the file is stored for its new owner: an
anonymous visitor cannot fill the disk.
"""
import secrets
import time
from dataclasses import dataclass
from functools import partial
from pathlib import Path

from itsdangerous import BadSignature, URLSafeTimedSerializer

from services import filestore, storage
from services.txn import on_commit

SALT = "upload-temporary"


@dataclass(frozen=True)
class Temporary:
    """A checked upload held under `name` in the temporaries folder; `original_name` is what the user chose."""

    name: str
    original_name: str


def sweep(files, max_bytes, max_age, incoming=0):
    """Remove the temporaries older than `max_age` seconds, then the oldest until `incoming` more bytes fit the cap."""
    now, kept = time.time(), []
    for entry in sorted(files.listing(), key=lambda entry: entry.modified):
        if now - entry.modified > max_age:
            files.delete(entry.name)
        else:
            kept.append(entry)
    total = sum(entry.size for entry in kept)
    for entry in kept:
        if total + incoming <= max_bytes:
            break
        files.delete(entry.name)
        total -= entry.size


def hold(data, filename, rule, place, max_bytes, max_age):
    """Check an anonymous upload and hold it as a Temporary at `place` (after sweeping to make room under the cap)."""
    storage.check(data, filename, rule)
    files = filestore.open_store(place)
    sweep(files, max_bytes, max_age, incoming=len(data))
    temporary = Temporary(secrets.token_hex(16), Path(filename or "未命名").name[:255])
    files.put(temporary.name, data)
    return temporary


def token_for(temporary, secret):
    return URLSafeTimedSerializer(secret, salt=SALT).dumps([temporary.name, temporary.original_name])


def from_token(token, secret, place, max_age):
    """The Temporary a token_for() token names, or None when forged, too old or already swept away."""
    if not token:
        return None
    try:
        name, original_name = URLSafeTimedSerializer(secret, salt=SALT).loads(token, max_age=max_age)
    except (BadSignature, ValueError, TypeError):
        return None
    if not filestore.open_store(place).exists(name):
        return None
    return Temporary(name, original_name)


def keep(temporary, rule, place, stored_place):
    """Store a Temporary as a StoredFile in the caller's transaction; the temporary goes once that commits."""
    files = filestore.open_store(place)
    data = files.get(temporary.name)
    if data is None:
        raise storage.UploadError(f"之前上传的“{temporary.original_name}”已过期并被清理，请重新选择文件。") from None
    stored = storage.save(data, temporary.original_name, rule, stored_place)
    on_commit(partial(files.delete, temporary.name))
    return stored
