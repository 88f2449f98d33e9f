"""Committee offices after the meeting: 评审结果公示, 异议处理, 复查答复 and 确认 (the verbs are in workflow/results)."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import fn

from blueprints import role_required
from forms import add_error
from forms.results import ObjectionDecisionForm, RecheckAnswerForm, ResultPublicityForm
from models import (
    Application,
    ApplicationStatus,
    Objection,
    ObjectionState,
    Recheck,
    RecheckOutcome,
    ResultPublicity,
    ReviewPlan,
    Role,
    User,
    applications_held_by,
    objections_visible_to,
    rechecks_visible_to,
    result_publicities_visible_to,
)
from services.pagination import filter_list, paginate
from services.values import whole_number, whole_numbers
from services.workdays import publicity_end_date
from workflow import (
    WorkflowError,
    answer_recheck,
    confirm_results,
    decide_objection,
    publish_results,
)
from workflow.results import confirm_blockers, decided, default_how_to_object

bp = Blueprint("results", __name__, url_prefix="/committee/results")
office_only = role_required(Role.COMMITTEE_OFFICE)


def _publishable_plans():
    """Plans with passed DECIDED applications of this office not yet on a 公示."""
    waiting = applications_held_by(current_user).where(
        (Application.status == ApplicationStatus.DECIDED) & (Application.decided_pass == True)  # noqa: E712
        & Application.result_publicity.is_null())
    return ReviewPlan.select().where(ReviewPlan.id.in_(waiting.select(Application.plan))).order_by(ReviewPlan.id)


@bp.route("", methods=["GET", "POST"])
@office_only
def publicity_list():
    """评审结果公示: choose a plan, tick its passed applicants, publish; the office's 公示 below."""
    plans = list(_publishable_plans())
    plan = next((p for p in plans if p.id == whole_number(request.values.get("plan"))), None)
    form = ResultPublicityForm()
    if request.method == "GET":
        form.starts_on.data = date.today()
        form.how_to_object.data = default_how_to_object(current_user.organisation)
    elif plan is None:
        form.form_errors.append("请选择有待公示人员的评审工作计划。")
    elif form.validate_on_submit():
        try:
            created, skipped = publish_results(current_user, plan, whole_numbers(request.form.getlist("ids")),
                                               form.starts_on.data, form.how_to_object.data,
                                               ip=request.remote_addr or "")
        except WorkflowError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"评审结果公示已发布：{created.starts_on} 至 {created.ends_on}"
                  + (f"（{skipped} 人不符合条件未列入）" if skipped else "") + "。", "success")
            return redirect(url_for("results.publicity_detail", result_publicity_id=created.id))
    candidates = list(decided(current_user, plan, True).order_by(Application.id)) if plan else []
    failed = decided(current_user, plan, False).count() if plan else 0
    preview = publicity_end_date(form.starts_on.data) if form.starts_on.data else None
    publicities = paginate(result_publicities_visible_to(current_user).order_by(ResultPublicity.id.desc()),
                           request.args.get("page"))
    chosen = set(whole_numbers(request.form.getlist("ids"))) if request.method == "POST" else None
    return render_template("results/list.html", form=form, plans=plans, plan=plan, candidates=candidates,
                           failed=failed, preview=preview, publicities=publicities, chosen=chosen, today=date.today())


def _own_publicity(publicity_id):
    found = result_publicities_visible_to(current_user).where(ResultPublicity.id == publicity_id).first()
    if found is None:
        abort(404)
    return found


@bp.route("/<int:result_publicity_id>")
@office_only
def publicity_detail(result_publicity_id):
    publicity = _own_publicity(result_publicity_id)
    applications = publicity.applications.order_by(Application.decided_pass.desc(), Application.id)
    return render_template("results/detail.html", publicity=publicity, applications=applications,
                           objections=publicity.objections.order_by(Objection.id),
                           rechecks=publicity.rechecks.order_by(Recheck.id),
                           blockers=confirm_blockers(publicity, date.today()))


@bp.route("/<int:result_publicity_id>/confirm", methods=["POST"])
@office_only
def confirm(result_publicity_id):
    publicity = _own_publicity(result_publicity_id)
    try:
        passed, failed = confirm_results(publicity, current_user, ip=request.remote_addr or "")
    except WorkflowError as error:
        flash(str(error), "warning")
    else:
        flash(f"已确认：{passed} 人评审通过，{failed} 人评审未通过。", "success")
    return redirect(url_for("results.publicity_detail", result_publicity_id=publicity.id))


def _counts(query, column, enum):
    """(state, how many) for the tabs above a list; the query's raw values are read back into the enum."""
    found = {enum(value): n for value, n in query.select(column, fn.COUNT(query.model.id)).group_by(column).tuples()}
    return [(state, found[state]) for state in enum if state in found]


def _state_list(template, visible, column, enum, search):
    """A list of `visible` rows (objections or 复查 of this office's 公示): pending first, then the newest; the tabs
    count them by `column`, of `enum`; `search` names the columns (of the row and its applicant) that `q` looks in."""
    model = visible.model
    query = (visible.join(Application, on=(model.application == Application.id))
             .join(User, on=(Application.applicant == User.id)))
    query = filter_list(query, request.args, search, states={state.value: column == state for state in enum})
    page = paginate(query.order_by(column != enum.PENDING, model.id.desc()), request.args.get("page"))
    return render_template(template, page=page, args=request.args, counts=_counts(visible, column, enum))


@bp.route("/objections")
@office_only
def objections():
    """异议处理: every objection to this office's 公示, pending first; search by objector or applicant."""
    return _state_list("results/objections.html", objections_visible_to(current_user), Objection.state,
                       ObjectionState, (Objection.name, User.real_name, Objection.content))


@bp.route("/objections/<int:objection_id>", methods=["GET", "POST"])
@office_only
def objection(objection_id):
    found = objections_visible_to(current_user).where(Objection.id == objection_id).first()
    if found is None:
        abort(404)
    form = ObjectionDecisionForm()
    if form.validate_on_submit():
        try:
            decide_objection(found, current_user, form.outcome.data == ObjectionState.UPHELD.value, form.decision.data,
                             ip=request.remote_addr or "")
        except WorkflowError as error:
            add_error(form, "decision", str(error))
        else:
            flash(f"异议 #{found.id} 已处理：{ObjectionState(form.outcome.data).label}。", "success")
            return redirect(url_for("results.publicity_detail", result_publicity_id=found.publicity_id))
    return render_template("results/objection.html", objection=found, form=form)


@bp.route("/rechecks")
@office_only
def rechecks():
    """复查申请: pending first; search by applicant."""
    return _state_list("results/rechecks.html", rechecks_visible_to(current_user), Recheck.outcome, RecheckOutcome,
                       (User.real_name, Recheck.reason))


@bp.route("/rechecks/<int:recheck_id>", methods=["GET", "POST"])
@office_only
def recheck(recheck_id):
    found = rechecks_visible_to(current_user).where(Recheck.id == recheck_id).first()
    if found is None:
        abort(404)
    form = RecheckAnswerForm()
    if form.validate_on_submit():
        try:
            answer_recheck(found, current_user, RecheckOutcome(form.outcome.data), form.answer.data,
                           ip=request.remote_addr or "")
        except WorkflowError as error:
            add_error(form, "answer", str(error))
        else:
            flash(f"复查申请 #{found.id} 已答复：{RecheckOutcome(form.outcome.data).label}。", "success")
            return redirect(url_for("results.publicity_detail", result_publicity_id=found.publicity_id))
    return render_template("results/recheck.html", recheck=found, form=form)
