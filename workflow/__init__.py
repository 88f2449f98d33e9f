"""The one place that changes the state of units, achievements, plans and applications: one module per concept.

Each function checks the transition is allowed for this actor and this record's current state, writes the history
row and the audit log, and queues notifications that are sent after the transaction commits. A state change is a
conditional UPDATE on the state the actor saw, so of two people acting at once only one succeeds; the other gets a
WorkflowError saying the record changed. Views import the verbs from here.
"""
from models import Application

CHANGED = "该记录已被他人处理或已修改，请刷新后查看当前状态。"
APPLICATION_CHANGED = "该申报已被他人处理，请刷新。当前状态：{}"


class WorkflowError(Exception):
    """A refused transition; the message says why, in words the user understands."""


def require_reason(reason, action_label):
    reason = (reason or "").strip()
    if not reason:
        raise WorkflowError(f"{action_label}必须填写理由。")
    return reason


def reload(application):
    return Application.get_by_id(application.id)


def where(application):
    """Where an application is, in words: "越城区住房和城乡建设局：待审查"."""
    holder = application.stage_organisation.name + "：" if application.stage_organisation_id else ""
    return holder + application.status.label


from workflow.achievements import pass_achievements, review_achievement, save_achievement  # noqa: E402
from workflow.applications import (  # noqa: E402
    PLEDGE_LINK_MINUTES,
    IncompleteStep,
    attach_file,
    detach_file,
    new_pledge_link,
    pledge_by_token,
    save_draft,
    select_achievements,
    sign_pledge,
    start_application,
    submit_application,
)
from workflow.certificates import issue_certificate, start_certificate_batch  # noqa: E402
from workflow.documents import issue_review_form, mark_interview_candidate, start_batch  # noqa: E402, F401
from workflow.fees import set_fee  # noqa: E402
from workflow.integrity import CaseError, record_case  # noqa: E402
from workflow.plans import save_plan  # noqa: E402
from workflow.results import (  # noqa: E402
    answer_recheck,
    ask_recheck,
    confirm_results,
    decide_objection,
    lodge_objection,
    publish_results,
)
from workflow.review import (  # noqa: E402
    forward_to_senior,
    recommend,
    review,
    review_many,
    send_publicity,
    start_publicity,
)
from workflow.units import approve_unit, correct_unit, refuse_unit, register_unit, submit_unit  # noqa: E402

__all__ = [
    "APPLICATION_CHANGED", "CHANGED", "PLEDGE_LINK_MINUTES", "CaseError", "IncompleteStep", "WorkflowError",
    "answer_recheck", "approve_unit", "ask_recheck", "attach_file", "confirm_results", "correct_unit", "decide_objection",
    "detach_file", "forward_to_senior", "issue_certificate", "lodge_objection", "new_pledge_link", "pass_achievements",
    "publish_results", "record_case",
    "pledge_by_token", "recommend", "refuse_unit", "register_unit", "review", "review_achievement",
    "review_many", "save_achievement", "save_draft", "save_plan", "select_achievements", "send_publicity",
    "set_fee", "sign_pledge", "start_application", "start_batch", "start_certificate_batch", "start_publicity", "submit_application", "submit_unit",
]
