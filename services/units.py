"""Employers joining the platform: registration and correction of the unit's data."""
from models import Organisation, Role, UnitStatus
from services import accounts, creditcode
from services.txn import atomic
from workflow import submit_unit

UNIT_FIELDS = ("name", "credit_code", "region", "ownership", "industry_tag", "files_at_talent_centre",
               "contact_name", "contact_mobile")


def clean_unit_data(data, unit=None):
    """Check the unit's own rules; returns the cleaned values or raises AccountError naming the field."""
    try:
        code = creditcode.parse(data["credit_code"])
    except creditcode.CreditCodeError as error:
        raise accounts.AccountError(str(error), "credit_code") from None
    others = Organisation.select().where(Organisation.id != (unit.id if unit else 0))
    if others.where(Organisation.credit_code == code).exists():
        raise accounts.AccountError(f"统一社会信用代码 {code} 已有单位注册。如为本单位，请联系本单位经办人或平台管理员。",
                                    "credit_code")
    name = data["name"].strip()
    if others.where((Organisation.kind == Role.UNIT) & (Organisation.name == name)).exists():
        raise accounts.AccountError(f"单位“{name}”已注册。", "name")
    mobile = data["contact_mobile"].strip()
    if not accounts.MOBILE.match(mobile):
        raise accounts.AccountError(f"手机号“{mobile}”格式不正确，应为 11 位大陆手机号。", "contact_mobile")
    return dict(
        name=name, credit_code=code, region=data["region"], ownership=data["ownership"],
        industry_tag=data["industry_tag"] or None, files_at_talent_centre=data["files_at_talent_centre"] == "yes",
        contact_name=data["contact_name"].strip(), contact_mobile=mobile,
    )


def register_unit(data, password, letter, ip=""):
    """Create the unit (待审核) and its HR person's account; the letter goes to the administrator for review."""
    values = clean_unit_data(data)
    if letter is None:
        raise accounts.AccountError("请上传授权委托证明。", "letter")
    with atomic():
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
    with atomic():
        for name, value in values.items():
            setattr(unit, name, value)
        unit.save(only=[getattr(Organisation, name) for name in values])
        submit_unit(unit, actor, letter or unit.authorization_letter, ip=ip)
    return unit
