"""收费设定 of the offices."""
from decimal import Decimal

from models import (
    FeeSetting,
    now,
)
from services import audit
from services.txn import atomic
from workflow import WorkflowError


def set_fee(organisation, actor, charges, amount, ip=""):
    """收费设定 of an office: 收费 (with an amount) or 不收费."""
    if charges and amount in (None, ""):
        raise WorkflowError("选择“收费”时须填写收费金额。")
    amount = Decimal(amount) if charges else Decimal(0)
    if amount < 0:
        raise WorkflowError("收费金额不能为负数。")
    with atomic():
        setting, _ = FeeSetting.get_or_create(organisation=organisation)
        setting.charges, setting.amount, setting.updated_by, setting.updated_at = charges, amount, actor, now()
        setting.save()
        audit.record(actor, "fee.set", f"organisation:{organisation.id}",
                     f"收费 {amount} 元" if charges else "不收费", ip)
    return setting
