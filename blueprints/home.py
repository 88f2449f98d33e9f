"""Every role's home page, and the notification centre."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from models import Notification, now
from services.pagination import paginate
from services.txn import atomic

bp = Blueprint("home", __name__)


@bp.route("/home")
@login_required
def index():
    recent = current_user.notifications.order_by(Notification.id.desc()).limit(5)
    return render_template("home/index.html", recent=recent)


@bp.route("/notifications")
@login_required
def notifications():
    query = current_user.notifications.order_by(Notification.id.desc())
    if request.args.get("unread"):
        query = query.where(Notification.read_at.is_null())
    return render_template("home/notifications.html", page=paginate(query, request.args.get("page")))


@bp.route("/notifications/<int:notice_id>/read", methods=["POST"])
@login_required
def mark_read(notice_id):
    notice = Notification.get_or_none(Notification.id == notice_id)
    if notice is None or notice.user_id != current_user.id:
        abort(404)
    with atomic():
        if notice.read_at is None:
            notice.read_at = now()
            notice.save()
    internal = notice.link.startswith("/") and not notice.link.startswith("//")
    target = notice.link if internal else url_for("home.notifications")
    return redirect(target)


@bp.route("/notifications/read-all", methods=["POST"])
@login_required
def mark_all_read():
    with atomic():
        Notification.update(read_at=now()).where(
            (Notification.user == current_user.id) & Notification.read_at.is_null()
        ).execute()
    return redirect(url_for("home.notifications"))
