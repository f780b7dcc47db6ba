"""The officer console in real headless Chromium against a real ``loket serve``: a wrong password,
then sign in, call, serve and finish a visitor taken at the kiosk; transfer and no-show with
confirmation; two officers racing for the next visitor; screenshots kept in test-artifacts/."""

from __future__ import annotations

import re
import time

import pytest
import requests
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser

PASSWORD = "rahasia-123"
WAIT_MS = 5000


@pytest.fixture(autouse=True)
def bounded_waits(live_server, context):
    """Every Playwright wait gives up after five seconds; no page may raise a script error."""
    # Asking for live_server first makes the browser close before the server stops: a server
    # with open websockets takes seconds to shut down.
    context.set_default_timeout(WAIT_MS)
    expect.set_options(timeout=WAIT_MS)
    errors = []
    context.on("weberror", lambda error: errors.append(error.error))
    yield
    assert not errors, errors  # no script error on any page of the test


def take(server, service: str, priority: bool = False, reason: str | None = None) -> dict:
    """A visitor takes a number at the kiosk."""
    body = {"service": service, "priority": priority}
    if reason:
        body["priority_reason"] = reason
    response = requests.post(server.url + "/api/tickets", json=body, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()["ticket"]


def sign_in(page: Page, server, username: str, counter: int, password: str = PASSWORD) -> Page:
    """Fill in the console's login form."""
    page.goto(server.url + "/officer")
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(password)
    page.get_by_label("Loket").select_option(str(counter))
    page.get_by_role("button", name="Masuk").click()
    return page


def open_console(page: Page, server, username: str, counter: int) -> Page:
    """A signed-in console that already holds the server's state."""
    sign_in(page, server, username, counter)
    expect(page.locator("[data-console]")).to_have_attribute("data-ready", "true")
    return page


def button(page: Page, action: str):
    return page.locator(f'[data-action="{action}"]')


def current_number(page: Page):
    return page.locator("[data-current-number]")


def queue_numbers(page: Page):
    return page.locator("[data-queue-list] .q-number")


def test_call_serve_and_finish_a_visitor_from_the_kiosk(live_server, page, browser):
    sign_in(page, live_server, "petugas1", 1, password="salah-sandi")
    expect(page.get_by_role("alert")).to_have_text("Nama pengguna atau kata sandi salah.")
    expect(page.get_by_label("Kata sandi")).to_be_focused()
    expect(page.locator("[data-console]")).to_have_count(0)

    open_console(page, live_server, "petugas1", 1)
    expect(page.locator(".bar-counter")).to_have_text("Loket 1")
    for action in ("recall", "start", "finish", "skip", "transfer"):
        expect(button(page, action)).to_be_disabled()

    ticket = take(live_server, "A")
    expect(queue_numbers(page)).to_have_text([ticket["number"]])  # live, without a reload

    display = browser.new_page()
    display.goto(live_server.url + "/display")
    button(page, "next").click()
    expect(current_number(page)).to_have_text("A001")
    expect(page.locator("[data-current-status]")).to_have_text("Dipanggil")
    expect(page.locator("[data-queue-empty]")).to_be_visible()
    expect(display.locator("body")).to_contain_text("A001")
    display.close()
    expect(button(page, "finish")).to_be_disabled()
    expect(button(page, "start")).to_be_enabled()

    page.keyboard.press("m")  # the shortcut shown on "Mulai Layani"
    expect(page.locator("[data-current-status]")).to_have_text("Sedang dilayani")
    expect(page.locator('[data-timer="service"] [data-timer-value]')).to_have_text(re.compile(r"^0:0[1-9]$"))

    page.reload()  # the console comes back with the counter's ticket
    expect(current_number(page)).to_have_text("A001")
    expect(page.locator("[data-current-status]")).to_have_text("Sedang dilayani")

    button(page, "finish").click()
    expect(page.locator("[data-current-empty]")).to_be_visible()
    expect(page.locator('[data-figure="served"]')).to_have_text("1")
    expect(page.locator("[data-message]")).to_contain_text("A001 selesai")

    button(page, "next").click()
    expect(page.locator("[data-message]")).to_have_text("Tidak ada antrian menunggu.")

    page.get_by_role("button", name="Keluar").click()
    expect(page.get_by_label("Kata sandi")).to_be_visible()


def test_transfer_and_no_show_ask_first(live_server, page):
    open_console(page, live_server, "petugas1", 1)
    take(live_server, "A")
    take(live_server, "C")

    button(page, "next").click()
    expect(current_number(page)).to_have_text("A001")
    button(page, "transfer").click()
    dialog = page.locator("[data-transfer-dialog]")
    expect(dialog).to_be_visible()
    expect(dialog.locator('input[value="A"]')).to_be_disabled()  # its own service
    dialog.get_by_role("button", name="Batal").click()
    expect(dialog).to_be_hidden()
    expect(current_number(page)).to_have_text("A001")
    expect(button(page, "transfer")).to_be_enabled()

    page.keyboard.press("a")
    expect(dialog).to_be_visible()
    page.keyboard.press("b")  # a service's letter chooses it
    expect(dialog.locator('input[value="B"]')).to_be_checked()
    page.keyboard.press("Enter")
    expect(page.locator("[data-message]")).to_have_text("A001 dialihkan ke layanan B · Haji & Umrah.")
    expect(page.locator("[data-current-empty]")).to_be_visible()
    services = requests.get(live_server.url + "/api/services", timeout=5).json()["services"]
    assert {s["code"]: s["waiting"] for s in services}["B"] == 1

    button(page, "next").click()
    expect(current_number(page)).to_have_text("C001")
    button(page, "skip").click()
    confirm = page.locator("[data-confirm-dialog]")
    expect(confirm).to_contain_text("Tandai C001 tidak hadir?")
    confirm.get_by_role("button", name="Batal").click()
    expect(confirm).to_be_hidden()
    expect(current_number(page)).to_have_text("C001")
    button(page, "skip").click()
    confirm.get_by_role("button", name="Ya, tidak hadir").click()
    expect(page.locator("[data-message]")).to_contain_text("dikembalikan ke akhir antrian")
    expect(page.locator("[data-queue-list] .queue-item")).to_have_count(1)
    expect(page.locator("[data-queue-list] .queue-item")).to_contain_text("Dilewati")


def test_two_officers_pressing_at_the_same_moment_get_different_visitors(live_server, browser):
    consoles = []
    for username, counter in (("petugas1", 1), ("petugas4", 4)):  # both counters serve A
        context = browser.new_context()
        context.set_default_timeout(WAIT_MS)
        consoles.append(open_console(context.new_page(), live_server, username, counter))
    take(live_server, "A")
    take(live_server, "A")
    for console in consoles:
        expect(queue_numbers(console)).to_have_count(2)

    # Both browsers click at the same wall-clock instant (one machine, one clock).
    at = int(time.time() * 1000) + 400
    for console in consoles:
        console.evaluate(
            "(at) => setTimeout(() => document.querySelector('[data-action=next]').click(), at - Date.now())",
            at,
        )
    numbers = []
    for console in consoles:
        expect(current_number(console)).to_have_text(re.compile(r"^A00[12]$"))
        numbers.append(current_number(console).inner_text())
    assert sorted(numbers) == ["A001", "A002"]
    for console in consoles:
        expect(console.locator("[data-queue-empty]")).to_be_visible()
        console.context.close()


def test_console_screenshots(live_server, browser, artifacts):
    for service, priority, reason in [
        ("A", False, None),
        ("C", False, None),
        ("A", True, "lansia"),
        ("A", False, None),
        ("C", True, "disabilitas"),
        ("A", False, None),
        ("C", False, None),
        ("A", False, None),
    ]:
        take(live_server, service, priority, reason)
    for width, height in ((1920, 1080), (1366, 768)):
        context = browser.new_context(viewport={"width": width, "height": height})
        context.set_default_timeout(WAIT_MS)
        page = open_console(context.new_page(), live_server, "petugas1", 1)
        button(page, "next").click()
        expect(page.locator("[data-current-status]")).to_have_text("Dipanggil")
        button(page, "start").click()
        expect(page.locator("[data-current-status]")).to_have_text("Sedang dilayani")
        number = current_number(page).inner_text()
        expect(queue_numbers(page).first).to_be_visible()
        expect(page.locator(f'[data-queue-list] [data-ticket="{number}"]')).to_have_count(0)
        expect(page.locator('[data-figure="avg_wait_seconds"]')).not_to_have_text("–")
        page.screenshot(path=str(artifacts / f"officer-console-{width}x{height}.png"))
        context.close()
