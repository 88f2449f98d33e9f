"""The end of the chain in one piece (issues 11 and 12): a lawful meeting decides, the results 公示 runs its period,
the office confirms, the certificate is issued and verifies, and a 诚信档案 case revokes it and bars the expert."""
from datetime import date, timedelta

import pytest

from models import Application, ApplicationStatus, Certificate, MemberRole, Role, Stage
from tests.chain_world import decide_by_meeting, filed, pool_expert, staff
from tests.conftest import make_unit
from tests.wizard_world import open_plan
from workflow import WorkflowError, confirm_results, issue_certificate, publish_results, record_case
from workflow.experts import compose_committee

S = ApplicationStatus
TODAY = date.today()


def test_a_meetings_pass_becomes_a_certificate_only_after_the_results_publicity_and_a_case_revokes_it(app, client,
                                                                                                    signing_key):
    plan, unit = open_plan(3), make_unit("越城建工集团")
    officer = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    passed, failed = (filed(plan, unit, n, officer.organisation, S.AT_COMMITTEE, Stage.COMMITTEE) for n in (1, 2))
    decide_by_meeting(app, officer, [passed])
    decide_by_meeting(app, officer, [failed], passed=False)
    with app.test_request_context():
        with pytest.raises(WorkflowError):  # decided, not yet released: no certificate before 确认
            issue_certificate(Application.get_by_id(passed.id), officer)
        publicity, skipped = publish_results(officer, plan, [passed.id, failed.id], TODAY, "向办公室书面反映")
        assert skipped == 1, "a failed result is told, never publicised"
        with pytest.raises(WorkflowError, match="可确认"):
            confirm_results(publicity, officer, today=publicity.ends_on)
        assert confirm_results(publicity, officer, today=publicity.ends_on + timedelta(days=1)) == (1, 1)
        assert [Application.get_by_id(a.id).status for a in (passed, failed)] == [S.PASSED, S.FAILED]
        certificate = issue_certificate(Application.get_by_id(passed.id), officer)
        record_case(officer, passed.applicant.id_number, passed.applicant.real_name, "伪造业绩证明", "绍职改〔2026〕1号",
                    TODAY, certificate_number=certificate.number)
    revoked = Certificate.get_by_id(certificate.id)
    assert revoked.is_revoked and revoked.revoked_on == TODAY
    page = client.get(f"/verify/certificates/{revoked.number}?token={revoked.verify_token}").get_data(as_text=True)
    assert "已撤销" in page and passed.applicant.id_number not in page


def test_an_expert_recorded_in_the_integrity_file_cannot_sit_on_a_committee(app):
    plan = open_plan(3)
    officer = staff(Role.COMMITTEE_OFFICE, committee_number=3)
    experts = [pool_expert(officer.organisation.committee, n) for n in (1, 2, 3)]
    with app.test_request_context():
        record_case(officer, experts[2].id_number, experts[2].name, "评审中收受申报人财物", "绍职改〔2026〕2号", TODAY,
                    is_expert=True)
        with pytest.raises(WorkflowError, match="诚信档案"):
            compose_committee(officer, plan, {experts[0].id: MemberRole.CHAIR, experts[1].id: MemberRole.DEPUTY,
                                              experts[2].id: MemberRole.MEMBER})
