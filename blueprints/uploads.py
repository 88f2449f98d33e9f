"""Taking uploads from forms: bounded reads, content checks, the per-person quota, and keeping an accepted file
across a form that comes back with errors (so nothing has to be chosen twice)."""
from flask import current_app
from flask_login import current_user

from models import Role
from services import storage


def _read(file_storage, rule):
    """At most one byte more than the rule allows, so an oversize file is refused without being held whole."""
    data = file_storage.stream.read(rule.max_bytes + 1)
    if len(data) > rule.max_bytes:
        size = file_storage.stream.seek(0, 2)  # the real size, from the end of the spooled upload
        raise storage.UploadError(f"文件“{file_storage.filename}”大小为 {size / storage.MB:.1f} MB，"
                                  f"超过上限 {rule.max_bytes // storage.MB} MB。")
    return data


def take_upload(file_storage, rule):
    """Check and store one uploaded file for the current user (or for nobody yet, during a registration)."""
    data = _read(file_storage, rule)
    owner = current_user if current_user.is_authenticated else None
    if owner is not None and owner.role == Role.APPLICANT:
        used = storage.used_bytes(owner)
        if used + len(data) > owner.upload_quota:
            raise storage.UploadError(
                f"个人附件总容量上限为 {owner.upload_quota // storage.MB} MB，已使用 {used / storage.MB:.1f} MB，"
                f"本文件 {len(data) / storage.MB:.1f} MB 无法再上传。"
            )
    return storage.save(data, file_storage.filename, rule, current_app.config["UPLOAD_FOLDER"], uploaded_by=owner)


def keep_or_take_upload(file_field, token_field, rule, required=True):
    """The newly chosen file, else the one accepted earlier in this form (its signed token), else None."""
    if file_field.data and getattr(file_field.data, "filename", ""):
        stored = take_upload(file_field.data, rule)
        token_field.data = storage.token_for(stored, current_app.config["SECRET_KEY"])
        return stored
    stored = storage.from_token(token_field.data, current_app.config["SECRET_KEY"])
    mine = stored is not None and (stored.uploaded_by_id is None or
                                   (current_user.is_authenticated and stored.uploaded_by_id == current_user.id))
    if mine:
        return stored
    token_field.data = ""
    if required:
        raise storage.UploadError(f"请上传{file_field.label.text}（{rule.describe()}）。")
    return None


def kept_file(token_field):
    """The file a form already holds (for showing '已上传：…' when it comes back with errors)."""
    return storage.from_token(token_field.data, current_app.config["SECRET_KEY"])
