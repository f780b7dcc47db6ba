"""One synthesis job: the words of a call made into ``<key>.wav``, chime first.

The engine (:mod:`server.voice.engines`: espeak-ng, or a better platform voice through pyttsx3)
is created once per process and used only from the voice worker's thread
(:mod:`server.voice.worker`), which runs :func:`synthesise` for each :class:`Job` in turn.

Each finished file is the chime (if enabled), a short silence, then the speech, so the display
plays ONE file per call. With a voice pack the speech is the office's recordings, joined, and
the engine says only the words the pack lacks. Files are written to a temporary name and
renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import logging
import os
import sys
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from server.voice import assemble, engines, lexicon, wav
from server.voice.chime import shipped_chime
from server.voice.engines import VoiceError

log = logging.getLogger(__name__)

_engine = None
_voice_ids: dict[str, str] = {}
#: pyttsx3's driver for a better platform voice (None on Linux); tests point it at a fake one.
PLATFORM_DRIVER = engines.PLATFORM_DRIVERS.get(sys.platform)


@dataclass(eq=False)
class Job:
    """One synthesis request. ``done`` is set when it finished, failed or was cancelled."""

    kind: str  # "announce" | "prefetch" | "probe" | "file"
    text: str
    voice: str
    rate: int
    chime: bool
    target: Path | None
    owner: object = None
    on_done: Callable[["Job"], None] | None = None
    done: threading.Event = field(default_factory=threading.Event)
    ok: bool = False
    error: str | None = None
    seconds: float | None = None
    voice_id: str | None = None
    cancelled: bool = False
    seq: int = -1  # submission order, set by worker.submit()
    owners: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)
    pack: object = None  # a server.voice.pack.VoicePack to speak with, or None

    def __post_init__(self):
        if self.owner is not None:
            self.owners.append(self.owner)
        if self.on_done is not None:
            self.callbacks.append(self.on_done)


# ---- the engine ---------------------------------------------------------------------------


def make_engine():
    """The process's speech engine (created once, on the worker thread). Tests replace this."""
    global _engine
    if _engine is None:
        _engine = engines.choose(PLATFORM_DRIVER)
        log.info("voice: speaking with %s", _engine.name)
    return _engine


def forget_engine() -> None:
    """Drop the engine (the worker calls this at exit, while no synthesis runs)."""
    global _engine
    _engine = None


def resolve_voice(engine, wanted: str) -> str:
    """The engine's voice id for ``wanted`` (a voice id like "poz/id" or a language like "id")."""
    cache_name = f"{engine.name}\x1f{wanted}"
    cached = _voice_ids.get(cache_name)
    if cached:
        return cached
    found = engines.resolve(engine.voices(), wanted)
    _voice_ids[cache_name] = found
    return found


def _speak_to(engine, text: str, voice: str, rate: int, target: Path) -> None:
    """One synthesis of ``text`` into ``target`` (a WAV). Called on the worker thread only."""
    spoken = lexicon.speakable(text) if engine.phonemes else text
    engine.speak(spoken, resolve_voice(engine, voice), rate, target)
    if not target.exists() or target.stat().st_size <= 44:
        raise VoiceError("the speech engine wrote no audio")


def _engine_or_error():
    try:
        return make_engine()
    except VoiceError:
        raise
    except Exception as exc:
        raise VoiceError(f"the speech engine could not start: {exc!r}") from None


# ---- one job --------------------------------------------------------------------------------


def synthesise(job: Job) -> None:
    """Do ``job`` (on the worker thread): set ``job.ok``, or ``job.error``; never raises."""
    if job.kind == "probe":
        try:
            job.voice_id = resolve_voice(make_engine(), job.voice)
            job.ok = True
        except VoiceError as exc:
            job.ok, job.error = False, str(exc)
        except Exception as exc:
            job.ok, job.error = False, f"the speech engine could not start: {exc!r}"
        return
    if not job.text.strip():
        job.ok, job.error = False, "nothing to say (empty text)"
        return
    try:
        if job.pack is not None and job.pack.clips():
            speech = _from_pack(job)
        else:
            speech = _from_engine(job)
        parts = []
        if job.chime:
            parts.append(wav.read_wav(shipped_chime()))
        parts.append((speech, wav.RATE))
        wav.write_wav(job.target, wav.join(parts, rate=wav.RATE))
        job.ok = True
    except VoiceError as exc:
        job.ok, job.error = False, str(exc)
    except Exception as exc:
        job.ok, job.error = False, f"synthesis failed: {exc!r}"


def _speak_samples(engine, text: str, job: Job) -> tuple:
    """Synthesise ``text`` into a temporary file next to the target; its samples and rate."""
    job.target.parent.mkdir(parents=True, exist_ok=True)
    fd, speech_tmp = tempfile.mkstemp(prefix=".speech-", suffix=".wav", dir=job.target.parent)
    os.close(fd)
    speech = Path(speech_tmp)
    try:
        _speak_to(engine, text, job.voice, job.rate, speech)
        return wav.read_wav(speech)
    finally:
        try:
            speech.unlink()
        except OSError:
            pass


def _from_engine(job: Job):
    """The whole text from the engine, as one utterance (no voice pack)."""
    engine = _engine_or_error()
    job.voice_id = resolve_voice(engine, job.voice)
    samples, rate = _speak_samples(engine, job.text, job)
    samples = wav.trim_trailing_silence(samples, rate)
    if not samples or wav.rms(samples[:: max(1, len(samples) // 4000)]) < 1:
        raise VoiceError("the speech engine produced silence")
    return wav.resample(samples, rate, wav.RATE)


def _from_pack(job: Job):
    """The recorded clips of the office's pack; the engine says only the words it lacks."""
    parts, engine = [], None
    for segment in job.pack.plan(job.text):
        if segment.path is not None:
            parts.append(assemble.clip(segment.path))
            continue
        if engine is None:
            engine = _engine_or_error()
        key = ("spoken", engine.name, segment.text, job.voice, job.rate)
        samples = assemble.remembered(key)
        if samples is None:
            samples = assemble.prepare(*_speak_samples(engine, segment.text, job))
            assemble.remember(key, samples)
        parts.append(samples)
    job.voice_id = "voice pack" + (f" + {resolve_voice(engine, job.voice)}" if engine is not None else "")
    return assemble.join([part for part in parts if part])
