"""Every role's home page, and the notification centre."""
from flask import Blueprint, abort, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from models import (
    Achievement,
    AchievementStatus,
    AgendaItem,
    Application,
    ApplicationStatus,
    Notification,
    Role,
    VoteState,
    achievements_visible_to,
    applications_held_by,
    meetings_visible_to,
    now,
)
from services.pagination import paginate
from services.txn import atomic

bp = Blueprint("home", __name__)


@bp.route("/home")
@login_required
def index():
    recent = current_user.notifications.order_by(Notification.id.desc()).limit(5)
    return render_template("home/index.html", recent=recent, todo=waiting_for(current_user))


def waiting_for(user):
    """What waits for this user now: (label, count, link) of each non-empty pile."""
    here = applications_held_by(user)
    piles = []
    if user.role == Role.APPLICANT:
        piles = [("被退回待修改的申报", user.applications.where(Application.status == ApplicationStatus.RETURNED),
                  url_for("wizard.mine")),
                 ("未提交的申报草稿", user.applications.where(Application.status == ApplicationStatus.DRAFT),
                  url_for("wizard.mine"))]
    elif user.role == Role.UNIT and user.organisation.is_approved:
        piles = [("待审核的业绩档案", achievements_visible_to(user).where(Achievement.status == AchievementStatus.PENDING),
                  url_for("unit.achievements", status=AchievementStatus.PENDING.value)),
                 ("待职称申报资格审查", here.where(Application.status == ApplicationStatus.AT_UNIT),
                  url_for("review.queue", state=ApplicationStatus.AT_UNIT.value)),
                 ("审查通过待公示报送", here.where(Application.status == ApplicationStatus.UNIT_PASSED),
                  url_for("review.publicity"))]
    elif user.role in (Role.TALENT_CENTRE, Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU):
        piles = [("待审查", here.where(Application.status == ApplicationStatus.PENDING),
                  url_for("review.queue", state=ApplicationStatus.PENDING.value)),
                 ("审查通过待审核推荐", here.where(Application.status == ApplicationStatus.STAGE_PASSED),
                  url_for("review.recommend_page"))]
    elif user.role == Role.COMMITTEE_OFFICE:
        piles = [("待评审会议表决", here.where(Application.status == ApplicationStatus.AT_COMMITTEE),
                  url_for("committee.queue", state=ApplicationStatus.AT_COMMITTEE.value)),
                 ("已推荐待报送高评委", here.where(Application.status == ApplicationStatus.RECOMMENDED),
                  url_for("committee.forward"))]
    elif user.role == Role.EXPERT:
        piles = [("正在投票的申报", AgendaItem.select().where(
            AgendaItem.meeting.in_(meetings_visible_to(user)) & (AgendaItem.state == VoteState.OPEN)),
            url_for("expert.meetings"))]
    counted = [(label, query.count(), link) for label, query, link in piles]
    return [pile for pile in counted if pile[1]]


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
