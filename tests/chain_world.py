"""Helpers for review-chain tests: a submitted application and the accounts of every office on its way."""
from datetime import date, timedelta

from models import Application, Committee, Organisation, Role
from tests.conftest import login, make_user, organisation
from tests.wizard_world import applicant_ready, fill_to_preview, open_plan, step_url


def submitted(client, mobile="13900000001", region="越城区", unit_name="越城建工集团", committee_number=3, **plan):
    """An applicant of `unit_name` who has filled and submitted an application; returns (application, applicant)."""
    plan = open_plan(committee_number, **plan)
    user = applicant_ready(mobile, region, unit_name)
    application = fill_to_preview(client, user, plan)
    response = client.post(step_url(application, 6), data={"confirm": "y"})
    assert response.status_code == 302
    client.post("/logout")
    return Application.get_by_id(application.id), user


def staff(role, region="越城区", unit=None, committee_number=None, username=None):
    """An account of an office: the unit's HR person, a bureau of `region`, the talent centre, a committee office."""
    if role == Role.UNIT:
        org = unit
    elif role == Role.COMMITTEE_OFFICE:
        org = Organisation.get((Organisation.kind == role)
                               & (Organisation.committee == Committee.get(Committee.number == committee_number)))
    else:
        org = organisation(role, region if role != Role.TALENT_CENTRE else None)
    return make_user(role, username, organisation=org)


def as_user(client, user):
    client.post("/logout")
    login(client, user)
    return client


def decide(client, application, action, reason=""):
    return client.post(f"/review/applications/{application.id}/decide",
                       data={"action": action, "reason": reason, "seen": Application.get_by_id(application.id).version})


def publicise_and_send(client, unit_user, application, today=None):
    """Start a publicity today, then pretend it ended yesterday and 报送."""
    from models import Publicity

    client.post("/review/publicity", data={"ids": [application.id], "starts_on": (today or date.today()).isoformat()})
    publicity = Publicity.get(Publicity.unit == unit_user.organisation)
    publicity.starts_on, publicity.ends_on = date.today() - timedelta(days=9), date.today() - timedelta(days=1)
    publicity.save()
    return client.post(f"/review/publicity/{publicity.id}/send")
