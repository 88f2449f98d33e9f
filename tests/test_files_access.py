"""Uploaded files live under the instance folder with random names and are served only to those entitled to them."""
from pathlib import Path

import pytest

from models import Achievement, AchievementFile, Role, User
from services import storage
from tests.conftest import ID_FEMALE, login, make_applicant
from tests.samples import CODE_B, achievement, pdf, png, register_unit, staff_of

OTHER_ID = "330602197001010010"


@pytest.fixture
def world(app):
    """A unit with its letter and one of its staff with an achievement and its attachment (a PNG named .pdf)."""
    unit, contact = register_unit(app)
    person = staff_of(unit)
    item = achievement(person)
    attachment = storage.save(png(), "中标通知书.pdf", storage.ATTACHMENT, app.config["UPLOAD_FOLDER"], person)
    AchievementFile.create(achievement=item, file=attachment)
    other_unit, other_contact = register_unit(app, name="别的单位", code=CODE_B, mobile="13700000022")
    return {
        "unit": unit, "contact": contact, "person": person, "achievement": item, "attachment": attachment,
        "letter": unit.authorization_letter, "other_contact": other_contact,
        "other_applicant": make_applicant("13900000002", ID_FEMALE, "李四"),
        "admin": User.get(User.role == Role.ADMIN),
        "colleague": staff_of(unit, "13900000003", OTHER_ID, "王五"),
    }


def fetch(app, user, path):
    client = app.test_client()
    if user is not None:
        login(client, user)
    return client.get(path)


ATTACHMENT_READERS = [
    ("person", 200),  # the owner
    ("contact", 200),  # the owner's unit
    ("admin", 200),
    ("other_contact", 404),  # another unit
    ("other_applicant", 404),  # another applicant
    ("colleague", 404),  # a colleague at the same unit is still another applicant
]


@pytest.mark.parametrize("who, status", ATTACHMENT_READERS, ids=[w for w, _ in ATTACHMENT_READERS])
def test_an_achievement_attachment(app, world, who, status):
    client = app.test_client()
    login(client, world[who])
    for route in ("", "/download"):
        response = client.get(f"/files/{world['attachment'].id}{route}")

        assert response.status_code == status
        if status == 200:
            assert response.data == png()
            assert response.mimetype == "image/png", "served as what it is, not as its name says"
        else:
            assert png() not in response.data


LETTER_READERS = [
    ("contact", 200),
    ("admin", 200),
    ("other_contact", 404),
    ("other_applicant", 404),
    ("person", 404),
]


@pytest.mark.parametrize("who, status", LETTER_READERS, ids=["contact", "admin", "other_contact",
                                                              "other_applicant", "staff_applicant"])
def test_a_unit_authorization_letter(app, world, who, status):
    response = fetch(app, world[who], f"/files/{world['letter'].id}")
    assert response.status_code == status
    assert (response.data == pdf()) == (status == 200)


@pytest.mark.parametrize("route", ["", "/download"])
def test_anonymous_gets_nothing_but_the_login_page(app, world, route):
    for stored in (world["attachment"], world["letter"]):
        response = fetch(app, None, f"/files/{stored.id}{route}")
        assert response.status_code == 302 and "/login" in response.location


def test_the_unit_loses_access_when_the_person_leaves_it(app, world):
    person = world["person"]
    person.organisation = None
    person.save()
    assert fetch(app, world["contact"], f"/files/{world['attachment'].id}").status_code == 404
    assert fetch(app, person, f"/files/{world['attachment'].id}").status_code == 200


def test_a_missing_file_and_a_forbidden_file_look_the_same(app, world):
    forbidden = fetch(app, world["other_applicant"], f"/files/{world['attachment'].id}")
    missing = fetch(app, world["other_applicant"], "/files/999999")
    assert forbidden.status_code == missing.status_code == 404


def test_a_row_whose_bytes_are_gone_is_404_not_500(app, world):
    (Path(app.config["UPLOAD_FOLDER"]) / world["attachment"].stored_name).unlink()
    assert fetch(app, world["person"], f"/files/{world['attachment'].id}").status_code == 404


@pytest.mark.parametrize("kind, path, dest, disposition, sandbox", [
    ("image", "/files/{id}", "image", "inline", True),  # an <img> of our page
    ("pdf", "/files/{id}", "iframe", "inline", False),  # our preview frame: Chrome shows no PDF under a sandbox
    ("pdf", "/files/{id}", "document", "attachment", True),  # a link followed or typed
    ("image", "/files/{id}", "document", "attachment", True),
    ("pdf", "/files/{id}", None, "attachment", True),  # a browser that does not say
    ("pdf", "/files/{id}/download", "iframe", "attachment", True),
    ("image", "/files/{id}/download", "image", "attachment", True),
])
def test_a_file_opens_only_inside_our_pages_and_downloads_otherwise(app, world, kind, path, dest, disposition, sandbox):
    stored = world["attachment"] if kind == "image" else storage.save(
        pdf(), "中标通知书.pdf", storage.ATTACHMENT, app.config["UPLOAD_FOLDER"], world["person"])
    AchievementFile.get_or_create(achievement=world["achievement"], file=stored)
    client = app.test_client()
    login(client, world["person"])
    response = client.get(path.format(id=stored.id), headers={"Sec-Fetch-Dest": dest} if dest else {})

    assert response.headers["Content-Disposition"].startswith(disposition)
    assert "filename*=UTF-8''%E4%B8%AD%E6%A0%87" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "no-store" in response.headers["Cache-Control"] and "private" in response.headers["Cache-Control"]
    assert (response.headers.get("Content-Security-Policy") == "sandbox") is sandbox
    assert response.mimetype == stored.content_type


def test_bytes_are_kept_under_the_upload_folder_with_random_names_not_under_static(app, world):
    folder = Path(app.config["UPLOAD_FOLDER"])
    for stored in (world["attachment"], world["letter"]):
        path = folder / stored.stored_name
        assert path.parent == folder and path.read_bytes() in (png(), pdf())
        assert stored.original_name not in path.name and len(path.name) == 32
        assert fetch(app, world["person"], f"/static/{path.name}").status_code == 404
    assert not folder.is_relative_to(Path(app.static_folder))


def test_files_appear_on_the_pages_of_those_who_may_open_them(app, world):
    client = app.test_client()
    login(client, world["contact"])
    page = client.get(f"/unit/achievements/{world['achievement'].id}").get_data(as_text=True)
    assert f"/files/{world['attachment'].id}" in page and "中标通知书.pdf" in page
    assert Achievement.get_by_id(world["achievement"].id).current_files == [world["attachment"]]
