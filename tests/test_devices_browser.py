"""A new kiosk in real Chromium: it shows its code, the admin approves it, it becomes a kiosk."""

from __future__ import annotations

import pytest
import requests
from conftest import write_config
from playwright.sync_api import Page, expect
from servers import ALWAYS_OPEN, Server, free_port

from server.core.rules import utc_now
from server.core.storage import Store
from server.webbase.auth import create_user


@pytest.mark.slow
@pytest.mark.browser
def test_a_new_kiosk_shows_its_code_and_works_once_approved(tmp_path, page: Page, artifacts):
    data = tmp_path / "office"
    write_config(data, ALWAYS_OPEN)
    store = Store(data / "loket.db")
    create_user(store, "admin", "rahasia-123", "admin", utc_now())
    store.close()
    server = Server(data, free_port(), demo=False)  # nobody is enrolled by being on this PC
    server.wait_ready()
    try:
        page.goto(server.url + "/kiosk")
        code = page.locator("[data-enroll-code]")
        expect(code).to_have_text(__import__("re").compile(r"^[A-Z0-9]{6}$"), timeout=10000)
        page.screenshot(path=artifacts / "kiosk-enrollment-1920x1080.png")
        admin = requests.Session()
        admin.post(
            server.url + "/api/login", json={"username": "admin", "password": "rahasia-123"}, timeout=5
        )
        approved = admin.post(
            server.url + "/api/admin/devices/approve",
            json={"code": code.inner_text(), "name": "Kiosk lobi"},
            timeout=5,
        )
        assert approved.status_code == 200, approved.text
        expect(page.locator("#enroll-panel")).to_have_count(0, timeout=15000)  # reloaded, enrolled
        with page.expect_response("**/api/tickets") as answer:
            page.click(".service[data-code=A]")
        assert answer.value.status == 201
    finally:
        server.kill()  # the end of a test: every commit is on disk already
