"""The SMS outbox and its pluggable gateways.

A gateway is any object with `send(mobile, body)` that raises on failure. The default one appends to a
log file in the instance folder, so an intranet without an SMS contract still works; set SMS_GATEWAY to
"module:Class" for a real one.
"""
import importlib
from datetime import timedelta

from flask import current_app

from models import SmsMessage, SmsStatus, now
from services import audit

MAX_ATTEMPTS = 5


class LogFileGateway:
    def __init__(self, path):
        self.path = path

    def send(self, mobile, body):
        with open(self.path, "a", encoding="utf-8") as log:
            log.write(f"{now().isoformat(sep=' ')}\t{mobile}\t{body}\n")


def gateway():
    module_name, _, class_name = current_app.config["SMS_GATEWAY"].partition(":")
    cls = getattr(importlib.import_module(module_name), class_name)
    return cls(current_app.config["SMS_LOG"]) if cls is LogFileGateway else cls()


def retry_delay(attempts):
    """1, 2, 4, 8 … minutes after the n-th failure."""
    return timedelta(minutes=2 ** (attempts - 1))


def _claim(message):
    """Mark a due message as being sent; False when another process took it first."""
    claimed = (
        SmsMessage.update(status=SmsStatus.SENDING)
        .where((SmsMessage.id == message.id) & (SmsMessage.status == message.status))
        .execute()
    )
    return claimed == 1


def deliver(message, sender=None):
    """Try to send one message; record success, or the error and when to retry."""
    if not _claim(message):
        return False
    sender = sender or gateway()
    message.attempts += 1
    try:
        sender.send(message.mobile, message.body)
    except Exception as error:  # any gateway failure is recorded and retried, never raised to the user
        message.last_error = f"{type(error).__name__}: {error}"[:1000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = SmsStatus.GAVE_UP
        else:
            message.status = SmsStatus.FAILED
            message.next_attempt_at = now() + retry_delay(message.attempts)
    else:
        message.status = SmsStatus.SENT
        message.sent_at = now()
        message.last_error = ""
    message.save()
    return message.status == SmsStatus.SENT


def due_messages():
    return (
        SmsMessage.select()
        .where(SmsMessage.status.in_([SmsStatus.PENDING, SmsStatus.FAILED]) & (SmsMessage.next_attempt_at <= now()))
        .order_by(SmsMessage.id)
    )


def deliver_due():
    """Send every due message; returns how many were tried."""
    sender = gateway()
    messages = list(due_messages())
    for message in messages:
        deliver(message, sender)
    return len(messages)


def retry_now(message, actor, ip=""):
    """An administrator's 重新发送: make a failed or abandoned message due again (audited)."""
    if SmsMessage.update(status=SmsStatus.PENDING, next_attempt_at=now()).where(
        (SmsMessage.id == message.id) & SmsMessage.status.in_([SmsStatus.FAILED, SmsStatus.GAVE_UP])
    ).execute():
        audit.record(actor, "sms.retry", "", f"短信 #{message.id} 至 {message.mobile}", ip)
