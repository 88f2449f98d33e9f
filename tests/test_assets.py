"""Pages, CSS and JS go gzip-compressed to browsers that accept it; static files and htmx have versioned URLs that
browsers keep for a year, and a changed file gets a new URL."""
import gzip
import re

import pytest
from flask import url_for

from services.assets import IMMUTABLE, file_version

ASSETS = ["/static/app.css", "/static/app.js", "/vendor/htmx.min.js"]


def asset_url(app, path):
    """The URL the pages name for an asset (with ?v=…)."""
    with app.test_request_context():
        if path.startswith("/vendor/"):
            return url_for("htmx_js")
        return url_for("static", filename=path.rsplit("/", 1)[1])


@pytest.mark.parametrize("path", ASSETS + ["/login", "/register"])
@pytest.mark.parametrize("accept", ["gzip", "gzip, deflate, br", "br;q=1.0, gzip;q=0.8"])
def test_compressed_when_the_browser_accepts_gzip(app, client, path, accept):
    url = asset_url(app, path) if path in ASSETS else path
    plain = client.get(url, headers={"Accept-Encoding": "identity"})
    packed = client.get(url, headers={"Accept-Encoding": accept})
    assert packed.status_code == plain.status_code == 200
    assert packed.headers["Content-Encoding"] == "gzip" and "Accept-Encoding" in packed.headers["Vary"]
    assert int(packed.headers["Content-Length"]) == len(packed.data) < len(plain.data)
    body = gzip.decompress(packed.data)
    if path in ASSETS:
        assert body == plain.data
    else:  # a page carries fresh tokens each time; its markup is the same
        assert body.startswith(b"<!doctype html>") and body.count(b"<") == plain.data.count(b"<")


@pytest.mark.parametrize("path", ASSETS + ["/login"])
@pytest.mark.parametrize("accept", [None, "identity", "gzip;q=0", "br"])
def test_sent_as_is_when_the_browser_does_not_accept_gzip(app, client, path, accept):
    url = asset_url(app, path) if path in ASSETS else path
    response = client.get(url, headers={"Accept-Encoding": accept} if accept else {})
    assert response.status_code == 200 and "Content-Encoding" not in response.headers
    assert "Accept-Encoding" in response.headers["Vary"]
    assert b"<html" in response.data if path == "/login" else len(response.data) > 500


def test_small_responses_and_downloads_are_not_compressed(client):
    response = client.get("/no-such-page", headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 404
    assert "Content-Encoding" not in response.headers or len(response.data) >= 500


@pytest.mark.parametrize("path", ASSETS)
def test_versioned_assets_are_kept_for_a_year(app, client, path):
    url = asset_url(app, path)
    assert re.search(r"[?&]v=[0-9a-f]{12}$", url), url
    response = client.get(url)
    assert response.headers["Cache-Control"] == IMMUTABLE == "public, max-age=31536000, immutable"
    response.close()


@pytest.mark.parametrize("query", ["", "?v=000000000000", "?v=old"])
@pytest.mark.parametrize("path", ASSETS)
def test_an_unversioned_or_stale_asset_url_is_checked_again(client, path, query):
    response = client.get(path + query)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-cache"
    response.close()


def test_the_version_changes_with_the_content(tmp_path):
    asset = tmp_path / "app.css"
    asset.write_text("body { color: #000 }")
    first = file_version(asset)
    assert file_version(asset) == first
    asset.write_text("body { color: #111 }")
    assert file_version(asset) != first and len(file_version(asset)) == 12
    assert file_version(tmp_path / "missing.css") is None


def test_pages_name_the_versioned_assets(app, client):
    page = client.get("/login").get_data(as_text=True)
    for path in ASSETS:
        assert asset_url(app, path).replace("&", "&amp;") in page


def test_a_signed_in_users_pages_are_not_compressed_but_the_assets_are(app, client):
    """BREACH: a signed-in page holds the session's CSRF token next to reflected text (the list's search), so its
    compressed size would leak the token; the same page for nobody signed in, and the CSS and JS, are compressed."""
    from models import Role
    from tests.chain_world import staff
    from tests.conftest import login

    assert client.get("/login", headers={"Accept-Encoding": "gzip"}).headers.get("Content-Encoding") == "gzip"
    login(client, staff(Role.CONSTRUCTION_BUREAU))
    page = client.get("/review/applications?q=csrf_token", headers={"Accept-Encoding": "gzip"})
    assert page.status_code == 200 and "Content-Encoding" not in page.headers and b'name="csrf_token"' in page.data
    for path in ASSETS:
        assert client.get(asset_url(app, path), headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"
