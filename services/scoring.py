"""自评申报: the plan's self-evaluation rubric and the score of an applicant's claims.

A rubric is data the plan's office edits (JSON on ReviewPlan.rubric): groups of items, each item with the
points one unit earns and a cap. The applicant claims a count per item; an item scores min(count × points, cap).
"""
import json
import re
from dataclasses import dataclass

from services.values import whole_number

DEFAULT_PASS_MARK = 105
# What the administrator's rubric form accepts per item.
MAX_POINTS, MAX_CAP, MAX_LABEL, MAX_GROUP, MAX_UNIT = 100, 999, 60, 20, 4
ROW_FIELDS = ("group", "label", "unit", "points", "cap")
KEY = re.compile(r"[a-z][a-z0-9_]{0,39}")  # an item's key names the applicant's form field (score_<key>)


@dataclass(frozen=True)
class Item:
    key: str
    label: str
    unit: str  # what is counted: 项, 篇, 年 …
    points: int  # per unit
    cap: int


@dataclass(frozen=True)
class Group:
    label: str
    items: tuple


# A sensible default, shown with a note that the plan's office sets the real one.
DEFAULT_RUBRIC = (
    Group("学历学位", (
        Item("degree_master", "硕士及以上学位", "项", 20, 20),
        Item("degree_bachelor", "大学本科学历或学士学位", "项", 15, 15),
        Item("degree_college", "大学专科学历", "项", 10, 10),
    )),
    Group("继续教育", (
        Item("education_year", "继续教育学时达标（每年 90 学时）", "年", 5, 15),
    )),
    Group("专业工作年限", (
        Item("work_year", "从事本专业工作年限", "年", 2, 30),
    )),
    Group("工程项目", (
        Item("project_lead", "大中型工程项目技术负责人", "项", 15, 45),
        Item("project_member", "工程项目主要技术人员", "项", 8, 24),
    )),
    Group("获奖", (
        Item("award_provincial", "省部级及以上科技或工程奖项", "项", 20, 40),
        Item("award_city", "市级科技或工程奖项", "项", 10, 20),
    )),
    Group("专利", (
        Item("patent_invention", "发明专利（本人排名前三）", "项", 15, 30),
        Item("patent_utility", "实用新型专利（本人排名前三）", "项", 5, 15),
    )),
    Group("标准规范", (
        Item("standard_national", "国家、行业标准（主要起草人）", "项", 20, 40),
        Item("standard_local", "地方、团体标准（主要起草人）", "项", 10, 20),
    )),
    Group("论文著作", (
        Item("paper_core", "核心期刊论文（第一作者）", "篇", 10, 30),
        Item("paper_general", "一般期刊论文（第一作者）", "篇", 5, 15),
        Item("book", "专业著作（主编或副主编）", "部", 15, 30),
    )),
)


class RubricError(ValueError):
    """What is wrong with a rubric; `problems` are (row number, field, message) for the rubric form."""

    def __init__(self, message, problems=()):
        super().__init__(message)
        self.problems = list(problems)


def to_json(rubric):
    return json.dumps([{"label": g.label, "items": [vars(i) for i in g.items]} for g in rubric], ensure_ascii=False,
                      indent=1)


def from_json(text):
    """The rubric stored as JSON (empty text: the default); RubricError names what is wrong."""
    if not (text or "").strip():
        return DEFAULT_RUBRIC
    try:
        groups = json.loads(text)
        rubric = tuple(Group(str(g["label"]), tuple(Item(str(i["key"]), str(i["label"]), str(i.get("unit", "项")),
                                                         int(i["points"]), int(i["cap"])) for i in g["items"]))
                       for g in groups)
    except (ValueError, KeyError, TypeError):
        raise RubricError("自评细则格式有误（缺少条目的名称、分值或上限），请在评审工作计划中重新填写自评细则。") from None
    keys = [item.key for group in rubric for item in group.items]
    if len(keys) != len(set(keys)):
        raise RubricError("自评细则中有重复的条目编号。")
    if any(item.points < 0 or item.cap < 0 for group in rubric for item in group.items):
        raise RubricError("自评细则的分值和上限不能为负数。")
    return rubric


def rows(rubric):
    """The rubric as the form's rows: one per item, each with its group."""
    return [{"group": group.label, "key": item.key, "label": item.label, "unit": item.unit, "points": str(item.points),
             "cap": str(item.cap)} for group in rubric for item in group.items]


def _number(text, largest):
    number = whole_number(text)
    return number if number is not None and 1 <= number <= largest else None


def from_rows(typed):
    """The rubric from the form's rows as typed (a row left empty is dropped; rows of one group may be apart).
    Every mistake is named with its row, its field and the value; an item keeps its key, a new one gets a free key."""
    problems, groups, seen, used = [], {}, {}, set()
    keys = [row.get("key") or "" for row in typed]
    taken = {key for key in keys if KEY.fullmatch(key)}
    fresh = (f"item_{n}" for n in range(1, 10**6) if f"item_{n}" not in taken)
    for number, row in enumerate(typed, 1):
        text = {name: str(row.get(name) or "").strip() for name in ROW_FIELDS}
        if not any(text.values()):
            continue
        found = []

        def wrong(name, message, found=found, number=number):
            found.append((number, name, f"第 {number} 行：{message}"))

        group, label, unit = text["group"], text["label"], text["unit"] or "项"
        if not group:
            wrong("group", "请填写分组（如“学历学位”）。")
        elif len(group) > MAX_GROUP:
            wrong("group", f"分组“{group[:MAX_GROUP]}…”超过 {MAX_GROUP} 个字。")
        if not label:
            wrong("label", "请填写条目名称。")
        elif len(label) > MAX_LABEL:
            wrong("label", f"条目名称超过 {MAX_LABEL} 个字（现 {len(label)} 个字）。")
        elif (group, label) in seen:
            wrong("label", f"条目“{label}”与第 {seen[group, label]} 行重复。")
        if len(unit) > MAX_UNIT:
            wrong("unit", f"计量单位“{unit}”超过 {MAX_UNIT} 个字（如：项、篇、年）。")
        points, cap = _number(text["points"], MAX_POINTS), _number(text["cap"], MAX_CAP)
        if points is None:
            wrong("points", f"每单位分值“{text['points']}”须为 1–{MAX_POINTS} 的整数。")
        if cap is None:
            wrong("cap", f"上限“{text['cap']}”须为 1–{MAX_CAP} 的整数。")
        elif points is not None and cap < points:
            wrong("cap", f"上限 {cap} 分小于每单位分值 {points} 分。")
        problems += found
        if found:
            continue
        seen[group, label] = number
        key = keys[number - 1] if KEY.fullmatch(keys[number - 1]) and keys[number - 1] not in used else next(fresh)
        used.add(key)
        groups.setdefault(group, []).append(Item(key, label, unit, points, cap))
    if not problems and not groups:
        problems.append((None, None, "自评细则至少要有一个条目。"))
    if problems:
        first = problems[0][2]
        raise RubricError(first if len(problems) == 1 else f"自评细则有 {len(problems)} 处错误，首处：{first}", problems)
    return tuple(Group(label, tuple(found)) for label, found in groups.items())


def items(rubric):
    return [item for group in rubric for item in group.items]


def item_score(item, count):
    return min(max(0, count) * item.points, item.cap)


def breakdown(rubric, claims):
    """Every item with the count claimed and the points it earns, as the reviewers' page and the snapshot show it."""
    rows = []
    for group in rubric:
        for item in group.items:
            count = max(0, int(claims.get(item.key) or 0))
            rows.append({"group": group.label, "label": item.label, "unit": item.unit, "points": item.points,
                         "cap": item.cap, "count": count, "score": item_score(item, count)})
    return rows


def total(rubric, claims):
    """The score of `claims` ({item key: count}); unknown keys and negative counts earn nothing."""
    return sum(item_score(item, int(claims.get(item.key) or 0)) for item in items(rubric))


def maximum(rubric):
    return sum(item.cap for item in items(rubric))
