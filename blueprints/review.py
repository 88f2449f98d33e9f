"""The review chain at the unit (职称申报资格审查, 公示, 报送), the talent centre and the bureaus (待审查, 收费设定,
审核推荐). Every query goes through the visibility helpers of models.py; every change through workflow."""
from datetime import date
from urllib.parse import quote

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from peewee import JOIN, OP, SQL, Expression, PostgresqlDatabase, fn

from blueprints import role_required
from forms.review import FeeForm, PublicityForm
from models import (
    Application,
    ApplicationStatus,
    ApplicationType,
    FeeSetting,
    OfficeCount,
    OfficeTotal,
    Organisation,
    Profession,
    Publicity,
    ReviewAction,
    ReviewPlan,
    Role,
    User,
    VisibleList,
    application_visible_to,
    applications_held_by,
    db,
)
from services import exports, return_parts, snapshot, steps
from services.pagination import paginate, paginate_ordered
from services.values import read_date, whole_number, whole_numbers
from services.workdays import first_sending_day, publicity_end_date
from workflow import WorkflowError, recommend, review, review_many, send_publicity, set_fee, start_publicity
from workflow.review import REVIEW_ACTIONS

bp = Blueprint("review", __name__, url_prefix="/review")
REVIEWERS = (Role.UNIT, Role.TALENT_CENTRE, Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU)
BUREAUS = (Role.TALENT_CENTRE, Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU)
reviewers_only = role_required(*REVIEWERS)
bureaus_only = role_required(*BUREAUS)
unit_only = role_required(Role.UNIT)


NEEDS_REASON = ("return", "refuse")


@bp.app_template_global()
def decision_labels(user):
    """The three decisions as the notice names them for this reviewer: 通过 / 退回 / 不通过 at the unit,
    审查通过 / 退回修改 / 审查不通过 at the talent centre and the bureaus."""
    names = ReviewAction.ACTION_LABELS if user.role == Role.UNIT else ReviewAction.BUREAU_LABELS
    return {"bureau": user.role != Role.UNIT, **{action: names[action] for action in REVIEW_ACTIONS}}


def destinations(counts, verb):
    """"3 件已报送越城区住房和城乡建设局，1 件已报送绍兴市人才交流中心" from {destination: count} (0 件 when empty)."""
    return "，".join(f"{n} 件{verb}{name}" for name, n in counts.items()) or f"0 件{verb.removesuffix('至')}"


def queue_filters():
    """The list's filters from the query string, as {Application field name: value} (plan, profession, 申报类型,
    state)."""
    args, found = request.args, {}
    for name in ("plan", "profession"):
        if (record_id := whole_number(args.get(name))) is not None:
            found[name] = record_id
    if args.get("type") in ApplicationType._value2member_map_:
        found["application_type"] = ApplicationType(args["type"])
    if args.get("state") in ApplicationStatus._value2member_map_:
        found["status"] = ApplicationStatus(args["state"])
    return found


def filtered_queue(listing):
    """The ids of a VisibleList with the list's filters and search applied, selecting the list's order (arrival,
    id); no join, so that counting them is cheap."""
    query = listing.query.select(listing.stage_since, listing.id)
    for name, value in queue_filters().items():
        query = query.where(listing.columns[name] == getattr(value, "value", value))
    search = search_condition(listing.applicant, listing.query.select(listing.applicant))
    return query if search is None else query.where(search)


SEARCH_IDS = 2000  # a search matching more people than this is checked per listed application instead


TRIGRAM = 3  # the shortest text a trigram index finds (migrations 021 and 022)
ID_CHARACTERS = set("0123456789Xx")  # all a 身份证号 holds (validated by services/idcard when stored)


def indexed(q):
    """Whether an index finds `q`: a trigram index text of 3 characters or more; one or two characters of a name the
    tripled name's index (migrations 021 on PostgreSQL, 022 on SQLite), for text with a character no 身份证号 holds,
    so that names alone need looking at. On SQLite not text with a LIKE wildcard: FTS5 takes no ESCAPE."""
    if not isinstance(db.obj, PostgresqlDatabase) and any(c in q for c in "%_\\"):
        return False
    return len(q) >= TRIGRAM or not set(q) <= ID_CHARACTERS


def person_matches(q, use_index=True):
    """Name or 身份证号 contains `q`, through the index that finds it when `use_index` (see indexed()); text shorter
    than a trigram through the name with each character tripled, which contains "aaabbb" exactly when the name
    contains "ab". On PostgreSQL LIKE, which pg_trgm's indexes serve, not ILIKE (4× slower for Chinese text), so `q`
    is upper-cased for the 身份证号, whose check letter is stored upper-case; on SQLite the FTS5 trigram tables
    (case-blind for ASCII, as SQLite's LIKE), or else LIKE row by row."""
    use_index = use_index and indexed(q)
    tripled = "".join(c * 3 for c in q)
    if isinstance(db.obj, PostgresqlDatabase):
        def like(column, text):
            return Expression(column, OP.LIKE, User.real_name._escape_like_expr(text, "%%%s%%"))
        if use_index and len(q) < TRIGRAM:  # as migration 021 indexes it
            return like(fn.regexp_replace(User.real_name, "(.)", "\\1\\1\\1", "g"), tripled)
        return like(User.real_name, q) | like(User.id_number, q.upper())
    if not use_index:
        return User.real_name.contains(q) | User.id_number.contains(q)
    if len(q) < TRIGRAM:  # migration 022's table
        return User.id.in_(SQL("(SELECT rowid FROM person_name_tripled WHERE name LIKE ?)", (f"%{tripled}%",)))
    pattern = f"%{q}%"
    return User.id.in_(SQL("(SELECT rowid FROM person_search WHERE real_name LIKE ? "
                           "UNION SELECT rowid FROM person_search WHERE id_number LIKE ?)", (pattern, pattern)))


def search_condition(applicant, among):
    """The condition that an application's applicant (the column `applicant`) has the list's search text (`q`) in
    name or 身份证号, or None when nothing is searched: by the people found first, through an index, or, for text no
    index finds, among the list's applicants only (`among`, a query of their ids); when more than SEARCH_IDS match (a
    few digits of a 身份证号), checked per listed application instead, its applicant by primary key."""
    q = request.args.get("q", "").strip()
    if not q:
        return None
    people = User.select(User.id).where(person_matches(q))
    if not indexed(q):
        people = people.where(User.id.in_(among))  # no index for it: among the list's applicants only
    found = [row.id for row in people.limit(SEARCH_IDS + 1)]
    if len(found) <= SEARCH_IDS:
        return applicant.in_(found)
    return fn.EXISTS(User.select(User.id).where((User.id == applicant) & person_matches(q, use_index=False)))


def queue_rows(ids):
    """The rows of one page of a review list with everything its table shows (one statement, no N+1)."""
    unit, holder = Organisation.alias(), Organisation.alias()
    # only the columns the lists show: whole rows (the 2 KB snapshot, a plan's rubric and requirements) cost 0.8 ms a
    # row to build, 15 ms of a 20-row page
    return (Application.select(Application.id, Application.applicant, Application.plan, Application.unit,
                               Application.profession, Application.application_type, Application.status,
                               Application.stage_organisation, Application.stage_since, Application.meeting_date,
                               User.id, User.real_name, ReviewPlan.id, ReviewPlan.title, Profession.id,
                               Profession.name, unit.id, unit.name, holder.id, holder.name)
            .join(User, on=Application.applicant).switch(Application)
            .join(ReviewPlan, on=Application.plan).switch(Application)
            .join(Profession, JOIN.LEFT_OUTER, on=Application.profession).switch(Application)
            .join(unit, JOIN.LEFT_OUTER, on=Application.unit).switch(Application)
            .join(holder, JOIN.LEFT_OUTER, on=Application.stage_organisation)
            .where(Application.id.in_(ids)))


class QueueSummary:
    """The counts of a VisibleList: the state tabs, the filters' dropdowns and, unless a name is searched, the list's
    total. For an office they are read from its counters (OfficeTotal, a few dozen rows; OfficeCount for a
    combination of filters) instead of counting thousands of applications on every page; anyone else's list (a
    unit's) is counted once, grouped by (state, plan, profession, 申报类型)."""

    DIMENSIONS = {"status": "status", "plan": "plan", "profession": "profession", "application_type": "type"}
    COUNTED = {"status": OfficeCount.status, "plan": OfficeCount.plan_id, "profession": OfficeCount.profession_id,
               "application_type": OfficeCount.application_type}

    def __init__(self, listing):
        self.listing = listing
        self.totals = {dimension: {} for dimension in self.DIMENSIONS.values()}  # {dimension: {value as text: n}}
        if listing.office is None:
            columns = [listing.columns[name] for name in VisibleList.NAMES]
            # the stored values as they are, not through the models' converters (35 ms for thousands of groups)
            self.groups = [(*map(self.text, group), n) for *group, n in db.execute_sql(
                *listing.query.select(*columns, fn.COUNT(Application.id)).group_by(*columns).sql()).fetchall()]
            for *group, n in self.groups:
                for dimension, value in zip(self.DIMENSIONS.values(), group, strict=True):
                    self.totals[dimension][value] = self.totals[dimension].get(value, 0) + n
        else:
            for dimension, value, n in (OfficeTotal.select(OfficeTotal.dimension, OfficeTotal.value,
                                                           fn.SUM(OfficeTotal.n))
                                        .where(OfficeTotal.organisation_id == listing.office)
                                        .group_by(OfficeTotal.dimension, OfficeTotal.value).tuples()):
                if n:
                    self.totals[dimension][value] = n

    @staticmethod
    def text(value):
        """A filter's or a column's value as the counters keep it: text, "" for none."""
        return "" if value is None else str(getattr(value, "value", value))

    def total(self, filters):
        """How many applications match `filters` ({field name: value}, as queue_filters() gives)."""
        wanted = {self.DIMENSIONS[name]: self.text(value) for name, value in filters.items()}
        if len(wanted) <= 1 and self.listing.office is not None:
            dimension, value = next(iter(wanted.items()), ("status", None))
            counts = self.totals[dimension]
            return sum(counts.values()) if value is None else counts.get(value, 0)
        if self.listing.office is None:
            positions = {dimension: i for i, dimension in enumerate(self.DIMENSIONS.values())}
            return sum(group[-1] for group in self.groups
                       if all(group[positions[dimension]] == value for dimension, value in wanted.items()))
        query = OfficeCount.select(fn.SUM(OfficeCount.n)).where(OfficeCount.organisation_id == self.listing.office)
        for name, value in filters.items():
            query = query.where(self.COUNTED[name] == self.text(value))
        return query.scalar() or 0

    def state_counts(self):
        """[(state, count)] in the states' order, the states present only (the tabs above the list)."""
        counts = self.totals["status"]
        return [(state, counts[state.value]) for state in ApplicationStatus if counts.get(state.value)]

    def choices(self):
        """The plans and the professions present (the filters' dropdowns)."""
        plans = [int(value) for value, n in self.totals["plan"].items() if n]
        professions = [int(value) for value, n in self.totals["profession"].items() if n and value]
        return (ReviewPlan.select().where(ReviewPlan.id.in_(plans)).order_by(ReviewPlan.id),
                Profession.select().where(Profession.id.in_(professions)).order_by(Profession.id))


def queue_page(template, title):
    listing = VisibleList(current_user)
    summary = QueueSummary(listing)
    searching = bool(request.args.get("q", "").strip())
    page = paginate_ordered(filtered_queue(listing), request.args.get("page"), (listing.stage_since, listing.id),
                            queue_rows, total=None if searching else summary.total(queue_filters()))
    plans, professions = summary.choices()
    return render_template(template, title=title, page=page, counts=summary.state_counts(), plans=plans,
                           professions=professions, types=ApplicationType, args=request.args)


def visible_application(application_id):
    application = application_visible_to(current_user, application_id)
    if application is None:
        abort(404)
    return application


def detail_context(application, number=None):
    """An application's page: its timeline, every 提交 with what changed, and one version shown (the latest unless
    `number` names another; 404 for a number it never had)."""
    kept = snapshot.submissions(application)
    shown = next((s for s in kept if s.number == number), None) if number is not None else (kept or [None])[-1]
    if number is not None and shown is None:
        abort(404)
    latest = kept[-1] if kept else None
    back = application.last_return
    # a resubmission after a 退回: what was asked (the ticked parts) and what changed since the returned version
    since_return = back if latest and latest.previous and back and application.status != ApplicationStatus.RETURNED \
        else None
    return {"application": application, "actions": application.actions.order_by(ReviewAction.id), "submissions": kept,
            "shown": shown, "data": shown.data if shown else steps.loads(application.snapshot), "latest": latest,
            "since_return": since_return,
            "part_options": return_parts.options(latest.data if latest else steps.loads(application.snapshot))}


@bp.route("/applications")
@reviewers_only
def queue():
    title = "职称申报资格审查" if current_user.role == Role.UNIT else "待审查"
    return queue_page("review/queue.html", title)


@bp.route("/applications/<int:application_id>")
@reviewers_only
def detail(application_id):
    application = visible_application(application_id)
    return render_template("review/detail.html",
                           **detail_context(application, request.args.get("submission", type=int)))


@bp.route("/applications/<int:application_id>/decide", methods=["POST"])
@reviewers_only
def decide(application_id):
    application = visible_application(application_id)
    action, reason = request.form.get("action", ""), request.form.get("reason", "")
    try:
        done = review(application, current_user, action, reason, seen=request.form.get("seen") or None,
                      ip=request.remote_addr or "", parts=request.form.getlist("parts"))
    except WorkflowError as error:
        missing_reason = action in NEEDS_REASON and not reason.strip()
        if not missing_reason:
            flash(str(error), "warning")
        return render_template("review/detail.html", reason=reason, reason_error=str(error) if missing_reason else None,
                               ticked=request.form.getlist("parts"),
                               **detail_context(Application.get_by_id(application.id))), 409
    flash(f"已{done.action_label}：{application.applicant.real_name}。", "success")
    return redirect(url_for("review.queue"))


@bp.route("/applications/bulk", methods=["POST"])
@reviewers_only
def bulk():
    ids = whole_numbers(request.form.getlist("ids"))
    action, reason = request.form.get("action", ""), request.form.get("reason", "")
    if not ids:
        flash("请先勾选申报人员。", "warning")
    elif action not in REVIEW_ACTIONS:
        flash("请点击通过、退回或不通过按钮。", "warning")
    elif action in NEEDS_REASON and not reason.strip():
        flash(f"{decision_labels(current_user)[action]}必须填写理由。", "warning")
    else:
        try:
            done, skipped = review_many(ids, current_user, action, reason, ip=request.remote_addr or "")
        except WorkflowError as error:
            flash(str(error), "warning")
            return redirect(url_for("review.queue"))
        flash(f"{done} 件已{decision_labels(current_user)[action]}"
              + (f"，{skipped} 件当前不能处理（已被处理或不在本环节），未处理" if skipped else "") + "。",
              "success" if done else "warning")
    return redirect(url_for("review.queue"))


# ---------------------------------------------------------------- 审核推荐 and 收费设定 (talent centre, bureaus)

@bp.route("/recommend", methods=["GET", "POST"])
@bureaus_only
def recommend_page():
    here = applications_held_by(current_user)
    if request.method == "POST":
        try:
            done, skipped = recommend(current_user, ip=request.remote_addr or "")
        except WorkflowError as error:
            flash(str(error), "warning")
        else:
            flash(f"{destinations(done, '已推荐至')}" + "".join(f"，{n} 件{why}未推荐" for why, n in skipped.items()) + "。",
                  "success")
        return redirect(url_for("review.recommend_page"))
    ready = here.where(Application.status == ApplicationStatus.STAGE_PASSED)
    count, ids = ready.count(), ready.select(Application.id)
    search = search_condition(Application.applicant, ready.select(Application.applicant))
    # one page of rows with their names in one statement (the whole list, a row's names each, took 3 s at 100k)
    page = paginate_ordered(ids if search is None else ids.where(search), request.args.get("page"),
                            (Application.stage_since, Application.id), queue_rows, total=None if search else count)
    return render_template("review/recommend.html", page=page, ready=count, args=request.args,
                           pending=here.where(Application.status == ApplicationStatus.PENDING).count())


@bp.route("/fees", methods=["GET", "POST"])
@role_required(Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU, Role.TALENT_CENTRE, Role.COMMITTEE_OFFICE)
def fees():
    setting = FeeSetting.get_or_none(FeeSetting.organisation == current_user.organisation_id)
    form = FeeForm(obj=setting)
    if request.method == "GET":
        form.charges.data = "yes" if setting is None or setting.charges else "no"
        form.amount.data = setting.amount if setting else None
    elif form.validate_on_submit():
        try:
            set_fee(current_user.organisation, current_user, form.charges.data == "yes", form.amount.data,
                    form.fee_name.data, form.deadline_days.data or 10,
                    2 if form.reminder_days.data is None else form.reminder_days.data, form.payee.data,
                    ip=request.remote_addr or "")
        except WorkflowError as error:
            form.amount.errors.append(str(error))
        else:
            flash("收费设定已保存。", "success")
            return redirect(url_for("review.fees"))
    return render_template("review/fees.html", form=form, setting=setting)


# ---------------------------------------------------------------- 公示 and 报送 (unit)

@bp.route("/publicity", methods=["GET", "POST"])
@unit_only
def publicity():
    unit = current_user.organisation
    waiting = (applications_held_by(current_user).where((Application.status == ApplicationStatus.UNIT_PASSED)
                                                        & Application.publicity.is_null()).order_by(Application.id))
    form = PublicityForm()
    if request.method == "GET":
        form.starts_on.data = date.today()
    elif form.validate_on_submit():
        ids = whole_numbers(request.form.getlist("ids"))
        try:
            created, skipped = start_publicity(current_user, form.starts_on.data, ids,
                                               ip=request.remote_addr or "")
        except WorkflowError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"公示已开始：{created.starts_on} 至 {created.ends_on}" + (f"（{skipped} 人不符合条件未列入）" if skipped else "")
                  + "。请导出公示表在单位内公示。", "success")
            return redirect(url_for("review.publicity"))
    preview = publicity_end_date(form.starts_on.data) if form.starts_on.data else None
    publicities = paginate(unit.publicities.order_by(Publicity.id.desc()), request.args.get("page"))
    return render_template("review/publicity.html", form=form, waiting=waiting, preview=preview,
                           publicities=publicities, today=date.today(), first_sending_day=first_sending_day)


@bp.route("/publicity/end-date")
@role_required(Role.UNIT, Role.COMMITTEE_OFFICE)
def publicity_end():
    """The end date of a 公示 (a unit's, or a committee's results 公示) starting on the chosen day (htmx)."""
    starts_on = read_date(request.args.get("starts_on"))
    if starts_on is None:
        return "<span id=\"publicity-end\" class=\"error\">请选择有效的开始日期。</span>"
    return render_template("review/_publicity_end.html", preview=publicity_end_date(starts_on))


def own_publicity(publicity_id):
    found = Publicity.get_or_none(Publicity.id == publicity_id)
    if found is None or found.unit_id != current_user.organisation_id:
        abort(404)
    return found


@bp.route("/publicity/<int:publicity_id>")
@unit_only
def publicity_sheet(publicity_id):
    """The 公示表, printable."""
    found = own_publicity(publicity_id)
    title, header, applications, footer = exports.publicity_sheet(found)
    return render_template("review/publicity_sheet.html", publicity=found, title=title, header=header, footer=footer,
                           columns=exports.PUBLICITY_COLUMNS, rows=exports.rows(exports.PUBLICITY_COLUMNS, applications))


@bp.route("/publicity/<int:publicity_id>/export.xlsx")
@unit_only
def publicity_export(publicity_id):
    """导出公示表."""
    found = own_publicity(publicity_id)
    title, header, applications, footer = exports.publicity_sheet(found)
    data = exports.xlsx(title, exports.PUBLICITY_COLUMNS, applications, header_lines=header, footer_lines=footer)
    name = f"公示表_{found.starts_on}.xlsx"
    return data, 200, {
        "Content-Type": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Content-Disposition": f"attachment; filename*=UTF-8''{quote(name)}",
    }


@bp.route("/publicity/<int:publicity_id>/send", methods=["POST"])
@unit_only
def publicity_send(publicity_id):
    """报送."""
    found = own_publicity(publicity_id)
    try:
        done = send_publicity(found, current_user, ip=request.remote_addr or "")
    except WorkflowError as error:
        flash(str(error), "warning")
    else:
        flash(f"{destinations(done, '已报送')}。", "success")
    return redirect(url_for("review.publicity"))
