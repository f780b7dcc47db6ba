"""The supervisor's board in real headless Chromium against a real ``loket serve``: it follows
calls, new tickets and logins live; screenshots kept in test-artifacts/."""

from __future__ import annotations

import re

import pytest
import requests
from playwright.sync_api import Page, expect
from servers import PASSWORD, officer, take

pytestmark = pytest.mark.browser

WAIT_MS = 5000


def post(session: requests.Session, server, path: str) -> dict:
    response = session.post(server.url + path, timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["ticket"]


def card(page: Page, counter: int):
    return page.locator(f'.counter-card[data-counter="{counter}"]')


def service_row(page: Page, code: str):
    return page.locator(f'[data-services] tr[data-service="{code}"]')


def test_board_follows_the_office_live(live_server, browser, artifacts):
    for service in "AAACBBDEF":
        take(live_server, service)
    take(live_server, "A", priority=True)
    loket_1, loket_2 = officer(live_server, 1), officer(live_server, 2)
    first = post(loket_1, live_server, "/api/counters/1/call-next")
    second = post(loket_2, live_server, "/api/counters/2/call-next")
    post(loket_2, live_server, f"/api/tickets/{second['id']}/start")

    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    context.set_default_timeout(WAIT_MS)
    page = context.new_page()
    page.goto(live_server.url + "/board")
    page.get_by_label("Nama pengguna").fill("kepala")
    page.get_by_label("Kata sandi").fill(PASSWORD)
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("[data-board]")).to_have_attribute("data-loads", re.compile(r"\d+"), timeout=WAIT_MS)

    expect(page.locator(".counter-card")).to_have_count(4, timeout=WAIT_MS)
    expect(card(page, 1).locator(".counter-number")).to_have_text(first["number"], timeout=WAIT_MS)
    expect(card(page, 1)).to_contain_text("petugas1", timeout=WAIT_MS)
    expect(card(page, 2)).to_have_attribute("data-status", "serving", timeout=WAIT_MS)
    expect(card(page, 3)).to_contain_text("Belum ada petugas", timeout=WAIT_MS)
    expect(service_row(page, "A").locator(".waiting-count")).to_have_text("3", timeout=WAIT_MS)

    # Live: a login, a new ticket and a call elsewhere, without reloading.
    loket_4 = officer(live_server, 4)
    expect(card(page, 4)).to_contain_text("petugas4", timeout=WAIT_MS)
    take(live_server, "F")
    expect(service_row(page, "F").locator(".waiting-count")).to_have_text("2", timeout=WAIT_MS)
    called = post(loket_4, live_server, "/api/counters/4/call-next")
    expect(card(page, 4).locator(".counter-number")).to_have_text(called["number"], timeout=WAIT_MS)
    services = requests.get(live_server.url + "/api/services", timeout=5).json()["services"]
    for service in services:
        count = service_row(page, service["code"]).locator(".waiting-count")
        expect(count).to_have_text(str(service["waiting"]), timeout=WAIT_MS)
    expect(service_row(page, "F").locator(".wait-value")).to_have_text(
        re.compile(r"^\d+:\d\d$"), timeout=WAIT_MS
    )
    expect(page.locator('[data-total="waiting"]')).to_have_text("8", timeout=WAIT_MS)

    page.screenshot(path=str(artifacts / "board-1920x1080.png"))
    small = browser.new_context(
        viewport={"width": 1366, "height": 768}, storage_state=context.storage_state()
    )
    context.close()
    small.set_default_timeout(WAIT_MS)
    page = small.new_page()
    page.goto(live_server.url + "/board")
    expect(card(page, 4).locator(".counter-number")).to_have_text(called["number"], timeout=WAIT_MS)
    page.screenshot(path=str(artifacts / "board-1366x768.png"))
    small.close()
