"""Rules behind how pages read: times to the minute, one full stop after a reason, the 自评细则 rows an administrator
types, and the 自评 breakdown reviewers see."""
from datetime import date, datetime

import pytest

from services import scoring
from services.display import sentence, when


@pytest.mark.parametrize("value, shown", [
    (datetime(2026, 11, 27, 11, 9, 33), "2026-11-27 11:09"),
    ("2026-11-27T11:09:33", "2026-11-27 11:09"),  # as a snapshot stores it
    ("2026-11-27T11:09:33.123456", "2026-11-27 11:09"),
    (date(2026, 11, 27), "2026-11-27"),
    (None, ""),
    ("", ""),
    ("不是时间", "不是时间"),
])
def test_times_read_to_the_minute_without_a_t(value, shown):
    assert when(value) == shown


def test_the_audit_log_keeps_its_seconds():
    assert when(datetime(2026, 11, 27, 11, 9, 33), seconds=True) == "2026-11-27 11:09:33"


@pytest.mark.parametrize("reason, shown", [
    ("缺少社保证明", "缺少社保证明。"),
    ("缺少社保证明。", "缺少社保证明。"),
    ("缺少社保证明！", "缺少社保证明！"),
    ("请补充？", "请补充？"),
    ("  缺少社保证明。 ", "缺少社保证明。"),
    ("", ""),
])
def test_a_reason_gets_one_full_stop(reason, shown):
    assert sentence(reason) == shown


def test_a_returned_applicant_reads_one_full_stop(app):
    with app.test_request_context():
        from flask import render_template_string
        html = render_template_string("理由：<b>{{ r|sentence }}</b>请修改", r="照片不清晰。")
    assert html == "理由：<b>照片不清晰。</b>请修改"


def row(**typed):
    return {"group": "论文著作", "key": "", "label": "核心期刊论文", "unit": "篇", "points": "10", "cap": "30", **typed}


@pytest.mark.parametrize("typed, problem", [
    ({"points": "0"}, "第 1 行：每单位分值“0”须为 1–100 的整数。"),
    ({"points": "1"}, None),
    ({"points": "100", "cap": "100"}, None),
    ({"points": "101", "cap": "200"}, "第 1 行：每单位分值“101”须为 1–100 的整数。"),
    ({"points": "2.5"}, "第 1 行：每单位分值“2.5”须为 1–100 的整数。"),
    ({"points": "-5"}, "第 1 行：每单位分值“-5”须为 1–100 的整数。"),
    ({"points": ""}, "第 1 行：每单位分值“”须为 1–100 的整数。"),
    ({"cap": "999", "points": "10"}, None),
    ({"cap": "1000"}, "第 1 行：上限“1000”须为 1–999 的整数。"),
    ({"cap": "9", "points": "10"}, "第 1 行：上限 9 分小于每单位分值 10 分。"),
    ({"cap": "10", "points": "10"}, None),
    ({"label": ""}, "第 1 行：请填写条目名称。"),
    ({"label": "论" * 60}, None),
    ({"label": "论" * 61}, "第 1 行：条目名称超过 60 个字（现 61 个字）。"),
    ({"group": ""}, "第 1 行：请填写分组（如“学历学位”）。"),
    ({"unit": ""}, None),  # 项
    ({"unit": "平方千米米"}, "第 1 行：计量单位“平方千米米”超过 4 个字（如：项、篇、年）。"),
], ids=lambda value: str(value))
def test_a_rubric_row_is_read_or_its_mistake_named(typed, problem):
    if problem is None:
        (group,) = scoring.from_rows([row(**typed)])
        assert group.items[0].points == int(typed.get("points", "10")) and group.items[0].unit == (row(**typed)["unit"] or "项")
    else:
        with pytest.raises(scoring.RubricError) as refused:
            scoring.from_rows([row(**typed)])
        assert problem in [message for _, _, message in refused.value.problems]


def test_rows_of_one_group_gather_empty_rows_drop_and_keys_are_kept_or_made():
    rubric = scoring.from_rows([
        row(key="paper_core"), row(group="专利", label="发明专利", points="15", cap="30"),
        {"group": "", "key": "", "label": "", "unit": "", "points": "", "cap": ""},
        row(label="一般期刊论文", points="5", cap="15"), row(key="bad key!", label="专业著作", unit="部"),
    ])
    assert [(g.label, [i.label for i in g.items]) for g in rubric] == [
        ("论文著作", ["核心期刊论文", "一般期刊论文", "专业著作"]), ("专利", ["发明专利"])]
    assert [i.key for i in scoring.items(rubric)] == ["paper_core", "item_2", "item_3", "item_1"]


def test_every_mistake_is_named_at_once_and_an_empty_rubric_is_refused():
    with pytest.raises(scoring.RubricError) as refused:
        scoring.from_rows([row(points="x"), row(label=""), row(group="", cap="")])
    assert [(n, field) for n, field, _ in refused.value.problems] == [
        (1, "points"), (2, "label"), (3, "group"), (3, "cap")]
    with pytest.raises(scoring.RubricError, match="至少要有一个条目"):
        scoring.from_rows([{"group": " ", "label": ""}])


def test_the_stored_rubric_round_trips_through_the_rows():
    assert scoring.from_rows(scoring.rows(scoring.DEFAULT_RUBRIC)) == scoring.DEFAULT_RUBRIC


def test_the_breakdown_shows_every_item_with_its_count_and_points():
    rows = scoring.breakdown(scoring.DEFAULT_RUBRIC, {"paper_core": 5, "work_year": "3", "book": -2})
    by_key = {r["label"]: r for r in rows}
    assert len(rows) == len(scoring.items(scoring.DEFAULT_RUBRIC))
    assert by_key["核心期刊论文（第一作者）"] == {"group": "论文著作", "label": "核心期刊论文（第一作者）", "unit": "篇",
                                          "points": 10, "cap": 30, "count": 5, "score": 30}  # capped
    assert (by_key["从事本专业工作年限"]["count"], by_key["从事本专业工作年限"]["score"]) == (3, 6)
    assert (by_key["专业著作（主编或副主编）"]["count"], by_key["专业著作（主编或副主编）"]["score"]) == (0, 0)
    assert sum(r["score"] for r in rows) == scoring.total(scoring.DEFAULT_RUBRIC, {"paper_core": 5, "work_year": 3})
