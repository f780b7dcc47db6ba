"""The admin page in real headless Chromium: an admin adds a service and a counter, and an open
kiosk and TV pick them up without a reload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
WAIT_MS = 5000


def test_admin_adds_a_service_and_a_counter_live(live_server, browser, artifacts):
    screens = browser.new_context(viewport={"width": 1920, "height": 1080})
    kiosk, display = screens.new_page(), screens.new_page()
    kiosk.goto(live_server.url + "/kiosk")
    display.goto(live_server.url + "/display")
    expect(kiosk.locator("button.service")).to_have_count(6, timeout=WAIT_MS)
    expect(display.locator(".counter-tile")).to_have_count(4, timeout=WAIT_MS)
    kiosk.evaluate("window.__loaded = true")
    display.evaluate("window.__loaded = true")

    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    admin = context.new_page()
    admin.goto(live_server.url + "/admin")
    expect(admin.get_by_role("heading", name="Masuk · Admin")).to_be_visible()
    admin.get_by_label("Nama pengguna").fill("admin")
    admin.get_by_label("Kata sandi").fill("rahasia-123")
    admin.get_by_role("button", name="Masuk").click()
    expect(admin.locator("#services-body tr")).to_have_count(6, timeout=WAIT_MS)

    form = admin.locator("#service-add")
    form.get_by_label("Kode").fill("G")
    form.get_by_label("Nama").fill("Legalisir Dokumen")
    form.get_by_role("button", name="Tambah").click()
    expect(admin.locator("#notice")).to_contain_text("Layanan G ditambahkan", timeout=WAIT_MS)
    # No counter serves G yet: the kiosk shows it, closed, with the reason.
    expect(kiosk.locator('button.service[data-code="G"]')).to_be_disabled(timeout=WAIT_MS)

    admin.get_by_role("button", name="Loket", exact=True).click()
    form = admin.locator("#counter-add")
    form.get_by_label("Nomor").fill("5")
    form.get_by_label("Nama").fill("Loket 5")
    form.get_by_label("Layanan (kode, pisahkan koma)").fill("G")
    form.get_by_role("button", name="Tambah").click()
    expect(admin.locator("#notice")).to_contain_text("Loket 5 ditambahkan", timeout=WAIT_MS)

    expect(kiosk.locator('button.service[data-code="G"]')).to_be_enabled(timeout=WAIT_MS)
    expect(display.locator(".counter-tile")).to_have_count(5, timeout=WAIT_MS)
    assert kiosk.evaluate("window.__loaded") is True and display.evaluate("window.__loaded") is True

    admin.get_by_role("button", name="Log Audit").click()
    expect(admin.locator("#audit-body tr")).to_have_count(2, timeout=WAIT_MS)
    expect(admin.locator("#audit-body")).to_contain_text("add_counter")
    admin.get_by_role("button", name="Layanan").click()
    admin.screenshot(path=artifacts / "admin-1920x1080.png")
    context.close()
    screens.close()
