"""Transactions with after-commit and on-rollback callbacks, so that nothing leaves the platform for a change that
rolled back, and nothing written to disk for it stays behind."""
import threading
from contextlib import contextmanager

from models import db

_local = threading.local()


def _pending(kind):
    if not hasattr(_local, kind):
        setattr(_local, kind, [])
    return getattr(_local, kind)


def on_commit(callback):
    """Run `callback` once the outermost transaction commits (at once when none is open); queued once."""
    if db.in_transaction():
        if callback not in _pending("commit"):
            _pending("commit").append(callback)
    else:
        callback()


def on_rollback(callback):
    """Run `callback` if the transaction or savepoint open now rolls back (e.g. remove the bytes written for it)."""
    if db.in_transaction():
        _pending("rollback").append(callback)


@contextmanager
def atomic():
    """db.atomic() that runs the on_commit callbacks after the outermost commit and the on_rollback ones on rollback."""
    outermost = not db.in_transaction()
    commit_mark, rollback_mark = len(_pending("commit")), len(_pending("rollback"))
    try:
        with db.atomic():
            yield
    except BaseException:
        del _pending("commit")[commit_mark:]  # a rolled-back savepoint drops only its own callbacks
        undo = _pending("rollback")[rollback_mark:]
        del _pending("rollback")[rollback_mark:]
        for callback in reversed(undo):
            callback()
        raise
    if outermost:
        _pending("rollback").clear()
        pending = list(_pending("commit"))
        _pending("commit").clear()
        for callback in pending:
            callback()
