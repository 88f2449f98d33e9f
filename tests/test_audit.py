"""Every change an applicant makes is in the audit log, and the audit page says what happened in Chinese words."""
import io

import pytest

from models import Application, ApplicationFile, AuditLog, Role
from tests.chain_world import as_user, staff
from tests.conftest import make_unit, make_user
from tests.test_profile import profile_form
from tests.wizard_world import (
    PDF,
    applicant_ready,
    fill_info,
    fill_to_preview,
    open_plan,
    passed_achievement,
    pick,
    step_url,
    upload_photo,
)


def hours(application, value):
    return {f"hours_{year}": str(value) for year in application.plan.years_checked}


def change_unit(client, application, user):
    other = make_unit("另一家建设公司")
    return client.post("/me/profile", data=profile_form(other.id))


def keep_unit(client, application, user):
    return client.post("/me/profile", data=profile_form(user.organisation_id, work_started_on="2009-03-01"))


def remove_attachment(client, application, user):
    link = ApplicationFile.select().where(ApplicationFile.application == application).first()
    return client.post(f"/applications/{application.id}/files/{link.id}/remove", data={"step": 5})


def attach(client, application, user):
    key = ApplicationFile.select().where(ApplicationFile.application == application).first().key
    return client.post(step_url(application, 5), content_type="multipart/form-data",
                       data={**hours(application, 90), f"file_{key}": (io.BytesIO(PDF), "补充证明.pdf")})


CHANGES = [
    ("profile-new-unit", change_unit, "profile.unit", "user", "现工作单位由“越城建工集团”改为“另一家建设公司”"),
    ("profile", keep_unit, "profile.save", "user", "工作起始时间由 2010-07-01 改为 2009-03-01；"
     "学历改为：浙江大学 土木工程 2008-06-30；现专业技术职务改为：助理工程师 2012-12-01"),
    ("photo", lambda c, a, u: upload_photo(c, a), "application.photo", "application", "修改：证件照"),
    ("step-3", lambda c, a, u: fill_info(c, a, statement="新的述职。"), "application.info", "application",
     "修改：本人述职"),
    ("step-4", lambda c, a, u: pick(c, a, passed_achievement(u, "另一工程")), "application.achievements",
     "application", "“另一工程”第 1 版"),
    ("step-5-hours", lambda c, a, u: c.post(step_url(a, 5), data=hours(a, 100)), "application.hours", "application",
     "修改：继续教育学时"),
    ("step-5-file", attach, "application.attach", "application", "：补充证明.pdf"),
    ("remove-file", remove_attachment, "application.detach", "application", ".pdf"),
    ("submit", lambda c, a, u: c.post(step_url(a, 6), data={"confirm": "y"}), "application.submit", "application",
     "第 1 次提交"),
]


@pytest.mark.parametrize("change, action, kind, detail", [c[1:] for c in CHANGES], ids=[c[0] for c in CHANGES])
def test_each_change_is_audited(app, client, change, action, kind, detail):
    user = applicant_ready()
    application = fill_to_preview(client, user, open_plan())
    before = AuditLog.select().count()

    assert change(client, application, user).status_code == 302

    rows = list(AuditLog.select().where(AuditLog.action == action).order_by(AuditLog.id.desc()))
    assert rows and AuditLog.select().count() > before, f"{action} 没有审计记录"
    entry = rows[0]
    assert entry.actor_id == user.id and entry.ip == "127.0.0.1"
    assert entry.target == (f"user:{user.id}" if kind == "user" else f"application:{application.id}")
    assert detail in entry.detail


def test_saving_a_step_unchanged_adds_no_audit_row(client):
    user = applicant_ready()
    application = fill_to_preview(client, user, open_plan())
    before = AuditLog.select().count()

    client.post(step_url(application, 5), data=hours(application, 90))

    assert AuditLog.select().count() == before


def test_the_audit_page_speaks_chinese(app, client):
    user = applicant_ready()
    application = fill_to_preview(client, user, open_plan())
    client.post(step_url(application, 6), data={"confirm": "y"})
    as_user(client, staff(Role.UNIT, unit=application.unit))
    client.post(f"/review/applications/{application.id}/decide", data={"action": "pass", "seen": 2})
    as_user(client, make_user(Role.ADMIN))

    page = client.get("/admin/audit").get_data(as_text=True)

    for words in ("上传证件照", "保存申报信息", "选择相关业绩", "上传申报附件", "提交申报", "审查通过",
                  f"申报 #{application.id}（张三，{application.plan.title}）", f"账号 张三（{user.username}）"):
        assert words in page
    for raw in ("application.pass", "application.submit", f"application:{application.id}", f"user:{user.id}"):
        assert raw not in page
    searched = client.get("/admin/audit", query_string={"q": "审查通过"}).get_data(as_text=True)
    assert "审查通过" in searched and "上传证件照" not in searched


def test_every_action_the_code_records_has_a_chinese_label():
    """A literal action name passed to audit.record anywhere in the app shows as a Chinese word on the audit page."""
    import re
    from pathlib import Path

    from services.audit import ACTION_LABELS

    root = Path(__file__).resolve().parents[1]
    recorded = {name for folder in ("workflow", "services", "blueprints") for path in (root / folder).glob("*.py")
                for name in re.findall(r'audit\.record\([^"\n]*"([a-z_.]+)"', path.read_text())}
    assert recorded, "the pattern finds the calls"
    assert recorded - set(ACTION_LABELS) == set()


def test_a_draft_save_names_exactly_the_columns_it_changed(app, client):
    """A column naming another record (unit, profession, committee) is compared by the id it holds: saved unchanged
    it is not named, changed it is."""
    user = applicant_ready()
    application = fill_to_preview(client, user, open_plan())

    def saved(**overrides):
        assert fill_info(client, application, **overrides).status_code == 302
        return AuditLog.select().where(AuditLog.action == "application.info").order_by(AuditLog.id.desc()).first()

    assert saved(statement="新的述职。").detail == "修改：本人述职"
    other = [link.profession_id for link in application.plan.profession_links][1]
    assert saved(statement="新的述职。", profession=other).detail == "修改：从事专业"
    assert Application.get_by_id(application.id).profession_id == other
