"""The huey instance and the background jobs: batches of documents, the SMS outbox every minute, fee reminders daily.

Storage: SQLite in the instance folder by default (HUEY_DB overrides the file), Redis when REDIS_URL is set. The
worker is `huey_consumer tasks.huey` (`make run` starts it beside gunicorn). A job takes ids, records its progress
in its DocumentBatch row, and may run again after a restart: a rerun regenerates the whole result (a certificate
already issued is taken as it is, never issued twice).
"""
import io
import logging
import os
import zipfile
from contextlib import contextmanager, nullcontext
from functools import partial
from pathlib import Path

from flask import current_app, has_app_context
from huey import RedisHuey, SqliteHuey, crontab

from models import Application, BatchKind, BatchState, DocumentBatch, db, now
from services import audit, documents, exports, roster, storage

log = logging.getLogger(__name__)
NAME = "zhicheng"


def _huey():
    if os.environ.get("REDIS_URL"):
        return RedisHuey(NAME, url=os.environ["REDIS_URL"])
    path = Path(os.environ.get("HUEY_DB") or Path(__file__).resolve().parent / "instance" / "huey.db")
    path.parent.mkdir(parents=True, exist_ok=True)
    return SqliteHuey(NAME, filename=str(path))


huey = _huey()
_worker_app = None


def _context():
    """The web app's context when enqueued in immediate mode (tests), else one app made once per worker."""
    global _worker_app
    if has_app_context():
        return nullcontext()
    if _worker_app is None:
        from app import create_app

        _worker_app = create_app()
    return _worker_app.app_context()


def _certificate_parts(batch):
    """Each confirmed pass of the plan the office holds: its certificate, issued now unless it already was."""
    from workflow.certificates import certificate_pdf, passed_held_by

    def make(application):
        with current_app.test_request_context(base_url=batch.site or None):  # the QR code's and the notice's links
            return certificate_pdf(application, batch.requested_by)
    return [(f"{a.id:06d}_{a.applicant.real_name}.pdf", partial(make, a))
            for a in passed_held_by(batch.requested_by, batch.plan).order_by(Application.id)]


def _parts(batch):
    """(file name, function making its bytes) for each part of the batch, in roster order."""
    if batch.kind == BatchKind.CERTIFICATES:
        return _certificate_parts(batch)
    applications = roster.applications_for(batch.requested_by, batch.plan)
    if batch.kind == BatchKind.ROSTER:
        title = roster.title_of(batch.plan, batch.requested_by)
        return [(f"{title}.xlsx", partial(roster.xlsx, title, applications))]
    numbers = roster.numbers(applications)
    if batch.kind == BatchKind.REVIEW_FORMS:
        def make(application):
            """An issued version (number, SHA-256, QR to the public check page on the site the batch was asked from)."""
            from workflow.documents import issue_review_form

            with current_app.test_request_context(base_url=batch.site or None):
                return issue_review_form(application, batch.requested_by).pdf
    else:
        def make(application):
            return documents.cover_pdf([application], {application.id: numbers[application.id]})
    return [(f"{numbers[a.id]:04d}_{a.applicant.real_name}.pdf", partial(make, a)) for a in applications]


def _package(batch, named):
    """The result file (name, content type, bytes): the xlsx itself, a zip of the parts, or one merged PDF."""
    if batch.kind == BatchKind.ROSTER:
        return named[0][0], exports.XLSX_TYPE, named[0][1]
    stem = f"{batch.plan.title}_{batch.kind.label}"
    if batch.as_zip:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, data in named:
                archive.writestr(name, data)
        return f"{stem}.zip", "application/zip", buffer.getvalue()
    return f"{stem}.pdf", storage.PDF, documents.merge_pdfs([data for _, data in named])


def _update(batch, **fields):
    DocumentBatch.update(**fields).where(DocumentBatch.id == batch.id).execute()


def run_batch(batch_id):
    """Make a batch's documents from scratch, recording progress, the result or the reason it failed."""
    batch = DocumentBatch.get_or_none(DocumentBatch.id == batch_id)
    if batch is None:
        return
    _update(batch, state=BatchState.RUNNING, started_at=now(), finished_at=None, done=0, total=0, error="")
    current = "准备名单"
    try:
        parts = _parts(batch)
        _update(batch, total=len(parts))
        named = []
        for done, (name, make) in enumerate(parts, 1):
            current = name
            named.append((name, make()))
            _update(batch, done=done)
        current = "打包"
        name, content_type, data = _package(batch, named)
        result = storage.store(data, name, content_type, storage.location(current_app.config), batch.requested_by)
    except Exception as error:  # the page shows why; the worker goes on with the next job
        log.exception("document batch %s failed", batch.id)
        _update(batch, state=BatchState.FAILED, finished_at=now(), error=f"{current}：{type(error).__name__}：{error}")
        audit.record(None, "batch.fail", f"batch:{batch.id}", f"{current}：{error}")
        return
    _update(batch, state=BatchState.DONE, finished_at=now(), result=result)
    audit.record(None, "batch.done", f"batch:{batch.id}", f"{batch.kind.label}，{len(parts)} 份，{len(data)} 字节")


@contextmanager
def _database():
    """A connection for the job, closed after it if the job opened it (in immediate mode a request's is reused)."""
    opened = db.is_closed()
    db.connect(reuse_if_open=True)
    try:
        yield
    finally:
        if opened and not db.is_closed():
            db.close()


@huey.task()
def make_batch(batch_id):
    with _context(), _database():
        run_batch(batch_id)


@huey.on_startup()
def resume_interrupted_batches():
    """Batches a killed worker left 生成中 are queued again when a worker starts (a rerun makes them from scratch);
    the conditional update lets only one of the starting worker threads take each."""
    with _context(), _database():
        running = DocumentBatch.select(DocumentBatch.id).where(DocumentBatch.state == BatchState.RUNNING)
        for batch_id in [b.id for b in running]:
            if DocumentBatch.update(state=BatchState.QUEUED).where(
                    (DocumentBatch.id == batch_id) & (DocumentBatch.state == BatchState.RUNNING)).execute():
                make_batch(batch_id)


def _send_due_sms():
    from services.sms import deliver_due

    with _context(), _database():
        log.info("sent %s SMS", deliver_due())


@huey.periodic_task(crontab(minute="*"))
def send_sms():
    """The SMS outbox (services/sms.py), every minute; `flask sms-send` from cron does the same."""
    _send_due_sms()


@huey.task()
def send_sms_soon():
    """The SMS a change has just queued, sent by the worker once it is committed instead of inside the request (a
    gateway may take seconds; the request no longer waits for it); the minute's run catches any this misses."""
    _send_due_sms()


@huey.periodic_task(crontab(minute="*"))
def compact_office_counters():
    """The offices' list counters folded, every minute (services/office_lists.py)."""
    from services.office_lists import compact

    with _context(), _database():
        log.info("office counters: %s rows folded into %s", *compact())


@huey.periodic_task(crontab(minute="17"))
def refresh_statistics():
    """SQLite's query-planner statistics, every hour (services/office_lists.refresh_statistics)."""
    from services import office_lists

    with _context(), _database():
        office_lists.refresh_statistics()


@huey.periodic_task(crontab(hour="8", minute="0"))
def remind_fees():
    """缴费提醒 once a day at 8:00 (workflow.fees.send_fee_reminders, once per notice); `flask fee-reminders` does the same."""
    from workflow.fees import send_fee_reminders

    with _context(), _database(), current_app.test_request_context():  # the notices link to the 费用缴纳 page
        log.info("sent %s fee reminders", send_fee_reminders())
