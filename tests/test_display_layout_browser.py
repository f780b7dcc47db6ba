"""The TV's layout for a large office (12 counters, 16 services with long names) in real headless
Chromium at 1366x768, 1920x1080 and 3840x2160: no element overflows its box or cuts its text, the
text a visitor reads is at least the sizes in docs/screens.md (scaled with the screen), the waiting panel
pages through services that do not fit, and while the browser blocks sound the current call and
the counters stay in full view."""

from __future__ import annotations

import pytest
import requests
from big_office import make_big_office
from conftest import write_config
from display_layout_checks import FONT_SIZES, OVERFLOWS, UNCOVERED
from servers import open_display, wait_for_hero

pytestmark = pytest.mark.browser

PASSWORD = "rahasia-123"
SIZES = [(1366, 768), (1920, 1080), (3840, 2160)]
PAGE_MS = 8000  # how long the waiting panel shows a page (display/static/fit.js)
# The smallest size of each class of text at 1080p (docs/screens.md, "The TV layout").
MINIMUM_PX = {
    ".hero-number": 48,
    ".hero-counter": 48,
    ".counter-name": 48,
    ".counter-number": 48,
    ".waiting-name": 32,
    ".hero-service": 32,
    ".history-number": 32,
    ".history-counter": 32,
    "*": 24,
}


def office_server(tmp_path_factory, services: int, counters: int):
    """``loket serve`` for an office of this size, every counter calling."""
    from servers import ALWAYS_OPEN, Server, free_port

    from server.core.rules import utc_now
    from server.core.storage import Store
    from server.webbase.auth import create_user

    data = tmp_path_factory.mktemp("office") / "data"
    write_config(data, {**ALWAYS_OPEN, "kiosk_limit_per_minute = 30": "kiosk_limit_per_minute = 0"})
    make_big_office(data, services, counters)
    store = Store(data / "loket.db")
    create_user(store, "admin", PASSWORD, "admin", utc_now())
    store.close()
    server = Server(data, free_port())
    server.wait_ready()
    admin = requests.Session()
    assert (
        admin.post(
            server.url + "/api/login", json={"username": "admin", "password": PASSWORD}, timeout=5
        ).status_code
        == 200
    )
    codes = [s["code"] for s in requests.get(server.url + "/api/services", timeout=5).json()["services"]]
    assert len(codes) == services
    for index in range(3 * max(services, counters)):
        response = requests.post(
            server.url + "/api/tickets", json={"service": codes[index % services]}, timeout=5
        )
        assert response.status_code == 201, response.text
    for counter in range(1, counters + 1):
        response = admin.post(f"{server.url}/api/counters/{counter}/call-next", timeout=5)
        server.latest = response.json()["ticket"]["number"]
    return server


@pytest.fixture(scope="module")
def big_server(tmp_path_factory):
    """12 counters and 16 services with long names."""
    server = office_server(tmp_path_factory, 16, 12)
    yield server
    server.kill()  # the end of a test: every commit is on disk already


@pytest.mark.parametrize(("services", "counters"), [(1, 1), (8, 6)])
def test_smaller_offices_fit_too(tmp_path_factory, context, services, counters):
    server = office_server(tmp_path_factory, services, counters)
    try:
        for width, height in SIZES:
            page = context.new_page()
            page.set_viewport_size({"width": width, "height": height})
            open_display(page, server)
            wait_for_hero(page, server.latest)
            page.evaluate("() => document.fonts.ready")
            assert page.evaluate(OVERFLOWS) == [], (width, height)
            sizes = page.evaluate(FONT_SIZES, [".counter-name", ".counter-number", ".waiting-name"])
            assert sizes["*"] >= 24 * height / 1080 - 0.5
            assert sizes[".counter-name"] >= 48 * height / 1080 - 0.5
            page.close()
    finally:
        server.kill()  # the end of a test: every commit is on disk already


@pytest.mark.parametrize(("width", "height"), SIZES)
def test_a_large_office_fits_at_every_tv_size(big_server, context, artifacts, width, height):
    page = context.new_page()
    page.set_viewport_size({"width": width, "height": height})
    page.clock.install()  # the page's timers, so the test turns the waiting panel's pages itself
    open_display(page, big_server)
    wait_for_hero(page, big_server.latest)
    page.evaluate("() => document.fonts.ready")
    page.wait_for_function("() => document.getElementById('waiting-list').dataset.pages")
    page.screenshot(path=str(artifacts / f"display-large-office-{width}x{height}.png"))

    assert page.locator(".counter-tile").count() == 12
    assert page.evaluate(OVERFLOWS) == []

    scale = height / 1080
    sizes = page.evaluate(FONT_SIZES, [key for key in MINIMUM_PX if key != "*"])
    for selector, minimum in MINIMUM_PX.items():
        assert sizes[selector] is not None, selector
        assert sizes[selector] >= minimum * scale - 0.5, (selector, sizes[selector], sizes["smallest text"])

    # The 16 services do not fit at those sizes: pages of whole rows, each turning after 8 s.
    pages = int(page.locator("#waiting-list").get_attribute("data-pages"))
    assert pages >= 2
    assert page.locator("#waiting-page").inner_text() == f"1/{pages}"
    seen = set()
    for number in range(pages):
        if number:
            page.clock.run_for(PAGE_MS)
        page.wait_for_function(
            f"() => document.getElementById('waiting-list').dataset.page === '{number + 1}'", timeout=2000
        )
        assert page.evaluate(OVERFLOWS) == []
        seen.update(
            page.locator('.waiting-item:not([data-page-out="true"])').evaluate_all(
                "items => items.map(item => item.dataset.service)"
            )
        )
    assert len(seen) == 16
    page.close()


def test_recent_calls_show_only_whole_rows(big_server, context):
    page = context.new_page()
    page.set_viewport_size({"width": 1920, "height": 1080})
    open_display(page, big_server)
    shown = page.locator('.history-row:not([hidden]):not([data-fit="out"])').count()
    assert 3 <= shown <= 8
    assert page.evaluate(OVERFLOWS) == []
    page.close()


def test_the_sound_banner_never_covers_the_call_or_the_counters(
    big_server, playwright, browser_type_launch_args, artifacts
):
    args = [arg for arg in browser_type_launch_args["args"] if not arg.startswith("--autoplay-policy")]
    browser = playwright.chromium.launch(
        **{**browser_type_launch_args, "args": [*args, "--autoplay-policy=user-gesture-required"]}
    )
    try:
        for width, height in SIZES:
            page = browser.new_page(viewport={"width": width, "height": height})
            open_display(page, big_server)
            page.locator("#sound-unlock").wait_for(state="visible", timeout=5000)
            assert page.evaluate(UNCOVERED, ".hero") == []
            assert page.evaluate(UNCOVERED, ".counter-tile") == []
            assert page.evaluate(OVERFLOWS) == []
            size = page.evaluate(
                "() => parseFloat(getComputedStyle(document.getElementById('sound-unlock')).fontSize)"
            )
            assert size >= 24 * height / 1080 - 0.5
            if width == 1920:
                page.screenshot(path=str(artifacts / "display-sound-banner.png"))
            page.close()
    finally:
        browser.close()
