"""The sound files as the display fetches them: a tiny Flask app, and the whole Loket app."""

from __future__ import annotations

import time
from contextlib import contextmanager

import pytest
from flask import Flask

from server.voice import Announcer, NullAnnouncer, synth
from server.voice.routes import bp
from server.voice.settings import VoiceSettings

NOT_FOUND = {"error": {"code": "audio_not_found", "message": "Berkas suara tidak ditemukan."}}


def make_app(announcer) -> Flask:
    app = Flask(__name__)
    app.register_blueprint(bp)
    app.extensions["loket_announcer"] = announcer
    return app


@pytest.fixture
def announcer(tmp_path):
    made = Announcer(VoiceSettings(), tmp_path / "sounds")
    made.start()
    yield made
    made.close()


def test_chime(announcer):
    response = make_app(announcer).test_client().get("/sounds/chime.wav")
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert response.data[:4] == b"RIFF" and response.data[8:12] == b"WAVE"
    assert "max-age=" in response.headers["Cache-Control"]


def test_announcement_is_served_as_soon_as_it_is_made(announcer):
    client = make_app(announcer).test_client()
    call = announcer.announce("A021", "Loket 1")
    started = time.perf_counter()
    response = client.get(call.audio_url)  # right away: the route waits for the synthesis
    assert (time.perf_counter() - started) < 3
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert response.data == announcer.path_for(call.key).read_bytes()
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    # browsers fetch audio in ranges
    partial = client.get(call.audio_url, headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and len(partial.data) == 100


@pytest.mark.parametrize("key", ["0" * 64, "deadbeef" * 8])
def test_unknown_key_is_a_json_404_at_once(announcer, key):
    started = time.perf_counter()
    response = make_app(announcer).test_client().get(f"/sounds/announcements/{key}.wav")
    assert response.status_code == 404
    assert response.get_json() == NOT_FOUND
    assert time.perf_counter() - started < 1  # nothing is making it: no point waiting


@pytest.mark.parametrize(
    "path",
    [
        "/sounds/announcements/XYZ.wav",
        "/sounds/announcements/..%2F..%2Floket.toml.wav",
        "/sounds/announcements/" + "A" * 64 + ".wav",
        "/sounds/announcements/abc.wav",
    ],
)
def test_keys_must_be_hex(announcer, path):
    response = make_app(announcer).test_client().get(path)
    assert response.status_code == 404
    if response.is_json:
        assert response.get_json() == NOT_FOUND


def test_a_slow_synthesis_gives_up_after_about_three_seconds(announcer, monkeypatch):
    real = synth._speak_to

    def slow(engine, text, voice, rate, target):
        time.sleep(4)
        real(engine, text, voice, rate, target)

    monkeypatch.setattr(synth, "_speak_to", slow)
    call = announcer.announce("A022", "Loket 1")
    started = time.perf_counter()
    response = make_app(announcer).test_client().get(call.audio_url)
    waited = time.perf_counter() - started
    assert response.status_code == 404 and response.get_json() == NOT_FOUND
    assert 2.5 < waited < 3.8
    assert announcer.wait_for(call.key, 5) is not None  # it does arrive, later


def test_failed_voice_serves_the_chime(tmp_path, monkeypatch):
    def broken():
        raise synth.VoiceError("no espeak-ng")

    monkeypatch.setattr(synth, "make_engine", broken)
    announcer = Announcer(VoiceSettings(), tmp_path / "sounds")
    call = announcer.announce("B010", "Loket 2")
    client = make_app(announcer).test_client()
    response = client.get(call.audio_url)
    assert response.status_code == 200
    assert response.data == client.get("/sounds/chime.wav").data
    assert "immutable" not in response.headers["Cache-Control"]


def test_null_announcer(tmp_path):
    off = NullAnnouncer(VoiceSettings(enabled=False), tmp_path)
    client = make_app(off).test_client()
    call = off.announce("A001", "Loket 1")
    assert call.audio_url == "/sounds/chime.wav"
    assert client.get(call.audio_url).status_code == 200
    assert client.get(f"/sounds/announcements/{call.key}.wav").status_code == 404


@contextmanager
def voiced_app(data, clock, background: bool):
    """The whole Loket app on ``data`` with the voice on."""
    from conftest import write_config

    write_config(data, voice=True)
    from conftest import make_app as make_office

    app = make_office(data, clock=clock, background=background)
    try:
        yield app
    finally:
        app.extensions["loket"].close()


def test_in_the_loket_app(tmp_path, clock):
    data = tmp_path / "data"
    with voiced_app(data, clock, background=False) as app:
        loket = app.extensions["loket"]
        assert isinstance(loket.announcer, Announcer)
        call = loket.announce("C005", "Loket 1")
        assert call["text"] == "Nomor antrian, ce, lima, silakan menuju Loket 1"
        response = app.test_client().get(call["audio_url"])
        assert response.status_code == 200 and response.data[:4] == b"RIFF"
        assert (data / "sounds" / call["audio_url"].rsplit("/", 1)[1]).exists()


def test_likely_next_calls_per_counter(loket, client, clock):
    """Each counter's look-ahead: its services merged, priority first, then the oldest."""
    from conftest import issue

    issue(client, "A")  # A001
    clock.advance(seconds=1)
    issue(client, "C")  # C001
    clock.advance(seconds=1)
    issue(client, "A", priority=True)  # A002, priority
    clock.advance(seconds=1)
    issue(client, "F")  # F001
    calls = {}
    for counter, ticket in loket.queue.likely_next_calls(limit=2):
        calls.setdefault(counter.name, []).append(ticket.number)
    assert calls == {"Loket 1": ["A002", "A001"], "Loket 4": ["A002", "A001"]}
    assert [t.number for c, t in loket.queue.likely_next_calls(limit=3) if c.name == "Loket 4"] == [
        "A002",
        "A001",
        "F001",
    ]


def test_the_next_call_is_synthesised_before_the_officer_presses(tmp_path, clock):
    """A ticket taken at the kiosk: its call's audio is on disk before anyone calls it."""
    from conftest import issue

    with voiced_app(tmp_path / "data", clock, background=True) as app:
        loket = app.extensions["loket"]
        issue(app.test_client(), "B")
        text = loket.announcer.text_for("B001", "Loket 2")
        path = loket.announcer.path_for(loket.announcer.key_for(text))
        deadline = time.monotonic() + 10
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert path.exists(), "the likely next call was not synthesised ahead"
