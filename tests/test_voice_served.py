"""The voice on the real server (gunicorn's gevent worker): announcements are synthesised by
espeak-ng in a worker thread and served as WAV files — not left "sedang disiapkan"."""

from __future__ import annotations

import io
import time
import wave

import pytest
import requests

pytestmark = pytest.mark.slow

PASSWORD = "rahasia-123"


def signed_in(server, username: str, **extra) -> requests.Session:
    session = requests.Session()
    session.headers["Origin"] = server.url
    response = session.post(
        f"{server.url}/api/login", json={"username": username, "password": PASSWORD, **extra}, timeout=10
    )
    assert response.status_code == 200, response.text
    return session


def test_a_call_is_spoken_by_the_served_office(live_server):
    officer = signed_in(live_server, "petugas1", counter=1)
    assert (
        requests.post(f"{live_server.url}/api/tickets", json={"service": "A"}, timeout=10).status_code == 201
    )
    officer.post(f"{live_server.url}/api/counters/1/call-next", timeout=10).raise_for_status()
    admin = signed_in(live_server, "admin")
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status = admin.get(f"{live_server.url}/api/admin/settings", timeout=10).json()["voice_status"]
        if status["state"] == "ok" and status["synthesised"] >= 1:
            break
        time.sleep(0.5)
    assert status["state"] == "ok" and status["synthesised"] >= 1 and status["failures"] == 0, status

    sample = admin.post(f"{live_server.url}/api/admin/voice/preview", json={}, timeout=30)
    assert sample.status_code == 200, sample.text
    wav_bytes = requests.get(live_server.url + sample.json()["audio_url"], timeout=10).content
    with wave.open(io.BytesIO(wav_bytes)) as wav:
        assert wav.getnframes() / wav.getframerate() > 2.0  # the chime and the words, not the chime alone
