"""自评申报: the plan's self-evaluation rubric and the score of an applicant's claims.

A rubric is data the plan's office edits (JSON on ReviewPlan.rubric): groups of items, each item with the
points one unit earns and a cap. The applicant claims a count per item; an item scores min(count × points, cap).
"""
import json
from dataclasses import dataclass

DEFAULT_PASS_MARK = 105


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
    pass


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
    except (ValueError, KeyError, TypeError) as error:
        raise RubricError(f"自评细则格式有误（{type(error).__name__}: {error}）。") from None
    keys = [item.key for group in rubric for item in group.items]
    if len(keys) != len(set(keys)):
        raise RubricError("自评细则中有重复的条目编号。")
    if any(item.points < 0 or item.cap < 0 for group in rubric for item in group.items):
        raise RubricError("自评细则的分值和上限不能为负数。")
    return rubric


def items(rubric):
    return [item for group in rubric for item in group.items]


def item_score(item, count):
    return min(max(0, count) * item.points, item.cap)


def total(rubric, claims):
    """The score of `claims` ({item key: count}); unknown keys and negative counts earn nothing."""
    return sum(item_score(item, int(claims.get(item.key) or 0)) for item in items(rubric))


def maximum(rubric):
    return sum(item.cap for item in items(rubric))
