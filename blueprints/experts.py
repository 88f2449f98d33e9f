"""评委会办公室: 专家库 (list, add, edit, 停用/启用, xlsx import and export, expert accounts) and 评委会组成 per plan.
Every list goes through experts_visible_to; every change through workflow/experts.py."""
import base64
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints import role_required
from blueprints.uploads import upload_or_carried
from models import Expert, MemberRole, ReviewPlan, Role, experts_visible_to
from services import experts, exports
from services.accounts import AccountError
from services.integrity import barred_until
from services.meetings import composition_history, composition_problems, members_of, plans_reviewed_by
from services.pagination import filter_list, paginate
from workflow import WorkflowError
from workflow.experts import compose_committee, import_experts, open_expert_account, save_expert, set_expert_active

bp = Blueprint("experts", __name__, url_prefix="/committee")
office_only = role_required(Role.COMMITTEE_OFFICE)
MAX_IMPORT = 2 * 1024 * 1024


def own_expert(expert_id):
    expert = experts_visible_to(current_user).where(Expert.id == expert_id).first()
    if expert is None:
        abort(404)
    return expert


ACTIVE_STATES = {state: Expert.is_active == (state == "active") for state in ("active", "inactive")}


def filtered_pool():
    query = filter_list(experts_visible_to(current_user), request.args, states=ACTIVE_STATES,
                        search=(Expert.name, Expert.unit_name, Expert.speciality, Expert.id_number))
    return query.order_by(Expert.is_active.desc(), Expert.name, Expert.id)


@bp.route("/experts")
@office_only
def pool():
    query = filtered_pool()
    if request.args.get("format") == "xlsx":
        title = f"{current_user.organisation.committee.name}专家库"
        data = exports.xlsx(title, experts.EXPORT_COLUMNS, list(query))
        return data, 200, {"Content-Type": exports.XLSX_TYPE,
                           "Content-Disposition": f"attachment; filename*=UTF-8''{quote(title)}.xlsx"}
    return render_template("experts/pool.html", page=paginate(query, request.args.get("page")), args=request.args,
                           committee=current_user.organisation.committee)


def _expert_form(expert, values, error=None, status=200):
    return render_template("experts/form.html", expert=expert, values=values, error=error,
                           fields=experts.FIELDS), status


@bp.route("/experts/new", methods=["GET", "POST"])
@bp.route("/experts/<int:expert_id>", methods=["GET", "POST"])
@office_only
def edit(expert_id=None):
    expert = own_expert(expert_id) if expert_id is not None else None
    if request.method == "GET":
        values = {name: getattr(expert, name) for name, _, _ in experts.FIELDS} if expert else {}
        return _expert_form(expert, values)
    try:
        saved = save_expert(current_user, request.form, expert, ip=request.remote_addr or "")
    except experts.ExpertError as error:
        return _expert_form(expert, request.form, error, 400)
    except WorkflowError as error:
        flash(str(error), "warning")
        return _expert_form(expert, request.form, None, 409)
    flash(f"已保存专家{saved.name}。", "success")
    return redirect(url_for("experts.pool"))


@bp.route("/experts/<int:expert_id>/active", methods=["POST"])
@office_only
def active(expert_id):
    expert = own_expert(expert_id)
    turn_on = request.form.get("active") == "1"
    set_expert_active(current_user, expert, turn_on, ip=request.remote_addr or "")
    flash(f"已{'启用' if turn_on else '停用'}专家{expert.name}。", "success")
    return redirect(url_for("experts.pool"))


@bp.route("/experts/<int:expert_id>/account", methods=["POST"])
@office_only
def account(expert_id):
    expert = own_expert(expert_id)
    try:
        user, password = open_expert_account(current_user, expert, request.form.get("username", "").strip(),
                                             ip=request.remote_addr or "")
    except (WorkflowError, AccountError) as error:
        flash(f"未开通专家账号：{error}", "warning")
        return redirect(url_for("experts.edit", expert_id=expert.id))
    return render_template("experts/account_issued.html", user=user, password=password, expert=expert)


@bp.route("/experts/import", methods=["GET", "POST"])
@office_only
def import_pool():
    """专家导入: the first post previews every row with its error; only the second (确认导入) adds the good ones."""
    if request.method == "GET":
        return render_template("experts/import.html", rows=None)
    data = upload_or_carried("workbook", MAX_IMPORT)
    problem = ("请选择专家名单 xlsx 文件。" if not data else
               "文件超过 2 MB，请分批导入。" if len(data) > MAX_IMPORT else None)
    rows = None
    if problem is None:
        try:
            rows = experts.parse_import(data, current_user.organisation.committee)
        except experts.ExpertImportError as error:
            problem = str(error)
    if problem:
        flash(f"未导入任何专家：{problem}", "warning")
        return render_template("experts/import.html", rows=None), 400
    if request.form.get("confirm") == "yes":
        try:
            done = import_experts(current_user, rows, ip=request.remote_addr or "")
        except WorkflowError as error:
            flash(f"未导入任何专家：{error}", "warning")
            return render_template("experts/import.html", rows=None), 409
        skipped = sum(1 for row in rows if row.error)
        flash(f"已导入 {done} 名专家" + (f"，{skipped} 行有错误未导入。" if skipped else "。"), "success")
        return redirect(url_for("experts.pool"))
    return render_template("experts/import.html", rows=rows, carried=base64.b64encode(data).decode(),
                           good=sum(1 for row in rows if not row.error))


def office_plans():
    """The plans the office's committee reviews, newest first."""
    return plans_reviewed_by(current_user.organisation.committee)


def office_plan(plan_id):
    plan = office_plans().where(ReviewPlan.id == plan_id).first()
    if plan is None:
        abort(404)
    return plan


@bp.route("/composition")
@office_only
def compositions():
    committee = current_user.organisation.committee
    plans = [(plan, members_of(plan, committee)) for plan in office_plans()]
    return render_template("experts/compositions.html", plans=plans, committee=committee,
                           problems=lambda members: composition_problems(m.role for m in members))


@bp.route("/plans/<int:plan_id>/composition", methods=["GET", "POST"])
@office_only
def compose(plan_id):
    plan = office_plan(plan_id)
    committee = current_user.organisation.committee
    pool = list(experts_visible_to(current_user).where(Expert.is_active).order_by(Expert.name, Expert.id))
    if request.method == "POST":
        choices = {e.id: MemberRole(request.form[f"role_{e.id}"]) for e in pool
                   if request.form.get(f"role_{e.id}") in MemberRole._value2member_map_}
        try:
            compose_committee(current_user, plan, choices, ip=request.remote_addr or "")
        except WorkflowError as error:
            flash(f"未保存：{error}", "warning")
            chosen = {i: r.value for i, r in choices.items()}
            return render_template("experts/compose.html", plan=plan, pool=pool, chosen=chosen, roles=MemberRole,
                                   barred={}, history=composition_history(plan, committee)), 409
        flash(f"已保存“{plan.title}”的评委会组成（{len(choices)} 人）。", "success")
        return redirect(url_for("experts.compositions"))
    current = {m.expert_id: m.role.value for m in members_of(plan, committee)}
    barred = {e.id: until for e in pool if (until := barred_until(e.id_number))}
    return render_template("experts/compose.html", plan=plan, pool=pool, chosen=current, roles=MemberRole,
                           barred=barred, history=composition_history(plan, committee))
