"""The two-tone chime and the small WAV helpers the voice needs (standard library only).

The chime is a soft "ding-dong": about 587 Hz (D5) then 880 Hz (A5), 1.4 s in all, each tone
with a short attack and an exponential decay, mono 16-bit 22,050 Hz like espeak-ng's output so
that chime and speech join into one file without resampling.
"""

from __future__ import annotations

import math
import os
import sys
import tempfile
import wave
from array import array
from pathlib import Path

RATE = 22050
CHANNELS = 1
SAMPLE_WIDTH = 2
FIRST_HZ = 587.33
SECOND_HZ = 880.0
DURATION = 1.4
GAP_SECONDS = 0.25  # silence between the chime and the voice


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


def write_wav(path: Path, samples: array, rate: int = RATE) -> None:
    """Write mono 16-bit samples to ``path`` atomically (temp file in the same folder, then rename)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=".tmp-", suffix=".wav", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle, wave.open(handle, "wb") as out:
            out.setnchannels(CHANNELS)
            out.setsampwidth(SAMPLE_WIDTH)
            out.setframerate(rate)
            out.writeframes(_to_le_bytes(samples))
        os.chmod(tmp, 0o644)  # mkstemp makes 0600; the files are meant to be served
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise


def write_chime(path: Path) -> Path:
    """Generate the chime into ``path``; return it."""
    write_wav(Path(path), chime_samples())
    return Path(path)


def read_samples(path: Path) -> tuple[array, int]:
    """Samples of a WAV as mono 16-bit, with its frame rate. Stereo is mixed down; 8-bit widened."""
    with wave.open(str(path), "rb") as src:
        channels, width, rate = src.getnchannels(), src.getsampwidth(), src.getframerate()
        raw = src.readframes(src.getnframes())
    if width == 2:
        samples = array("h")
        samples.frombytes(raw)
        if sys.byteorder == "big":
            samples.byteswap()
    elif width == 1:
        samples = array("h", ((b - 128) << 8 for b in raw))
    else:
        raise ValueError(f"{path}: unsupported sample width {width * 8} bits")
    if channels > 1:
        samples = array(
            "h", (int(sum(samples[i : i + channels]) / channels) for i in range(0, len(samples), channels))
        )
    return samples, rate


def resample(samples: array, from_rate: int, to_rate: int) -> array:
    """Linear resampling; enough for speech joined to a chime."""
    if from_rate == to_rate or not samples:
        return samples
    count = int(len(samples) * to_rate / from_rate)
    step = from_rate / to_rate
    out = array("h")
    last = len(samples) - 1
    for i in range(count):
        pos = i * step
        j = int(pos)
        frac = pos - j
        a = samples[min(j, last)]
        b = samples[min(j + 1, last)]
        out.append(int(a + (b - a) * frac))
    return out


def join(parts: list[tuple[array, int]], rate: int = RATE, gap: float = GAP_SECONDS) -> array:
    """Concatenate sample runs (each with its rate) at ``rate``, with ``gap`` seconds of silence between."""
    out = array("h")
    silence = array("h", bytes(2 * int(rate * gap)))
    for index, (samples, sample_rate) in enumerate(parts):
        if index:
            out.extend(silence)
        out.extend(resample(samples, sample_rate, rate))
    return out


def trim_trailing_silence(
    samples: array, rate: int = RATE, threshold: int = 200, keep: float = 0.15
) -> array:
    """Drop the silence espeak-ng leaves after the last word, keeping ``keep`` seconds of it."""
    end = len(samples)
    while end and abs(samples[end - 1]) < threshold:
        end -= 1
    return samples[: min(len(samples), end + int(rate * keep))]


def rms(samples) -> float:
    """Root mean square of 16-bit samples (0-32767)."""
    if not samples:
        return 0.0
    return math.sqrt(sum(s * s for s in samples) / len(samples))


def duration_of(path: Path) -> float:
    """Length of a WAV in seconds."""
    with wave.open(str(path), "rb") as src:
        return src.getnframes() / float(src.getframerate())


def _to_le_bytes(samples: array) -> bytes:
    if sys.byteorder == "big":
        samples = array("h", samples)
        samples.byteswap()
    return samples.tobytes()


def main() -> int:
    """``python -m server.voice.wav [path]``: (re)generate the shipped chime."""
    from sounds import CHIME_PATH

    target = Path(sys.argv[1]) if len(sys.argv) > 1 else CHIME_PATH
    write_chime(target)
    print(f"{target}: {duration_of(target):.2f} s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())

__all__ = [
    "RATE",
    "chime_samples",
    "write_chime",
    "write_wav",
    "read_samples",
    "resample",
    "join",
    "rms",
    "duration_of",
]
