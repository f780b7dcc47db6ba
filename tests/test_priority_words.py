"""The priority groups have one set of names, the server's (UU 25/2009 as the office words them):
every screen renders them from there, and no script keeps its own copy."""

from __future__ import annotations

from pathlib import Path

from server.core.rules import PRIORITY_REASONS

ROOT = Path(__file__).resolve().parent.parent


def test_kiosk_and_display_show_the_servers_names(client):
    for page in ("/kiosk", "/display"):
        html = client.get(page).get_data(as_text=True)
        for label in PRIORITY_REASONS.values():
            assert label in html, (page, label)
        assert "balita" not in html.lower(), page


def test_no_script_or_template_copies_the_names():
    sources = [
        *ROOT.glob("kiosk/static/*.js"),
        *ROOT.glob("display/static/*.js"),
        *ROOT.glob("server/static/*.js"),
        *ROOT.glob("*/templates/*.html"),
        *ROOT.glob("server/templates/*.html"),
    ]
    for path in sources:
        text = path.read_text(encoding="utf-8")
        assert "balita" not in text.lower(), path
        assert "Ibu dengan bayi" not in text, path
