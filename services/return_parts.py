"""一次性告知: the parts of a submission a reviewer can tick when returning it (each wizard step, each achievement,
each attachment), stored with the 退回 (ReviewAction.parts) and marked in the applicant's wizard until resubmitted."""
import json

from models import ApplicationStatus
from services import steps

STEP_KEY = "step_{}"
ACHIEVEMENT_KEY = "achievement_{}"
FILE_KEY = "file_{}"
EVIDENCE_KEY = "evidence_{}"


def step_label(step):
    return f"第{step.number}步 {step.title}"


def options(data):
    """[(step label, [(key, label)])]: what a submission (its snapshot `data`) offers to tick, step by step."""
    groups = {step.number: [(STEP_KEY.format(step.number), f"{step_label(step)}（整步）")]
              for step in steps.FILLING_STEPS}
    groups[3] += [(EVIDENCE_KEY.format(key), steps.EVIDENCE.get(key, key)) for key in data.get("evidence", {})]
    groups[4] += [(ACHIEVEMENT_KEY.format(item["id"]), f"相关业绩“{item['title']}”")
                  for item in data.get("achievements", [])]
    groups[5] += [(FILE_KEY.format(item["key"]), item["label"]) for item in data.get("attachments", [])]
    return [(step_label(step), groups[step.number]) for step in steps.FILLING_STEPS]


def chosen(data, keys):
    """The ticked parts, [{"key", "label"}] in the order of `options`; a key the submission does not offer is dropped."""
    wanted = set(keys)
    return [{"key": key, "label": label} for _, parts in options(data) for key, label in parts if key in wanted]


def loads(text):
    try:
        value = json.loads(text or "[]")
    except ValueError:
        return []
    return value if isinstance(value, list) else []


def marks(application):
    """{key: label} of what the latest 退回 asks to change, while the application is returned (else empty)."""
    if application.status != ApplicationStatus.RETURNED:
        return {}
    back = application.last_return
    return {part["key"]: part["label"] for part in loads(back.parts)} if back else {}


def by_step(marked):
    """{step number: [labels]} of the ticked parts, for the wizard's step list and each step's page."""
    found = {}
    for key, label in marked.items():
        found.setdefault(_step_of(key), []).append(label)
    return found


def _step_of(key):
    kind, _, rest = key.partition("_")
    return int(rest) if kind == "step" else {"evidence": 3, "achievement": 4, "file": 5}[kind]
