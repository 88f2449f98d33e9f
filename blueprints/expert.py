"""评审专家: their meetings and, while the office has a vote open, the secret ballot (无记名投票)."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints import role_required
from models import AgendaItem, Attendance, BallotCast, Expert, Meeting, Role, VoteState, meetings_visible_to
from services.meetings import recused_ids
from workflow import WorkflowError
from workflow.meetings import cast_ballot

bp = Blueprint("expert", __name__, url_prefix="/expert")
expert_only = role_required(Role.EXPERT)


def _seats():
    """The expert's attendance rows by meeting id."""
    return {row.meeting_id: row for row in Attendance.select(Attendance, Expert).join(Expert)
            .where(Expert.user == current_user.id)}


def _ballot_state(item, seat):
    """What the expert can do on an item: "vote", or why not (in words)."""
    if item.state != VoteState.OPEN:
        return item.state.label
    if not seat.present:
        return "未出席，不能投票"
    if seat.expert_id in recused_ids(item):
        return "已回避"
    if BallotCast.select().where((BallotCast.item == item) & (BallotCast.expert == seat.expert_id)).exists():
        return "已投票"
    return "vote"


@bp.route("/meetings")
@expert_only
def meetings():
    seats = _seats()
    rows = []
    for meeting in meetings_visible_to(current_user).order_by(Meeting.held_on.desc(), Meeting.id.desc()):
        seat = seats[meeting.id]
        items = [(item, _ballot_state(item, seat)) for item in meeting.items.order_by(AgendaItem.position)]
        rows.append((meeting, seat, items))
    return render_template("expert/meetings.html", rows=rows)


def own_item(item_id):
    item = AgendaItem.select().where((AgendaItem.id == item_id)
                                     & AgendaItem.meeting.in_(meetings_visible_to(current_user))).first()
    if item is None:
        abort(404)
    return item


@bp.route("/agenda/<int:item_id>", methods=["GET", "POST"])
@expert_only
def ballot(item_id):
    item = own_item(item_id)
    if request.method == "POST":
        try:
            cast_ballot(current_user, item, request.form.get("choice", ""), ip=request.remote_addr or "")
        except WorkflowError as error:
            flash(str(error), "warning")
            return render_template("expert/ballot.html", item=item, state=_ballot_state(item, _seats()[item.meeting_id])), 409
        flash(f"您对{item.application.applicant.real_name}的投票已提交（无记名，不能修改）。", "success")
        return redirect(url_for("expert.meetings"))
    return render_template("expert/ballot.html", item=item, state=_ballot_state(item, _seats()[item.meeting_id]))
