"""Faults with real Chromium: a crash (kill -9) while kiosks issue and TVs watch."""

from __future__ import annotations

import http.client
import json
import threading
import time

import pytest
from servers import call_next, officer, open_display, wait_for_hero


def _post_ticket(port: int, source: str, service: str, token: str) -> tuple[int, dict]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5, source_address=(source, 0))
    try:
        conn.request(
            "POST",
            "/api/tickets",
            body=json.dumps({"service": service}),
            headers={"Content-Type": "application/json", "Authorization": f"Device {token}"},
        )
        response = conn.getresponse()
        return response.status, json.loads(response.read() or b"{}")
    finally:
        conn.close()


@pytest.mark.slow
@pytest.mark.browser
def test_kill_9_while_ten_kiosks_issue(live_server, browser):
    """kill -9 of the whole server while ten kiosks issue and two TVs are open: every ticket that
    got its 201 is there after the restart, numbering goes on without a duplicate, and both TVs
    (real Chromium, never reloaded) show the next call within 5 s of the restart."""
    server = live_server
    contexts = [browser.new_context(viewport={"width": 1366, "height": 768}) for _ in range(2)]
    displays = [context.new_page() for context in contexts]
    for page in displays:
        open_display(page, server)
        page.evaluate("() => { window.__sameDocument = 'still here'; }")
    confirmed: list[dict] = []
    lock = threading.Lock()
    stop = threading.Event()
    # Ten enrolled kiosks (as `loket device add` does, while the server runs), each with its own
    # limit of numbers a minute.
    from server.core.rules import utc_now
    from server.core.storage import Store
    from server.devices.registry import Devices

    store = Store(server.data / "loket.db")
    tokens = [Devices(store).add(f"Kiosk {n}", "kiosk", utc_now().timestamp())[1] for n in range(10)]
    store.close()

    def kiosk(index: int):
        # Ten kiosks: ten addresses on the loopback network, as on an office LAN.
        source = f"127.0.0.{10 + index}"
        while not stop.is_set():
            try:
                status, body = _post_ticket(server.port, source, "AB"[index % 2], tokens[index])
            except (OSError, http.client.HTTPException, json.JSONDecodeError):
                time.sleep(0.02)
                continue
            if status == 201:
                with lock:
                    confirmed.append(body["ticket"])
            time.sleep(0.05)

    kiosks = [threading.Thread(target=kiosk, args=(i,), daemon=True) for i in range(10)]
    for thread in kiosks:
        thread.start()
    deadline = time.monotonic() + 20
    while len(confirmed) < 60 and time.monotonic() < deadline:
        time.sleep(0.05)
    server.kill()
    stop.set()
    for thread in kiosks:
        thread.join(10)
    before_crash = list(confirmed)
    assert len(before_crash) >= 60
    for page in displays:
        page.locator("#offline-mark").wait_for(state="visible", timeout=5000)

    server.start_again()
    state = json.loads(_get(server.port, "/api/state"))
    for ticket in before_crash:
        token = ticket["status_url"].rsplit("/", 1)[-1]
        stored = json.loads(_get(server.port, f"/api/status/{token}"))["ticket"]
        assert stored["number"] == ticket["number"] and stored["service"] == ticket["service"]
    for service in "AB":
        numbers = sorted(int(t["number"][1:]) for t in before_crash if t["service"] == service)
        status, after = _post_ticket(server.port, "127.0.0.99", service, tokens[0])
        assert status == 201
        assert int(after["ticket"]["number"][1:]) > max(numbers), "numbering continues"
        assert len(numbers) == len(set(numbers))
    assert sum(state["waiting"].values()) >= len(before_crash)

    called = call_next(officer(server, 1), server, 1)
    for page in displays:
        wait_for_hero(page, called["number"], timeout=5000)
        assert page.locator("#offline-mark").is_hidden()
        assert page.evaluate("() => window.__sameDocument") == "still here"
    for context in contexts:
        context.close()


def _get(port: int, path: str) -> str:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    try:
        conn.request("GET", path)
        return conn.getresponse().read().decode()
    finally:
        conn.close()
