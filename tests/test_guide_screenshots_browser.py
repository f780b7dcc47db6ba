"""The guide's screenshots, taken from the demo office in real headless Chromium.

Every run drives each screen the guide shows and photographs it (into test-artifacts/guide/),
so a screen that can no longer be photographed fails here. With ``LOKET_UPDATE_SCREENSHOTS=1``
(``bash scripts/screenshots``) the photographs replace those in docs/panduan/img/, to be
committed with the change that altered the screens.
"""

from __future__ import annotations

import os
import re
from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from playwright.sync_api import BrowserContext, Page

from server import simulate
from server.config.loader import load_config
from server.core.storage import Store

pytestmark = [pytest.mark.browser, pytest.mark.slow]

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "panduan"
UPDATE = os.environ.get("LOKET_UPDATE_SCREENSHOTS") == "1"
PASSWORD = "rahasia-123"
WAIT_MS = 15000
#: name -> (viewport width, height) of each screenshot the guide shows.
SHOTS = {
    "kiosk": (1280, 800),
    "tv": (1280, 720),
    "masuk-petugas": (1280, 800),
    "petugas": (1280, 800),
    "papan": (1280, 800),
    "laporan": (1280, 900),
    "admin": (1280, 800),
}


def _ok(response, status: int = 200) -> dict:
    assert response.status == status, (response.url, response.status, response.text())
    return response.json()


@pytest.fixture
def office(live_server):
    """The live demo office with a month of history and a busy morning at four counters."""
    config = load_config(live_server.data / "loket.toml")
    yesterday = datetime.now(config.office.tz).date() - timedelta(days=1)
    store = Store(live_server.data / "loket.db")
    try:
        simulate.write_history(
            store, config, simulate.history_days(yesterday, 30, (0, 1, 2, 3, 4)), seed=18, visitors=300
        )
    finally:
        store.close()
    live_server.month = yesterday.strftime("%Y-%m")
    return live_server


def _visitors(context: BrowserContext, url: str) -> None:
    """Numbers taken at the kiosk (this browser is the demo's kiosk) and called at four counters."""
    for service in "AAABBCADEFBA":
        _ok(context.request.post(url + "/api/tickets", data={"service": service}), 201)
    _ok(
        context.request.post(
            url + "/api/tickets", data={"service": "A", "priority": True, "priority_reason": "lansia"}
        ),
        201,
    )
    for counter in (2, 3, 4, 1):
        officer = requests.Session()
        response = officer.post(
            url + "/api/login",
            timeout=10,
            json={"username": f"petugas{counter}", "password": PASSWORD, "counter": counter},
        )
        assert response.status_code == 200, response.text
        for call in range(2 if counter == 1 else 1):  # Loket 1 has served one visitor already
            called = officer.post(f"{url}/api/counters/{counter}/call-next", timeout=10).json()["ticket"]
            if called and counter in (1, 3):
                officer.post(f"{url}/api/tickets/{called['id']}/start", timeout=10)
            if called and counter == 1 and call == 0:
                officer.post(f"{url}/api/tickets/{called['id']}/finish", timeout=10)
        # Not signed out: the counters stay staffed, so the kiosk shows wait estimates.


def _sign_in(context: BrowserContext, url: str, username: str, counter: int | None = None) -> None:
    body = {"username": username, "password": PASSWORD, **({"counter": counter} if counter else {})}
    _ok(context.request.post(url + "/api/login", data=body))


def _shoot(page: Page, name: str, folder: Path) -> Path:
    page.wait_for_timeout(600)  # let fonts, fades and the first socket push settle
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=False, animations="disabled", caret="hide")
    return path


def _page(context: BrowserContext, name: str) -> Page:
    page = context.new_page()
    page.set_viewport_size(dict(zip(("width", "height"), SHOTS[name], strict=True)))
    return page


def _opened(context: BrowserContext, name: str, address: str, ready: str) -> Page:
    """A page at ``address`` at the size of the shot ``name``, once ``ready`` (a selector) shows."""
    page = _page(context, name)
    page.goto(address)
    page.wait_for_selector(ready)
    return page


def test_guide_screenshots(office, browser, artifacts):
    folder = GUIDE / "img" if UPDATE else artifacts / "guide"
    folder.mkdir(parents=True, exist_ok=True)
    url = office.url
    context = browser.new_context(locale="id-ID", timezone_id="Asia/Jakarta")
    context.set_default_timeout(WAIT_MS)
    try:
        taken = []
        kiosk = _page(context, "kiosk")
        kiosk.goto(url + "/kiosk")
        kiosk.wait_for_selector("#services button.service")
        _visitors(context, url)
        # The kiosk's estimates are worked out again every 15 s: wait for the staffed counters.
        for _attempt in range(25):
            kiosk.reload()
            kiosk.wait_for_selector("#services button.service")
            if "Belum ada petugas" not in kiosk.locator("#services").inner_text():
                break
            kiosk.wait_for_timeout(1000)
        taken.append(_shoot(kiosk, "kiosk", folder))

        tv = _page(context, "tv")
        tv.goto(url + "/display")
        tv.wait_for_function("document.getElementById('display').dataset.online === 'online'")
        tv.wait_for_function("document.getElementById('hero-number').textContent.trim() !== '—'")
        taken.append(_shoot(tv, "tv", folder))

        login = _page(context, "masuk-petugas")
        login.goto(url + "/officer")
        login.get_by_label("Nama pengguna").fill("petugas1")
        taken.append(_shoot(login, "masuk-petugas", folder))

        _sign_in(context, url, "petugas1", counter=1)
        console = _opened(context, "petugas", url + "/officer", "[data-console][data-ready=true]")
        taken.append(_shoot(console, "petugas", folder))
        context.request.post(url + "/api/logout")

        _sign_in(context, url, "kepala")
        board = _opened(context, "papan", url + "/board", "[data-counters] .counter-card")
        taken.append(_shoot(board, "papan", folder))

        month = f"{url}/reports?view=month&month={office.month}"
        report = _opened(context, "laporan", month, "body[data-charts-ready=true]")
        taken.append(_shoot(report, "laporan", folder))
        context.request.post(url + "/api/logout")

        _sign_in(context, url, "admin")
        admin = _opened(
            context, "admin", url + "/admin", "#tab-services tbody tr, #tab-services [data-service]"
        )
        taken.append(_shoot(admin, "admin", folder))
    finally:
        context.close()

    assert sorted(p.stem for p in taken) == sorted(SHOTS)
    for path in taken:
        assert path.stat().st_size > 10_000, f"{path.name} looks blank"


def test_every_screenshot_is_in_the_guide_and_committed():
    """The guide shows each screenshot this file takes, and each one it shows is committed."""
    shown = set()
    for page in GUIDE.glob("*.md"):
        shown |= set(re.findall(r"!\[[^\]]*\]\(img/([\w-]+)\.png\)", page.read_text(encoding="utf-8")))
    assert shown == set(SHOTS)
    for name in SHOTS:
        assert (GUIDE / "img" / f"{name}.png").is_file(), f"run bash scripts/screenshots ({name}.png)"
