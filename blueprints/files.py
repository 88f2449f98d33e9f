"""Stored files, served only to those allowed to see them (StoredFile.can_view).

A file opens in the browser only inside an <img> or <iframe> of our pages (the browser says so in Sec-Fetch-Dest;
other sites cannot frame us or send our session cookie with a subresource); a link, typed or followed, downloads it.
Every file response is nosniff, so the browser never reads a file as anything but its checked type, and sandboxed."""
from flask import Blueprint, abort, current_app, request
from flask_login import current_user, login_required

from models import StoredFile
from services import storage

bp = Blueprint("files", __name__, url_prefix="/files")

EMBEDDED = {"image", "iframe", "embed", "object"}  # Sec-Fetch-Dest of a file shown inside a page


def _send(file_id, as_attachment):
    stored = StoredFile.get_or_none(StoredFile.id == file_id)
    if stored is None or not stored.can_view(current_user):
        abort(404)  # 404 rather than 403: whether a file exists is itself not to be known
    inline = not as_attachment and request.headers.get("Sec-Fetch-Dest") in EMBEDDED
    response = storage.send(stored, storage.location(current_app.config), as_attachment=not inline,
                            download_name=stored.original_name, max_age=0)
    if response is None:
        abort(404)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "private, no-store"
    response.vary.add("Sec-Fetch-Dest")
    if not (inline and stored.content_type == storage.PDF):
        # Chrome will not run its PDF viewer under a sandbox (crbug 413851, no token re-enables it), so a PDF shown in
        # our frame goes without; upload checks refused it if it carried JavaScript or actions (services/storage.py).
        response.headers["Content-Security-Policy"] = "sandbox"
    return response


@bp.route("/<int:file_id>")
@login_required
def view(file_id):
    return _send(file_id, as_attachment=False)


@bp.route("/<int:file_id>/download")
@login_required
def download(file_id):
    return _send(file_id, as_attachment=True)
