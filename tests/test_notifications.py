"""Notifications: in-app notices and the SMS outbox, sent only after the causing transaction commits."""
from datetime import timedelta
from pathlib import Path

import pytest

from models import AuditLog, Notification, Role, SmsMessage, SmsStatus, now
from services import sms
from services.notifications import notify, unread_count
from services.txn import atomic, on_commit
from tests.conftest import ID_FEMALE, login, make_applicant, make_user


class RecordingGateway:
    """A gateway that records what it sends, or fails like an unreachable SMS service when `failing`."""

    sent = []
    failing = False

    def send(self, mobile, body):
        if RecordingGateway.failing:
            raise ConnectionError("短信网关无响应")
        RecordingGateway.sent.append((mobile, body))


class Rollback(Exception):
    pass


@pytest.fixture
def ctx(app):
    with app.app_context():
        yield app


@pytest.fixture
def gateway(ctx):
    """Send through RecordingGateway for the length of a test."""
    RecordingGateway.sent, RecordingGateway.failing = [], False
    previous = ctx.config["SMS_GATEWAY"]
    ctx.config["SMS_GATEWAY"] = "tests.test_notifications:RecordingGateway"
    yield RecordingGateway
    ctx.config["SMS_GATEWAY"] = previous


@pytest.fixture
def applicant():
    return make_applicant(mobile="13900000001")


def counts():
    return Notification.select().count(), SmsMessage.select().count()


def make_due(message_id):
    """Let the retry time of a message pass."""
    SmsMessage.update(next_attempt_at=now() - timedelta(seconds=1)).where(SmsMessage.id == message_id).execute()


# ---------------------------------------------------------------- outbox after commit

def test_a_committed_notice_is_stored_and_sent_once_after_commit(gateway, applicant):
    with atomic():
        notify(applicant, "业绩档案已通过", "工程项目“某大楼”已通过单位审核。", link="/achievements")
        assert counts() == (1, 1)
        assert gateway.sent == [], "nothing leaves before the commit"

    assert gateway.sent == [("13900000001", "【职称评审】业绩档案已通过：工程项目“某大楼”已通过单位审核。")]
    notice = Notification.get()
    assert (notice.user_id, notice.title, notice.link, notice.read_at) == (applicant.id, "业绩档案已通过", "/achievements", None)
    message = SmsMessage.get()
    assert (message.status, message.attempts, message.user_id) == (SmsStatus.SENT, 1, applicant.id)
    assert message.sent_at is not None

    sms.deliver_due()
    assert len(gateway.sent) == 1, "a sent message is never sent again"


def test_two_notices_in_one_transaction_send_each_message_once(gateway, applicant):
    other = make_applicant(mobile="13900000002", id_number=ID_FEMALE)
    with atomic():
        notify(applicant, "第一条")
        notify(other, "第二条")
        notify(applicant, "第三条")
    assert sorted(gateway.sent) == sorted([
        ("13900000001", "【职称评审】第一条"), ("13900000002", "【职称评审】第二条"), ("13900000001", "【职称评审】第三条"),
    ])


def test_a_rolled_back_transaction_leaves_no_notice_and_sends_nothing(gateway, applicant):
    with pytest.raises(Rollback), atomic():
        notify(applicant, "申报已退回", "请补充材料。")
        raise Rollback

    assert counts() == (0, 0)
    assert gateway.sent == []
    with atomic():
        pass
    assert gateway.sent == [], "the dropped callback does not run at a later commit"


def test_a_rolled_back_savepoint_drops_only_its_own_notice(gateway, applicant):
    other = make_applicant(mobile="13900000002", id_number=ID_FEMALE)
    with atomic():
        notify(applicant, "保留的通知")
        with pytest.raises(Rollback), atomic():
            notify(other, "撤销的通知")
            raise Rollback
    assert [n.title for n in Notification.select()] == ["保留的通知"]
    assert gateway.sent == [("13900000001", "【职称评审】保留的通知")]


def test_a_rolled_back_savepoint_drops_only_its_own_callbacks(ctx):
    ran = []
    with atomic():
        on_commit(lambda: ran.append("outer"))
        with pytest.raises(Rollback), atomic():
            on_commit(lambda: ran.append("inner, rolled back"))
            raise Rollback
        with atomic():
            on_commit(lambda: ran.append("inner, released"))
        assert ran == []
    assert ran == ["outer", "inner, released"]


def test_a_notice_queued_only_in_a_rolled_back_savepoint_is_not_sent(gateway, applicant):
    with atomic():
        with pytest.raises(Rollback), atomic():
            notify(applicant, "撤销的通知")
            raise Rollback
        notify(applicant, "之后的通知", send_sms=False)
    assert gateway.sent == [] and SmsMessage.select().count() == 0
    assert [n.title for n in Notification.select()] == ["之后的通知"]


def test_the_default_gateway_appends_to_the_log_file(ctx, applicant):
    log = Path(ctx.config["SMS_LOG"])
    before = log.read_text(encoding="utf-8").splitlines() if log.exists() else []
    with atomic():
        notify(applicant, "缴费通知", "请于 10 月 31 日前缴纳评审费 300 元。")
        assert (log.read_text(encoding="utf-8").splitlines() if log.exists() else []) == before

    lines = log.read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(before) + 1
    assert lines[-1].split("\t")[1:] == ["13900000001", "【职称评审】缴费通知：请于 10 月 31 日前缴纳评审费 300 元。"]
    assert SmsMessage.get().status == SmsStatus.SENT


@pytest.mark.parametrize("mobile, send_sms, messages", [
    ("13900000009", True, 1), ("", True, 0), ("13900000009", False, 0),
], ids=["with-mobile", "no-mobile", "in-app-only"])
def test_an_sms_goes_only_to_users_with_a_mobile_number(gateway, mobile, send_sms, messages):
    user = make_user(Role.ADMIN, "someone", mobile=mobile)
    with atomic():
        notify(user, "系统通知", send_sms=send_sms)
    assert counts() == (1, messages)
    assert len(gateway.sent) == messages


# ---------------------------------------------------------------- failures and retries

def test_a_failing_gateway_marks_the_message_failed_and_retries_when_due(gateway, applicant):
    gateway.failing = True
    with atomic():
        notify(applicant, "评审结果")

    message = SmsMessage.get()
    assert message.status == SmsStatus.FAILED and message.status.label.startswith("发送失败")
    assert message.attempts == 1 and "短信网关无响应" in message.last_error
    assert message.next_attempt_at > now()
    assert Notification.select().count() == 1, "the in-app notice stays although the SMS failed"

    gateway.failing = False
    sms.deliver_due()
    assert SmsMessage.get().attempts == 1 and gateway.sent == [], "not retried before it is due"

    make_due(message.id)
    assert sms.deliver_due() == 1
    message = SmsMessage.get()
    assert (message.status, message.attempts, message.last_error) == (SmsStatus.SENT, 2, "")
    assert gateway.sent == [("13900000001", "【职称评审】评审结果")]


@pytest.mark.parametrize("failures, minutes", [(1, 1), (2, 2), (3, 4), (4, 8)])
def test_retries_wait_longer_after_each_failure(gateway, applicant, failures, minutes):
    gateway.failing = True
    with atomic():
        notify(applicant, "评审结果")
    for _ in range(failures - 1):
        make_due(SmsMessage.get().id)
        sms.deliver_due()
    message = SmsMessage.get()
    assert message.attempts == failures
    wait = message.next_attempt_at - now()
    assert timedelta(minutes=minutes) - timedelta(seconds=5) <= wait <= timedelta(minutes=minutes)


def test_the_outbox_gives_up_after_five_attempts(gateway, applicant):
    gateway.failing = True
    with atomic():
        notify(applicant, "评审结果")
    message_id = SmsMessage.get().id
    for attempt in range(2, 6):
        make_due(message_id)
        sms.deliver_due()
        assert SmsMessage.get_by_id(message_id).attempts == attempt

    message = SmsMessage.get_by_id(message_id)
    assert message.status == SmsStatus.GAVE_UP and message.status.label == "多次失败，已停止重试"
    make_due(message_id)
    gateway.failing = False
    assert sms.deliver_due() == 0 and gateway.sent == []
    assert SmsMessage.get_by_id(message_id).attempts == 5


def test_the_administrator_sees_failed_messages_and_can_resend(gateway, app, applicant):
    gateway.failing = True
    with atomic():
        notify(applicant, "评审结果")
    message = SmsMessage.get()
    client = app.test_client()
    login(client, make_user(Role.ADMIN, "root"))

    page = client.get("/admin/outbox", query_string={"status": "failed"}).get_data(as_text=True)
    assert "13900000001" in page and "发送失败，将重试" in page and "短信网关无响应" in page and "重新发送" in page

    gateway.failing = False
    client.post(f"/admin/outbox/{message.id}/retry")
    assert SmsMessage.get_by_id(message.id).status == SmsStatus.SENT
    assert gateway.sent == [("13900000001", "【职称评审】评审结果")]
    assert AuditLog.get(AuditLog.action == "sms.retry").detail == f"短信 #{message.id} 至 13900000001"


# ---------------------------------------------------------------- the notification centre

@pytest.fixture
def two_users(gateway):
    mine = make_applicant(mobile="13900000001", name="张三")
    theirs = make_applicant(mobile="13900000002", id_number=ID_FEMALE, name="李四")
    with atomic():
        notify(mine, "我的第一条通知", link="/notifications?from=notice")
        notify(mine, "我的第二条通知")
        notify(theirs, "别人的通知")
    return mine, theirs


def test_the_notification_page_shows_only_my_notices(client, two_users):
    mine, theirs = two_users
    login(client, mine)
    page = client.get("/notifications").get_data(as_text=True)
    assert "我的第一条通知" in page and "我的第二条通知" in page
    assert "别人的通知" not in page
    assert "（2 条未读）" in client.get("/home").get_data(as_text=True)


def test_another_users_notice_cannot_be_marked_read(client, two_users):
    mine, theirs = two_users
    login(client, mine)
    notice = Notification.get(Notification.user == theirs)
    assert client.post(f"/notifications/{notice.id}/read").status_code == 404
    assert Notification.get_by_id(notice.id).read_at is None
    assert client.post("/notifications/99999/read").status_code == 404


def test_marking_a_notice_read_opens_its_link(client, two_users):
    mine, _ = two_users
    login(client, mine)
    notice = Notification.get(Notification.title == "我的第一条通知")
    response = client.post(f"/notifications/{notice.id}/read")
    assert response.headers["Location"] == "/notifications?from=notice"
    assert Notification.get_by_id(notice.id).read_at is not None
    assert unread_count(mine) == 1


@pytest.mark.parametrize("link", ["https://evil.com/", "//evil.com"])
def test_a_notice_never_links_to_another_site(client, applicant, link):
    notice = Notification.create(user=applicant, title="外部链接", link=link)
    login(client, applicant)
    assert client.post(f"/notifications/{notice.id}/read").headers["Location"] == "/notifications"


def test_mark_all_read_touches_only_my_notices(client, two_users):
    mine, theirs = two_users
    login(client, mine)
    response = client.post("/notifications/read-all", follow_redirects=True)
    assert response.request.path == "/notifications"
    assert unread_count(mine) == 0 and unread_count(theirs) == 1
    assert "全部" in response.get_data(as_text=True) and 'class="unread"' not in response.get_data(as_text=True)
    assert client.get("/notifications", query_string={"unread": 1}).get_data(as_text=True).count("暂无消息") == 1


def test_the_request_only_queues_the_sms_and_the_worker_sends_it(gateway, monkeypatch):
    """A decision's SMS is not sent inside the request (a gateway may take seconds): the commit queues one
    send_sms_soon job, and the worker running it sends the message."""
    import tasks

    user = make_applicant()
    monkeypatch.setattr(tasks.huey, "immediate", False)
    tasks.huey.flush()
    with atomic():
        notify(user, "审查通过", "请留意下一步")
    assert RecordingGateway.sent == [] and SmsMessage.get().status == SmsStatus.PENDING
    assert [task.name for task in tasks.huey.pending()] == ["send_sms_soon"]
    tasks.huey.execute(tasks.huey.dequeue())
    assert RecordingGateway.sent == [(user.mobile, "【职称评审】审查通过：请留意下一步")]
    assert SmsMessage.get().status == SmsStatus.SENT and len(tasks.huey) == 0
