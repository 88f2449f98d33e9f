"""The wizard end to end through the routes: each step saves, moves on, and 提交 freezes the application."""
import json

import pytest

from models import Application, ApplicationStatus, ReviewAction
from tests.wizard_world import applicant_ready, fill_to_preview, open_plan, step_url
from workflow import WorkflowError, save_draft


def test_a_complete_application_is_submitted_to_the_unit(client):
    plan, user = open_plan(), applicant_ready()
    application = fill_to_preview(client, user, plan)
    assert application.step_reached == 6
    page = client.get(step_url(application, 6)).get_data(as_text=True)
    assert "提交" in page and "越城区某住宅小区工程" in page
    response = client.post(step_url(application, 6), data={"confirm": "y"})
    assert response.status_code == 302
    application = Application.get_by_id(application.id)
    assert application.status == ApplicationStatus.AT_UNIT
    frozen = json.loads(application.snapshot)
    assert frozen["achievements"][0]["title"] == "越城区某住宅小区工程"
    assert [a.action for a in ReviewAction.select().where(ReviewAction.application == application)] == ["submit"]
    view = client.get(f"/applications/{application.id}").get_data(as_text=True)
    assert "待单位审核" in view


def test_a_page_left_open_in_another_tab_cannot_undo_the_submission(client):
    plan, user = open_plan(), applicant_ready()
    stale = fill_to_preview(client, user, plan)  # loaded before 提交, still says 草稿
    client.post(step_url(stale, 6), data={"confirm": "y"})
    with pytest.raises(WorkflowError, match="该申报已被他人处理"):
        save_draft(stale, user, statement="另一个标签页里的旧内容")
    fresh = Application.get_by_id(stale.id)
    assert fresh.status == ApplicationStatus.AT_UNIT and fresh.statement != "另一个标签页里的旧内容"
