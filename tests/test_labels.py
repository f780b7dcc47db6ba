"""The pages' scripts take the server's words for codes (priority groups, ticket statuses) from
the page's data-labels (server/web/labels.py), never from a copy of their own."""

from __future__ import annotations

import html
import json
import re

from server.core.rules import PRIORITY_REASONS, STATUS_LABELS


def page_labels(page: str) -> dict:
    match = re.search(r"<body[^>]*\sdata-labels='([^']*)'", page)
    assert match, "no data-labels on the body"
    return json.loads(html.unescape(match.group(1)))


def test_every_screen_carries_the_servers_labels(client, login):
    officer = login("officer", 1)
    boss = login("supervisor", None)
    for who, path in ((client, "/kiosk"), (client, "/display"), (officer, "/officer"), (boss, "/board")):
        labels = page_labels(who.get(path).get_data(as_text=True))
        assert labels["priority_reasons"] == PRIORITY_REASONS, path
        assert labels["statuses"] == {status.value: label for status, label in STATUS_LABELS.items()}, path


def test_the_scripts_keep_no_copy_of_the_status_labels():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    scripts = [
        p for folder in ("server", "kiosk", "display") for p in (root / folder / "static").rglob("*.js")
    ]
    for path in scripts:
        if "vendor" in path.parts:
            continue
        text = path.read_text(encoding="utf-8")
        assert not re.search(r"\b(waiting|called|serving|done|no_show)\s*:\s*[\"'`][A-Z]", text), path
