"""Clips made ready to join: read (any common WAV), trimmed, brought to one loudness, joined.

A recorded word starts and ends with room silence and each was spoken a little louder or
softer; an announcement made of them must sound like one sentence. So every clip is converted
to mono 16-bit at :data:`RATE`, trimmed of leading and trailing silence, scaled to one RMS
loudness (measured on the trimmed clip) and joined to the next with a short gap. Prepared clips
are kept in memory, keyed by file, size and modification time, so a call only concatenates.
"""

from __future__ import annotations

import math
import threading
from array import array
from collections import OrderedDict
from pathlib import Path

from server.voice.wav import RATE, read_wav, resample, rms

TARGET_RMS = 3000.0  # about -21 dBFS: speech peaks stay well below full scale
GAP_SECONDS = 0.1  # between two clips: a natural pause, never more than 150 ms of silence
EDGE_SECONDS = 0.01  # kept of the silence at each end so no consonant is cut
FRAME_SECONDS = 0.01
MAX_GAIN = 30.0  # a near-silent clip is not blown up into noise
MEMO_SIZE = 600

_memo: OrderedDict = OrderedDict()
_memo_lock = threading.Lock()


def _frame_levels(samples: array, frame: int) -> list[float]:
    return [
        math.sqrt(sum(s * s for s in samples[i : i + frame]) / len(samples[i : i + frame]))
        for i in range(0, len(samples), frame)
    ]


def trim(samples: array, rate: int = RATE) -> array:
    """Drop leading and trailing silence: 10 ms frames quieter than 4 % of the loudest one."""
    if not samples:
        return samples
    frame = max(1, int(rate * FRAME_SECONDS))
    levels = _frame_levels(samples, frame)
    threshold = max(80.0, 0.04 * max(levels))
    loud = [i for i, level in enumerate(levels) if level >= threshold]
    if not loud:
        return array("h")
    edge = int(rate * EDGE_SECONDS)
    start = max(0, loud[0] * frame - edge)
    end = min(len(samples), (loud[-1] + 1) * frame + edge)
    return samples[start:end]


def normalise(samples: array, target: float = TARGET_RMS) -> array:
    """Scale to ``target`` RMS (never clipping, never more than :data:`MAX_GAIN`)."""
    level = rms(samples)
    if level <= 0:
        return samples
    peak = max(abs(s) for s in samples) or 1
    gain = min(target / level, 32000 / peak, MAX_GAIN)
    return array("h", (int(round(s * gain)) for s in samples))


def prepare(samples: array, rate: int) -> array:
    """Samples at :data:`RATE`, trimmed and brought to the common loudness."""
    return normalise(trim(resample(samples, rate, RATE), RATE))


def clip(path: Path) -> array:
    """The prepared samples of a recorded clip (from memory when the file has not changed)."""
    stat = Path(path).stat()
    key = (str(path), stat.st_size, stat.st_mtime_ns)
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
            return found
    prepared = prepare(*read_wav(path))
    remember(key, prepared)
    return prepared


def remembered(key):
    """A prepared clip kept under ``key`` (any hashable), or None."""
    with _memo_lock:
        found = _memo.get(key)
        if found is not None:
            _memo.move_to_end(key)
        return found


def remember(key, samples: array) -> None:
    """Keep prepared samples under ``key``, forgetting the least recently used beyond the limit."""
    with _memo_lock:
        _memo[key] = samples
        while len(_memo) > MEMO_SIZE:
            _memo.popitem(last=False)


def join(parts: list[array], gap: float = GAP_SECONDS) -> array:
    """Prepared clips one after another with ``gap`` seconds of silence between them."""
    out = array("h")
    silence = array("h", bytes(2 * int(RATE * gap)))
    for index, part in enumerate(parts):
        if index:
            out.extend(silence)
        out.extend(part)
    return out
