"""The "Rekam suara" page in real headless Chromium with its fake microphone (a beep each second):
record a word, play it back, save it, re-record it; and the page away from localhost."""

from __future__ import annotations

import wave

import pytest
from conftest import CHROMIUM_ARGS, write_config
from playwright.sync_api import expect
from servers import ALWAYS_OPEN, Server, free_port

from server.core.rules import utc_now
from server.core.storage import Store
from server.webbase.auth import create_user

pytestmark = pytest.mark.browser
WAIT_MS = 8000
FAKE_MICROPHONE = ["--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream"]


@pytest.fixture
def microphone_browser(playwright):
    browser = playwright.chromium.launch(
        executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS + FAKE_MICROPHONE
    )
    yield browser
    browser.close()


def sign_in(page, url):
    page.goto(url + "/admin/suara")
    page.get_by_label("Nama pengguna").fill("admin")
    page.get_by_label("Kata sandi").fill("rahasia-123")
    page.get_by_role("button", name="Masuk").click()
    expect(page.locator("#word-title")).to_have_text("nomor-antrian", timeout=WAIT_MS)


def record(page, seconds: float = 1.5):
    page.get_by_role("button", name="Rekam").click()
    expect(page.locator("#take-state")).to_contain_text("Merekam", timeout=WAIT_MS)
    page.wait_for_timeout(int(seconds * 1000))
    page.get_by_role("button", name="Berhenti").click()
    expect(page.locator("#take")).to_be_visible(timeout=WAIT_MS)
    expect(page.get_by_role("button", name="Simpan", exact=True)).to_be_enabled()


def test_record_play_back_save_and_re_record(live_server, microphone_browser, artifacts):
    page = microphone_browser.new_page(viewport={"width": 1366, "height": 900})
    sign_in(page, live_server.url)
    expect(page.locator("#insecure")).to_be_hidden()
    expect(page.locator("#pack-summary")).to_contain_text("Belum ada")

    record(page)
    duration = page.evaluate("""() => new Promise((resolve) => {
        const player = document.querySelector('#take');
        if (player.readyState >= 1 && isFinite(player.duration)) return resolve(player.duration);
        player.addEventListener('loadedmetadata', () => resolve(player.duration), { once: true });
    })""")
    assert 0.8 < duration < 3.0
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator("#take-state")).to_have_text("Tersimpan.", timeout=WAIT_MS)
    expect(page.locator("#words-body tr.current")).to_contain_text("Sudah direkam")

    clip = live_server.data / "voice-pack" / "nomor-antrian.wav"
    with wave.open(str(clip), "rb") as wav:
        assert wav.getnchannels() == 1 and wav.getsampwidth() == 2 and wav.getframerate() >= 16000
        first = wav.getnframes() / wav.getframerate()
        frames = wav.readframes(wav.getnframes())
    assert 0.8 < first < 3.0
    assert (
        max(abs(int.from_bytes(frames[i : i + 2], "little", signed=True)) for i in range(0, len(frames), 2))
        > 1000
    )

    # re-record the same word, longer: the saved file is replaced
    expect(page.get_by_role("button", name="Rekam ulang")).to_be_visible()
    record(page, 2.5)
    page.get_by_role("button", name="Simpan", exact=True).click()
    expect(page.locator("#take-state")).to_have_text("Tersimpan.", timeout=WAIT_MS)
    with wave.open(str(clip), "rb") as wav:
        assert wav.getnframes() / wav.getframerate() > first + 0.5

    page.get_by_role("button", name="Putar yang tersimpan").click()
    assert (
        page.evaluate("document.querySelector('#take').src")
        .split("?")[0]
        .endswith("/api/admin/voice-pack/clips/nomor-antrian.wav")
    )
    page.get_by_role("button", name="Berikutnya →").click()
    expect(page.locator("#word-title")).to_have_text("silakan-menuju")
    page.screenshot(path=artifacts / "voice-record-1366x900.png", full_page=True)
    page.close()


def test_away_from_localhost_the_page_says_so_and_offers_upload(tmp_path, microphone_browser):
    lan_address = _lan_address()
    if lan_address is None:
        pytest.skip("this machine has no non-loopback address")
    data = tmp_path / "lan"
    write_config(data, ALWAYS_OPEN, voice=True)
    store = Store(data / "loket.db")
    create_user(store, "admin", "rahasia-123", "admin", utc_now())
    store.close()
    server = Server(data, free_port(), "--host", "0.0.0.0")
    try:
        server.wait_ready()
        page = microphone_browser.new_page()
        sign_in(page, f"http://{lan_address}:{server.port}")
        assert page.evaluate("window.isSecureContext") is False
        expect(page.locator("#insecure")).to_be_visible()
        expect(page.locator("#insecure")).to_contain_text("unggah")
        expect(page.locator("#record")).to_be_hidden()
        # upload a WAV instead: it is decoded, played back, and saved
        sample = tmp_path / "dua.wav"
        with wave.open(str(sample), "wb") as wav:
            wav.setnchannels(2)
            wav.setsampwidth(2)
            wav.setframerate(44100)
            wav.writeframes(
                b"".join(
                    (((i * 37) % 2000) - 1000).to_bytes(2, "little", signed=True) * 2 for i in range(44100)
                )
            )
        page.get_by_label("Unggah berkas suara").set_input_files(str(sample))
        expect(page.get_by_role("button", name="Simpan", exact=True)).to_be_enabled(timeout=WAIT_MS)
        page.get_by_role("button", name="Simpan", exact=True).click()
        expect(page.locator("#take-state")).to_have_text("Tersimpan.", timeout=WAIT_MS)
        with wave.open(str(data / "voice-pack" / "nomor-antrian.wav"), "rb") as wav:
            assert wav.getnchannels() == 1 and abs(wav.getnframes() / wav.getframerate() - 1.0) < 0.05
        page.close()
    finally:
        server.kill()  # the end of a test: every commit is on disk already


def _lan_address() -> str | None:
    import socket

    try:
        with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
            probe.connect(("192.0.2.1", 9))  # no packet is sent: this only picks the outgoing address
            address = probe.getsockname()[0]
    except OSError:
        return None
    return None if address.startswith("127.") else address
