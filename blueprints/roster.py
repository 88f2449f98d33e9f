"""花名册 《评委会评审对象花名册》 on screen, printable and as xlsx; batches of documents made in the background."""
from urllib.parse import quote

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from app import htmx
from blueprints import role_required
from models import Application, DocumentBatch, ReviewPlan, applications_visible_to
from services import exports, roster, storage
from services.pagination import paginate_list
from services.values import whole_number
from workflow import WorkflowError, start_batch
from workflow.documents import BATCH_ROLES, ROSTER_KINDS

bp = Blueprint("roster", __name__, url_prefix="/roster")
viewers_only = role_required(*roster.ROLES)
STOP_POLLING = 286  # htmx stops an `every 2s` trigger on this status


def _plans():
    """The plans of the applications the viewer may see, newest first."""
    plans = applications_visible_to(current_user).select(Application.plan)
    return ReviewPlan.select().where(ReviewPlan.id.in_(plans)).order_by(ReviewPlan.year.desc(), ReviewPlan.id.desc())


def _plan(plan_id):
    plan_id = whole_number(plan_id)
    return (ReviewPlan.get_or_none(ReviewPlan.id == plan_id) if plan_id is not None else None) or abort(404)


@bp.route("/")
@viewers_only
def index():
    plan = _plan(request.args["plan"]) if request.args.get("plan") else _plans().first()
    applications = roster.applications_for(current_user, plan) if plan else []
    q = request.args.get("q", "").strip()
    # searched by 姓名, 身份证号 or 工作单位; a row keeps its roster 序号
    matching = [row for row in roster.rows(applications) if not q or any(q in str(row[i]) for i in (1, 4, 5))]
    page = paginate_list(matching, request.args.get("page"))
    batches = list(DocumentBatch.select().where(DocumentBatch.organisation == current_user.organisation_id)
                   .order_by(DocumentBatch.id.desc()).limit(10))
    return render_template("roster/index.html", plans=_plans(), plan=plan, page=page, q=q, columns=roster.COLUMNS,
                           title=roster.title_of(plan, current_user) if plan else "评委会评审对象花名册",
                           batches=batches, kinds=ROSTER_KINDS, can_batch=current_user.role in BATCH_ROLES)


@bp.route("/<int:plan_id>/print")
@viewers_only
def printable(plan_id):
    """The whole roster on one page, for the browser's print."""
    plan = _plan(plan_id)
    return render_template("roster/print.html", plan=plan, title=roster.title_of(plan, current_user),
                           columns=roster.COLUMNS, rows=roster.rows(roster.applications_for(current_user, plan)))


@bp.route("/<int:plan_id>/roster.xlsx")
@viewers_only
def export(plan_id):
    plan = _plan(plan_id)
    title = roster.title_of(plan, current_user)
    return roster.xlsx(title, roster.applications_for(current_user, plan)), 200, {
        "Content-Type": exports.XLSX_TYPE,
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(title + '.xlsx')}",
    }


@bp.route("/batches", methods=["POST"])
@role_required(*BATCH_ROLES)
def start():
    plan = _plan(request.form.get("plan"))
    kind = next((k for k in ROSTER_KINDS if k.value == request.form.get("kind")), None)
    try:
        if kind is None:
            raise WorkflowError("请选择要生成的材料。")
        batch = start_batch(current_user, plan, kind, as_zip=request.form.get("as_zip") == "y",
                            site=request.host_url, ip=request.remote_addr or "")
    except WorkflowError as error:
        flash(str(error), "warning")
        return redirect(url_for("roster.index", plan=plan.id))
    flash(f"已开始生成{kind.label}（{batch.total} 份）；关闭页面不影响生成。", "success")
    return redirect(url_for("roster.batch", batch_id=batch.id))


def _own_batch(batch_id):
    batch = DocumentBatch.get_or_none(DocumentBatch.id == batch_id)
    if batch is None or not batch.can_view(current_user):
        abort(404)
    return batch


@bp.route("/batches/<int:batch_id>")
@viewers_only
def batch(batch_id):
    """A batch's progress; polled by htmx every 2 s until it has finished (status 286 stops the polling)."""
    found = _own_batch(batch_id)
    if htmx:
        return (render_template("roster/_batch.html", batch=found), STOP_POLLING if found.is_finished else 200,
                {"Vary": "HX-Request"})
    return render_template("roster/batch.html", batch=found)


@bp.route("/batches/<int:batch_id>/download")
@viewers_only
def batch_download(batch_id):
    found = _own_batch(batch_id)
    if found.result_id is None:
        abort(404)
    result = found.result
    return storage.send(result, storage.location(current_app.config), as_attachment=True,
                        download_name=result.original_name) or abort(404)
