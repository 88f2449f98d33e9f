"""The wizard through its pages: each refusal is shown where the applicant looks, names the rule and the measured
value, and keeps what was typed; 下一步 saves and moves on; 提交 asks every step again; a submitted application is
read-only; nobody else opens it."""
import base64
import io
import json
from datetime import date, timedelta

import pytest
from PIL import Image, ImageDraw

from models import (
    Achievement,
    AchievementStatus,
    Application,
    ApplicationFile,
    ApplicationStatus,
    ApplicationType,
    Committee,
    EducationRecord,
    Level,
    Ownership,
    Role,
    StoredFile,
    now,
)
from services import steps
from services.checklist import checklist
from tests import photos
from tests.conftest import login, make_applicant
from tests.helpers import field_errors, form_errors, form_field, parse, user_of
from tests.wizard_world import (
    CLAIMS_104,
    CLAIMS_105,
    PDF,
    applicant_ready,
    attach_all,
    fill_info,
    fill_to_preview,
    info_data,
    open_plan,
    passed_achievement,
    pick,
    sign,
    signature_data_url,
    start,
    step_url,
    upload_photo,
)

KB, MB = 1024, 1024 * 1024
DAY = timedelta(days=1)


@pytest.fixture
def plan():
    return open_plan()


@pytest.fixture
def user():
    return applicant_ready()


@pytest.fixture
def application(client, plan, user):
    """A fresh draft of the logged-in applicant, at step 1."""
    login(client, user)
    return start(client, plan)


def fresh(application):
    return Application.get_by_id(application.id)


def at_step(client, application, number):
    """Fill the steps before `number` through the routes."""
    fillers = [lambda: upload_photo(client, application), lambda: sign(client, application),
               lambda: fill_info(client, application),
               lambda: pick(client, application, passed_achievement(application.applicant)),
               lambda: attach_all(client, application)]
    for filler in fillers[:number - 1]:
        filler()
    assert fresh(application).step_reached == number
    return fresh(application)


def redirected_to(response, number, application):
    return response.status_code == 302 and response.headers["Location"].endswith(step_url(application, number))


def pdf(name="scan.pdf"):
    return io.BytesIO(PDF), name


# ---------------------------------------------------------------- step 1 证件照

@pytest.mark.parametrize(("picture", "name", "refusal"), [
    (lambda: photos.jpeg(size=30 * KB), "photo.jpg", "文件大小 30.0 KB（30720 字节），要求大于 30 KB 且小于 1 MB"),
    (lambda: photos.jpeg(size=30 * KB + 1), "photo.jpg", None),
    (lambda: photos.jpeg(size=MB - 1), "photo.jpg", None),
    (lambda: photos.jpeg(size=MB), "photo.jpg", "文件大小 1.00 MB（1048576 字节）"),
    (lambda: photos.jpeg(size=3 * MB), "photo.jpg", "文件大小 3.00 MB（3145728 字节）"),
    (lambda: photos.jpeg(215, 300), "photo.jpg", "图片尺寸 215×300 像素，要求宽大于 215 像素、高大于 300 像素"),
    (lambda: photos.jpeg(216, 301), "photo.jpg", None),
    (lambda: photos.jpeg(649, 1000), "photo.jpg", "宽高比 0.649（649×1000 像素），要求 0.65–0.80"),
    (lambda: photos.jpeg(650, 1000), "photo.jpg", None),
    (lambda: photos.jpeg(800, 1000), "photo.jpg", None),
    (lambda: photos.jpeg(801, 1000), "photo.jpg", "宽高比 0.801（801×1000 像素），要求 0.65–0.80"),
    (lambda: photos.png(), "photo.jpg", "照片实际内容是 PNG，只接受 JPEG（按文件内容判断，不看扩展名）"),
    (lambda: photos.jpeg(background=photos.BLUE), "photo.jpg", "背景不是白色"),
    (lambda: photos.jpeg(), "证件照.JPG", None),
])
def test_the_photo_is_checked_and_a_refusal_shows_the_measured_value(client, application, picture, name, refusal):
    response = upload_photo(client, application, picture(), name)
    if refusal is None:
        assert redirected_to(response, 2, application)
        assert fresh(application).photo_id is not None and fresh(application).step_reached == 2
    else:
        assert response.status_code == 200
        errors = field_errors(parse(response), "photo")
        assert len(errors) == 1 and refusal in errors[0]
        assert fresh(application).photo_id is None and fresh(application).step_reached == 1
        assert "证件照要求" in response.get_data(as_text=True)  # the rules stay on the page


def test_a_refused_photo_keeps_the_one_accepted_before(client, application):
    upload_photo(client, application)
    accepted = fresh(application).photo_id
    assert upload_photo(client, application, photos.png()).status_code == 200
    assert fresh(application).photo_id == accepted
    assert redirected_to(client.post(step_url(application, 1), data={}), 2, application)  # 下一步 keeps it


# ---------------------------------------------------------------- step 2 个人承诺

def data_url(draw=None, size=(600, 240)):
    image = Image.new("RGBA", size, (0, 0, 0, 0))
    if draw:
        draw(ImageDraw.Draw(image))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def pledge_token(client, application):
    page = client.get(step_url(application, 2))
    assert page.status_code == 200
    return fresh(application).pledge_token, page


def test_the_pledge_shows_a_qr_code_of_a_one_time_link(client, application):
    upload_photo(client, application)
    token, page = pledge_token(client, application)
    html = page.get_data(as_text=True)
    assert "<svg" in html and "扫码签署" in html and "专业技术资格申报材料真实性保证书" in html
    expires = fresh(application).pledge_token_expires
    assert now() + timedelta(minutes=25) < expires <= now() + timedelta(minutes=31)
    assert client.get(f"/pledge/{token}").status_code == 200


def test_a_new_qr_code_replaces_the_earlier_one(client, application):
    upload_photo(client, application)
    first, _ = pledge_token(client, application)
    second, _ = pledge_token(client, application)
    assert first != second
    assert client.get(f"/pledge/{first}").status_code == 410
    assert client.get(f"/pledge/{second}").status_code == 200


@pytest.mark.parametrize(("signature", "refusal"), [
    (lambda: "", "未收到签名"),
    (lambda: data_url(), "未检测到签名"),  # a blank canvas
    (lambda: data_url(lambda d: d.line((280, 120, 320, 120), fill=(0, 0, 0, 255), width=3)),
     "签名过于简单（笔迹覆盖 0.08%，要求至少 0.5%）"),  # a dash
    (lambda: data_url(lambda d: d.ellipse((295, 115, 305, 125), fill=(0, 0, 0, 255))),
     "签名过于简单（笔迹覆盖 0.06%，要求至少 0.5%）"),  # a dot
])
def test_a_blank_or_scribble_thin_signature_is_refused(app, client, application, signature, refusal):
    upload_photo(client, application)
    token, _ = pledge_token(client, application)
    phone = app.test_client()
    response = phone.post(f"/pledge/{token}", data={"signature": signature()})
    assert response.status_code == 400
    error = parse(response).find("p", cls="error")
    assert error is not None and refusal in error.text()
    assert fresh(application).pledge_signed_at is None
    assert fresh(application).pledge_token == token  # the link still works for a second try


def test_the_pledge_is_signed_on_a_phone_with_time_and_ip_and_the_link_is_used_up(app, client, application):
    upload_photo(client, application)
    token, _ = pledge_token(client, application)
    assert client.get(f"/applications/{application.id}/pledge/status").status_code == 200  # still waiting
    phone = app.test_client()  # not logged in: the one-time link is the credential
    before = now()
    response = phone.post(f"/pledge/{token}", data={"signature": signature_data_url()},
                          environ_base={"REMOTE_ADDR": "10.20.30.40"})
    assert response.status_code == 200 and "签名成功" in response.get_data(as_text=True)
    signed = fresh(application)
    assert signed.pledge_ip == "10.20.30.40"
    assert before - timedelta(seconds=1) <= signed.pledge_signed_at <= now()
    stored = StoredFile.get_by_id(signed.pledge_signature_id)
    assert stored.content_type == "image/png" and stored.uploaded_by_id == application.applicant_id
    assert signed.step_reached == 3
    status = client.get(f"/applications/{application.id}/pledge/status")
    assert status.status_code == 286 and "已签署" in status.get_data(as_text=True)  # the desktop stops polling
    again = phone.post(f"/pledge/{token}", data={"signature": signature_data_url()})
    assert again.status_code == 410 and "无效或已使用" in again.get_data(as_text=True)
    assert fresh(application).pledge_signed_at == signed.pledge_signed_at


@pytest.mark.parametrize("left, usable", [(timedelta(minutes=1), True), (timedelta(minutes=-1), False)],
                         ids=["a-minute-left", "a-minute-past"])
def test_the_link_works_until_it_expires(app, client, application, left, usable):
    upload_photo(client, application)
    token, _ = pledge_token(client, application)
    Application.update(pledge_token_expires=now() + left).where(Application.id == application.id).execute()
    phone = app.test_client()
    assert ("已过期" in phone.get(f"/pledge/{token}").get_data(as_text=True)) is not usable
    response = phone.post(f"/pledge/{token}", data={"signature": signature_data_url()})
    assert response.status_code == (200 if usable else 410)
    assert (fresh(application).pledge_signed_at is not None) is usable


def test_next_on_the_pledge_waits_for_the_signature(client, application):
    upload_photo(client, application)
    pledge_token(client, application)
    response = client.post(step_url(application, 2), data={}, follow_redirects=True)
    assert "尚未签署个人承诺" in response.get_data(as_text=True)
    assert fresh(application).step_reached == 2
    sign(client, application)
    assert redirected_to(client.post(step_url(application, 2), data={}), 3, application)


def test_signing_on_this_computer_comes_back_to_step_3(client, application):
    upload_photo(client, application)
    assert client.get(f"/applications/{application.id}/pledge/here").status_code == 405  # a GET changes nothing
    response = client.post(f"/applications/{application.id}/pledge/here")
    assert response.status_code == 302 and "back=1" in response.headers["Location"]
    signed = client.post(response.headers["Location"], data={"signature": signature_data_url()})
    assert redirected_to(signed, 3, application)


def test_signing_on_this_computer_is_a_form_of_its_own_with_a_csrf_token(app, client, application):
    upload_photo(client, application)
    page = parse(client.get(step_url(application, 2)))
    form = page.find("form", action=f"/applications/{application.id}/pledge/here")
    assert form.attrs["method"] == "post" and form.find("input", name="csrf_token")
    assert form.parent.tag != "form" and form.find("form") is None
    token = fresh(application).pledge_token
    app.config["WTF_CSRF_ENABLED"] = True
    try:
        assert client.post(f"/applications/{application.id}/pledge/here").status_code == 400
    finally:
        app.config["WTF_CSRF_ENABLED"] = False
    assert fresh(application).pledge_token == token


# ---------------------------------------------------------------- step 3 填写申报信息

def test_a_refusal_is_shown_next_to_its_field_and_the_form_keeps_what_was_typed(client, application):
    at_step(client, application, 3)
    statement = "主持某住宅小区施工技术管理。" + "字" * 1000
    response = fill_info(client, application, statement=statement, category="", transfer_from="暂不转评")
    assert response.status_code == 200
    page = parse(response)
    assert field_errors(page, "statement") == [f"本人述职 {steps.statement_length(statement)} 字，超过 1000 字的上限（空白不计）。"]
    assert field_errors(page, "category") == ["请选择申报类别。"]
    assert form_field(page, "statement").find("textarea").text() == statement
    assert form_field(page, "transfer_from").find("input").attrs["value"] == "暂不转评"
    assert any("本步尚未完成" in e for e in form_errors(page))
    assert fresh(application).step_reached == 3
    assert fresh(application).statement == statement  # saved as a draft all the same


@pytest.mark.parametrize(("statement", "accepted"), [
    ("字" * 1000, True),
    ("字 " * 500 + "\n\n" + "字\u3000" * 500, True),  # whitespace is not counted
    ("字" * 1001, False),
    ("字 " * 1001, False),
])
def test_the_statement_has_at_most_1000_characters_not_counting_whitespace(client, application, statement, accepted):
    at_step(client, application, 3)
    response = fill_info(client, application, statement=statement)
    if accepted:
        assert redirected_to(response, 4, application)
    else:
        assert field_errors(parse(response), "statement") == ["本人述职 1001 字，超过 1000 字的上限（空白不计）。"]


HTMX = {"HX-Request": "true", "HX-Target": "wizard"}  # what htmx sends with the wizard's forms


def save_info(client, application, headers=None, **overrides):
    committee = Committee.get(Committee.number == 3)
    return client.post(step_url(application, 3), data=info_data(application.plan, committee.id, save="1", **overrides),
                       content_type="multipart/form-data", headers=headers or {})


def test_a_draft_saved_through_htmx_answers_with_its_message_alone(client, application):
    """保存草稿 with no file chosen: the message, out of band, and htmx told to swap nothing else, so the form stays as
    the applicant left it; the draft is saved all the same."""
    at_step(client, application, 3)
    response = save_info(client, application, headers=HTMX, statement="草稿，尚未写完")
    assert response.status_code == 200 and response.headers["HX-Reswap"] == "none"
    flash = parse(response).find("div", id="flash")
    assert flash.attrs["hx-swap-oob"] == "true" and flash.text().strip() == "已保存草稿。"
    assert "<form" not in response.get_data(as_text=True)
    assert fresh(application).statement == "草稿，尚未写完" and fresh(application).step_reached == 3


def test_a_draft_saved_with_a_file_or_without_htmx_gets_the_step_again(client, application):
    """A stored file is listed on the redrawn step; a browser without JavaScript gets the whole page."""
    at_step(client, application, 3)
    evidence = {"transfer_from": "工程系列", f"evidence_{next(iter(steps.EVIDENCE))}": pdf("原证书.pdf")}
    with_file = save_info(client, application, headers=HTMX, **evidence)
    assert "HX-Reswap" not in with_file.headers
    assert "第 3 步：填写申报信息" in with_file.get_data(as_text=True) and "原证书.pdf" in with_file.get_data(as_text=True)
    without_js = save_info(client, application, statement="无脚本保存")
    assert "<html" in without_js.get_data(as_text=True) and "已保存草稿。" in without_js.get_data(as_text=True)
    assert fresh(application).statement == "无脚本保存"


def test_saving_step_4_or_5_through_htmx_answers_with_the_message_unless_something_is_refused(client, application):
    at_step(client, application, 4)
    achievement = passed_achievement(application.applicant)
    response = client.post(step_url(application, 4), data={"achievement": [str(achievement.id)], "save": "1"},
                           content_type="multipart/form-data", headers=HTMX)
    assert response.headers["HX-Reswap"] == "none" and "已保存。" in response.get_data(as_text=True)
    assert [link.achievement_id for link in fresh(application).achievement_links] == [achievement.id]
    pick(client, application, achievement)
    first, second = application.plan.years_checked
    response = client.post(step_url(application, 5), data={f"hours_{first}": "90", f"hours_{second}": "九十",
                                                            "save": "1"}, content_type="multipart/form-data", headers=HTMX)
    assert "HX-Reswap" not in response.headers and field_errors(parse(response), f"hours_{second}")
    response = client.post(step_url(application, 5), data={f"hours_{first}": "90", f"hours_{second}": "120",
                                                            "save": "1"}, content_type="multipart/form-data", headers=HTMX)
    assert response.headers["HX-Reswap"] == "none" and "已保存。" in response.get_data(as_text=True)
    assert steps.loads(fresh(application).education_hours) == {str(first): 90, str(second): 120}


def self_evaluation(claims):
    return {"application_type": "self_evaluation", **{f"score_{key}": str(count) for key, count in claims.items()}}


def test_start_self_evaluation_opens_the_plans_rubric(client, application):
    at_step(client, application, 3)
    response = fill_info(client, application, start_self_evaluation="1")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "评委会办公室设定" in page and 'name="score_work_year"' in page and "须达到 105 分" in page
    assert fresh(application).application_type == ApplicationType.SELF_EVALUATION


@pytest.mark.parametrize(("claims", "accepted"), [(CLAIMS_104, False), (CLAIMS_105, True)])
def test_self_evaluation_continues_from_105_points(client, application, claims, accepted):
    at_step(client, application, 3)
    response = fill_info(client, application, **self_evaluation(claims))
    assert fresh(application).self_evaluation_total == (105 if accepted else 104)
    if accepted:
        assert redirected_to(response, 4, application)
    else:
        assert response.status_code == 200
        assert "自评分 104 分，须达到 105 分才能以自评申报。" in response.get_data(as_text=True)


def test_the_live_score_adds_up_the_claims(client, application):
    response = client.get(f"/applications/{application.id}/score",
                          query_string={f"score_{k}": str(v) for k, v in CLAIMS_104.items()})
    assert "自评总分 104 分" in response.get_data(as_text=True)


@pytest.mark.parametrize(("answers", "key"), [
    ({"application_type": "transfer", "transfer_from": "高级经济师"}, "transfer"),
    ({"application_type": "landmark", "landmark_text": "主持鲁班奖工程的施工技术管理"}, "landmark"),
    ({"application_type": "skilled"}, "skilled"),
    ({"holds_senior_title": "y", "second_title": "高级经济师"}, "second_title"),
])
def test_each_kind_needs_its_evidence_before_going_on(client, application, answers, key):
    at_step(client, application, 3)
    response = fill_info(client, application, **answers)
    assert response.status_code == 200
    assert field_errors(parse(response), f"evidence_{key}") == [f"请上传{steps.EVIDENCE[key]}。"]
    response = fill_info(client, application, **answers, **{f"evidence_{key}": pdf()})
    assert redirected_to(response, 4, application)
    assert [link.key for link in fresh(application).files] == [key]


def test_a_missing_landmark_text_is_refused_next_to_it(client, application):
    at_step(client, application, 3)
    response = fill_info(client, application, application_type="landmark", evidence_landmark=pdf())
    assert field_errors(parse(response), "landmark_text") == ["标志性业绩直接申报须填写标志性业绩具体内容。"]


@pytest.mark.parametrize(("result", "accepted"), [("excellent", True), ("pass", True), ("basic", False), ("fail", False)])
def test_each_required_year_must_be_assessed_at_least_pass(client, application, plan, result, accepted):
    at_step(client, application, 3)
    year = steps.assessment_years(plan)[-1]
    response = fill_info(client, application, **{f"assessment_{year}": result})
    if accepted:
        assert redirected_to(response, 4, application)
    else:
        errors = field_errors(parse(response), f"assessment_{year}")
        assert len(errors) == 1 and f"{year} 年考核为" in errors[0] and "中级须近 3 年考核合格" in errors[0]


@pytest.mark.parametrize(("level", "years"), [(Level.MID, 3), (Level.SENIOR, 4)])
def test_one_assessment_row_per_required_year(client, user, level, years):
    plan = open_plan(level=level)
    login(client, user)
    application = start(client, plan)
    at_step(client, application, 3)
    html = client.get(step_url(application, 3)).get_data(as_text=True)
    assert [y for y in range(plan.year - 6, plan.year + 1) if f'name="assessment_{y}"' in html] == \
        list(range(plan.year - years, plan.year))


def test_only_the_committees_that_fit_the_unit_are_offered(client, application):
    at_step(client, application, 3)
    select = form_field(parse(client.get(step_url(application, 3))), "committee").find("select")
    offered = [o.text() for o in select.find_all("option") if o.attrs.get("value") != "0"]
    assert offered == [Committee.get(Committee.number == 3).name]
    other = Committee.get(Committee.number == 4)
    response = fill_info(client, application, committee=other.id)
    assert field_errors(parse(response), "committee") == [f"“{other.name}”不受理您单位的申报，请重新选择。"]


@pytest.mark.parametrize(("field", "problem"), [("profession", "请选择从事专业。"), ("committee", "请选择受理评审委员会。")])
def test_a_choice_of_nothing_is_asked_again(client, application, field, problem):
    at_step(client, application, 3)
    response = fill_info(client, application, **{field: 99999})  # a stale or forged id
    assert response.status_code == 200
    assert field_errors(parse(response), field) == [problem]


def test_a_public_institution_applicant_answers_established_or_not(client, application, user):
    user.organisation.ownership = Ownership.PUBLIC_INSTITUTION
    user.organisation.save()
    at_step(client, application, 3)
    response = fill_info(client, application)
    assert field_errors(parse(response), "established_post") == ["您的单位是事业单位，请选择编制情况（在编或非在编）。"]
    assert redirected_to(fill_info(client, application, established_post="no"), 4, application)


# ---------------------------------------------------------------- step 4 选择相关业绩

def test_only_passed_achievements_are_offered(client, application, user):
    at_step(client, application, 4)
    waiting = Achievement.create(owner=user, kind=passed_achievement(user).kind, title="尚在审核的项目",
                                 status=AchievementStatus.PENDING)
    page = client.get(step_url(application, 4)).get_data(as_text=True)
    assert "越城区某住宅小区工程" in page and "尚在审核的项目" not in page and "另有 1 项业绩尚未通过单位审核" in page
    response = pick(client, application, waiting)
    assert response.status_code == 200 and "请至少选择一项已通过单位审核的业绩。" in response.get_data(as_text=True)
    assert not fresh(application).achievement_links.exists()


def test_a_collective_project_needs_the_main_contributor_evidence(client, application, user):
    at_step(client, application, 4)
    project = passed_achievement(user, "集体攻关项目", collective=True)
    response = pick(client, application, project)
    assert response.status_code == 200
    row = parse(response).find("tr", id=f"achievement-{project.id}")
    assert [p.text() for p in row.find_all("p", cls="error")] == ["集体项目“集体攻关项目”须上传本人系主要贡献者的依据。"]
    assert fresh(application).step_reached == 4
    response = pick(client, application, project, files={f"evidence_{project.id}": pdf("贡献证明.pdf")})
    assert redirected_to(response, 5, application)
    assert fresh(application).achievement_links.get().contributor_evidence.original_name == "贡献证明.pdf"


# ---------------------------------------------------------------- step 5 上传相关附件

@pytest.mark.parametrize(("hours", "accepted"), [(89, False), (90, True)])
def test_each_year_needs_90_hours_of_continuing_education(client, application, plan, hours, accepted):
    at_step(client, application, 5)
    first, second = plan.years_checked
    data = {f"hours_{first}": str(hours), f"hours_{second}": "120"}
    data |= {f"file_{item.key}": pdf() for item in checklist(fresh(application))}
    response = client.post(step_url(application, 5), data=data, content_type="multipart/form-data")
    if accepted:
        assert redirected_to(response, 6, application)
    else:
        assert field_errors(parse(response), f"hours_{first}") == [f"{first} 年继续教育 89 学时，每年须满 90 学时。"]
        assert form_field(parse(response), f"hours_{first}").find("input").attrs["value"] == "89"
    assert steps.loads(fresh(application).education_hours) == {str(first): hours, str(second): 120}


def test_a_missing_attachment_is_named_in_its_row(client, application):
    at_step(client, application, 5)
    response = attach_all(client, application)
    assert redirected_to(response, 6, application)  # the helper uploads everything
    application = fresh(application)
    link = application.files.where(ApplicationFile.key == "appointment").get()
    client.post(f"/applications/{application.id}/files/{link.id}/remove", data={"step": "5"})
    response = client.post(step_url(application, 5), data={f"hours_{y}": "90" for y in application.plan.years_checked},
                           content_type="multipart/form-data")
    row = parse(response).find("tr", id="item-appointment")
    assert "请上传近4年现任专业技术职务资格聘书" in row.text() and "未上传" in row.text()


def test_step_5_names_every_problem_at_once(client, application, plan):
    at_step(client, application, 5)
    first, second = plan.years_checked
    response = client.post(step_url(application, 5), data={f"hours_{first}": "abc", f"hours_{second}": "30"},
                           content_type="multipart/form-data")
    page = parse(response)
    typed = field_errors(page, f"hours_{first}")
    assert typed and f"请填写 {first} 年继续教育学时。" not in typed, "what was typed is named, not called missing"
    assert field_errors(page, f"hours_{second}") == [f"{second} 年继续教育 30 学时，每年须满 90 学时。"]
    missing = checklist(fresh(application))
    assert missing and all("请上传" in page.find("tr", id=f"item-{item.key}").text() for item in missing), \
        "the missing files are named although the hours were wrong too"
    assert fresh(application).step_reached == 5


def make_public_institution(user):
    user.organisation.ownership = Ownership.PUBLIC_INSTITUTION
    user.organisation.save()


def unverifiable(user):
    EducationRecord.update(verifiable_on_chsi=False).where(EducationRecord.user == user).execute()


def without(kind):
    def change(user, plan):
        plan.required_attachments = ",".join(k for k in plan.attachment_keys if k != kind)
        plan.save()
    return change


@pytest.mark.parametrize(("level", "setup", "answers", "expected"), [
    (Level.MID, None, {}, {"appointment": "近4年"}),
    (Level.SENIOR, None, {}, {"appointment": "近5年"}),
    (Level.MID, lambda u, p: make_public_institution(u), {"established_post": "yes"},
     {"appointment": "近4年", "post_info": "事业单位人员职称申报岗位信息表"}),
    (Level.MID, lambda u, p: make_public_institution(u), {"established_post": "no"},
     {"appointment": "近4年", "post_info": "单位说明（非在编人员）"}),
    (Level.MID, None, {"insured_outside_province": "y"}, {"appointment": "近4年", "social_insurance": "省外社保"}),
    (Level.MID, None, self_evaluation(CLAIMS_105), {"appointment": "近4年", "self_evaluation_form": "自评表"}),
    (Level.MID, lambda u, p: unverifiable(u), {}, {"appointment": "近4年", "diploma": "学历证书及认证材料"}),
    (Level.MID, without("appointment"), {"insured_outside_province": "y"}, {"social_insurance": "省外社保"}),
    (Level.MID, lambda u, p: (unverifiable(u), without("diploma")(u, p)), {}, {"appointment": "近4年"}),
])
def test_the_checklist_follows_the_answers_and_says_why(client, user, level, setup, answers, expected):
    plan = open_plan(level=level)
    if setup:
        setup(user, plan)
    login(client, user)
    application = start(client, plan)
    at_step(client, application, 3)
    assert redirected_to(fill_info(client, application, **answers), 4, application)
    pick(client, application, passed_achievement(user))
    page = parse(client.get(step_url(application, 5)))
    rows = {row.attrs["id"].removeprefix("item-"): row for row in page.find_all("tr")
            if row.attrs.get("id", "").startswith("item-")}
    first, second = plan.years_checked
    assert set(rows) == {f"education_{first}", f"education_{second}", *expected}
    for key, label in expected.items():
        cells = rows[key].find_all("td")
        assert label in cells[0].text() and cells[1].text()  # the label, and why it is asked
    assert "满 90 学时" in rows[f"education_{first}"].text()


# ---------------------------------------------------------------- moving through the steps

def test_next_saves_and_earlier_steps_can_be_revisited(client, application):
    at_step(client, application, 5)
    assert client.get(step_url(application, 1)).status_code == 200
    page = parse(client.get(step_url(application, 3)))
    assert form_field(page, "statement").find("textarea").text() == "负责多个住宅工程的施工技术管理。"
    response = fill_info(client, application, statement="修改后的述职。")
    assert redirected_to(response, 4, application)
    application = fresh(application)
    assert application.statement == "修改后的述职。" and application.step_reached == 5


def test_leaving_and_coming_back_resumes_where_it_stopped(client, application, plan):
    at_step(client, application, 3)
    assert redirected_to(client.get(f"/applications/{application.id}"), 3, application)
    jumped = client.get(step_url(application, 5))
    assert redirected_to(jumped, 3, application)
    again = client.post(f"/plans/{plan.id}/apply")  # 马上申报 a second time
    assert redirected_to(again, 3, application)
    assert Application.select().count() == 1
    mine = client.get("/applications").get_data(as_text=True)
    assert "继续填写（第 3 步）" in mine


def test_a_closed_plan_starts_no_application(client, user, plan):
    plan.closes_on = date.today() - DAY
    plan.save()
    login(client, user)
    response = client.post(f"/plans/{plan.id}/apply", follow_redirects=True)
    assert f"本计划申报已于 {plan.closes_on} 截止。" in response.get_data(as_text=True)
    assert Application.select().count() == 0


def test_an_htmx_request_gets_the_panel_only(client, application):
    response = client.get(step_url(application, 1), headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "<html" not in html and "第 1 步：证件照" in html
    assert "HX-Request" in response.headers["Vary"]


# ---------------------------------------------------------------- 提交

def submit(client, application, **kwargs):
    return client.post(step_url(application, 6), data={"confirm": "y"}, **kwargs)


def test_submit_sends_back_to_the_step_a_rule_broken_since(client, user, plan):
    application = fill_to_preview(client, user, plan)
    achievement = application.achievement_links.get().achievement
    Achievement.update(status=AchievementStatus.RETURNED).where(Achievement.id == achievement.id).execute()
    response = submit(client, application)
    assert redirected_to(response, 4, application)
    assert fresh(application).status == ApplicationStatus.DRAFT
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "第 4 步“选择相关业绩”尚未完成" in page
    assert f"业绩“{achievement.title}”当前为“已退回”" in page


def test_a_closed_plan_refuses_submission(client, user, plan):
    application = fill_to_preview(client, user, plan)
    plan.closes_on = date.today() - DAY
    plan.save()
    page = client.get(step_url(application, 6)).get_data(as_text=True)
    assert f"本计划申报已于 {plan.closes_on} 截止。不再接受提交。" in page
    assert 'name="confirm"' not in page
    response = submit(client, application)
    assert response.status_code == 200 and "不再接受提交" in response.get_data(as_text=True)
    assert fresh(application).status == ApplicationStatus.DRAFT


def test_submit_needs_the_confirmation(client, user, plan):
    application = fill_to_preview(client, user, plan)
    response = client.post(step_url(application, 6), data={})
    assert response.status_code == 200 and "请勾选确认后再提交。" in response.get_data(as_text=True)
    assert fresh(application).status == ApplicationStatus.DRAFT


def test_a_submitted_application_is_read_only(client, user, plan):
    application = fill_to_preview(client, user, plan)
    assert submit(client, application).status_code == 302
    submitted = fresh(application)
    assert submitted.status == ApplicationStatus.AT_UNIT
    frozen = json.loads(submitted.snapshot)
    assert frozen["info"]["statement"] == "负责多个住宅工程的施工技术管理。"
    view = f"/applications/{application.id}"
    for number in range(1, 8):
        assert client.get(step_url(application, number)).headers["Location"].endswith(view)
    attempts = [
        upload_photo(client, application, photos.jpeg(320, 420)),
        fill_info(client, application, statement="提交后偷偷修改。"),
        pick(client, application, passed_achievement(user, "新业绩")),
        attach_all(client, application, hours=200),
        submit(client, application),
        client.post(f"/applications/{application.id}/pledge/here"),
        client.post(f"/applications/{application.id}/files/{submitted.files.first().id}/remove", data={"step": "5"}),
    ]
    assert all(r.status_code == 302 for r in attempts)
    after = fresh(application)
    for name in ("status", "photo_id", "statement", "education_hours", "pledge_token", "updated_at", "snapshot",
                 "submitted_at"):
        assert getattr(after, name) == getattr(submitted, name), name
    assert [(a.achievement_id, a.version) for a in after.achievement_links] == \
        [(a.achievement_id, a.version) for a in submitted.achievement_links]
    assert after.files.count() == submitted.files.count()
    assert after.actions.count() == 1
    page = client.get(view).get_data(as_text=True)
    assert "待单位审核" in page and "负责多个住宅工程的施工技术管理。" in page and "提交后偷偷修改" not in page
    assert parse(page).find("main").find("form") is None  # nothing to change or submit


# ---------------------------------------------------------------- who may open an application

def urls(application):
    base = f"/applications/{application.id}"
    return [("get", base), *[("get", step_url(application, n)) for n in range(1, 8)],
            ("post", step_url(application, 3)), ("get", f"{base}/pledge/status"), ("post", f"{base}/pledge/here"),
            ("get", f"{base}/score"), ("post", f"{base}/files/1/remove")]


def test_another_applicant_gets_404(app, application):
    other = app.test_client()
    login(other, make_applicant("13900000002", id_number="33060219900101028X", name="李四"))
    for method, url in urls(application):
        assert getattr(other, method)(url).status_code == 404, url
    assert fresh(application).updated_at == application.updated_at


@pytest.mark.parametrize("role", [Role.UNIT, Role.CONSTRUCTION_BUREAU, Role.COMMITTEE_OFFICE, Role.ADMIN])
def test_other_roles_get_403(app, client, application, role):
    other = app.test_client()
    login(other, user_of(role))
    for method, url in urls(application):
        assert getattr(other, method)(url).status_code == 403, url


def test_anonymous_visitors_are_sent_to_log_in(app, application):
    anonymous = app.test_client()
    for method, url in urls(application):
        response = getattr(anonymous, method)(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
