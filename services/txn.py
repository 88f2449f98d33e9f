"""Transactions with after-commit callbacks, so that nothing leaves the platform for a change that rolled back."""
import threading
from contextlib import contextmanager

from models import db

_local = threading.local()


def _callbacks():
    if not hasattr(_local, "callbacks"):
        _local.callbacks = []
    return _local.callbacks


def on_commit(callback):
    """Run `callback` once the outermost transaction commits (at once when none is open); queued once."""
    if db.in_transaction():
        if callback not in _callbacks():
            _callbacks().append(callback)
    else:
        callback()


@contextmanager
def atomic():
    """db.atomic() that runs the on_commit callbacks after the outermost commit and drops them on rollback."""
    outermost = not db.in_transaction()
    mark = len(_callbacks())
    try:
        with db.atomic():
            yield
    except BaseException:
        del _callbacks()[mark:]  # a rolled-back savepoint drops only its own callbacks
        raise
    if outermost:
        pending = list(_callbacks())
        _callbacks().clear()
        for callback in pending:
            callback()
