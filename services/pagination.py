"""Pagination of peewee queries for every list page, and the filters of a list's query string."""
import operator
from dataclasses import dataclass
from functools import reduce
from math import ceil

PER_PAGE = 20


@dataclass
class Page:
    items: list
    number: int
    per_page: int
    total: int

    @property
    def pages(self):
        return max(1, ceil(self.total / self.per_page))

    @property
    def has_prev(self):
        return self.number > 1

    @property
    def has_next(self):
        return self.number < self.pages


def _clamped(number, total, per_page):
    try:
        number = int(number)
    except (TypeError, ValueError):
        number = 1
    return min(max(1, number), max(1, ceil(total / per_page)))


def paginate(query, number, per_page=PER_PAGE):
    """The `number`-th page (1-based, clamped to the valid range) of `query`."""
    total = query.count()
    number = _clamped(number, total, per_page)
    return Page(list(query.paginate(number, per_page)), number, per_page, total)


def paginate_ordered(query, number, order, rows, per_page=PER_PAGE, total=None):
    """The same for a long list newest first: `query` selects the ids with the filters (no joins, so the count is
    cheap); `order` names the columns sorted descending (the last one the ids, unique), `rows(ids)` loads one page's
    rows; `total`, when the caller has counted them already, saves the count.

    A page past the middle is read from the far end in the reverse order, so the last page skips as few rows as the
    first (NULLs sort at the same end either way on SQLite and PostgreSQL, so reversing is exact).
    """
    total = query.count() if total is None else total
    number = _clamped(number, total, per_page)
    start = (number - 1) * per_page
    size = min(per_page, total - start)
    if size <= 0:
        return Page([], number, per_page, total)
    descending = start <= total // 2
    skip = start if descending else total - start - size
    head = query.select(*order).order_by(*(column.desc() if descending else column.asc() for column in order))
    ids = [values[-1] for values in head.limit(size).offset(skip).tuples()]
    if not descending:
        ids.reverse()
    found = {row.id: row for row in rows(ids)}
    return Page([found[i] for i in ids if i in found], number, per_page, total)


def filter_list(query, args, search=(), states=None):
    """`query` narrowed by a list page's query string: `state`, a key of `states` (its value is the rows' condition;
    any other value filters nothing), and `q`, text that one of the `search` columns contains (stripped)."""
    condition = (states or {}).get(args.get("state"))
    if condition is not None:
        query = query.where(condition)
    if search and (q := args.get("q", "").strip()):
        query = query.where(reduce(operator.or_, (column.contains(q) for column in search)))
    return query


def paginate_list(items, number, per_page=PER_PAGE):
    """The same for rows already in memory (a 花名册 ordered and searched in Python)."""
    number = _clamped(number, len(items), per_page)
    return Page(items[(number - 1) * per_page:number * per_page], number, per_page, len(items))
