"""诚信档案 (committee offices and the administrator): the cases, searchable and exported; recording a new one."""
from datetime import date
from urllib.parse import quote

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints import role_required
from forms import add_error
from forms.results import IntegrityCaseForm
from models import INTEGRITY_KEEPERS, IntegrityCase, integrity_cases_visible_to
from services import exports
from services.integrity import last_barred_day
from services.pagination import paginate
from workflow import CaseError, WorkflowError, record_case

bp = Blueprint("integrity", __name__, url_prefix="/integrity")
keepers_only = role_required(*INTEGRITY_KEEPERS)


def _filtered():
    query = integrity_cases_visible_to(current_user)
    q = request.args.get("q", "").strip()
    if q:
        query = query.where(IntegrityCase.name.contains(q) | IntegrityCase.id_number.contains(q.upper())
                            | IntegrityCase.document_number.contains(q))
    return query.order_by(IntegrityCase.decided_on.desc(), IntegrityCase.id.desc())


@bp.route("")
@keepers_only
def cases():
    return render_template("integrity/list.html", page=paginate(_filtered(), request.args.get("page")),
                           q=request.args.get("q", ""), today=date.today(), last_barred_day=last_barred_day)


@bp.route("/export.xlsx")
@keepers_only
def export():
    data = exports.xlsx("诚信档案", exports.INTEGRITY_COLUMNS, list(_filtered()))
    return data, 200, {"Content-Type": exports.XLSX_TYPE,
                       "Content-Disposition": f"attachment; filename*=UTF-8''{quote(f'诚信档案_{date.today()}.xlsx')}"}


@bp.route("/new", methods=["GET", "POST"])
@keepers_only
def new_case():
    form = IntegrityCaseForm()
    if form.validate_on_submit():
        try:
            case = record_case(current_user, form.id_number.data, form.name.data, form.facts.data,
                               form.document_number.data, form.decided_on.data, form.is_expert.data,
                               form.certificate_number.data, ip=request.remote_addr or "")
        except CaseError as error:
            add_error(form, error.field, str(error))
        except WorkflowError as error:
            form.form_errors.append(str(error))
        else:
            flash(f"已记入诚信档案：{case.name}，禁止申报至 {last_barred_day(case.decided_on)}（含当日）"
                  + (f"；证书 {case.certificate.number} 已撤销" if case.certificate_id else "") + "。", "success")
            return redirect(url_for("integrity.cases"))
    return render_template("integrity/form.html", form=form)
