"""Role scoping: every list goes through users_visible_to / organisations_visible_to."""
import pytest

from models import Organisation, Role, User, organisations_visible_to, users_visible_to
from tests.conftest import ID_FEMALE, ID_MALE, make_applicant, make_unit, make_user, organisation


@pytest.fixture
def world():
    """Two districts, each with a unit (HR person + an engineer) and its bureaus' staff."""
    yc_unit, kq_unit = make_unit("越城建工集团", "越城区"), make_unit("柯桥建工集团", "柯桥区")
    people = {
        "admin": make_user(Role.ADMIN, "root"),
        "越城单位经办": make_user(Role.UNIT, "yc_hr", organisation=yc_unit),
        "柯桥单位经办": make_user(Role.UNIT, "kq_hr", organisation=kq_unit),
        "越城申报人": make_applicant("13900000001", ID_MALE, "越城申报人"),
        "柯桥申报人": make_applicant("13900000002", ID_FEMALE, "柯桥申报人"),
        "越城建设局": make_user(Role.CONSTRUCTION_BUREAU, "jsj_yc", organisation(Role.CONSTRUCTION_BUREAU, "越城区")),
        "柯桥建设局": make_user(Role.CONSTRUCTION_BUREAU, "jsj_kq", organisation(Role.CONSTRUCTION_BUREAU, "柯桥区")),
        "越城人社局": make_user(Role.HR_BUREAU, "rsj_yc", organisation(Role.HR_BUREAU, "越城区")),
    }
    for name, unit in (("越城申报人", yc_unit), ("柯桥申报人", kq_unit)):
        people[name].organisation = unit
        people[name].save()
    return people


def names(query, people):
    ids = {u.id for u in query}
    return {name for name, user in people.items() if user.id in ids}


@pytest.mark.parametrize("viewer, sees", [
    ("越城建设局", {"越城建设局", "越城单位经办", "越城申报人"}),
    ("柯桥建设局", {"柯桥建设局", "柯桥单位经办", "柯桥申报人"}),
    ("越城人社局", {"越城人社局", "越城单位经办", "越城申报人"}),
    ("越城单位经办", {"越城单位经办", "越城申报人"}),
    ("柯桥单位经办", {"柯桥单位经办", "柯桥申报人"}),
    ("越城申报人", {"越城申报人"}),
    ("柯桥申报人", {"柯桥申报人"}),
])
def test_each_role_sees_only_its_own_people(world, viewer, sees):
    assert names(users_visible_to(world[viewer]), world) == sees


def test_the_administrator_sees_everyone_and_everything(world):
    assert names(users_visible_to(world["admin"]), world) == set(world)
    assert users_visible_to(world["admin"]).count() == User.select().count()
    assert organisations_visible_to(world["admin"]).count() == Organisation.select().count()


@pytest.mark.parametrize("viewer, sees", [
    ("越城建设局", {"越城区住房和城乡建设局", "越城建工集团"}),
    ("柯桥建设局", {"柯桥区住房和城乡建设局", "柯桥建工集团"}),
    ("越城人社局", {"越城区人力社保局", "越城建工集团"}),
    ("越城单位经办", {"越城建工集团"}),
    ("越城申报人", {"越城建工集团"}),
])
def test_each_role_sees_only_its_own_organisations(world, viewer, sees):
    assert {o.name for o in organisations_visible_to(world[viewer])} == sees


def test_a_bureau_does_not_see_another_districts_unit_even_by_id(world):
    keqiao_unit = Organisation.get(Organisation.name == "柯桥建工集团")
    bureau = world["越城建设局"]
    assert not organisations_visible_to(bureau).where(Organisation.id == keqiao_unit.id).exists()
    assert not users_visible_to(bureau).where(User.id == world["柯桥申报人"].id).exists()


def test_a_unit_moved_to_another_district_changes_hands(world):
    unit = Organisation.get(Organisation.name == "越城建工集团")
    unit.region = organisation(Role.CONSTRUCTION_BUREAU, "柯桥区").region
    unit.save()
    assert "越城申报人" not in names(users_visible_to(world["越城建设局"]), world)
    assert "越城申报人" in names(users_visible_to(world["柯桥建设局"]), world)
