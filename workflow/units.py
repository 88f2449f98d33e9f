"""Units joining the platform: registration, correction and the administrator's review of the 授权委托证明."""

from flask import url_for

from models import (
    Organisation,
    Role,
    UnitReview,
    UnitStatus,
    User,
)
from services import accounts, audit
from services.display import sentence
from services.notifications import notify
from services.txn import atomic
from services.units import UNIT_FIELD_LABELS, clean_unit_data
from workflow import CHANGED, WorkflowError, require_reason


def unit_contacts(unit):
    return User.select().where((User.organisation == unit) & (User.role == Role.UNIT))


def submit_unit(unit, actor, letter, ip=""):
    """A unit's registration or corrected resubmission goes (back) to the administrator, with its letter."""
    with atomic():
        updated = Organisation.update(status=UnitStatus.PENDING).where(
            (Organisation.id == unit.id) & (Organisation.status != UnitStatus.APPROVED)
        ).execute()
        if not updated:
            raise WorkflowError("单位已审核通过，无需再次提交。")
        UnitReview.create(unit=unit, actor=actor, action="submit", letter=letter)
        audit.record(actor, "unit.submit", f"organisation:{unit.id}", unit.name, ip)
        for admin in User.select().where(User.role == Role.ADMIN):
            notify(admin, f"单位“{unit.name}”提交了授权委托证明，待审核", link=url_for("admin.unit_detail", unit_id=unit.id),
                   send_sms=False)
    unit.status = UnitStatus.PENDING


def _decide_unit(unit, actor, status, action, reason, ip):
    with atomic():
        updated = Organisation.update(status=status).where(
            (Organisation.id == unit.id) & (Organisation.status == UnitStatus.PENDING)
        ).execute()
        if not updated:
            raise WorkflowError(CHANGED)
        UnitReview.create(unit=unit, actor=actor, action=action, reason=reason)
        audit.record(actor, f"unit.{action}", f"organisation:{unit.id}", reason, ip)
        for contact in unit_contacts(unit):
            if status == UnitStatus.APPROVED:
                notify(contact, "单位授权委托证明审核通过", f"“{unit.name}”已绑定，本单位人员现在可以选择本单位。",
                       link=url_for("unit.info"))
            else:
                notify(contact, "单位授权委托证明被退回", f"理由：{sentence(reason)}请修改后重新提交。", link=url_for("unit.info"))
    unit.status = status


def approve_unit(unit, actor, ip=""):
    _decide_unit(unit, actor, UnitStatus.APPROVED, "approve", "", ip)


def refuse_unit(unit, actor, reason, ip=""):
    _decide_unit(unit, actor, UnitStatus.REFUSED, "refuse", require_reason(reason, "退回"), ip)


def register_unit(data, password, letter, ip=""):
    """Create the unit (待审核) and its HR person's account; the letter goes to the administrator for review."""
    if letter is None:
        raise accounts.AccountError("请上传授权委托证明。", "letter")
    with accounts.registered_once("该单位或手机号刚刚已被注册，请刷新后核对。", "name"), atomic():
        values = clean_unit_data(data)
        unit = Organisation.create(kind=Role.UNIT, status=UnitStatus.PENDING, **values)
        user = accounts.create_account(None, username=values["contact_mobile"], real_name=values["contact_name"],
                                       password=password, role=Role.UNIT, mobile=values["contact_mobile"],
                                       organisation=unit, ip=ip)
        letter.uploaded_by = user
        letter.save()
        submit_unit(unit, user, letter, ip=ip)
    return unit, user


def correct_unit(unit, data, letter, actor, ip=""):
    """A refused (or still pending) unit corrects its data and submits again; its history stays."""
    values = clean_unit_data(data, unit)
    changed = [UNIT_FIELD_LABELS[name] for name, value in values.items() if unit.__data__.get(name) != value]
    with atomic():
        if changed:
            audit.record(actor, "unit.correct", f"organisation:{unit.id}", "修改：" + "、".join(changed), ip)
        for name, value in values.items():
            setattr(unit, name, value)
        unit.save(only=[getattr(Organisation, name) for name in values])
        submit_unit(unit, actor, letter or unit.authorization_letter, ip=ip)
    return unit
