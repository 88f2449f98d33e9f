"""Helpers shared by the test modules: a user of any role, and reading what a page shows."""
from html.parser import HTMLParser
from itertools import count

from models import Role
from tests.conftest import make_unit, make_user, organisation

_units = count(1)
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


def user_of(role, username=None, region_name="越城区", mobile=""):
    """An account of `role`, bound to an organisation of the right kind in `region_name` where it needs one."""
    if role == Role.UNIT:
        org = make_unit(f"{region_name}测试单位{next(_units)}", region_name)
    elif role in (Role.CONSTRUCTION_BUREAU, Role.HR_BUREAU):
        org = organisation(role, region_name)
    elif role in (Role.TALENT_CENTRE, Role.COMMITTEE_OFFICE):
        org = organisation(role)
    else:
        org = None
    return make_user(role, username, organisation=org, mobile=mobile)


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, dict(attrs), parent, []

    @property
    def classes(self):
        return (self.attrs.get("class") or "").split()

    def text(self):
        return "".join(c if isinstance(c, str) else c.text() for c in self.children).strip()

    def iter(self):
        for child in self.children:
            if isinstance(child, Element):
                yield child
                yield from child.iter()

    def find_all(self, tag=None, cls=None, **attrs):
        return [
            e for e in self.iter()
            if (tag is None or e.tag == tag) and (cls is None or cls in e.classes)
            and all(e.attrs.get(k) == v for k, v in attrs.items())
        ]

    def find(self, tag=None, cls=None, **attrs):
        found = self.find_all(tag, cls, **attrs)
        return found[0] if found else None


class _TreeBuilder(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, attrs, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, attrs, self.current))

    def handle_endtag(self, tag):
        node = self.current
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def parse(response_or_html):
    html = response_or_html if isinstance(response_or_html, str) else response_or_html.get_data(as_text=True)
    builder = _TreeBuilder()
    builder.feed(html)
    return builder.root


def form_field(page, name):
    """The rendered field (label, control, help and errors) whose control is called `name`."""
    for block in page.find_all("div", cls="field"):
        if any(e.attrs.get("name") == name for e in block.iter()):
            return block
    raise AssertionError(f"no field named {name!r} on the page")


def field_errors(page, name):
    return [p.text() for p in form_field(page, name).find_all("p", cls="error")]


def field_value(page, name):
    return form_field(page, name).find(name=name).attrs.get("value")


def form_errors(page):
    return [p.text() for p in page.find_all("p", cls="banner")]


def menu(page):
    """(label, href) of each item of the side menu."""
    nav = page.find("nav", cls="menu")
    return [(a.text(), a.attrs["href"]) for a in nav.find_all("a")] if nav else []
