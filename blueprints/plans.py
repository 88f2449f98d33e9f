"""评审工作计划: the administrator edits plans; applicants read them and press 马上申报."""
from datetime import date

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import fn

from blueprints import role_required
from forms import add_error
from forms.plans import PlanForm
from models import (
    Application,
    Committee,
    Level,
    PlanProfession,
    Profession,
    ReviewPlan,
    Role,
    applications_visible_to,
)
from services import plans, scoring
from services.checklist import DEFAULT_KINDS, KINDS, MIN_EDUCATION_HOURS
from services.integrity import bar_message
from services.pagination import paginate
from services.values import whole_number
from workflow import WorkflowError, save_plan, start_application

bp = Blueprint("plans", __name__)
admin_only = role_required(Role.ADMIN)
LEVELS = ", ".join(Level._value2member_map_)

OPEN, NOT_YET, CLOSED = "open", "not_yet", "closed"
STATUS_LABELS = {OPEN: "申报中", NOT_YET: "未开始", CLOSED: "已截止"}


def plan_status(plan, today=None):
    """open / not_yet / closed, from services/plans.closed_reason."""
    today = today or date.today()
    if plans.closed_reason(plan, today) is None:
        return OPEN
    return NOT_YET if today < plan.opens_on else CLOSED


@bp.app_template_global()
def plan_status_label(plan):
    status = plan_status(plan)
    return status, STATUS_LABELS[status]


def wizard_url(application):
    """Where the applicant resumes the application (the wizard's step reached)."""
    return url_for("wizard.step", application_id=application.id, number=application.step_reached)


def _plan_or_404(plan_id):
    return ReviewPlan.get_or_none(ReviewPlan.id == plan_id) or abort(404)


def _search(query):
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(ReviewPlan.title.contains(q))
    return query, q


# ---------------------------------------------------------------- administrator

@bp.route("/admin/plans")
@admin_only
def admin_list():
    query, q = _search(ReviewPlan.select().order_by(ReviewPlan.year.desc(), ReviewPlan.opens_on.desc(),
                                                    ReviewPlan.id.desc()))
    level = request.args.get("level", "")
    if level in Level._value2member_map_:
        query = query.where(ReviewPlan.level == Level(level))
    year = request.args.get("year", "")
    if (year_number := whole_number(year)) is not None:
        query = query.where(ReviewPlan.year == year_number)
    years = [row.year for row in ReviewPlan.select(ReviewPlan.year).distinct().order_by(ReviewPlan.year.desc())]
    page = paginate(query, request.args.get("page"))
    counts = dict(Application.select(Application.plan, fn.COUNT(Application.id))
                  .where(Application.plan.in_([p.id for p in page.items])).group_by(Application.plan).tuples())
    return render_template("plans/admin_list.html", page=page, q=q, level=level, year=year, years=years,
                           levels=list(Level), counts=counts)


def _fill_choices(form):
    form.committees.choices = [(c.id, f"{c.number}. {c.name}") for c in Committee.select().order_by(Committee.number)]
    form.senior_committee.choices = [(0, "（中级计划不选）")] + [
        (c.id, c.name) for c in Committee.select().where(Committee.is_senior == True).order_by(Committee.number)]  # noqa: E712
    form.professions.choices = [
        (p.id, f"{p.name}（类别{p.category}）" if p.category else p.name)
        for p in Profession.select().order_by(Profession.category.is_null(), Profession.category, Profession.id)
    ]


def _load(form, plan):
    """Show a stored plan in the form (GET of the edit page)."""
    for name in ("title", "year", "opens_on", "closes_on", "requirements", "education_years", "pass_mark",
                 "has_interviews"):
        getattr(form, name).data = getattr(plan, name)
    form.level.data = plan.level.value
    form.committees.data = [link.committee_id for link in plan.committee_links]
    form.senior_committee.data = plan.senior_committee_id or 0
    form.professions.data = [link.profession_id for link in plan.profession_links]
    form.attachments.data = plan.attachment_keys
    form.show_rubric(scoring.from_json(plan.rubric))


def _save(form, plan):
    plan.title = form.title.data.strip()
    plan.year, plan.level = form.year.data, Level(form.level.data)
    plan.opens_on, plan.closes_on = form.opens_on.data, form.closes_on.data
    plan.requirements = (form.requirements.data or "").strip()
    plan.required_attachments = ",".join(k for k in KINDS if k in form.attachments.data)
    plan.education_years = form.education_years_value
    plan.rubric = form.rubric_value
    plan.pass_mark = form.pass_mark.data
    plan.has_interviews = form.has_interviews.data
    plan.senior_committee = Committee.get_or_none(Committee.id == form.senior_committee.data)
    return save_plan(plan, current_user, form.committees.data, form.professions.data, ip=request.remote_addr or "")


def _edit(plan):
    form = PlanForm()
    _fill_choices(form)
    if request.method == "GET":
        if plan.id:
            _load(form, plan)
        else:
            form.year.data = date.today().year
            form.attachments.data = DEFAULT_KINDS.split(",")
            form.education_years.data = f"{date.today().year - 2},{date.today().year - 1}"
            form.show_rubric(scoring.DEFAULT_RUBRIC)
    elif form.validate_on_submit() and "preview" not in request.form:
        same_title = ReviewPlan.get_or_none(ReviewPlan.title == form.title.data.strip())
        if same_title is not None and same_title.id != plan.id:
            add_error(form, "title", "已有同名的评审工作计划。")
        else:
            created = _save(form, plan)
            flash(f"评审工作计划“{plan.title}”已{'创建' if created else '保存'}。", "success")
            return redirect(url_for("plans.admin_list"))
    if request.method == "POST":  # 预览, or a mistake to correct: the rows as typed, and room for more
        form.add_blank_rubric_rows()
    return render_template("plans/admin_form.html", form=form, plan=plan, preview=getattr(form, "parsed_rubric", None),
                           maximum=scoring.maximum)


@bp.route("/admin/plans/new", methods=["GET", "POST"])
@admin_only
def admin_new():
    return _edit(ReviewPlan())


@bp.route("/admin/plans/<int:plan_id>/edit", methods=["GET", "POST"])
@admin_only
def admin_edit(plan_id):
    return _edit(_plan_or_404(plan_id))


# ---------------------------------------------------------------- applicants (高级职称评审 / 中级职称评审)

@bp.route(f"/plans/<any({LEVELS}):level>")
@role_required(Role.APPLICANT, Role.ADMIN)
def plan_list(level):
    level = Level(level)
    query, q = _search(ReviewPlan.select().where(ReviewPlan.level == level)
                       .order_by(ReviewPlan.year.desc(), ReviewPlan.opens_on.desc(), ReviewPlan.id.desc()))
    page = paginate(query, request.args.get("page"))
    mine = {a.plan_id: a for a in applications_visible_to(current_user).where(
        (Application.applicant == current_user.id) & Application.plan.in_([p.id for p in page.items]))}
    return render_template("plans/list.html", level=level, page=page, q=q, mine=mine)


@bp.route("/plans/<int:plan_id>")
@role_required(Role.APPLICANT, Role.ADMIN)
def detail(plan_id):
    plan = _plan_or_404(plan_id)
    application = reasons = blockers = None
    if current_user.role == Role.APPLICANT:
        application = plans.existing_application(plan, current_user)
        reasons = [reason for reason in (plans.closed_reason(plan), bar_message(current_user.id_number)) if reason]
        blockers = plans.start_blockers(current_user)
    professions = (Profession.select().join(PlanProfession)
                   .where(PlanProfession.plan == plan).order_by(Profession.category.is_null(), Profession.category,
                                                               Profession.id))
    return render_template(
        "plans/detail.html", plan=plan, committees=plans.plan_committees(plan), professions=professions,
        attachments=[KINDS[k] for k in plan.attachment_keys if k in KINDS], min_hours=MIN_EDUCATION_HOURS,
        rubric_maximum=scoring.maximum(scoring.from_json(plan.rubric)), application=application,
        resume_url=wizard_url(application) if application else None, reasons=reasons, blockers=blockers,
    )


@bp.route("/plans/<int:plan_id>/apply", methods=["POST"])
@role_required(Role.APPLICANT)
def apply(plan_id):
    """马上申报: the applicant's one draft for this plan, refused while the plan is closed or the profile incomplete."""
    plan = _plan_or_404(plan_id)
    try:
        application = start_application(plan, current_user, ip=request.remote_addr)
    except WorkflowError as error:
        flash(str(error), "error")
        return redirect(url_for("plans.detail", plan_id=plan.id))
    return redirect(wizard_url(application))
