"""Taking uploads from forms: bounded reads, content checks, the per-person quota, and keeping an accepted file
across a form that comes back with errors (so nothing has to be chosen twice)."""
import base64
import binascii

from flask import current_app, request
from flask_login import current_user

from models import Role
from services import storage, temporaries


def _read(file_storage, rule):
    """At most one byte more than the rule allows, so an oversize file is refused without being held whole."""
    data = file_storage.stream.read(rule.max_bytes + 1)
    if len(data) > rule.max_bytes:
        size = file_storage.stream.seek(0, 2)  # the real size, from the end of the spooled upload
        raise storage.UploadError(f"文件“{file_storage.filename}”大小为 {size / storage.MB:.1f} MB，"
                                  f"超过上限 {rule.max_bytes // storage.MB} MB。")
    return data


def take_upload(file_storage, rule):
    """Check and store one uploaded file for the logged-in user (within an applicant's quota)."""
    data = _read(file_storage, rule)
    owner = current_user._get_current_object()
    if owner.role == Role.APPLICANT:
        used = storage.used_bytes(owner)
        if used + len(data) > owner.upload_quota:
            raise storage.UploadError(
                f"个人附件总容量上限为 {owner.upload_quota // storage.MB} MB，已使用 {used / storage.MB:.1f} MB，"
                f"本文件 {len(data) / storage.MB:.1f} MB 无法再上传。"
            )
    return storage.save(data, file_storage.filename, rule, storage.location(current_app.config), uploaded_by=owner)


def upload_or_carried(field, max_bytes):
    """An import's file (previewed, then confirmed): the upload in `field` on the first post, read to one byte past
    `max_bytes` so the caller can refuse it; on the confirming post, the same bytes carried back in the form
    (`carried`, base64). Empty when neither is there."""
    upload = request.files.get(field)
    if upload and upload.filename:
        return upload.read(max_bytes + 1)
    try:
        return base64.b64decode(request.form.get("carried", ""), validate=True)
    except (binascii.Error, ValueError):
        return b""


def _hold(file_storage, rule):
    """An anonymous upload: only a short-lived temporary under a total cap until the form is valid."""
    config = current_app.config
    return temporaries.hold(_read(file_storage, rule), file_storage.filename, rule,
                            storage.temporaries_location(config), config["UPLOAD_TEMP_MAX_BYTES"], config["UPLOAD_TEMP_MAX_AGE"])


def _kept(token):
    """What a form's token names: a file the current user stored, or for someone not logged in, their temporary."""
    config = current_app.config
    if current_user.is_authenticated:
        stored = storage.from_token(token, config["SECRET_KEY"])
        return stored if stored is not None and stored.uploaded_by_id == current_user.id else None
    return temporaries.from_token(token, config["SECRET_KEY"], storage.temporaries_location(config),
                                  config["UPLOAD_TEMP_MAX_AGE"])


def keep_or_take_upload(file_field, token_field, rule, required=True):
    """The newly chosen file, else the one accepted earlier in this form (its signed token), else None.

    For someone not logged in it is a Temporary: pass it through stored_upload() in the transaction that uses it.
    """
    secret = current_app.config["SECRET_KEY"]
    if file_field.data and getattr(file_field.data, "filename", ""):
        if current_user.is_authenticated:
            kept = take_upload(file_field.data, rule)
            token_field.data = storage.token_for(kept, secret)
        else:
            kept = _hold(file_field.data, rule)
            token_field.data = temporaries.token_for(kept, secret)
        return kept
    kept = _kept(token_field.data)
    if kept is not None:
        return kept
    token_field.data = ""
    if required:
        raise storage.UploadError(f"请上传{file_field.label.text}（{rule.describe()}）。")
    return None


def stored_upload(kept, rule):
    """The StoredFile for what keep_or_take_upload() returned: a temporary is stored now, in the caller's transaction."""
    if isinstance(kept, temporaries.Temporary):
        return temporaries.keep(kept, rule, storage.temporaries_location(current_app.config),
                                storage.location(current_app.config))
    return kept


def kept_file(token_field):
    """The file a form already holds (for showing '已上传：…' when it comes back with errors)."""
    return _kept(token_field.data)
