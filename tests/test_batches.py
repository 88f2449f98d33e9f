"""Batches of documents as background jobs (tasks.py): states, progress, failure reason, download permission, and a
real huey consumer on the SQLite storage; every kind: the 花名册, the 评审表 and the 资料袋封面."""
import io
import signal
import time
from datetime import datetime

import pytest
from openpyxl import load_workbook

import tasks
from models import BatchKind, BatchState, DocumentBatch, DocumentIssue, Role, StoredFile
from services import roster
from tests.chain_world import as_user, staff
from tests.test_committee import office_of
from tests.test_roster import entry
from tests.wizard_world import make_unit, open_plan

HTMX = {"HX-Request": "true"}


def roster_of(count=3):
    plan, unit = open_plan(), make_unit("越城建工集团")
    for number in range(1, count + 1):
        entry(plan, unit, number, office_of(3), name=f"申报人{number:02d}")
    return plan


def start(client, plan, kind=BatchKind.ROSTER, **options):
    return client.post("/roster/batches", data={"plan": plan.id, "kind": kind.value}, **options)


def test_a_committee_office_makes_the_roster_in_the_background_and_downloads_it(client):
    plan = roster_of(3)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    as_user(client, office)
    response = start(client, plan)
    batch = DocumentBatch.get()
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/roster/batches/{batch.id}")
    assert (batch.state, batch.done, batch.total, batch.error) == (BatchState.DONE, 1, 1, "")
    assert batch.started_at <= batch.finished_at and batch.organisation_id == office.organisation_id
    page = client.get(f"/roster/batches/{batch.id}").get_data(as_text=True)
    assert "已完成" in page and "已生成 1 / 1 份" in page and "every 2s" not in page
    polled = client.get(f"/roster/batches/{batch.id}", headers=HTMX)
    assert polled.status_code == 286 and "下载" in polled.get_data(as_text=True)
    assert "HX-Request" in polled.headers["Vary"]
    download = client.get(f"/roster/batches/{batch.id}/download")
    sheet = load_workbook(io.BytesIO(download.data)).active
    assert [sheet.cell(r, 2).value for r in range(3, 6)] == ["申报人01", "申报人02", "申报人03"]
    assert download.headers["Content-Type"].startswith("application/vnd.openxmlformats")


def test_the_page_polls_while_the_job_runs_and_shows_its_progress(client):
    plan = roster_of(1)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    batch = DocumentBatch.create(kind=BatchKind.REVIEW_FORMS, plan=plan, requested_by=office,
                                 organisation=office.organisation, state=BatchState.RUNNING, done=3, total=12)
    as_user(client, office)
    polled = client.get(f"/roster/batches/{batch.id}", headers=HTMX)
    body = polled.get_data(as_text=True)
    assert polled.status_code == 200 and 'hx-trigger="every 2s"' in body
    assert "生成中" in body and "已生成 3 / 12 份" in body and 'value="25"' in body
    assert client.get(f"/roster/batches/{batch.id}/download").status_code == 404


def test_a_failed_job_says_why_and_a_rerun_regenerates(app, client, monkeypatch):
    plan = roster_of(2)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    as_user(client, office)

    def broken(title, applications):
        raise OSError("磁盘已满")

    with monkeypatch.context() as patched:
        patched.setattr(roster, "xlsx", broken)
        start(client, plan)
    batch = DocumentBatch.get()
    assert batch.state == BatchState.FAILED and batch.result_id is None
    page = client.get(f"/roster/batches/{batch.id}").get_data(as_text=True)
    assert "失败" in page and "OSError：磁盘已满" in page
    assert client.get(f"/roster/batches/{batch.id}", headers=HTMX).status_code == 286
    with app.app_context():
        tasks.run_batch(batch.id)  # what a restarted worker does with a job it had not finished
        batch = DocumentBatch.get_by_id(batch.id)
        assert (batch.state, batch.done, batch.total, batch.error) == (BatchState.DONE, 1, 1, "")
        tasks.run_batch(batch.id)
    assert StoredFile.select().count() == 2 and DocumentBatch.get_by_id(batch.id).state == BatchState.DONE


def test_a_worker_that_starts_again_resumes_the_batches_a_killed_one_left_running(app):
    plan = roster_of(2)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    interrupted, finished = (DocumentBatch.create(kind=BatchKind.ROSTER, plan=plan, requested_by=office,
                                                  organisation=office.organisation, state=state, done=0, total=1)
                             for state in (BatchState.RUNNING, BatchState.FAILED))
    with app.app_context():
        tasks.resume_interrupted_batches()
    assert DocumentBatch.get_by_id(interrupted.id).state == BatchState.DONE
    assert DocumentBatch.get_by_id(finished.id).state == BatchState.FAILED


@pytest.mark.parametrize("who, allowed", [
    ("committee office", True), ("HR bureau", True), ("construction bureau", False), ("talent centre", False),
])
def test_who_may_start_a_batch(client, who, allowed):
    plan = roster_of(1)
    users = {"committee office": lambda: staff(Role.COMMITTEE_OFFICE, committee_number=3),
             "HR bureau": lambda: staff(Role.HR_BUREAU), "construction bureau": lambda: staff(Role.CONSTRUCTION_BUREAU),
             "talent centre": lambda: staff(Role.TALENT_CENTRE)}
    as_user(client, users[who]())
    response = start(client, plan)
    assert response.status_code == (302 if allowed else 403)
    assert DocumentBatch.select().count() == (1 if who == "committee office" else 0)


def test_an_empty_roster_or_an_unknown_kind_starts_nothing(client):
    plan = roster_of(1)
    as_user(client, staff(Role.HR_BUREAU))  # it sent none of them
    page = start(client, plan, follow_redirects=True).get_data(as_text=True)
    assert "花名册中没有申报人员" in page
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=3))
    page = client.post("/roster/batches", data={"plan": plan.id, "kind": "everything"},
                       follow_redirects=True).get_data(as_text=True)
    assert "请选择要生成的材料" in page and DocumentBatch.select().count() == 0


def test_only_the_office_that_asked_sees_and_downloads_a_batch(client):
    plan = roster_of(2)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    as_user(client, office)
    start(client, plan)
    batch = DocumentBatch.get()
    colleague = staff(Role.COMMITTEE_OFFICE, committee_number=3, username="office3_colleague")
    as_user(client, colleague)
    assert client.get(f"/roster/batches/{batch.id}/download").status_code == 200
    for other in (staff(Role.COMMITTEE_OFFICE, committee_number=4), staff(Role.HR_BUREAU, "柯桥区")):
        as_user(client, other)
        assert client.get(f"/roster/batches/{batch.id}").status_code == 404
        assert client.get(f"/roster/batches/{batch.id}/download").status_code == 404
        assert f"/roster/batches/{batch.id}" not in client.get(f"/roster/?plan={plan.id}").get_data(as_text=True)


def test_a_real_consumer_runs_a_queued_batch_from_the_sqlite_queue(app, tmp_path, monkeypatch):
    """Not immediate mode: the job goes into a SqliteHuey file and a consumer's worker thread takes it from there."""
    plan = roster_of(2)
    office = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    queue = tasks.SqliteHuey("test-queue", filename=str(tmp_path / "huey.db"))
    monkeypatch.setattr(tasks, "_worker_app", app)
    job = queue.task()(tasks.make_batch.func)
    batch = DocumentBatch.create(kind=BatchKind.ROSTER, plan=plan, requested_by=office,
                                 organisation=office.organisation, total=2)
    job(batch.id)
    assert len(queue) == 1 and DocumentBatch.get_by_id(batch.id).state == BatchState.QUEUED
    consumer = queue.create_consumer(workers=1, worker_type="thread", periodic=False, initial_delay=0.05,
                                     max_delay=0.1)
    handlers = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    consumer.start()  # its worker thread runs the job; start() sets the consumer's signal handlers, put back below
    try:
        deadline = time.monotonic() + 30
        while not DocumentBatch.get_by_id(batch.id).is_finished and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        consumer.stop(graceful=True)
        for number, handler in handlers.items():
            signal.signal(number, handler)
    batch = DocumentBatch.get_by_id(batch.id)
    assert (batch.state, batch.error) == (BatchState.DONE, "") and len(queue) == 0


@pytest.mark.parametrize("minute", [0, 1, 30, 59])
def test_the_sms_outbox_is_sent_by_a_periodic_task_every_minute(minute):
    assert tasks.send_sms.s().validate_datetime(datetime(2026, 11, 27, 9, minute))


@pytest.mark.parametrize("kind, as_zip", [(BatchKind.REVIEW_FORMS, False), (BatchKind.COVERS, True)])
def test_the_pdf_kinds_make_one_document_per_applicant_in_roster_order(client, kind, as_zip):
    import zipfile

    from pypdf import PdfReader

    plan = roster_of(2)
    as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=3))
    client.post("/roster/batches", data={"plan": plan.id, "kind": kind.value, **({"as_zip": "y"} if as_zip else {})})
    batch = DocumentBatch.get()
    assert (batch.state, batch.done, batch.total, batch.error) == (BatchState.DONE, 2, 2, "")
    data = client.get(f"/roster/batches/{batch.id}/download").data
    if as_zip:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = archive.namelist()
            texts = ["".join(p.extract_text() for p in PdfReader(io.BytesIO(archive.read(n))).pages) for n in names]
        assert names == ["0001_申报人01.pdf", "0002_申报人02.pdf"]
        assert "申报人01" in texts[0] and "申报人02" in texts[1]
    else:
        text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
        assert 0 <= text.index("申报人01") < text.index("申报人02")
        issued = list(DocumentIssue.select().order_by(DocumentIssue.id))
        assert len(issued) == 2 and all(issue.number in text and issue.sha256 for issue in issued), \
            "each 评审表 of a batch is an issued version, with its number printed"
