"""Small WAV helpers the voice needs (standard library only): read, write, resample, join.

Loket's announcement files are mono 16-bit at :data:`RATE` (22,050 Hz, espeak-ng's own rate), so
that the chime (:mod:`server.voice.chime`), recorded clips and speech join into one file.
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
GAP_SECONDS = 0.25  # silence between the chime and the voice


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


def read_wav(path: Path) -> tuple[array, int]:
    """Mono 16-bit samples and the rate of a PCM WAV of 8, 16, 24 or 32 bits, any channel count."""
    with wave.open(str(path), "rb") as src:
        channels, width, rate = src.getnchannels(), src.getsampwidth(), src.getframerate()
        raw = src.readframes(src.getnframes())
    if width == 1:
        samples = array("h", ((b - 128) << 8 for b in raw))
    else:
        if width in (3, 4):  # keep the two most significant bytes of each little-endian sample
            wide = bytearray(len(raw) // width * 2)
            wide[0::2] = raw[width - 2 :: width]
            wide[1::2] = raw[width - 1 :: width]
            raw = bytes(wide)
        elif width != 2:
            raise ValueError(f"unsupported sample width {width * 8} bits")
        samples = array("h")
        samples.frombytes(raw[: len(raw) // 2 * 2])
        if sys.byteorder == "big":
            samples.byteswap()
    if channels > 1:
        columns = [samples[c::channels] for c in range(channels)]
        samples = array("h", (sum(frame) // channels for frame in zip(*columns, strict=False)))
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
