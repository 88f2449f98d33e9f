"""What the browser downloads: pages, CSS and JS gzip-compressed when it accepts that; the app's static files and
htmx at versioned URLs (?v=<hash of the file>) that it may keep for a year.

A signed-in user's pages go uncompressed (BREACH): they carry the session's CSRF token beside text an attacker can
put in the same response (a search, a filter), and the compressed size would leak the token a byte at a time.
They are 10–20 KB; the CSS and JS, which hold no secret, are compressed for everyone.

A small after_request rather than Flask-Compress: gzip from the standard library is all that is needed (every
browser accepts it), and the compressed static files are kept in memory by content, so each is compressed once.
"""
import gzip
import hashlib
from functools import lru_cache
from pathlib import Path

from flask import request
from flask_login import current_user

COMPRESSIBLE = {"text/html", "text/css", "text/javascript", "application/javascript", "application/json",
                "image/svg+xml", "text/plain", "text/csv"}
MIN_BYTES = 500  # below this gzip saves nothing worth the header
LEVEL = 6
IMMUTABLE = "public, max-age=31536000, immutable"


@lru_cache(maxsize=64)
def _digest(path, mtime_ns, size):
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()[:12]


def file_version(path):
    """A short hash of the file's bytes (recomputed when the file changes); None for a missing file."""
    path = Path(path)
    try:
        stat = path.stat()
    except OSError:
        return None
    return _digest(str(path), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=64)
def _gzipped_asset(version, data):
    return gzip.compress(data, LEVEL)


def accepts_gzip():
    return request.accept_encodings["gzip"] > 0


def compress(response, cache_key=None):
    """The response gzip-compressed when the client accepts it and compressing is worth it; Vary says so."""
    response.vary.add("Accept-Encoding")
    if (response.status_code != 200 or response.is_streamed and not response.direct_passthrough
            or "Content-Encoding" in response.headers or response.mimetype not in COMPRESSIBLE
            or not accepts_gzip() or request.method == "HEAD"):
        return response
    if cache_key is None and current_user.is_authenticated:  # BREACH: see the module's docstring
        return response
    response.direct_passthrough = False  # a file from send_from_directory: read it
    data = response.get_data()
    if len(data) < MIN_BYTES:
        return response
    response.set_data(_gzipped_asset(cache_key, data) if cache_key else gzip.compress(data, LEVEL))
    response.headers["Content-Encoding"] = "gzip"
    etag, weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}-gzip", weak)
    return response


def init_app(app, folders, files):
    """`folders`: endpoint → the folder its `filename` is served from (static); `files`: endpoint → the one file it
    serves (htmx)."""

    def version_of(endpoint, values):
        if endpoint in files:
            return file_version(files[endpoint])
        return file_version(Path(folders[endpoint]) / values["filename"]) if values.get("filename") else None

    @app.url_defaults
    def _versioned(endpoint, values):
        if (endpoint in folders or endpoint in files) and "v" not in values and (version := version_of(endpoint, values)):
            values["v"] = version

    @app.after_request
    def _assets(response):
        version = None
        if request.endpoint in folders or request.endpoint in files:
            version = version_of(request.endpoint, request.view_args or {})
            fresh = version and request.args.get("v") == version
            response.headers["Cache-Control"] = IMMUTABLE if fresh else "no-cache"  # else: check again next time
        return compress(response, cache_key=(request.path, version) if version else None)
