"""The fast review lists (issue 14) answer exactly what the plain queries answered, on a filled database, for every
viewer and every combination of the list's filters, on the first, second, middle and last pages."""
import itertools

import pytest
from peewee import JOIN, fn

from bench.bench_scale import fill
from blueprints.review import QueueSummary, filtered_queue, queue_filters, queue_rows
from models import (
    Application,
    ApplicationStatus,
    ApplicationType,
    Organisation,
    Profession,
    ReviewAction,
    ReviewPlan,
    Role,
    User,
    VisibleList,
    application_visible_to,
    applications_held_by,
    applications_visible_to,
)
from services.pagination import paginate, paginate_ordered
from tests.chain_world import staff


def listed(app, user, number, args=None):
    """Page `number` of the viewer's list with the query string `args`, as the review list reads it."""
    listing = VisibleList(user)
    with app.test_request_context("/review/applications", query_string=args or {}):
        return paginate_ordered(filtered_queue(listing), number, (listing.stage_since, listing.id), queue_rows)


# ---------------------------------------------------------------- the implementation before issue 14, as reference

def old_visible(viewer):
    query = Application.select()
    if viewer.role == Role.ADMIN:
        return query
    if viewer.role == Role.APPLICANT:
        return query.where(Application.applicant == viewer.id)
    if viewer.organisation_id is None:
        return query.where(False)
    if viewer.role == Role.UNIT:
        return query.where((Application.unit == viewer.organisation_id) & Application.submitted_at.is_null(False))
    handled = ReviewAction.select(ReviewAction.application).where(ReviewAction.organisation == viewer.organisation_id)
    return query.where((Application.stage_organisation == viewer.organisation_id) | Application.id.in_(handled))


def old_held(viewer):
    return old_visible(viewer).where(Application.stage_organisation == viewer.organisation_id)


def old_queue(user, args):
    unit = Organisation.alias()
    query = (old_visible(user).select(Application, User, ReviewPlan, Profession, unit)
             .join(User, on=Application.applicant).switch(Application)
             .join(ReviewPlan, on=Application.plan).switch(Application)
             .join(Profession, JOIN.LEFT_OUTER, on=Application.profession).switch(Application)
             .join(unit, JOIN.LEFT_OUTER, on=Application.unit).switch(Application))
    for name, column in {"plan": Application.plan, "profession": Application.profession}.items():
        if args.get(name):
            query = query.where(column == int(args[name]))
    if args.get("type"):
        query = query.where(Application.application_type == ApplicationType(args["type"]))
    if args.get("state"):
        query = query.where(Application.status == ApplicationStatus(args["state"]))
    if args.get("q"):
        query = query.where(User.real_name.contains(args["q"]) | User.id_number.contains(args["q"]))
    return query.order_by(Application.stage_since.desc(), Application.id.desc())


def old_state_counts(user):
    query = (old_visible(user).select(Application.status, fn.COUNT(Application.id).alias("n"))
             .group_by(Application.status))
    counts = {row.status: row.n for row in query}
    return [(status, counts[status]) for status in ApplicationStatus if status in counts]


# ---------------------------------------------------------------- a filled database

@pytest.fixture
def world():
    """600 applications in every state over 24 units (bench/bench_scale.fill), with ties and gaps in the order:
    some share one arrival time, some have none."""
    bureau, unit, _drafts = fill(600)
    tied = [a.id for a in Application.select(Application.id).order_by(Application.id).limit(40)]
    Application.update(stage_since=Application.select(fn.MIN(Application.stage_since))).where(
        Application.id.in_(tied[:30])).execute()
    Application.update(stage_since=None).where(Application.id.in_(tied[30:])).execute()
    viewers = {
        "越城区 建设局": bureau, "一个用人单位": unit, "柯桥区 建设局": staff(Role.CONSTRUCTION_BUREAU, "柯桥区"),
        "评委会办公室": staff(Role.COMMITTEE_OFFICE, committee_number=3),
        "越城区 人力社保局": staff(Role.HR_BUREAU, "越城区"), "人才交流中心": staff(Role.TALENT_CENTRE),
        "申报人": User.get(User.id == Application.select(Application.applicant).where(Application.id == tied[0])),
        "管理员": staff(Role.ADMIN),
    }
    return viewers


def sample_values(viewer):
    """Filter values that match something for this viewer (and one that matches nothing)."""
    first = old_visible(viewer).join(User, on=Application.applicant).select(
        Application.plan, Application.profession, User.real_name, User.id_number).order_by(Application.id).first()
    if first is None:
        return {"plan": [""], "profession": [""], "q": ["", "无此人"]}  # nothing visible: nothing matches
    return {"plan": ["", str(first.plan_id)], "profession": ["", str(first.profession_id)],
            "q": ["", first.applicant.real_name, first.applicant.id_number[6:14]]}


def page_ids(page):
    return [a.id for a in page.items]


def test_filled_database_has_what_the_comparison_needs(world):
    bureau = world["越城区 建设局"]
    handled_elsewhere = old_visible(bureau).where(
        (Application.stage_organisation != bureau.organisation_id) | Application.stage_organisation.is_null())
    assert old_held(bureau).count() > 40 and handled_elsewhere.count() > 5
    assert len({s for s, _n in old_state_counts(bureau)}) >= 4


def test_every_viewer_and_filter_combination_gives_the_same_pages(app, world):
    """One filled database for all viewers (filling it is the slow part): the visible and held sets, the state tabs,
    and for every combination of state × plan × profession × 申报类型 × search the total and the ids of the first,
    middle and last page (unfiltered also the second and a past-the-end one)."""
    compared = 0
    for viewer, user in world.items():
        assert {a.id for a in applications_visible_to(user)} == {a.id for a in old_visible(user)}, viewer
        assert {a.id for a in applications_held_by(user)} == {a.id for a in old_held(user)}, viewer
        listing = VisibleList(user)
        rows = [a.id for a in listing.query.select(listing.id.alias("id")).objects()]
        assert sorted(rows) == sorted(a.id for a in old_visible(user)), viewer  # once each, and all of it
        summary = QueueSummary(listing)
        assert summary.state_counts() == old_state_counts(user), viewer
        plans, professions = summary.choices()
        assert list(plans) == list(ReviewPlan.select().where(ReviewPlan.id.in_(old_visible(user).select(
            Application.plan))).order_by(ReviewPlan.id)), viewer
        assert list(professions) == list(Profession.select().where(Profession.id.in_(old_visible(user).select(
            Application.profession))).order_by(Profession.id)), viewer
        values = sample_values(user)
        present = [s.value for s, _n in old_state_counts(user)]
        absent = [s.value for s in ApplicationStatus if s.value not in present][:1]
        for state, plan, profession, kind, q in itertools.product(["", *present, *absent], values["plan"],
                                                                  values["profession"], ["", "normal"], values["q"]):
            args = {k: v for k, v in {"state": state, "plan": plan, "profession": profession, "type": kind,
                                      "q": q}.items() if v}
            with app.test_request_context("/review/applications", query_string=args):
                filters = queue_filters()
            old = old_queue(user, args)
            total = old.count()
            if not q:  # the page takes its total from the summary's groups unless a name is searched
                assert summary.total(filters) == total, (viewer, args)
            last = max(1, -(-total // 20))
            for number in sorted({1, (last + 1) // 2, last} | ({2, last + 5} if not args else set())):
                expected = paginate(old, number)
                got = listed(app, user, number, args)
                assert (got.total, got.number, page_ids(got)) == (expected.total, expected.number,
                                                                  page_ids(expected)), (viewer, args, number)
                compared += 1
    assert compared > 500


def test_a_page_row_carries_what_the_table_shows_in_one_statement(app, world, monkeypatch):
    """No N+1: the holder shown under a state (a.stage_organisation) comes with the row, like the unit and the plan."""
    from models import db

    bureau = world["越城区 建设局"]
    listing = VisibleList(bureau)
    ids = [i for (i,) in listing.query.select(listing.id).order_by(listing.id).limit(20).tuples()]
    rows = list(queue_rows(ids))
    statements = []
    original = db.obj.execute_sql
    monkeypatch.setattr(db.obj, "execute_sql", lambda sql, *a, **k: statements.append(sql) or original(sql, *a, **k))
    shown = [(a.applicant.real_name, a.plan.title, a.unit.name if a.unit else "",
              a.profession.name if a.profession else "", a.stage_organisation.name if a.stage_organisation else "")
             for a in rows]
    assert len(shown) == len(ids) == 20 and statements == []
    assert any(holder for *_rest, holder in shown)


def test_a_search_matching_many_people_gives_the_same_pages_checked_per_application(app, world, monkeypatch):
    """Past SEARCH_IDS people the search is checked per listed application instead of by the ids found first; the
    pages are the same either way, and a 身份证号's check letter is found typed in lower case, and text of one or two
    characters (through the tripled name's index) too."""
    import blueprints.review as review

    bureau = world["越城区 建设局"]
    sample = old_visible(bureau).join(User, on=Application.applicant).select(User.real_name, User.id_number).first()
    name = sample.applicant.real_name
    # whole name, digits, many people, a lower-case check letter, and text too short for a trigram
    queries = [name, sample.applicant.id_number[6:14], "3306", sample.applicant.id_number.lower(), name[:2], name[-1:]]

    def pages(limit):
        monkeypatch.setattr(review, "SEARCH_IDS", limit)
        return [page_ids(listed(app, bureau, 1, {"q": q})) for q in queries]

    by_ids, per_application = pages(2000), pages(0)
    assert by_ids == per_application and all(by_ids)
    assert by_ids == [page_ids(paginate(old_queue(bureau, {"q": q.upper()}), 1)) for q in queries]


def test_one_application_is_visible_by_the_same_rule_as_the_lists(world):
    """application_visible_to (the detail page, a decision, a certificate) answers for every viewer and every
    application, and for an id that does not exist, exactly what the list's rule answers."""
    every = [a.id for a in Application.select(Application.id)] + [10 ** 9]
    for viewer, user in world.items():
        visible = {a.id for a in old_visible(user)}
        assert {i for i in every if application_visible_to(user, i) is not None} == visible, viewer


def test_which_search_text_an_index_finds(app):
    """The boundary of migrations 021 and 022's indexes: 3 characters and more, and 1 or 2 characters holding one no
    身份证号 holds (the tripled name); on SQLite none with a LIKE wildcard, as its FTS5 takes no ESCAPE."""
    from blueprints.review import indexed
    from tests.conftest import _is_postgres

    assert indexed("张三丰") and indexed("330") and not indexed("33") and not indexed("3X")
    assert indexed("张三") and indexed("张") and indexed("3张")
    assert indexed("张%丰") == indexed("张%") == _is_postgres()


def test_a_renamed_person_is_found_by_one_or_two_characters_of_the_new_name_only(app, world):
    """The tripled name's index follows a change of name (on SQLite a trigger of migration 022 keeps it)."""
    bureau = world["越城区 建设局"]
    person = old_visible(bureau).join(User, on=Application.applicant).select(User).first().applicant

    def found(q):
        return {a.applicant_id for a in listed(app, bureau, 1, {"q": q}).items}

    before = person.real_name[:2]  # surname and first given character: one person of the 600 (bench_scale.person_name)
    assert found(before) == {person.id}
    User.update(real_name="欧阳懿").where(User.id == person.id).execute()
    assert all(found(q) == {person.id} for q in ("欧阳", "懿", "阳懿"))
    assert person.id not in found(before)
