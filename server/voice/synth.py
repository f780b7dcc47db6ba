"""Offline speech, driven by ONE worker thread per process.

The engine (:mod:`server.voice.engines`: espeak-ng, or a better platform voice through
pyttsx3) is used from the single module-level worker below, fed by a priority queue
(announcements before prefetches, first come first served within a priority): pyttsx3's engine
is not thread-safe and one espeak-ng at a time keeps the two cores free for the office. All
:class:`~server.voice.Announcer` instances share it.

Each finished file is ``<key>.wav`` in the caller's cache folder: the chime (if enabled), a
short silence, then the speech, so the display plays ONE file per call. With a voice pack the
speech is the office's recordings, joined, and the engine says only the words the pack lacks.
Files are written to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import atexit
import hashlib
import itertools
import logging
import os
import queue
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from server.voice import assemble, engines, lexicon
from server.voice import wav as audio
from server.voice.engines import VoiceError

log = logging.getLogger(__name__)

PRIORITY_PROBE = 0
PRIORITY_ANNOUNCE = 1
PRIORITY_PREFETCH = 2
#: Changes when the words Loket hands the engine change (new pronunciations): new files.
LEXICON_VERSION = "lexicon-1"


def cache_key(text: str, voice: str, rate: int, chime: bool = True, pack: str = "") -> str:
    """The file name (without .wav) of an announcement: sha256 of what makes the audio differ.

    ``pack`` is the voice pack's fingerprint: a changed pack makes new files.
    """
    material = "\x1f".join([text, voice, str(rate), "chime" if chime else "plain", LEXICON_VERSION, pack])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# ---- the engine ---------------------------------------------------------------------------

_engine = None
_voice_ids: dict[str, str] = {}
#: pyttsx3's driver for a better platform voice (None on Linux); tests point it at a fake one.
PLATFORM_DRIVER = engines.PLATFORM_DRIVERS.get(sys.platform)


def make_engine():
    """The process's speech engine (created once, on the worker thread). Tests replace this."""
    global _engine
    if _engine is None:
        _engine = engines.choose(PLATFORM_DRIVER)
        log.info("voice: speaking with %s", _engine.name)
    return _engine


def _forget_engine() -> None:
    """At exit, drop the engine while modules still exist (pyttsx3's __del__ needs them)."""
    global _engine
    if _busy.acquire(timeout=0.5):
        try:
            _engine = None
        finally:
            _busy.release()


atexit.register(_forget_engine)


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


# ---- jobs and the worker ------------------------------------------------------------------


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
    seq: int = -1  # submission order, set by submit()
    owners: list = field(default_factory=list)
    callbacks: list = field(default_factory=list)
    pack: object = None  # a server.voice.pack.VoicePack to speak with, or None

    def __post_init__(self):
        if self.owner is not None:
            self.owners.append(self.owner)
        if self.on_done is not None:
            self.callbacks.append(self.on_done)


_queue: queue.PriorityQueue = queue.PriorityQueue()
_counter = itertools.count()
_pending: dict[str, Job] = {}  # target path -> job, while queued or running
_lock = threading.Lock()
_worker: threading.Thread | None = None
_busy = threading.Semaphore(1)
_running: dict[str, float | None] = {"since": None}
#: A synthesis running longer than this means the engine hangs.
STUCK_SECONDS = 20.0
#: Instrumentation for tests: how many syntheses run right now, and the most ever at once.
stats = {"active": 0, "max_active": 0, "completed": 0}
#: When a list, each synthesis appends ("start"|"end", seq, text, monotonic time) (for tests).
trace: list[tuple[str, int, str, float]] | None = None


def _after_fork_in_child() -> None:
    """A forked child has no voice worker: start clean (queued work belongs to the parent)."""
    global _queue, _lock, _worker, _busy
    _queue = queue.PriorityQueue()
    _lock = threading.Lock()
    _busy = threading.Semaphore(1)
    _worker = None
    _pending.clear()
    _running["since"] = None
    stats["active"] = 0


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_after_fork_in_child)


def _ensure_worker() -> None:
    global _worker
    with _lock:
        if _worker is None or not _worker.is_alive():
            _worker = threading.Thread(target=_run, name="loket-voice", daemon=True)
            _worker.start()


def submit(job: Job, priority: int) -> Job:
    """Queue ``job``; if the same file is already queued, share that job (raising its priority)."""
    _ensure_worker()
    with _lock:
        if job.target is not None:
            key = str(job.target)
            existing = _pending.get(key)
            if existing is not None and not existing.done.is_set():
                if priority < PRIORITY_PREFETCH and existing.kind == "prefetch":
                    existing.kind = job.kind  # promoted: counted as an announcement now
                    existing.seq = next(_counter)
                    _queue.put((priority, existing.seq, existing))
                existing.owners.extend(o for o in job.owners if o not in existing.owners)
                existing.callbacks.extend(c for c in job.callbacks if c not in existing.callbacks)
                return existing
            _pending[key] = job
        job.seq = next(_counter)
        _queue.put((priority, job.seq, job))
    return job


def pending_job(target: Path) -> Job | None:
    """The queued or running job that will write ``target``, if any."""
    with _lock:
        return _pending.get(str(target))


def queue_size() -> int:
    return _queue.qsize()


def stuck_for() -> float:
    """Seconds the current synthesis has been running beyond :data:`STUCK_SECONDS` (0 if fine)."""
    since = _running["since"]
    if since is None:
        return 0.0
    elapsed = time.monotonic() - since
    return elapsed if elapsed > STUCK_SECONDS else 0.0


def _run() -> None:
    while True:
        _priority, _seq, job = _queue.get()
        try:
            if job.done.is_set():
                continue  # a duplicate entry of a promoted job
            _process(job)
        except Exception as exc:  # never let the worker die
            log.exception("voice worker: unexpected failure")
            job.ok, job.error = False, f"unexpected failure: {exc!r}"
        finally:
            if not job.done.is_set():
                _finish(job)


def _finish(job: Job) -> None:
    with _lock:
        if job.target is not None and _pending.get(str(job.target)) is job:
            del _pending[str(job.target)]
    job.done.set()
    for callback in list(job.callbacks):
        try:
            callback(job)
        except Exception:
            log.exception("voice worker: callback failed")


def _process(job: Job) -> None:
    # a closed announcer's prefetches are dropped; its calls are still made (they are quick, and
    # the display may already be fetching them from the announcer that replaced it)
    if job.kind == "prefetch" and job.owners and all(getattr(o, "closed", False) for o in job.owners):
        job.cancelled, job.error = True, "cancelled"
        return
    if job.target is not None and job.target.exists():
        job.ok = True  # made meanwhile (another job, another process)
        return
    started = time.perf_counter()
    with _busy:
        _running["since"] = time.monotonic()
        stats["active"] += 1
        stats["max_active"] = max(stats["max_active"], stats["active"])
        if trace is not None:
            trace.append(("start", job.seq, job.text, time.monotonic()))
        try:
            # espeak-ng and the WAV work block in C: a real thread, not the event loop.
            from server.serve.loop import run_blocking

            run_blocking(_synthesise, job)
        finally:
            _running["since"] = None
            stats["active"] -= 1
            stats["completed"] += 1
            if trace is not None:
                trace.append(("end", job.seq, job.text, time.monotonic()))
    job.seconds = time.perf_counter() - started


def _synthesise(job: Job) -> None:
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
            parts.append(audio.read_samples(_chime_file()))
        parts.append((speech, audio.RATE))
        audio.write_wav(job.target, audio.join(parts, rate=audio.RATE))
        job.ok = True
    except VoiceError as exc:
        job.ok, job.error = False, str(exc)
    except Exception as exc:
        job.ok, job.error = False, f"synthesis failed: {exc!r}"


def _engine_or_error():
    try:
        return make_engine()
    except VoiceError:
        raise
    except Exception as exc:
        raise VoiceError(f"the speech engine could not start: {exc!r}") from None


def _speak_samples(engine, text: str, job: Job) -> tuple:
    """Synthesise ``text`` into a temporary file next to the target; its samples and rate."""
    job.target.parent.mkdir(parents=True, exist_ok=True)
    fd, speech_tmp = tempfile.mkstemp(prefix=".speech-", suffix=".wav", dir=job.target.parent)
    os.close(fd)
    speech = Path(speech_tmp)
    try:
        _speak_to(engine, text, job.voice, job.rate, speech)
        return assemble.read_wav(speech)
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
    samples = audio.trim_trailing_silence(samples, rate)
    if not samples or audio.rms(samples[:: max(1, len(samples) // 4000)]) < 1:
        raise VoiceError("the speech engine produced silence")
    return audio.resample(samples, rate, audio.RATE)


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


def _chime_file() -> Path:
    from sounds import CHIME_PATH

    if not CHIME_PATH.exists():  # a checkout without the generated file: make it
        audio.write_chime(CHIME_PATH)
    return CHIME_PATH


def synthesise_now(
    text: str, voice: str, rate: int, chime: bool, target: Path, timeout: float = 30.0, pack=None
) -> Job:
    """Synthesise through the worker and wait (for ``loket say``). Never raises for voice errors."""
    job = submit(Job("file", text, voice, rate, chime, Path(target), pack=pack), PRIORITY_ANNOUNCE)
    if not job.done.wait(timeout):
        job.error = job.error or f"no answer from the speech engine within {timeout:.0f} s"
    return job
