"""The kiosk page in real headless Chromium against a real ``loket serve`` process."""

from __future__ import annotations

import re
import sqlite3
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
import requests
from conftest import write_config
from playwright.sync_api import Page, expect
from servers import ALWAYS_OPEN, ClockedServer, Server, free_port

pytestmark = pytest.mark.browser

SIZES = [(1080, 1920), (1920, 1080), (1280, 800)]
# A 21" 16:9 screen at 1920x1080 has about 105 pixels per inch: 2 cm is about 83 pixels.
TWO_CM_PX = 83
WAIT_MS = 10_000


def open_kiosk(page: Page, url: str) -> list[str]:
    """Open the kiosk, wait until the services are drawn; return the page's console errors."""
    errors: list[str] = []
    page.on("console", lambda message: message.type == "error" and errors.append(message.text))
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(url + "/kiosk")
    expect(page.locator(".service").first).to_be_visible(timeout=WAIT_MS)
    return errors


def csp_violations(errors: list[str]) -> list[str]:
    return [error for error in errors if "Content Security Policy" in error]


def issued_rows(data_dir, service: str) -> list[tuple]:
    """The service's tickets straight from the SQLite file (read-only)."""
    with sqlite3.connect(f"file:{data_dir / 'loket.db'}?mode=ro", uri=True) as conn:
        return conn.execute(
            "SELECT id, number, priority, priority_reason FROM tickets WHERE service = ? ORDER BY id",
            (service,),
        ).fetchall()


def wait_until(page: Page, expression: str, timeout: float = WAIT_MS / 1000) -> None:
    """Poll a JS expression (the page's CSP forbids the eval behind wait_for_function)."""
    deadline = time.monotonic() + timeout
    while not page.evaluate(expression):
        assert time.monotonic() < deadline, f"still false after {timeout} s: {expression}"
        page.wait_for_timeout(50)


def center(page: Page, selector: str) -> tuple[float, float]:
    box = page.locator(selector).bounding_box()
    assert box is not None, selector
    return box["x"] + box["width"] / 2, box["y"] + box["height"] / 2


def ticket_posts(page: Page) -> list[str]:
    """Record every ticket request the page sends from now on."""
    posts: list[str] = []
    page.on(
        "request", lambda r: r.method == "POST" and r.url.endswith("/api/tickets") and posts.append(r.url)
    )
    return posts


@pytest.fixture(scope="module")
def office(tmp_path_factory):
    """One server for the tests that never stop it (each test uses its own services or counts)."""
    data = tmp_path_factory.mktemp("office")
    write_config(data, ALWAYS_OPEN)
    server = Server(data, free_port())
    server.wait_ready()
    yield server
    server.kill()  # the end of a test: every commit is on disk already


def waiting(server, service: str) -> int:
    services = requests.get(f"{server.url}/api/services", timeout=5).json()["services"]
    return next(item["waiting"] for item in services if item["code"] == service)


# ---- one tap, one ticket ------------------------------------------------------------------------


def test_tap_shows_the_number_and_stores_the_ticket(office, page: Page, artifacts):
    page.set_viewport_size({"width": 1920, "height": 1080})
    errors = open_kiosk(page, office.url)
    with page.expect_response(lambda r: r.url.endswith("/api/tickets")) as answer:
        page.click(".service[data-code=A]")
    ticket = answer.value.json()["ticket"]

    expect(page.locator("#ticket-screen")).to_be_visible()
    expect(page.locator("#ticket-number")).to_have_text(ticket["number"])
    assert re.fullmatch(r"A\d{3}", ticket["number"])
    expect(page.locator("#ticket-service")).to_have_text("Perizinan & Rekomendasi")
    expect(page.locator("#ticket-ahead")).to_have_text(
        f"{ticket['ahead']} orang" if ticket["ahead"] else "Tidak ada"
    )
    expect(page.locator("#ticket-preview")).to_have_attribute("src", ticket["preview_url"])
    wait_until(page, "document.getElementById('ticket-preview').naturalWidth > 0")
    page.screenshot(path=artifacts / "kiosk-ticket-1920x1080.png")

    stored = requests.get(
        f"{office.url}/api/status/{ticket['status_url'].rsplit('/', 1)[-1]}", timeout=5
    ).json()["ticket"]
    assert stored["number"] == ticket["number"] and stored["status"] == "waiting"
    assert (ticket["id"], ticket["number"], 0, None) in issued_rows(office.data, "A")

    # "Selesai" brings back the start screen, and the waiting count already says 1.
    page.wait_for_timeout(1300)  # the tap that took the ticket may not close it at once
    page.click("#ticket-done")
    expect(page.locator("#ticket-screen")).to_be_hidden()
    expect(page.locator(".service[data-code=A] .service-waiting")).to_have_text(
        f"{waiting(office, 'A')} orang menunggu"
    )
    assert csp_violations(errors) == []


def test_ticket_screen_returns_to_start_by_itself(office, page: Page):
    page.clock.install()
    open_kiosk(page, office.url)
    page.click(".service[data-code=C]")
    expect(page.locator("#ticket-screen")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#ticket-countdown")).to_have_text("(8)")
    page.clock.run_for(5_000)
    expect(page.locator("#ticket-screen")).to_be_visible()
    page.clock.run_for(4_000)
    expect(page.locator("#ticket-screen")).to_be_hidden()
    expect(page.locator(".service[data-code=C]")).to_be_enabled()


def test_double_tap_and_double_click_give_one_ticket(office, page: Page):
    open_kiosk(page, office.url)
    posts = ticket_posts(page)
    before_B, before_D, before_E = (len(issued_rows(office.data, code)) for code in "BDE")

    # Two taps 50 ms apart, as raw pointer events (the second may land on the ticket screen).
    x, y = center(page, ".service[data-code=B]")
    page.mouse.click(x, y)
    page.wait_for_timeout(50)
    page.mouse.click(x, y)
    expect(page.locator("#ticket-screen")).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(500)
    assert len(posts) == 1
    assert len(issued_rows(office.data, "B")) == before_B + 1
    expect(page.locator("#ticket-screen")).to_be_visible()  # the second tap did not close it

    # A real double click on a fresh page.
    page.reload()
    expect(page.locator(".service").first).to_be_visible(timeout=WAIT_MS)
    posts.clear()
    x, y = center(page, ".service[data-code=D]")
    page.mouse.dblclick(x, y)
    expect(page.locator("#ticket-screen")).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(500)
    assert len(posts) == 1
    assert len(issued_rows(office.data, "D")) == before_D + 1

    # A finger resting on the screen for a while is still one tap.
    page.reload()
    expect(page.locator(".service").first).to_be_visible(timeout=WAIT_MS)
    posts.clear()
    x, y = center(page, ".service[data-code=E]")
    page.mouse.move(x, y)
    page.mouse.down()
    page.wait_for_timeout(700)
    page.mouse.up()
    expect(page.locator("#ticket-screen")).to_be_visible(timeout=WAIT_MS)
    page.wait_for_timeout(300)
    assert len(posts) == 1
    assert len(issued_rows(office.data, "E")) == before_E + 1


# ---- priority -----------------------------------------------------------------------------------


def test_priority_ticket_for_an_elderly_visitor(office, page: Page):
    open_kiosk(page, office.url)
    # Tapping the toggle only asks which group: nothing is issued yet.
    page.click("#priority-toggle")
    expect(page.locator("#priority-panel")).to_be_visible()
    page.click("#priority-close")
    expect(page.locator("#priority-panel")).to_be_hidden()
    expect(page.locator("#priority-bar")).to_be_hidden()

    page.click("#priority-toggle")
    page.click(".priority-choice[data-reason=lansia]")
    expect(page.locator("#priority-bar")).to_be_visible()
    expect(page.locator("#priority-chosen")).to_have_text("Lansia")
    with page.expect_response(lambda r: r.url.endswith("/api/tickets")) as answer:
        page.click(".service[data-code=A]")
    ticket = answer.value.json()["ticket"]
    assert ticket["priority"] is True and ticket["priority_reason"] == "lansia"
    expect(page.locator("#ticket-priority")).to_have_text("Prioritas · Lansia")

    stored = requests.get(
        f"{office.url}/api/status/{ticket['status_url'].rsplit('/', 1)[-1]}", timeout=5
    ).json()["ticket"]
    assert stored["priority"] is True and stored["priority_reason"] == "lansia"
    assert (ticket["id"], ticket["number"], 1, "lansia") in issued_rows(office.data, "A")

    # The choice resets after the ticket: the next visitor gets a regular number.
    page.wait_for_timeout(1300)
    page.click("#ticket-done")
    expect(page.locator("#priority-bar")).to_be_hidden()
    page.wait_for_timeout(1100)  # the short lock-out after a ticket
    with page.expect_response(lambda r: r.url.endswith("/api/tickets")) as answer:
        page.click(".service[data-code=A]")
    assert answer.value.json()["ticket"]["priority"] is False


def test_priority_choice_resets_after_a_while(office, page: Page):
    page.clock.install()
    open_kiosk(page, office.url)
    page.click("#priority-toggle")
    page.click(".priority-choice[data-reason=ibu_hamil]")
    expect(page.locator("#priority-chosen")).to_have_text("Ibu hamil")
    page.clock.run_for(31_000)
    expect(page.locator("#priority-bar")).to_be_hidden()


# ---- closed services, live updates, printer trouble --------------------------------------------


@pytest.fixture(scope="module")
def special_office(tmp_path_factory):
    """An office where F is switched off, E takes one number a day and the printer is unplugged."""
    data = tmp_path_factory.mktemp("special")
    dead_printer = free_port()
    write_config(
        data,
        {
            **ALWAYS_OPEN,
            'code = "F"\n': 'code = "F"\nenabled = false\n',
            "standard_service_minutes = 10\ndaily_quota = 0": "standard_service_minutes = 10\ndaily_quota = 1",
            'kind = "none"\nwidth_mm = 80\n': f'kind = "network"\nhost = "127.0.0.1"\nport = {dead_printer}\ntimeout_seconds = 1\nwidth_mm = 80\n',
        },
    )
    server = Server(data, free_port())
    server.wait_ready()
    yield server
    server.kill()  # the end of a test: every commit is on disk already


def test_closed_service_and_reached_quota_are_disabled_live(special_office, page: Page, artifacts):
    errors = open_kiosk(page, special_office.url)
    closed = page.locator(".service[data-code=F]")
    expect(closed).to_be_disabled()
    expect(closed).to_have_class(re.compile(r"\bis-closed\b"))
    expect(closed.locator(".service-closed")).to_have_text("Layanan sedang ditutup.")
    expect(closed.locator(".service-waiting")).to_be_hidden()

    # Another kiosk takes the only E number of the day: this one learns it over the socket.
    quota = page.locator(".service[data-code=E]")
    expect(quota).to_be_enabled()
    response = requests.post(f"{special_office.url}/api/tickets", json={"service": "E"}, timeout=5)
    assert response.status_code == 201
    expect(quota).to_be_disabled(timeout=WAIT_MS)
    expect(quota.locator(".service-closed")).to_have_text("Kuota hari ini sudah habis.")
    page.screenshot(path=artifacts / "kiosk-closed-1280x720.png")

    posts = ticket_posts(page)
    closed.click(force=True)
    page.wait_for_timeout(300)
    assert posts == []
    expect(page.locator("#ticket-screen")).to_be_hidden()
    assert csp_violations(errors) == []


def test_unprinted_ticket_tells_the_visitor(special_office, page: Page, artifacts):
    open_kiosk(page, special_office.url)
    page.click(".service[data-code=A]")
    expect(page.locator("#ticket-number")).to_have_text(re.compile(r"A\d{3}"), timeout=WAIT_MS)
    expect(page.locator("#ticket-print-failed")).to_be_visible(timeout=WAIT_MS)
    expect(page.locator("#ticket-print-failed")).to_have_text(
        "Tiket tidak tercetak — silakan catat/foto nomor Anda"
    )
    expect(page.locator("#ticket-print")).to_be_hidden()
    page.screenshot(path=artifacts / "kiosk-not-printed-1280x720.png")


# ---- the server goes away and comes back --------------------------------------------------------


def test_offline_banner_and_recovery_without_reload(live_server, page: Page):
    open_kiosk(page, live_server.url)
    banner = page.locator("#offline-banner")
    expect(banner).to_be_hidden()
    page.evaluate("window.loaded_once = true")

    live_server.kill()
    expect(banner).to_be_visible(timeout=WAIT_MS)
    expect(banner).to_have_text("Tidak terhubung ke server. Mencoba lagi…")
    page.click(".service[data-code=A]")
    expect(page.locator("#kiosk-message")).to_have_text(
        "Gagal mengambil nomor, silakan coba lagi", timeout=WAIT_MS
    )
    expect(page.locator("#ticket-screen")).to_be_hidden()

    live_server.start_again()
    expect(banner).to_be_hidden(timeout=15_000)
    page.wait_for_timeout(1100)  # the short lock-out after the failed tap
    page.click(".service[data-code=A]")
    expect(page.locator("#ticket-number")).to_have_text(re.compile(r"A\d{3}"), timeout=WAIT_MS)
    assert page.evaluate("window.loaded_once") is True  # the same page, never reloaded


# ---- sizes --------------------------------------------------------------------------------------


@pytest.mark.parametrize("width,height", SIZES, ids=[f"{w}x{h}" for w, h in SIZES])
def test_fills_the_screen_at_kiosk_sizes(office, browser, artifacts, width, height):
    requests.post(f"{office.url}/api/tickets", json={"service": "B"}, timeout=5)
    page = browser.new_page(viewport={"width": width, "height": height})
    try:
        errors = open_kiosk(page, office.url)
        expect(page.locator("#kiosk-time")).to_have_text(re.compile(r"^\d{2}\.\d{2} WIB$"))
        expect(page.locator(".service[data-code=B] .service-waiting")).to_have_text(
            re.compile(r"\d+ orang menunggu")
        )
        page.wait_for_timeout(200)
        page.screenshot(path=artifacts / f"kiosk-{width}x{height}.png")

        scroll = page.evaluate(
            "[document.documentElement.scrollWidth, document.documentElement.scrollHeight]"
        )
        assert scroll == [width, height], "the kiosk must never scroll"
        targets = page.locator(".service, #priority-toggle")
        for index in range(targets.count()):
            box = targets.nth(index).bounding_box()
            assert box["width"] >= TWO_CM_PX and box["height"] >= TWO_CM_PX, box
            assert box["x"] >= 0 and box["y"] >= 0
            assert box["x"] + box["width"] <= width and box["y"] + box["height"] <= height, box
        # Nothing is cut off inside a button, and the names stay large.
        # (The kiosk fits its text after the services arrive: on a busy machine that takes a moment.)
        deadline = time.monotonic() + 5
        while True:
            clipped = page.evaluate("""() => [...document.querySelectorAll('.service')].filter(
                b => b.scrollHeight > b.clientHeight + 1 || b.scrollWidth > b.clientWidth + 1
            ).map(b => b.dataset.code)""")
            if clipped == [] or time.monotonic() > deadline:
                break
            page.wait_for_timeout(100)
        assert clipped == []
        smallest = page.evaluate("""() => Math.min(...[...document.querySelectorAll('.service-name')]
            .map(n => parseFloat(getComputedStyle(n).fontSize)))""")
        assert smallest >= 20
        assert csp_violations(errors) == []
    finally:
        page.close()


def test_runs_for_days_without_growing(office, page: Page):
    """Many queue changes and tickets reuse the same elements."""
    open_kiosk(page, office.url)
    before = page.evaluate("document.getElementsByTagName('*').length")
    for _ in range(15):
        requests.post(f"{office.url}/api/tickets", json={"service": "F"}, timeout=5)
    expect(page.locator(".service[data-code=F] .service-waiting")).to_have_text(
        f"{waiting(office, 'F')} orang menunggu", timeout=WAIT_MS
    )
    for _ in range(2):
        page.click(".service[data-code=A]")
        expect(page.locator("#ticket-screen")).to_be_visible(timeout=WAIT_MS)
        page.wait_for_timeout(1250)
        page.click("#ticket-done")
        expect(page.locator("#ticket-screen")).to_be_hidden()
        page.wait_for_timeout(1050)
    assert page.evaluate("document.getElementsByTagName('*').length") == before


# ---- the clock on the kiosk is the server's, not the PC's --------------------------------------

DAYS = ["Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"]
MONTHS = [
    "Januari",
    "Februari",
    "Maret",
    "April",
    "Mei",
    "Juni",
    "Juli",
    "Agustus",
    "September",
    "Oktober",
    "November",
    "Desember",
]


def office_clock(at: datetime) -> tuple[str, str]:
    """The kiosk's two lines for the moment `at` in Jakarta: ("Senin, 30 November 2026", "09.41 WIB")."""
    local = at.astimezone(ZoneInfo("Asia/Jakarta"))
    return (
        f"{DAYS[local.weekday()]}, {local.day} {MONTHS[local.month - 1]} {local.year}",
        f"{local:%H.%M} WIB",
    )


@pytest.fixture
def clocked_office(tmp_path):
    """A server whose injected clock runs 3 days, 5 hours and 17 minutes ahead of this PC's."""
    data = tmp_path / "clocked"
    write_config(data, ALWAYS_OPEN)
    start = datetime.now(timezone.utc) + timedelta(days=3, hours=5, minutes=17)
    server = ClockedServer(data, free_port(), start)
    server.wait_ready()
    yield server
    server.kill()  # the end of a test: every commit is on disk already


def test_the_kiosk_shows_the_servers_clock_not_the_pcs(clocked_office, page: Page, artifacts):
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_kiosk(page, clocked_office.url)
    told = requests.get(clocked_office.url + "/api/state", timeout=5).json()["server_time"]
    server_now = datetime.fromisoformat(told)
    date, _time = office_clock(server_now)
    pc_date, _ = office_clock(datetime.now(timezone.utc))
    assert date != pc_date  # the two clocks really disagree
    expect(page.locator("#kiosk-date")).to_have_text(date, timeout=WAIT_MS)
    # The minute may turn while the test looks: this one or the next.
    minutes = {office_clock(server_now + timedelta(minutes=m))[1] for m in (0, 1)}
    shown = page.locator("#kiosk-time").inner_text().strip()
    assert shown in minutes, (shown, minutes)
    page.screenshot(path=str(artifacts / "kiosk-server-clock-1920x1080.png"))


def test_the_status_page_says_when_it_was_updated_by_the_servers_clock(clocked_office, page: Page):
    """The phone's own clock may be anything: "Diperbarui pukul …" is the office's time."""
    ticket = requests.post(clocked_office.url + "/api/tickets", json={"service": "A"}, timeout=10).json()[
        "ticket"
    ]
    told = requests.get(clocked_office.url + "/api/state", timeout=5).json()["server_time"]
    server_now = datetime.fromisoformat(told)
    page.goto(ticket["status_url"])
    minutes = {office_clock(server_now + timedelta(minutes=m))[1] for m in (0, 1)}
    pc_minute = office_clock(datetime.now(timezone.utc))[1]
    assert pc_minute not in minutes  # the two clocks really disagree
    updated = page.locator("#status-updated")
    expect(updated).to_contain_text("WIB", timeout=WAIT_MS)
    assert any(minute in updated.inner_text() for minute in minutes), (updated.inner_text(), minutes)
