"""The rules of a unit's registration data (the state changes are in workflow.units)."""
from models import Organisation, Role
from services import accounts, creditcode

UNIT_FIELDS = ("name", "credit_code", "region", "ownership", "industry_tag", "files_at_talent_centre",
               "contact_name", "contact_mobile")


# The columns clean_unit_data returns, by the words the audit log uses for them.
UNIT_FIELD_LABELS = {
    "name": "单位名称", "credit_code": "统一社会信用代码", "region": "所属地区", "ownership": "单位性质",
    "industry_tag": "行业", "files_at_talent_centre": "人事档案委托人才交流中心代理", "contact_name": "单位经办人姓名",
    "contact_mobile": "经办人手机号",
}


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
