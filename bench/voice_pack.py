"""Announcement audio made from an office's voice pack: every word of the calls recorded.

The pack is the full word list of the demo office (template phrases, counter names, A-Z, the
number words), each clip 0.25-0.6 s of tone between 0.3 s and 0.45 s of room hiss, recorded at
48 kHz mono 16-bit like the "Rekam suara" page sends. Timed from ``announce()`` until the WAV
exists (``wait_for``), as for the synthesised voice.
"""

from __future__ import annotations

import time
from pathlib import Path

from conftest import tone_wav

from bench.voice import time_announcements
from server.config.voice import DEFAULT_TEMPLATE, VoiceSettings
from server.voice import Announcer, assemble
from server.voice.pack import VoicePack, needed

COUNTERS = ["Loket 1", "Loket 2", "Loket 3", "Loket 4"]


def build_pack(folder: Path) -> int:
    """Write the full word list as clips; returns how many."""
    import string

    pack = VoicePack(folder)
    literals = [literal for literal, *_rest in string.Formatter().parse(DEFAULT_TEMPLATE)]
    items = needed(literals, COUNTERS)
    for index, item in enumerate(items):
        seconds = 0.25 + 0.35 * (index % 7) / 6
        pack.save(
            item["name"],
            tone_wav(200.0 + 40 * index, seconds, 0.1 + 0.5 * (index % 5) / 4, 48000, 1, 2, seed=index),
        )
    return len(items)


def measure(tmp: Path, count: int) -> dict:
    """Uncached and cached times (ms) of ``count`` calls, and how long preparing the pack took."""
    clips = build_pack(tmp / "voice-pack")
    announcer = Announcer(VoiceSettings(), tmp / "voice-pack-cache", pack_dir=tmp / "voice-pack")
    started = time.perf_counter()
    announcer.warm_pack()  # what start() does in the background
    warm_ms = (time.perf_counter() - started) * 1000
    spoken_before = len(assemble._memo)
    try:
        announcer.wait_for(announcer.announce("Z999", "Loket 4").key, 10)  # the worker thread is up
        calls = [(f"{'ABCDEF'[n % 6]}{n * 37 % 1000:03d}", COUNTERS[n % 4]) for n in range(1, count + 1)]
        uncached, cached = time_announcements(announcer, calls)
    finally:
        announcer.close()
    # every word came from the pack: nothing was synthesised and remembered
    assert len(assemble._memo) == spoken_before, "the synthesiser was used"
    return {"uncached": uncached, "cached": cached, "clips": clips, "warm_ms": warm_ms}
