"""A wrong clock in real headless Chromium against a real ``loket serve``: the kiosk and /admin
say "Jam komputer tidak benar", the kiosk refuses numbers, and the admin's confirmation brings
the kiosk back without a reload; a failed backup is red on /admin until one is made."""

from __future__ import annotations

import time

import pytest
from conftest import write_config
from playwright.sync_api import expect
from servers import ALWAYS_OPEN, Server, free_port

from server.core.rules import utc_now
from server.core.storage import Store
from server.webbase.auth import create_user

pytestmark = pytest.mark.browser
WAIT_MS = 8000


@pytest.fixture
def server_in_the_past(tmp_path):
    """A server whose database holds an entry two days ahead of the PC's clock (as if the clock
    had been set in the future once, or the PC now boots in the past)."""
    data = tmp_path / "live"
    write_config(data, ALWAYS_OPEN)
    store = Store(data / "loket.db")
    create_user(store, "admin", "rahasia-123", "admin", utc_now())
    with store.write() as conn:
        conn.execute(
            "INSERT INTO audit_log (at, username, action, target) VALUES (?, 'admin', 'test', 'clock')",
            (time.time() + 2 * 86400,),
        )
    store.close()
    server = Server(data, free_port())
    server.wait_ready()
    yield server
    if server.process.poll() is None:
        server.kill()  # the end of a test: every commit is on disk already


def test_kiosk_and_admin_show_the_wrong_clock_and_the_admin_confirms_it(
    server_in_the_past, browser, artifacts
):
    url = server_in_the_past.url
    screens = browser.new_context(viewport={"width": 1080, "height": 1920})
    kiosk = screens.new_page()
    kiosk.goto(url + "/kiosk")
    banner = kiosk.locator("[data-system-banner]")
    expect(banner).to_be_visible(timeout=WAIT_MS)
    expect(banner).to_contain_text("Jam komputer tidak benar")
    expect(kiosk.locator('button.service[data-code="A"]')).to_be_disabled(timeout=WAIT_MS)
    expect(kiosk.locator('button.service[data-code="A"]')).to_contain_text("Jam komputer tidak benar")
    kiosk.screenshot(path=artifacts / "kiosk-clock-wrong-1080x1920.png")

    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    admin = context.new_page()
    admin.goto(url + "/admin")
    admin.get_by_label("Nama pengguna").fill("admin")
    admin.get_by_label("Kata sandi").fill("rahasia-123")
    admin.get_by_role("button", name="Masuk").click()
    expect(admin.locator("[data-system-banner]")).to_contain_text("Jam komputer tidak benar", timeout=WAIT_MS)
    expect(admin.locator('.admin-tabs button[data-tab="system"]')).to_have_class("has-warning")
    admin.get_by_role("button", name="Sistem").click()
    form = admin.locator("#clock-confirm")
    expect(form).to_be_visible()
    admin.screenshot(path=artifacts / "admin-clock-wrong-1920x1080.png")
    admin.on("dialog", lambda dialog: dialog.accept())
    form.get_by_label("Saya sudah memeriksa: jam sekarang sudah benar").check()
    form.get_by_role("button", name="Jam sekarang sudah benar").click()
    expect(form).to_be_hidden(timeout=WAIT_MS)
    expect(admin.locator("#system-clock")).to_contain_text("Jam komputer benar")

    # The kiosk is told by the server: the bar goes, the buttons come back, no reload.
    kiosk.evaluate("window.__loaded = true")
    expect(banner).to_be_hidden(timeout=WAIT_MS)
    expect(kiosk.locator('button.service[data-code="A"]')).to_be_enabled(timeout=WAIT_MS)
    assert kiosk.evaluate("window.__loaded") is True
    context.close()
    screens.close()


def test_admin_sees_a_failed_backup_in_red_and_makes_one(tmp_path, browser):
    data = tmp_path / "live"
    usb = tmp_path / "usb" / "loket"
    write_config(data, {**ALWAYS_OPEN, 'folder = "backups"': f'folder = "{usb}"'})
    store = Store(data / "loket.db")
    create_user(store, "admin", "rahasia-123", "admin", utc_now())
    store.close()
    server = Server(data, free_port())
    server.wait_ready()
    try:
        admin = browser.new_page(viewport={"width": 1366, "height": 900})
        admin.goto(server.url + "/admin")
        admin.get_by_label("Nama pengguna").fill("admin")
        admin.get_by_label("Kata sandi").fill("rahasia-123")
        admin.get_by_role("button", name="Masuk").click()
        alert = admin.locator("#system-alert")
        expect(alert).to_contain_text("Cadangan terakhir gagal", timeout=WAIT_MS)
        expect(alert).to_contain_text("tidak ditemukan")
        admin.get_by_role("button", name="Sistem").click()
        expect(admin.locator("#system-errors")).to_contain_text("Cadangan basis data gagal dibuat.")
        usb.mkdir(parents=True)  # the USB disk is plugged in
        admin.get_by_role("button", name="Buat cadangan sekarang").click()
        expect(alert).to_be_hidden(timeout=WAIT_MS)
        expect(admin.locator("#system-backup")).to_contain_text("1 salinan disimpan")
        assert len(list(usb.glob("loket-*/loket.db"))) == 1
    finally:
        server.kill()  # the end of a test: every commit is on disk already
