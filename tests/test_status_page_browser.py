"""The visitor's status page (the QR target) in real headless Chromium against ``loket serve``."""

from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
WAIT_MS = 10_000
PASSWORD = "rahasia-123"

# Records vibrations instead of buzzing (headless Chromium has no motor to ask).
RECORD_VIBRATIONS = """
window.vibrations = [];
navigator.vibrate = function (pattern) { window.vibrations.push(pattern); return true; };
"""


def wait_until(page: Page, expression: str, timeout: float = WAIT_MS / 1000) -> None:
    """Poll a JS expression (the page's CSP forbids the eval behind wait_for_function)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)


def take_number(server, service: str = "A") -> dict:
    response = requests.post(f"{server.url}/api/tickets", json={"service": service}, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()["ticket"]


def officer_at_counter_1(server) -> requests.Session:
    session = requests.Session()
    response = session.post(
        f"{server.url}/api/login",
        timeout=5,
        json={"username": "petugas1", "password": PASSWORD, "counter": 1},
    )
    assert response.status_code == 200, response.text
    return session


def act(session: requests.Session, server, path: str) -> dict:
    response = session.post(f"{server.url}/api{path}", timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["ticket"]


def open_status(page: Page, ticket: dict) -> list[str]:
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.add_init_script(RECORD_VIBRATIONS)
    page.set_viewport_size(PHONE)
    page.goto(ticket["status_url"])
    expect(page.locator("#status-number")).to_have_text(ticket["number"])
    return errors


def test_status_page_follows_the_ticket_until_it_is_called(live_server, page: Page, artifacts):
    first, mine = take_number(live_server), take_number(live_server)
    errors = open_status(page, mine)
    headline = page.locator("#status-headline")
    expect(page.locator("#status-service")).to_have_text("Perizinan & Rekomendasi")
    expect(headline).to_have_text("Menunggu dipanggil")
    expect(page.locator("#status-ahead")).to_have_text("1 orang")
    expect(page.locator("#status")).to_have_attribute("data-watching", "true", timeout=WAIT_MS)
    expect(page.locator("#status-estimate")).to_have_text(mine["estimate_text"])
    expect(page.locator("#status-hint")).to_contain_text("Tetap berada di ruang tunggu")
    page.screenshot(path=artifacts / "status-waiting-390x844.png")
    # A long estimate ("Belum ada petugas yang melayani": nobody at a counter yet) wraps on a phone.
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")

    officer = officer_at_counter_1(live_server)
    assert act(officer, live_server, "/counters/1/call-next")["id"] == first["id"]
    # Someone ahead moved: the page learns it without a reload, within the 15 s a phone's place
    # and live estimate are held back (one message per phone, however often the queue moves).
    expect(page.locator("#status-ahead")).to_have_text("Tidak ada", timeout=20_000)
    assert page.evaluate("window.vibrations") == []

    act(officer, live_server, f"/tickets/{first['id']}/start")
    act(officer, live_server, f"/tickets/{first['id']}/finish")
    assert act(officer, live_server, "/counters/1/call-next")["id"] == mine["id"]
    expect(headline).to_have_text("Silakan menuju Loket 1", timeout=WAIT_MS)
    expect(page.locator("#status")).to_have_attribute("data-state", "called")
    expect(page.locator("#status-facts")).to_be_hidden()
    assert page.evaluate("window.vibrations.length") == 1
    assert page.title().startswith("DIPANGGIL: Loket 1")
    page.screenshot(path=artifacts / "status-called-390x844.png")

    # A recall buzzes again.
    act(officer, live_server, f"/tickets/{mine['id']}/recall")
    wait_until(page, "window.vibrations.length === 2")

    act(officer, live_server, f"/tickets/{mine['id']}/start")
    expect(headline).to_have_text("Sedang dilayani di Loket 1", timeout=WAIT_MS)
    act(officer, live_server, f"/tickets/{mine['id']}/finish")
    expect(headline).to_have_text("Pelayanan selesai", timeout=WAIT_MS)
    expect(page.locator("#status-sub")).to_have_text("Terima kasih atas kunjungan Anda.")
    # Served: nothing left to wait for in the room.
    expect(page.locator("#status-hint")).to_be_hidden()
    # After service the visitor is offered the satisfaction survey, on the same phone.
    survey = page.locator("#status-survey")
    expect(survey).to_be_visible(timeout=WAIT_MS)
    page.screenshot(path=artifacts / "status-done-390x844.png")
    survey.click()
    expect(page).to_have_url(re.compile(r"/t/[^/]+/survei$"), timeout=WAIT_MS)
    assert [error for error in errors if "Content Security Policy" in error] == []


def test_status_page_recovers_after_the_server_restarts(live_server, page: Page):
    mine = take_number(live_server, "C")
    open_status(page, mine)
    banner = page.locator("#offline-banner")
    expect(banner).to_be_hidden()
    expect(page.locator("#status")).to_have_attribute("data-watching", "true", timeout=WAIT_MS)
    page.evaluate("window.loaded_once = true")

    live_server.kill()
    expect(banner).to_be_visible(timeout=WAIT_MS)
    expect(banner).to_have_text("Tidak terhubung ke server. Mencoba lagi…")

    live_server.start_again()
    expect(banner).to_be_hidden(timeout=15_000)
    expect(page.locator("#status")).to_have_attribute("data-watching", "true", timeout=WAIT_MS)
    # The page joined its ticket again after reconnecting: the call reaches it.
    officer = officer_at_counter_1(live_server)
    assert act(officer, live_server, "/counters/1/call-next")["id"] == mine["id"]
    expect(page.locator("#status-headline")).to_have_text("Silakan menuju Loket 1", timeout=WAIT_MS)
    assert page.evaluate("window.loaded_once") is True
