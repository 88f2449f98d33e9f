"""Two reviewers of one office act on the same application at once: exactly one action is recorded, and the other
is told "该申报已被他人处理，请刷新" with the current state (SPEC §6)."""
import re
import threading

import pytest

from models import Application, ApplicationStatus, ReviewAction, Role, Stage
from tests.chain_world import as_user, filed, staff
from tests.conftest import make_unit, organisation
from tests.wizard_world import open_plan

CHANGED = "该申报已被他人处理，请刷新"
STATES = {"pass": "越城区住房和城乡建设局：审查通过，待审核推荐", "return": "已退回修改", "refuse": "越城区住房和城乡建设局：未通过"}


def seen_on(page):
    return re.search(r'name="seen" value="(\d+)"', page).group(1)


@pytest.mark.parametrize("first, second", [("pass", "pass"), ("pass", "return"), ("refuse", "pass")])
def test_two_reviewers_acting_at_once(app, first, second):
    bureau = organisation(Role.CONSTRUCTION_BUREAU, "越城区")
    application = filed(open_plan(), make_unit("越城建工集团"), 1, bureau)
    reviewers = [staff(Role.CONSTRUCTION_BUREAU, username=f"reviewer_{n}") for n in (1, 2)]
    clients = [as_user(app.test_client(), reviewer) for reviewer in reviewers]
    barrier = threading.Barrier(2, timeout=30)
    responses, errors = [None, None], []

    def review(n, action):
        try:
            page = clients[n].get(f"/review/applications/{application.id}").get_data(as_text=True)
            seen = seen_on(page)
            barrier.wait()
            responses[n] = clients[n].post(f"/review/applications/{application.id}/decide",
                                           data={"action": action, "reason": f"第{n + 1}位审查人的意见", "seen": seen,
                                                 "parts": "step_3"})
        except Exception as error:  # noqa: BLE001 - reported to the main thread below
            errors.append(error)
            barrier.abort()

    threads = [threading.Thread(target=review, args=(n, action)) for n, action in enumerate((first, second))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert not errors, errors

    codes = sorted(response.status_code for response in responses)
    assert codes == [302, 409]
    winner = next(n for n, response in enumerate(responses) if response.status_code == 302)
    loser_page = responses[1 - winner].get_data(as_text=True)
    decisions = ReviewAction.select().where((ReviewAction.application == application)
                                            & (ReviewAction.level == Stage.CONSTRUCTION_BUREAU.value))
    assert [(a.action, a.actor_id) for a in decisions] == [((first, second)[winner], reviewers[winner].id)]
    assert f"{CHANGED}。当前状态：{STATES[(first, second)[winner]]}" in loser_page
    assert Application.get_by_id(application.id).version == application.version + 1


def test_a_decision_on_a_page_loaded_before_someone_elses_is_refused(client):
    """The same rule without threads: the second reviewer's page is stale, so the decision names the current state."""
    bureau = organisation(Role.CONSTRUCTION_BUREAU, "越城区")
    application = filed(open_plan(), make_unit("越城建工集团"), 1, bureau)
    first, second = staff(Role.CONSTRUCTION_BUREAU), staff(Role.CONSTRUCTION_BUREAU)
    as_user(client, second)
    stale = seen_on(client.get(f"/review/applications/{application.id}").get_data(as_text=True))
    as_user(client, first)
    client.post(f"/review/applications/{application.id}/decide", data={"action": "pass", "seen": stale})
    as_user(client, second)
    response = client.post(f"/review/applications/{application.id}/decide",
                           data={"action": "return", "reason": "缺材料", "seen": stale, "parts": "step_3"})
    assert response.status_code == 409
    assert f"{CHANGED}。当前状态：{STATES['pass']}" in response.get_data(as_text=True)
    assert Application.get_by_id(application.id).status == ApplicationStatus.STAGE_PASSED
    assert [a.action for a in application.actions] == ["pass"]
