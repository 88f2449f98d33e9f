"""The offices' derived lists and counters (migration 020): the counters' rows fold without changing a sum, and
concurrent reviews of one office neither deadlock nor lose a count. (After every test tests/conftest.py checks the
derived tables against the applications and their review actions: tests/office_lists.py.)"""
import random
import threading
import time

import pytest
from peewee import fn

from bench.bench_scale import fill
from blueprints.review import QueueSummary
from models import Application, ApplicationStatus, OfficeCount, OfficeTotal, VisibleList, db
from services.office_lists import compact
from tests.conftest import _is_postgres
from tests.office_lists import office_lists_disagree

FLIP = {ApplicationStatus.PENDING: ApplicationStatus.STAGE_PASSED,
        ApplicationStatus.STAGE_PASSED: ApplicationStatus.PENDING}


def summary(user):
    found = QueueSummary(VisibleList(user))
    return found.totals, found.total({"status": ApplicationStatus.PENDING, "plan": 1})


def keys_with_more_than_one_row(model, key):
    return model.select(*key).group_by(*key).having(fn.COUNT(model.n) > 1).count()


def test_folding_the_counters_keeps_every_sum_and_leaves_one_row_a_key(app):
    bureau, _unit, _drafts = fill(200)
    moved = list(Application.select().where(Application.status.in_(list(FLIP))).limit(60))
    for application in moved:  # +1 and -1 rows for the bureau's and each unit's counters, twice for some
        Application.update(status=FLIP[application.status]).where(Application.id == application.id).execute()
    for application in moved[:20]:
        Application.update(status=application.status).where(Application.id == application.id).execute()
    before = summary(bureau)
    count_key = (OfficeCount.organisation_id, OfficeCount.status, OfficeCount.plan_id, OfficeCount.profession_id,
                 OfficeCount.application_type)
    total_key = (OfficeTotal.organisation_id, OfficeTotal.dimension, OfficeTotal.value)
    assert keys_with_more_than_one_row(OfficeCount, count_key) and keys_with_more_than_one_row(OfficeTotal, total_key)
    rows_before, rows_after = compact()
    assert rows_after < rows_before
    assert keys_with_more_than_one_row(OfficeCount, count_key) == keys_with_more_than_one_row(OfficeTotal, total_key) == 0
    assert not OfficeCount.select().where(OfficeCount.n == 0).exists()  # a key whose moves cancel is gone
    assert summary(bureau) == before and office_lists_disagree() == []
    assert compact() == (rows_after, rows_after)  # nothing left to fold
    assert app.test_cli_runner().invoke(args=["office-counters"]).output == f"审查列表计数：{rows_after} 行合并为 {rows_after} 行。\n"


def test_concurrent_opposite_moves_in_one_office_neither_deadlock_nor_lose_a_count(app):
    """Six connections flip applications of one bureau between 待审查 and 审查通过 in both directions at once, two
    applications a transaction (in id order, as the workflow locks them): every transaction commits and the counters
    still agree with the applications. (Counters updated in place made concurrent reviews of one office wait for
    each other, and lock the shared rows in whatever order each change came.)"""
    if not _is_postgres():
        pytest.skip("SQLite has one writer at a time: nothing runs concurrently")
    bureau, _unit, _drafts = fill(300)
    ids = [a.id for a in Application.select(Application.id).where(
        (Application.stage_organisation == bureau.organisation_id) & Application.status.in_(list(FLIP)))
        .order_by(Application.id).limit(40)]
    errors, committed = [], []

    def worker(seed):
        rng, stop = random.Random(seed), time.monotonic() + 3
        with db.connection_context():
            while time.monotonic() < stop:
                pair = sorted(rng.sample(ids, 2))
                try:
                    with db.atomic():
                        for application in Application.select().where(Application.id.in_(pair)).order_by(
                                Application.id).for_update():
                            Application.update(status=FLIP[application.status]).where(
                                Application.id == application.id).execute()
                    committed.append(pair)
                except Exception as error:  # noqa: BLE001 - any failure is the finding
                    errors.append(repr(error))

    threads = [threading.Thread(target=worker, args=(seed,)) for seed in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(committed) > 50
    assert office_lists_disagree() == []

