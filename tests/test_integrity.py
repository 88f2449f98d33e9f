"""诚信档案 (issue 12): recording a case, revoking a certificate, and the 3-year bar on the 身份证号 at 马上申报 and 提交.

The bar runs from the decision date through the day before its third anniversary (included); the anniversary is free.
"""
import io
from datetime import date, timedelta

import pytest
from openpyxl import load_workbook

from models import Application, ApplicationStatus, AuditLog, Certificate, IntegrityCase, Role
from services.integrity import barred_until, last_barred_day
from tests.chain_world import as_user, filed, staff
from tests.conftest import ID_FEMALE, ID_MALE, make_unit, make_user
from tests.helpers import user_of
from tests.wizard_world import applicant_ready, fill_to_preview, open_plan, step_url
from workflow import WorkflowError, start_application

DECIDED_ON = date(2024, 5, 10)
LAST_DAY = date(2027, 5, 9)


def case(id_number=ID_MALE, decided_on=DECIDED_ON, name="张三"):
    keeper = make_user(Role.ADMIN, f"admin_{IntegrityCase.select().count()}")
    return IntegrityCase.create(id_number=id_number, name=name, facts="伪造业绩证明", document_number="绍人社〔2024〕1号",
                                decided_on=decided_on, recorded_by=keeper)


@pytest.mark.parametrize(("on", "barred"), [
    (DECIDED_ON - timedelta(days=1), None),  # before the decision: no bar yet
    (DECIDED_ON, LAST_DAY),
    (LAST_DAY - timedelta(days=1), LAST_DAY),  # the day before the last barred day
    (LAST_DAY, LAST_DAY),  # the last barred day itself
    (LAST_DAY + timedelta(days=1), None),  # the third anniversary: free
])
def test_the_bar_runs_through_the_day_before_the_third_anniversary(on, barred):
    case()
    assert last_barred_day(DECIDED_ON) == LAST_DAY
    assert barred_until(ID_MALE, on) == barred
    assert barred_until(ID_FEMALE, on) is None


def test_a_29_february_decision_bars_through_28_february():
    assert last_barred_day(date(2024, 2, 29)) == date(2027, 2, 28)


@pytest.mark.parametrize(("on", "allowed"), [(LAST_DAY, False), (LAST_DAY + timedelta(days=1), True)])
def test_start_is_refused_on_the_last_barred_day_and_allowed_the_day_after(app, on, allowed):
    case()
    user = applicant_ready()  # a new account with the barred 身份证号
    plan = open_plan(3, today=on)
    with app.test_request_context():
        if allowed:
            assert start_application(plan, user, today=on).status == ApplicationStatus.DRAFT
        else:
            with pytest.raises(WorkflowError, match=f"禁止申报至 {LAST_DAY}（含当日），{LAST_DAY + timedelta(days=1)} 起可以申报"):
                start_application(plan, user, today=on)


def test_a_new_account_with_a_barred_id_number_cannot_start(client):
    case(decided_on=date.today() - timedelta(days=10))
    user = applicant_ready()
    plan = open_plan(3)
    as_user(client, user)
    until = last_barred_day(date.today() - timedelta(days=10))
    page = client.get(f"/plans/{plan.id}").get_data(as_text=True)
    assert "诚信档案" in page and f"禁止申报至 {until}（含当日）" in page and "马上申报" not in page
    response = client.post(f"/plans/{plan.id}/apply", follow_redirects=True)
    assert "3 年内不得申报" in response.get_data(as_text=True)
    assert not Application.select().exists()


def test_a_barred_id_number_cannot_submit_a_draft_started_before_the_case(client):
    user = applicant_ready()
    plan = open_plan(3)
    application = fill_to_preview(client, user, plan)
    case(decided_on=date.today())
    page = client.get(step_url(application, 6)).get_data(as_text=True)
    assert f"禁止申报至 {last_barred_day(date.today())}（含当日）" in page
    response = client.post(step_url(application, 6), data={"confirm": "y"})
    assert "3 年内不得申报" in response.get_data(as_text=True)
    assert Application.get_by_id(application.id).status == ApplicationStatus.DRAFT


def office_client(client):
    return as_user(client, staff(Role.COMMITTEE_OFFICE, committee_number=3))


def case_form(**overrides):
    return {"id_number": ID_MALE, "name": "张三", "facts": "伪造某工程业绩证明", "document_number": "绍人社〔2026〕8号",
            "decided_on": date.today().isoformat(), **overrides}


def test_recording_a_case_revokes_the_certificate_and_is_audited(client):
    plan, unit = open_plan(3), make_unit()
    holder = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    passed = filed(plan, unit, 1, holder.organisation, ApplicationStatus.PASSED)
    certificate = Certificate.create(application=passed, number="ZC2026000001", issued_on=date.today())
    as_user(client, holder)
    response = client.post("/integrity/new", data=case_form(id_number=passed.applicant.id_number,
                                                              certificate_number="ZC2026000001"))
    assert response.status_code == 302
    revoked = Certificate.get_by_id(certificate.id)
    assert revoked.is_revoked and revoked.revoked_on == date.today() and "伪造某工程业绩证明" in revoked.revoked_reason
    assert IntegrityCase.get().certificate_id == certificate.id
    assert {e.action for e in AuditLog.select()} >= {"integrity.record", "certificate.revoke"}
    assert barred_until(passed.applicant.id_number) == last_barred_day(date.today())


@pytest.mark.parametrize(("overrides", "error"), [
    ({"id_number": "330602198506150014"}, "身份证号校验位错误"),
    ({"id_number": "12345"}, "身份证号应为 18 位，您输入了 5 位"),
    ({"name": ""}, "此项必填"),
    ({"decided_on": (date.today() + timedelta(days=1)).isoformat()}, "不能晚于今天"),
    ({"certificate_number": "ZC-NONE"}, "请核对证书编号"),
])
def test_a_case_with_a_problem_is_refused_next_to_its_field(client, overrides, error):
    office_client(client)
    response = client.post("/integrity/new", data=case_form(**overrides))
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and error in html and "伪造某工程业绩证明" in html
    assert not IntegrityCase.select().exists()


def test_a_certificate_of_someone_else_is_not_revoked(client):
    plan, unit = open_plan(3), make_unit()
    holder = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    other = filed(plan, unit, 2, holder.organisation, ApplicationStatus.PASSED)
    Certificate.create(application=other, number="ZC2026000002", issued_on=date.today())
    as_user(client, holder)
    response = client.post("/integrity/new", data=case_form(certificate_number="ZC2026000002"))
    assert "请核对证书编号" in response.get_data(as_text=True)
    assert not Certificate.get().is_revoked


def test_cases_are_listed_searched_and_exported(client):
    case(name="李伪造", id_number=ID_FEMALE)
    case()
    office_client(client)
    page = client.get("/integrity?q=李伪造").get_data(as_text=True)
    assert "李伪造" in page and "张三" not in page and str(LAST_DAY) in page
    export = client.get("/integrity/export.xlsx")
    rows = list(load_workbook(io.BytesIO(export.data)).active.values)
    assert rows[1][:3] == ("序号", "姓名", "身份证号") and {r[1] for r in rows[2:]} == {"李伪造", "张三"}


@pytest.mark.parametrize("role", [Role.APPLICANT, Role.UNIT, Role.HR_BUREAU, Role.CONSTRUCTION_BUREAU])
def test_only_committee_offices_and_the_administrator_keep_the_archive(client, role):
    as_user(client, user_of(role))
    assert client.get("/integrity").status_code == 403
    assert client.post("/integrity/new", data=case_form()).status_code == 403
