"""Stored files, served only to those allowed to see them (StoredFile.can_view)."""
from flask import Blueprint, abort, current_app, send_file
from flask_login import current_user, login_required

from models import StoredFile
from services import storage

bp = Blueprint("files", __name__, url_prefix="/files")


def _send(file_id, as_attachment):
    stored = StoredFile.get_or_none(StoredFile.id == file_id)
    if stored is None or not stored.can_view(current_user):
        abort(404)  # 404 rather than 403: whether a file exists is itself not to be known
    path = storage.path_of(stored, current_app.config["UPLOAD_FOLDER"])
    if not path.is_file():
        abort(404)
    response = send_file(path, mimetype=stored.content_type, as_attachment=as_attachment,
                         download_name=stored.original_name, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.route("/<int:file_id>")
@login_required
def view(file_id):
    return _send(file_id, as_attachment=False)


@bp.route("/<int:file_id>/download")
@login_required
def download(file_id):
    return _send(file_id, as_attachment=True)
