"""The kiosk and status pages as the server renders them (no browser): markup the CSP allows,
assets served from the package, the status page's data and the unknown-token page."""

from __future__ import annotations

import html
import json
import re
from urllib.parse import urlparse

import pytest
from conftest import issue

ASSETS = ["kiosk.css", "kiosk.js", "services.js", "text.js", "clock.svg", "status.css", "status.js"]


def assert_csp_friendly(page: str) -> None:
    """No inline script, no <style> block, no style attribute: the CSP would block them."""
    for tag in re.findall(r"<script\b[^>]*>", page):
        assert "src=" in tag, tag
    assert "<style" not in page
    assert not re.search(r"\sstyle=", page)
    assert not re.search(r"\son[a-z]+=", page), "inline event handlers are blocked too"


def test_kiosk_page(client):
    response = client.get("/kiosk")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert_csp_friendly(page)
    assert "PTSP Kemenag Kab. Pekalongan" in page
    assert 'data-timezone="Asia/Jakarta"' in page
    assert "/assets/kiosk/kiosk.js" in page and "/assets/common/vendor/socket.io.min.js" in page
    assert "Silakan sentuh layanan" in page and "Layanan Prioritas" in page
    assert "silahkan" not in page.lower()
    assert "<input" not in page and "<textarea" not in page  # no typing at the kiosk


@pytest.mark.parametrize("name", ASSETS)
def test_assets_are_served_from_the_package(client, name):
    response = client.get(f"/assets/kiosk/{name}")
    assert response.status_code == 200
    assert "silahkan" not in response.get_data(as_text=True).lower()


def test_status_page_carries_the_ticket(client):
    ticket = issue(client, "B", priority=True, priority_reason="ibu_hamil")
    path = urlparse(ticket["status_url"]).path
    response = client.get(path)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert_csp_friendly(page)
    assert ticket["number"] in page and "Haji &amp; Umrah" in page
    token = path.rsplit("/", 1)[1]
    assert f'data-token="{token}"' in page
    data = json.loads(html.unescape(re.search(r"data-ticket='([^']*)'", page).group(1)))
    assert data["id"] == ticket["id"] and data["ahead"] == 0 and data["priority_reason"] == "ibu_hamil"


def test_unknown_token_page(client):
    response = client.get("/t/tidak-ada-token-ini")
    assert response.status_code == 404
    page = response.get_data(as_text=True)
    assert_csp_friendly(page)
    assert "Nomor antrian tidak ditemukan" in page
