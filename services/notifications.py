"""In-app notices and SMS: written in the caller's transaction, sent by the worker only after it commits."""
from models import Notification, SmsMessage
from services.txn import on_commit


def _send_soon():
    import tasks  # the worker's jobs import the services; this one is looked up when needed

    tasks.send_sms_soon()


def notify(user, title, body="", link="", send_sms=True, sms_text=None):
    """Queue an in-app notice and, when the user has a mobile number, an SMS with the same text (or `sms_text`)."""
    notice = Notification.create(user=user, title=title, body=body, link=link)
    if send_sms and user.mobile:
        text = sms_text or f"【职称评审】{title}" + (f"：{body}" if body else "")
        SmsMessage.create(user=user, mobile=user.mobile, body=text)
        on_commit(_send_soon)
    return notice


def unread_count(user):
    return Notification.select().where((Notification.user == user) & Notification.read_at.is_null()).count()
