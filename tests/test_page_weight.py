"""Pages stay light: the first load of each role's main pages, and of the page with the photo and the signature.

Measured uncompressed (gzip, configured by the deployment, shrinks HTML and CSS about four- to sixfold): the HTML and
app.css together stay within HTML_CSS_BUDGET; app.js, htmx (52 KB, cached) and the images are reported beside them.
"""
import gzip
from pathlib import Path

import pytest

from app import HTMX_DIST
from models import Role, Stage
from services.pagination import PER_PAGE
from tests.chain_world import as_user, filed, staff, submitted
from tests.conftest import make_user, organisation

STATIC = Path(__file__).resolve().parent.parent / "static"
HTML_CSS_BUDGET = 48 * 1024  # bytes, uncompressed
PHOTO_PAGE_BUDGET = 100 * 1024  # the review page: HTML + CSS + the photo and the signature images


def fetch(client, url):
    response = client.get(url, follow_redirects=True)
    assert response.status_code == 200, url
    return response.data


def weight(client, url):
    return len(fetch(client, url))


@pytest.fixture
def world(client):
    """A submitted application with its photo and signature, and a full page of others at the unit and the bureau."""
    application, applicant = submitted(client)
    bureau = organisation(Role.CONSTRUCTION_BUREAU, "越城区")
    for number in range(2, PER_PAGE + 2):
        filed(application.plan, application.unit, number, application.unit, stage=Stage.UNIT)
        filed(application.plan, application.unit, 100 + number, bureau)
    return application, applicant


def test_each_roles_main_pages_stay_within_the_budget(client, world, capsys):
    application, applicant = world
    css = (STATIC / "app.css").stat().st_size
    pages = {
        Role.APPLICANT: (applicant, ["/", "/applications", f"/applications/{application.id}"]),
        Role.UNIT: (staff(Role.UNIT, unit=application.unit), ["/", "/review/applications",
                                                             f"/review/applications/{application.id}"]),
        Role.CONSTRUCTION_BUREAU: (staff(Role.CONSTRUCTION_BUREAU), ["/", "/review/applications", "/review/recommend"]),
        Role.COMMITTEE_OFFICE: (staff(Role.COMMITTEE_OFFICE, committee_number=3), ["/", "/committee/applications"]),
        Role.ADMIN: (make_user(Role.ADMIN, "root"), ["/", "/admin/plans", f"/admin/plans/{application.plan_id}/edit"]),
    }
    rows = []
    for role, (user, urls) in pages.items():
        as_user(client, user)
        for url in urls:
            body = fetch(client, url)
            html = len(body)
            rows.append((role.label, url, html, len(gzip.compress(body))))
            assert html + css <= HTML_CSS_BUDGET, f"{role.label} {url}: HTML {html} + CSS {css} bytes"
    with capsys.disabled():
        assets = [STATIC / "app.css", STATIC / "app.js", HTMX_DIST / "htmx.min.js"]
        zipped = sum(len(gzip.compress(path.read_bytes())) for path in assets)
        print(f"\napp.css {css} B; app.js + htmx {sum(p.stat().st_size for p in assets[1:])} B; the three gzipped {zipped} B")
        for role, url, html, html_zipped in rows:
            print(f"{role:10} {url:40} HTML {html:6} B  HTML+CSS {html + css:6} B  first load gzipped "
                  f"{html_zipped + zipped:6} B")


def test_the_page_with_the_photo_and_the_signature_stays_within_its_budget(client, world, capsys):
    application, _ = world
    as_user(client, staff(Role.UNIT, unit=application.unit))
    url = f"/review/applications/{application.id}"
    html = weight(client, url)
    images = weight(client, f"/files/{application.photo_id}") + weight(client, f"/files/{application.pledge_signature_id}")
    css = (STATIC / "app.css").stat().st_size
    with capsys.disabled():
        print(f"\n{url}: HTML {html} B + CSS {css} B + photo and signature {images} B = {html + css + images} B")
    assert html + css + images <= PHOTO_PAGE_BUDGET
