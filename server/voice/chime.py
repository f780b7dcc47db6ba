"""The two-tone chime played before every call.

A soft "ding-dong": about 587 Hz (D5) then 880 Hz (A5), 1.4 s in all, each tone with a short
attack and an exponential decay, mono 16-bit at :data:`server.voice.wav.RATE` like espeak-ng's
output so that chime and speech join into one file without resampling. The shipped
``sounds/chime.wav`` is this generator's output (``python -m server.voice.chime`` rewrites it).
"""

from __future__ import annotations

import math
import sys
from array import array
from pathlib import Path

from server.voice.wav import RATE, duration_of, write_wav

FIRST_HZ = 587.33
SECOND_HZ = 880.0
DURATION = 1.4


def chime_samples(
    rate: int = RATE,
    first_hz: float = FIRST_HZ,
    second_hz: float = SECOND_HZ,
    duration: float = DURATION,
    peak: float = 0.5,
) -> array:
    """The chime as signed 16-bit samples: two tones of equal length, soft attack and decay."""
    half = int(rate * duration / 2)
    attack = int(rate * 0.012)
    out = array("h")
    for hz in (first_hz, second_hz):
        for i in range(half):
            t = i / rate
            envelope = min(1.0, i / attack) * math.exp(-3.2 * t / (duration / 2))
            # the release: fade the last 30 ms to zero so the tones join without a click
            tail = half - i
            if tail < rate * 0.03:
                envelope *= tail / (rate * 0.03)
            value = math.sin(2 * math.pi * hz * t) + 0.18 * math.sin(4 * math.pi * hz * t)
            out.append(int(round(peak * 32767 * envelope * value / 1.18)))
    return out


def write_chime(path: Path) -> Path:
    """Generate the chime into ``path``; return it."""
    write_wav(Path(path), chime_samples())
    return Path(path)


def shipped_chime() -> Path:
    """The shipped chime WAV, generated first where a checkout lacks it."""
    from sounds import CHIME_PATH

    if not CHIME_PATH.exists():
        write_chime(CHIME_PATH)
    return CHIME_PATH


def main() -> int:
    """``python -m server.voice.chime [path]``: (re)generate the shipped chime."""
    from sounds import CHIME_PATH

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else CHIME_PATH
    write_chime(target)
    print(f"{target}: {duration_of(target):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
