"""评委会办公室: 评审会议 — creation, attendance, each agenda item's recusals and its secret vote (paper tally or
online ballots) — and 面试安排. Meetings go through meetings_visible_to; every change through workflow/meetings.py."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import fn

from blueprints import role_required
from blueprints.experts import office_plan, office_plans
from blueprints.review import visible_application
from models import (
    AgendaItem,
    BallotCast,
    ConflictKind,
    Expert,
    Meeting,
    Role,
    VoteState,
    experts_visible_to,
    meetings_visible_to,
)
from services import meetings
from services.pagination import paginate
from services.values import read_date, read_datetime, whole_number, whole_numbers
from workflow import WorkflowError
from workflow.meetings import (
    close_vote,
    create_meeting,
    enter_tally,
    extend_agenda,
    open_vote,
    record_attendance,
    recuse,
    schedule_interview,
)

bp = Blueprint("meetings", __name__, url_prefix="/committee")
office_only = role_required(Role.COMMITTEE_OFFICE)


def own_meeting(meeting_id):
    meeting = meetings_visible_to(current_user).where(Meeting.id == meeting_id).first()
    if meeting is None:
        abort(404)
    return meeting


def own_item(item_id):
    item = AgendaItem.select().where((AgendaItem.id == item_id)
                                     & AgendaItem.meeting.in_(meetings_visible_to(current_user))).first()
    if item is None:
        abort(404)
    return item


def _ip():
    return request.remote_addr or ""


@bp.route("/meetings", methods=["GET", "POST"])
@office_only
def meeting_list():
    if request.method == "POST":
        plan = office_plan(whole_number(request.form.get("plan")) or 0)
        try:
            meeting = create_meeting(current_user, plan, read_date(request.form.get("held_on")),
                                     request.form.get("place", ""), ip=_ip())
        except WorkflowError as error:
            flash(f"未创建会议：{error}", "warning")
            return _list_page(request.form), 409
        flash(f"已创建评审会议，议程 {meeting.items.count()} 件。请登记出席情况。", "success")
        return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id))
    return _list_page({})


def _list_page(values):
    query = meetings_visible_to(current_user).order_by(Meeting.held_on.desc(), Meeting.id.desc())
    if (plan_id := whole_number(request.args.get("plan"))) is not None:
        query = query.where(Meeting.plan == plan_id)
    page = paginate(query, request.args.get("page"))
    decided = {row.meeting_id: row.n for row in AgendaItem.select(AgendaItem.meeting, fn.COUNT(AgendaItem.id).alias("n"))
               .where(AgendaItem.meeting.in_([m.id for m in page.items]) & (AgendaItem.state == VoteState.CLOSED))
               .group_by(AgendaItem.meeting)}
    return render_template("meetings/list.html", page=page, plans=office_plans(), values=values, args=request.args,
                           decided=decided)


@bp.route("/meetings/<int:meeting_id>")
@office_only
def meeting_detail(meeting_id):
    meeting = own_meeting(meeting_id)
    return render_template("meetings/detail.html", meeting=meeting, quorum=meetings.meeting_quorum(meeting),
                           attendance=list(meeting.attendance.join(Expert).order_by(Expert.name)),
                           items=list(meeting.items.order_by(AgendaItem.position)),
                           locked=meeting.items.where(AgendaItem.state != VoteState.WAITING).exists())


@bp.route("/meetings/<int:meeting_id>/agenda", methods=["POST"])
@office_only
def agenda(meeting_id):
    """补充议程: the applications that have reached 待评委会评审 since the meeting was made."""
    meeting = own_meeting(meeting_id)
    try:
        added = extend_agenda(current_user, meeting, ip=_ip())
    except WorkflowError as error:
        flash(str(error), "warning")
    else:
        flash(f"已补充议程 {added} 件。", "success")
    return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id))


@bp.route("/meetings/<int:meeting_id>/attendance", methods=["POST"])
@office_only
def attendance(meeting_id):
    meeting = own_meeting(meeting_id)
    try:
        record_attendance(current_user, meeting, whole_numbers(request.form.getlist("present")), ip=_ip())
    except WorkflowError as error:
        flash(str(error), "warning")
    else:
        quorum = meetings.meeting_quorum(meeting)
        flash(f"已登记出席情况：{quorum}，会议{'有效' if quorum.is_valid else '无效，不能表决'}。",
              "success" if quorum.is_valid else "warning")
    return redirect(url_for("meetings.meeting_detail", meeting_id=meeting.id))


def _item_page(item, values=None, status=200):
    return render_template("meetings/item.html", item=item, meeting=item.meeting,
                           quorum=meetings.meeting_quorum(item.meeting), proposed=meetings.proposed_recusals(item),
                           recusals=list(item.recusals), voters=meetings.voters_of(item),
                           members=list(item.meeting.attendance.join(Expert).order_by(Expert.name)),
                           cast=BallotCast.select().where(BallotCast.item == item).count(),
                           two_thirds=meetings.two_thirds, kinds=ConflictKind, values=values or {}), status


@bp.route("/agenda/<int:item_id>")
@office_only
def item_detail(item_id):
    return _item_page(own_item(item_id))


def _act(item, action, message):
    """Run a workflow verb on an item; the item page again with the error, or back to it with `message`."""
    try:
        action()
    except WorkflowError as error:
        flash(str(error), "warning")
        return _item_page(AgendaItem.get_by_id(item.id), request.form, 409)
    flash(message, "success")
    return redirect(url_for("meetings.item_detail", item_id=item.id))


@bp.route("/agenda/<int:item_id>/recusals", methods=["POST"])
@office_only
def recusal(item_id):
    item = own_item(item_id)
    expert = experts_visible_to(current_user).where(Expert.id == (whole_number(request.form.get("expert")) or 0)).first()
    kind = request.form.get("kind")
    if expert is None or kind not in ConflictKind._value2member_map_:
        flash("请选择回避的评委和回避情形。", "warning")
        return _item_page(item, request.form, 400)
    return _act(item, lambda: recuse(current_user, item, expert, ConflictKind(kind), request.form.get("reason", ""),
                                     ip=_ip()), f"已确认{expert.name}回避。")


@bp.route("/agenda/<int:item_id>/tally", methods=["POST"])
@office_only
def tally(item_id):
    item = own_item(item_id)
    counts = [whole_number(request.form.get(name)) for name in ("agree", "disagree", "abstain")]
    return _act(item, lambda: enter_tally(current_user, item, *counts, ip=_ip()), "已录入计票结果，评审结果已按规则计算。")


@bp.route("/agenda/<int:item_id>/open", methods=["POST"])
@office_only
def open_item(item_id):
    item = own_item(item_id)
    return _act(item, lambda: open_vote(current_user, item, ip=_ip()), "已开始在线投票，请出席且未回避的评委用专家账号投票。")


@bp.route("/agenda/<int:item_id>/close", methods=["POST"])
@office_only
def close_item(item_id):
    item = own_item(item_id)
    return _act(item, lambda: close_vote(current_user, item, ip=_ip()), "投票已结束，计票结果和评审结果如下。")


@bp.route("/agenda/<int:item_id>/cast")
@office_only
def cast_count(item_id):
    """How many have voted so far (polled by the item page while the vote is open; never which way)."""
    item = own_item(item_id)
    cast = BallotCast.select().where(BallotCast.item == item).count()
    return render_template("meetings/_cast.html", item=item, cast=cast, voters=len(meetings.voters_of(item))), \
        (286 if item.state != VoteState.OPEN else 200)


@bp.route("/applications/<int:application_id>/interview-time", methods=["POST"])
@office_only
def interview_time(application_id):
    application = visible_application(application_id)
    try:
        schedule_interview(current_user, application, read_datetime(request.form.get("starts_at")),
                           request.form.get("room", ""), ip=_ip())
    except WorkflowError as error:
        flash(f"未安排面试：{error}", "warning")
    else:
        flash(f"已安排{application.applicant.real_name}的面试，并已短信通知。", "success")
    return redirect(url_for("committee.detail", application_id=application.id))
