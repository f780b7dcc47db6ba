"""Announcement audio ready: the time from a call's ``announce()`` until its WAV exists, not
cached and cached, with the synthesised voice and with an office's voice pack
(bench/voice_pack.py); how long ``announce()`` itself takes, and the display's fetch of the WAV
(the tests check only that neither waits for what it should not)."""

from __future__ import annotations

import time
from pathlib import Path

from bench.harness import percentile, record


def time_announcements(announcer, calls: list[tuple[str, str]]) -> tuple[list[float], list[float]]:
    """Each (number, counter) of ``calls`` announced twice, timed from ``announce()`` until its
    WAV exists: (the first times, not cached; the second, cached), in ms."""
    uncached, cached = [], []
    for number, counter in calls:
        for times in (uncached, cached):
            sent = time.perf_counter()
            announcement = announcer.announce(number, counter)
            assert announcer.wait_for(announcement.key, 10) is not None
            times.append((time.perf_counter() - sent) * 1000)
    return uncached, cached


def time_announce_calls(announcer, calls: list[tuple[str, str]]) -> tuple[list[float], list[float]]:
    """How long ``announce()`` itself takes, in ms, for each of ``calls`` not cached and then
    cached (the synthesis is waited for between the two, untimed)."""
    uncached, cached = [], []
    for number, counter in calls:
        for times in (uncached, cached):
            sent = time.perf_counter()
            announcement = announcer.announce(number, counter)
            times.append((time.perf_counter() - sent) * 1000)
            assert announcer.wait_for(announcement.key, 10) is not None
    return uncached, cached


def time_sound_route(announcer, calls: list[tuple[str, str]]) -> tuple[list[float], list[float]]:
    """The display's GET of a call's WAV sent right after ``announce()`` (the route waits for the
    synthesis), from the call, in ms; and a GET of an unknown key (answered 404 at once)."""
    from types import SimpleNamespace

    from flask import Flask

    from server.voice.routes import bp

    app = Flask(__name__)
    app.register_blueprint(bp)
    app.extensions["runtime"] = SimpleNamespace(announcer=announcer)  # all the route reads
    client = app.test_client()
    fetched, unknown = [], []
    for n, (number, counter) in enumerate(calls):
        sent = time.perf_counter()
        response = client.get(announcer.announce(number, counter).audio_url)
        fetched.append((time.perf_counter() - sent) * 1000)
        assert response.status_code == 200, response.status_code
        sent = time.perf_counter()
        response = client.get(f"/sounds/announcements/{n:064x}.wav")
        unknown.append((time.perf_counter() - sent) * 1000)
        assert response.status_code == 404, response.status_code
    return fetched, unknown


def bench_voice(tmp: Path, quick: bool) -> None:
    """The synthesised voice (espeak-ng), chime and speech in one WAV."""
    from server.config.voice import VoiceSettings
    from server.voice import Announcer

    announcer = Announcer(VoiceSettings(), tmp / "voice-cache")
    announcer.start()
    try:
        announcer.wait_for(announcer.announce("Z999", "Loket 9").key, 10)  # warm the engine
        count = 20 if quick else 60
        calls = [(f"{'ABCDEF'[n % 6]}{n:03d}", f"Loket {n % 4 + 1}") for n in range(1, count + 1)]
        uncached, cached = time_announcements(announcer, calls)
        record(
            "call → announcement audio ready, not cached",
            uncached,
            "p99 ≤ 100 ms",
            percentile(uncached, 0.99) <= 100,
            "espeak-ng, chime + speech in one WAV",
        )
        record("call → announcement audio ready, cached", cached, "p99 ≤ 5 ms", percentile(cached, 0.99) <= 5)
        calls = [(f"{'GHJKLM'[n % 6]}{n:03d}", f"Loket {n % 4 + 1}") for n in range(1, count + 1)]
        uncached, cached = time_announce_calls(announcer, calls)
        record(
            "announce() returns, not cached",
            uncached,
            "p99 ≤ 5 ms",
            percentile(uncached, 0.99) <= 5,
            "the call's request does not wait for the synthesis",
        )
        record("announce() returns, cached", cached, "p99 ≤ 5 ms", percentile(cached, 0.99) <= 5)
        calls = [(f"{'NPRSTU'[n % 6]}{n:03d}", f"Loket {n % 4 + 1}") for n in range(1, count + 1)]
        fetched, unknown = time_sound_route(announcer, calls)
        record(
            "GET of a call's WAV sent right after the call",
            fetched,
            "p99 ≤ 100 ms",
            percentile(fetched, 0.99) <= 100,
            "the route waits for the synthesis; Flask test client",
        )
        record(
            "GET of an unknown announcement → 404",
            unknown,
            "p99 ≤ 5 ms",
            percentile(unknown, 0.99) <= 5,
            "nothing is making it: no waiting",
        )
    finally:
        announcer.close()


def bench_voice_pack(tmp: Path, quick: bool) -> None:
    """The same with an office voice pack that has every word (bench/voice_pack.py)."""
    from bench.voice_pack import measure

    figures = measure(tmp, 20 if quick else 60)
    note = f"{figures['clips']} clips at 48 kHz, prepared in {figures['warm_ms']:.0f} ms at start"
    record(
        "call → announcement audio ready with a voice pack, not cached",
        figures["uncached"],
        "p99 ≤ 100 ms",
        percentile(figures["uncached"], 0.99) <= 100,
        note,
    )
    record(
        "call → announcement audio ready with a voice pack, cached",
        figures["cached"],
        "p99 ≤ 5 ms",
        percentile(figures["cached"], 0.99) <= 5,
    )
