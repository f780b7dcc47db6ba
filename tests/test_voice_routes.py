"""The sound files as the display fetches them: a tiny Flask app, and the whole Loket app."""

from __future__ import annotations

import threading
import time
from pathlib import Path
from types import SimpleNamespace

import pytest
from conftest import voiced_app
from flask import Flask

from server.config.voice import VoiceSettings
from server.voice import Announcer, NullAnnouncer, routes, synth, worker
from server.voice.routes import bp

NOT_FOUND = {"error": {"code": "audio_not_found", "message": "Berkas suara tidak ditemukan."}}


def make_app(announcer) -> Flask:
    app = Flask(__name__)
    app.register_blueprint(bp)
    # The blueprint reads the running office's announcer; here the announcer is all it has.
    app.extensions["runtime"] = SimpleNamespace(announcer=announcer)
    return app


def test_chime(announcer):
    response = make_app(announcer).test_client().get("/sounds/chime.wav")
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert response.data[:4] == b"RIFF" and response.data[8:12] == b"WAVE"
    assert "max-age=" in response.headers["Cache-Control"]


def test_announcement_is_served_as_soon_as_it_is_made(announcer, monkeypatch):
    """Asked for before its synthesis has finished, the WAV is answered once it has (not a 404)."""
    gate, real = threading.Event(), synth._speak_to

    def speak(engine, text, voice, rate, target):
        gate.wait(10)
        real(engine, text, voice, rate, target)

    monkeypatch.setattr(synth, "_speak_to", speak)
    monkeypatch.setattr(routes, "WAIT_SECONDS", 60.0)  # however slow this machine is today
    client = make_app(announcer).test_client()
    call = announcer.announce("A021", "Loket 1")
    answers = []
    fetch = threading.Thread(target=lambda: answers.append(client.get(call.audio_url)))
    fetch.start()  # right away, while the synthesis is held back
    fetch.join(0.2)
    assert answers == [], "answered before the WAV existed"
    gate.set()
    fetch.join(10)
    [response] = answers
    assert response.status_code == 200
    assert response.mimetype == "audio/wav"
    assert response.data == announcer.path_for(call.key).read_bytes()
    assert "immutable" in response.headers["Cache-Control"]
    assert "max-age=31536000" in response.headers["Cache-Control"]
    # browsers fetch audio in ranges
    partial = client.get(call.audio_url, headers={"Range": "bytes=0-99"})
    assert partial.status_code == 206 and len(partial.data) == 100


@pytest.mark.parametrize("key", ["0" * 64, "deadbeef" * 8])
def test_unknown_key_is_a_json_404_at_once(announcer, monkeypatch, key):
    """Nothing is making an unknown key, so the route does not wait for it: with the route's
    wait made an hour long, the answer still comes (a route that waited would still be in it)."""
    monkeypatch.setattr(routes, "WAIT_SECONDS", 3600.0)
    answers = []
    client = make_app(announcer).test_client()
    fetch = threading.Thread(
        target=lambda: answers.append(client.get(f"/sounds/announcements/{key}.wav")), daemon=True
    )
    fetch.start()
    fetch.join(30)
    [response] = answers
    assert response.status_code == 404
    assert response.get_json() == NOT_FOUND


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


def test_a_slow_synthesis_is_given_up_on_after_the_wait_and_served_later(announcer, monkeypatch):
    """The route waits WAIT_SECONDS for a synthesis still running, then answers 404 (the display
    plays the chime); the file is served once it is made."""
    assert routes.WAIT_SECONDS == 3.0
    monkeypatch.setattr(routes, "WAIT_SECONDS", 0.3)  # the same path, without waiting 3 s
    speaking, release = threading.Event(), threading.Event()
    real = synth._speak_to

    def held(engine, text, voice, rate, target):
        speaking.set()
        release.wait(30)  # released by the test once the route has answered
        real(engine, text, voice, rate, target)

    monkeypatch.setattr(synth, "_speak_to", held)
    waits = []
    wait_for = announcer.wait_for
    monkeypatch.setattr(
        announcer, "wait_for", lambda key, timeout=3.0: waits.append(timeout) or wait_for(key, timeout)
    )
    client = make_app(announcer).test_client()
    try:
        call = announcer.announce("A022", "Loket 1")
        assert speaking.wait(10), "the synthesis did not start"
        response = client.get(call.audio_url)
        job = worker.pending_job(announcer.path_for(call.key))
        assert job is not None and not job.done.is_set(), "the route answered only once the synthesis ended"
    finally:
        release.set()
    assert response.status_code == 404 and response.get_json() == NOT_FOUND
    assert response.headers["Cache-Control"] == "no-store"
    assert waits == [0.3], "the route did not wait WAIT_SECONDS for the file"
    assert wait_for(call.key, 10) == announcer.path_for(call.key)  # it does arrive, later
    later = client.get(call.audio_url)
    assert later.status_code == 200 and later.data == announcer.path_for(call.key).read_bytes()


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


def test_in_the_loket_app(tmp_path, clock):
    data = tmp_path / "data"
    with voiced_app(data, clock, background=False) as app:
        loket = app.extensions["runtime"]
        assert isinstance(loket.announcer, Announcer)
        call = loket.announce("C005", "Loket 1")
        assert call["text"] == "Nomor antrian, ce, lima, silakan menuju Loket 1"
        response = app.test_client().get(call["audio_url"])
        assert response.status_code == 200 and response.data[:4] == b"RIFF"
        assert (data / "sounds" / call["audio_url"].rsplit("/", 1)[1]).exists()


def test_a_relative_data_folder_serves_its_announcements(tmp_path, clock, monkeypatch):
    """`loket serve` on ./loket-data (the default): the WAV is found where it was written."""
    monkeypatch.chdir(tmp_path)
    with voiced_app(Path("loket-data"), clock, background=False) as app:
        call = app.extensions["runtime"].announce("A012", "Loket 3")
        response = app.test_client().get(call["audio_url"])
        assert response.status_code == 200 and response.data[:4] == b"RIFF"
        assert (tmp_path / "loket-data" / "sounds" / call["audio_url"].rsplit("/", 1)[1]).exists()


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
        loket = app.extensions["runtime"]
        issue(app.test_client(), "B")
        text = loket.announcer.text_for("B001", "Loket 2")
        path = loket.announcer.path_for(loket.announcer.key_for(text))
        deadline = time.monotonic() + 10
        while not path.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        assert path.exists(), "the likely next call was not synthesised ahead"
