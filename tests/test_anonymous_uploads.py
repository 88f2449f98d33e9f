"""An anonymous visitor cannot fill the disk: the letter of a registration form that comes back with errors is held
only as a short-lived temporary under a total cap, and stored for good only when the registration succeeds."""
import os
import time

import pytest

from models import Organisation, StoredFile, User
from tests.helpers import field_errors, parse
from tests.samples import MB, pdf, unit_form, upload

CAP = 25 * MB


@pytest.fixture
def folders(app, tmp_path, monkeypatch):
    uploads, temporaries = tmp_path / "uploads", tmp_path / "upload-tmp"
    monkeypatch.setitem(app.config, "UPLOAD_FOLDER", str(uploads))
    monkeypatch.setitem(app.config, "UPLOAD_TEMP_FOLDER", str(temporaries))
    monkeypatch.setitem(app.config, "UPLOAD_TEMP_MAX_BYTES", CAP)
    return uploads, temporaries


def held(folder):
    return sorted(folder.iterdir(), key=lambda path: path.stat().st_mtime) if folder.is_dir() else []


def refused_registration(client, letter):
    """A registration with a letter and a wrong field; returns the form's letter token."""
    page = parse(client.post("/unit/register", data=unit_form(letter=letter, password2="Different1"),
                             content_type="multipart/form-data"))
    assert field_errors(page, "password2") == ["两次输入的密码不一致。"]
    return page.find("input", name="letter_token").attrs.get("value")


def test_five_refused_registrations_with_a_10_mb_letter_keep_at_most_the_cap(client, folders):
    uploads, temporaries = folders
    tokens = []
    for n in range(5):
        tokens.append(refused_registration(client, upload(pdf(10 * MB), f"授权委托证明{n}.pdf")))
        assert sum(path.stat().st_size for path in held(temporaries)) <= CAP

    assert len(held(temporaries)) == 2, "the oldest were swept to make room"
    assert StoredFile.select().count() == 0 and held(uploads) == [], "nothing is stored for good"

    response = client.post("/unit/register", data=unit_form(letter_token=tokens[-1]), content_type="multipart/form-data")
    assert response.status_code == 302
    letter = Organisation.get(Organisation.name == unit_form()["name"]).authorization_letter
    assert (letter.original_name, letter.size) == ("授权委托证明4.pdf", 10 * MB)
    assert letter.uploaded_by == User.get(User.username == unit_form()["contact_mobile"])
    assert [path.name for path in held(uploads)] == [letter.stored_name]
    assert len(held(temporaries)) == 1, "the temporary of the registration that succeeded is gone"


def test_a_temporary_past_its_age_is_swept_and_its_token_no_longer_stands_for_the_letter(client, folders):
    uploads, temporaries = folders
    token = refused_registration(client, upload(pdf(), "旧的.pdf"))
    [old] = held(temporaries)
    an_hour_ago = time.time() - 3601
    os.utime(old, (an_hour_ago, an_hour_ago))

    refused_registration(client, upload(pdf(), "新的.pdf"))
    assert not old.exists() and len(held(temporaries)) == 1

    page = parse(client.post("/unit/register", data=unit_form(letter_token=token), content_type="multipart/form-data"))
    assert field_errors(page, "letter") == ["请上传授权委托证明（PDF、JPEG，不超过 10 MB）。"]
    assert not Organisation.select().where(Organisation.name == unit_form()["name"]).exists()

