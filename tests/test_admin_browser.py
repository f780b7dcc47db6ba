"""The admin page in real headless Chromium, as an admin uses it in an office's first month: a
service (typed in lowercase) and a counter (its services ticked) reach an open kiosk and TV
without a reload; checks speak Indonesian; users get a full name and NIP; TV media are uploaded
and shown; the audit log reads in Indonesian."""

from __future__ import annotations

import re

import pytest
from PIL import Image
from playwright.sync_api import expect

pytestmark = pytest.mark.browser
WAIT_MS = 5000


def sign_in(browser, live_server):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    admin = context.new_page()
    admin.goto(live_server.url + "/admin")
    expect(admin.get_by_role("heading", name="Masuk · Admin")).to_be_visible()
    admin.get_by_label("Nama pengguna").fill("admin")
    admin.get_by_label("Kata sandi").fill("rahasia-123")
    admin.get_by_role("button", name="Masuk").click()
    expect(admin.locator("#services-list form.card")).to_have_count(6, timeout=WAIT_MS)
    return context, admin


def test_admin_adds_a_service_and_a_counter_live(live_server, browser, artifacts):
    screens = browser.new_context(viewport={"width": 1920, "height": 1080})
    kiosk, display = screens.new_page(), screens.new_page()
    kiosk.goto(live_server.url + "/kiosk")
    display.goto(live_server.url + "/display")
    expect(kiosk.locator("button.service")).to_have_count(6, timeout=WAIT_MS)
    expect(display.locator(".counter-tile")).to_have_count(4, timeout=WAIT_MS)
    kiosk.evaluate("window.__loaded = true")
    display.evaluate("window.__loaded = true")
    context, admin = sign_in(browser, live_server)

    form = admin.locator("#service-add")
    form.get_by_role("button", name="Tambah layanan").click()  # empty: our own words, not the browser's
    expect(form.locator(".field-error").first).to_have_text("Kode layanan harus satu huruf A–Z.")
    form.locator("input[name=code]").fill("g")
    form.locator("input[name=name]").fill("Legalisir Dokumen")
    form.get_by_label("Keterangan singkat").fill("Legalisir ijazah dan akta")
    form.get_by_role("button", name="Tambah layanan").click()
    expect(admin.locator("#notice")).to_contain_text("Layanan G ditambahkan", timeout=WAIT_MS)
    expect(admin.locator("#notice")).to_contain_text("belum ada loket yang melayaninya")
    expect(admin.locator('form[data-service="G"] .badge.warn')).to_be_visible()
    expect(kiosk.locator('button.service[data-code="G"]')).to_be_disabled(timeout=WAIT_MS)

    admin.get_by_role("button", name="Loket", exact=True).click()
    form = admin.locator("#counter-add")
    form.locator("input[name=id]").fill("5")
    form.get_by_label("G · Legalisir Dokumen").check()
    form.get_by_role("button", name="Tambah loket").click()
    expect(admin.locator("#notice")).to_contain_text("Loket 5 ditambahkan", timeout=WAIT_MS)
    expect(kiosk.locator('button.service[data-code="G"]')).to_be_enabled(timeout=WAIT_MS)
    expect(display.locator(".counter-tile")).to_have_count(5, timeout=WAIT_MS)
    assert kiosk.evaluate("window.__loaded") is True and display.evaluate("window.__loaded") is True

    admin.get_by_role("button", name="Layanan", exact=True).click()
    admin.locator('form[data-service="G"]').get_by_role(
        "button", name="Istirahatkan"
    ).click() if False else None
    admin.get_by_role("button", name="Log Audit").click()
    expect(admin.locator("#audit-body tr")).to_have_count(2, timeout=WAIT_MS)
    expect(admin.locator("#audit-body")).to_contain_text("Menambah loket 5")
    expect(admin.locator("#audit-body")).to_contain_text("layanan: G")
    admin.get_by_role("button", name="Layanan", exact=True).click()
    admin.screenshot(path=artifacts / "admin-1920x1080.png", full_page=True)
    context.close()
    screens.close()


def test_retiring_a_service_takes_it_off_the_kiosk(live_server, browser):
    screens = browser.new_context()
    kiosk = screens.new_page()
    kiosk.goto(live_server.url + "/kiosk")
    expect(kiosk.locator('button.service[data-code="C"]')).to_have_count(1, timeout=WAIT_MS)
    context, admin = sign_in(browser, live_server)
    admin.on("dialog", lambda dialog: dialog.accept())
    admin.locator('form[data-service="C"]').get_by_role("button", name="Istirahatkan").click()
    expect(admin.locator("#notice")).to_contain_text("Layanan C diistirahatkan", timeout=WAIT_MS)
    expect(kiosk.locator('button.service[data-code="C"]')).to_have_count(0, timeout=WAIT_MS)
    admin.locator('form[data-service="C"]').get_by_role("button", name="Aktifkan kembali").click()
    expect(kiosk.locator('button.service[data-code="C"]')).to_have_count(1, timeout=WAIT_MS)
    context.close()
    screens.close()


def test_users_media_and_office_days(live_server, browser, artifacts, tmp_path):
    context, admin = sign_in(browser, live_server)
    admin.get_by_role("button", name="Pengguna").click()
    card = admin.locator("#users-list form.card").filter(has_text="petugas1")
    card.get_by_label("Nama lengkap petugas1").fill("Siti Aminah, S.Ag.")
    card.get_by_label("NIP").fill("12345")
    card.get_by_role("button", name="Simpan").click()
    expect(card.locator(".field-error")).to_have_text("NIP harus 18 angka.")
    card.get_by_label("NIP").fill("198703152010012001")
    card.get_by_label("Loket 2").check()
    card.get_by_role("button", name="Simpan").click()
    expect(admin.locator("#notice")).to_contain_text("Pengguna petugas1 disimpan", timeout=WAIT_MS)
    users = context.request.get(live_server.url + "/api/admin/users").json()["users"]
    saved = next(user for user in users if user["username"] == "petugas1")
    assert (saved["full_name"], saved["nip"], saved["counters"]) == (
        "Siti Aminah, S.Ag.",
        "198703152010012001",
        [2],
    )
    admin.screenshot(path=artifacts / "admin-users.png", full_page=True)

    display = context.new_page()
    display.goto(live_server.url + "/display")
    expect(display.locator("#media")).to_have_attribute("data-mode", "panel", timeout=WAIT_MS)
    admin.get_by_role("button", name="Layar TV").click()
    picture = tmp_path / "brosur-haji.png"
    Image.new("RGB", (320, 180), "#0b6b3a").save(picture)
    admin.locator("#media-upload").get_by_role("button", name="Unggah").click()
    expect(admin.locator("#media-upload .field-error")).to_have_text("Pilih berkas terlebih dahulu.")
    admin.locator("#file-media").set_input_files(str(picture))
    expect(admin.locator("#media-upload [data-file-name]")).to_have_text("brosur-haji.png")
    admin.locator("#media-upload").get_by_role("button", name="Unggah").click()
    expect(admin.locator("#media-list li")).to_have_count(1, timeout=WAIT_MS)
    expect(display.locator("#media")).to_have_attribute("data-mode", "media", timeout=WAIT_MS)
    expect(display.locator(".media-image")).to_have_attribute("src", "/media/brosur-haji.png")
    fake = tmp_path / "bukan-gambar.png"
    fake.write_bytes(b"not an image at all" * 10)
    admin.locator("#file-media").set_input_files(str(fake))
    admin.locator("#media-upload").get_by_role("button", name="Unggah").click()
    expect(admin.locator("#notice")).to_contain_text(
        "Berkas harus gambar JPEG, PNG atau WebP", timeout=WAIT_MS
    )
    admin.screenshot(path=artifacts / "admin-media.png", full_page=True)

    admin.get_by_role("button", name="Kantor").click()
    admin.locator("#office-days").get_by_label("Minggu").uncheck()
    admin.locator("#office-form").get_by_role("button", name="Simpan").click()
    expect(admin.locator("#notice")).to_contain_text("Profil kantor disimpan", timeout=WAIT_MS)
    settings = context.request.get(live_server.url + "/api/admin/settings").json()["settings"]
    assert settings["office"]["days"] == ["mon", "tue", "wed", "thu", "fri", "sat"]
    toml = (live_server.data / "loket.toml").read_text(encoding="utf-8")
    assert "# Opening hours for taking a number" in toml  # the file's comments survive
    admin.screenshot(path=artifacts / "admin-office.png", full_page=True)

    admin.get_by_role("button", name="Suara").click()
    admin.locator("#voice-form input[name=template]").fill("Nomor {ticket}, silakan ke {counter}")
    admin.get_by_role("button", name="Dengar contoh").click()  # unsaved: only heard, not stored
    expect(admin.locator("#voice-audio")).to_have_attribute(
        "src", re.compile(r"^/sounds/announcements/.+\.wav$"), timeout=10000
    )
    # The page's <audio> may already hold part of the file: the browser's cache then answers 206.
    assert admin.evaluate("fetch(document.getElementById('voice-audio').src).then(r => r.status)") in (
        200,
        206,
    )

    admin.get_by_role("button", name="Log Audit").click()
    expect(admin.locator("#audit-body")).to_contain_text("Mengubah pengguna petugas1", timeout=WAIT_MS)
    expect(admin.locator("#audit-body")).to_contain_text(
        "hari buka: Sen, Sel, Rab, Kam, Jum, Sab, Min → Sen, Sel, Rab, Kam, Jum, Sab"
    )
    expect(admin.locator("#audit-body")).to_contain_text("nama lengkap: – → Siti Aminah, S.Ag.")
    admin.screenshot(path=artifacts / "admin-audit.png", full_page=True)
    context.close()
