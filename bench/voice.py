"""Announcement audio ready: the time from a call's ``announce()`` until its WAV exists, not
cached and cached, with the synthesised voice and with an office's voice pack
(bench/voice_pack.py)."""

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
