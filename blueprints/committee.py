"""Committee offices (评委会办公室): 评审对象 and a 中评委's 推荐至高评委; results come from 评审会议 (blueprints/meetings.py)."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints import role_required
from blueprints.review import detail_context, queue_page, visible_application
from models import Application, ApplicationStatus, Role, applications_held_by
from workflow import forward_to_senior

bp = Blueprint("committee", __name__, url_prefix="/committee")
office_only = role_required(Role.COMMITTEE_OFFICE)


@bp.route("/applications")
@office_only
def queue():
    return queue_page("committee/queue.html", "评审对象")


@bp.route("/applications/<int:application_id>")
@office_only
def detail(application_id):
    return render_template("review/detail.html", **detail_context(visible_application(application_id),
                                                                  request.args.get("submission", type=int)))


@bp.route("/forward", methods=["GET", "POST"])
@office_only
def forward():
    """推荐至高评委 (中评委 offices only)."""
    office = current_user.organisation
    recommended = applications_held_by(current_user).where(Application.status == ApplicationStatus.RECOMMENDED)
    if request.method == "POST":
        if office.committee.is_senior:
            flash("高评委办公室无需推荐。", "warning")
        else:
            done = forward_to_senior(current_user, ip=request.remote_addr or "")
            flash(f"{done} 件已推荐至高评委。", "success" if done else "warning")
        return redirect(url_for("committee.forward"))
    return render_template("committee/forward.html", recommended=recommended, office=office)
