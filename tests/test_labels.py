"""The server's words for codes (priority groups as UU 25/2009 names them, ticket statuses) have one
source, server/core/rules.py: the pages carry them in data-labels (server/web/labels.py) and show
them from there, and no script or template keeps a copy of its own."""

from __future__ import annotations

import html
import json
import re
from html.parser import HTMLParser
from pathlib import Path

from server.core.rules import PRIORITY_REASONS, STATUS_LABELS, Status

ROOT = Path(__file__).resolve().parent.parent
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class VisibleText(HTMLParser):
    """The text inside the elements that ``wanted(tag, attrs, parent_attrs)`` picks (attributes such
    as data-labels are not text): a list of (attrs, parent's attrs, text) in document order."""

    def __init__(self, wanted):
        super().__init__(convert_charrefs=True)
        self.wanted = wanted
        self.found: list[tuple[dict, dict, str]] = []
        self._stack: list[tuple[dict, list | None]] = []  # open elements: attrs, text if picked

    def handle_starttag(self, tag, attrs):
        if tag in VOID:
            return
        attrs = dict(attrs)
        parent = self._stack[-1][0] if self._stack else {}
        self._stack.append((attrs, [] if self.wanted(tag, attrs, parent) else None))

    def handle_endtag(self, tag):
        if tag in VOID or not self._stack:
            return
        attrs, text = self._stack.pop()
        if text is not None:
            parent = self._stack[-1][0] if self._stack else {}
            self.found.append((attrs, parent, " ".join("".join(text).split())))

    def handle_data(self, data):
        for _attrs, text in self._stack:
            if text is not None:
                text.append(data)


def visible(page: str, wanted) -> list[tuple[dict, dict, str]]:
    parser = VisibleText(wanted)
    parser.feed(page)
    parser.close()
    return parser.found


def classes(attrs: dict) -> list[str]:
    return (attrs.get("class") or "").split()


def page_labels(page: str) -> dict:
    match = re.search(r"<body[^>]*\sdata-labels='([^']*)'", page)
    assert match, "no data-labels on the body"
    return json.loads(html.unescape(match.group(1)))


def test_every_status_has_a_label():
    assert set(STATUS_LABELS) == set(Status)


def test_every_screen_carries_the_servers_labels(client, login):
    officer = login("officer", 1)
    boss = login("supervisor", None)
    for who, path in ((client, "/kiosk"), (client, "/display"), (officer, "/officer"), (boss, "/board")):
        labels = page_labels(who.get(path).get_data(as_text=True))
        assert labels["priority_reasons"] == PRIORITY_REASONS, path
        assert labels["statuses"] == {status.value: label for status, label in STATUS_LABELS.items()}, path


def test_kiosk_shows_the_servers_priority_groups(client):
    page = client.get("/kiosk").get_data(as_text=True)
    # Each choice button: the group's name in a <span>, then a hint in a <small>.
    names = visible(page, lambda tag, _attrs, parent: tag == "span" and "priority-choice" in classes(parent))
    assert {button["data-reason"]: text for _span, button, text in names} == PRIORITY_REASONS
    [(_attrs, _parent, groups)] = visible(
        page, lambda _tag, attrs, _parent: "priority-toggle-groups" in classes(attrs)
    )
    assert groups == " · ".join(PRIORITY_REASONS.values())
    assert "balita" not in page.lower()


def test_display_shows_the_servers_priority_groups(client):
    page = client.get("/display").get_data(as_text=True)
    [(_attrs, _parent, note)] = visible(page, lambda _tag, attrs, _parent: attrs.get("id") == "priority-note")
    assert note == f"Layanan prioritas: {', '.join(PRIORITY_REASONS.values())}."
    assert "balita" not in page.lower()


def _without_comments(text: str) -> str:
    text = re.sub(r"/\*.*?\*/|\{#.*?#\}|<!--.*?-->", "", text, flags=re.S)
    return re.sub(r"(?m)(^|[^:])//.*$", r"\1", text)


def _sources() -> list[Path]:
    found = [
        *ROOT.glob("*/static/**/*.js"),
        *ROOT.glob("*/templates/**/*.html"),
        *ROOT.glob("server/*/templates/**/*.html"),
    ]
    return sorted(path for path in found if "vendor" not in path.parts)


def test_no_script_or_template_copies_the_labels():
    sources = _sources()
    assert any(path.name == "labels.js" for path in sources) and any(
        path.name == "kiosk.html" for path in sources
    )
    pairs = [(status.value, label) for status, label in STATUS_LABELS.items()] + list(
        PRIORITY_REASONS.items()
    )
    # A copy of the map: a code (quoted or not) given its label, in any case.
    copies = [
        re.compile(rf"""["'`]?\b{re.escape(code)}["'`]?\s*:\s*["'`]{re.escape(label)}["'`]""", re.I)
        for code, label in pairs
    ]
    # A priority group's name written out (the names are not everyday words, unlike "selesai").
    names = [re.compile(rf"""["'`>]\s*{re.escape(label)}\s*["'`<]""") for label in PRIORITY_REASONS.values()]
    for path in sources:
        text = _without_comments(path.read_text(encoding="utf-8"))
        for pattern in copies + names:
            assert not pattern.search(text), (path, pattern.pattern)
        assert "balita" not in text.lower(), path
