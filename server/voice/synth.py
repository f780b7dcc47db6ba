"""Offline speech with pyttsx3 (espeak-ng), driven by ONE worker thread per process.

pyttsx3's engine is not thread-safe, ``pyttsx3.init()`` returns one cached engine per process
and a second ``Engine`` silently breaks the first. So every synthesis in the process goes
through the single module-level worker below, fed by a priority queue (announcements before
prefetches, first come first served within a priority). All :class:`~server.voice.Announcer`
instances share it.

Each finished file is ``<key>.wav`` in the caller's cache folder: the chime (if enabled), a
short silence, then the speech, so the display plays ONE file per call. Files are written to a
temporary name and renamed, so a reader never sees half a file.
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

from server.voice import chime as audio

log = logging.getLogger(__name__)

PRIORITY_PROBE = 0
PRIORITY_ANNOUNCE = 1
PRIORITY_PREFETCH = 2


class VoiceError(RuntimeError):
    """The voice could not be produced (missing engine, missing voice, synthesis failure)."""


def cache_key(text: str, voice: str, rate: int, chime: bool = True) -> str:
    """The file name (without .wav) of an announcement: sha256 of what makes the audio differ."""
    material = "\x1f".join([text, voice, str(rate), "chime" if chime else "plain"])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


# ---- the engine ---------------------------------------------------------------------------

_engine = None
_voice_ids: dict[str, str] = {}


def make_engine():
    """The process's pyttsx3 engine (created once, on the worker thread). Tests replace this."""
    global _engine
    if _engine is None:
        try:
            import pyttsx3
        except ImportError as exc:
            raise VoiceError(f"pyttsx3 is not installed ({exc})") from None
        try:
            _engine = pyttsx3.init()
        except Exception as exc:  # no espeak-ng library, broken driver ...
            raise VoiceError(f"the speech engine could not start: {exc!r} (is espeak-ng installed?)") from None
        _silence_driver_prints()
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


def _silence_driver_prints() -> None:
    """The espeak driver prints "Audio saved to ..." for every file: mute that module only."""
    driver = sys.modules.get("pyttsx3.drivers.espeak")
    if driver is not None:
        driver.print = lambda *args, **kwargs: None


def resolve_voice(engine, wanted: str) -> str:
    """The engine's voice id for ``wanted`` (a voice id like "poz/id" or a language like "id")."""
    cached = _voice_ids.get(wanted)
    if cached:
        return cached
    voices = engine.getProperty("voices") or []
    wanted_l = wanted.lower()
    found = None
    for voice in voices:
        if str(voice.id).lower() == wanted_l:
            found = voice.id
            break
    if found is None:
        for voice in voices:
            languages = [
                (lang.decode("utf-8", "replace") if isinstance(lang, bytes) else str(lang)).lower().lstrip("\x05")
                for lang in (voice.languages or [])
            ]
            if any(lang == wanted_l or lang.startswith(wanted_l + "-") for lang in languages):
                found = voice.id
                break
    if found is None:
        raise VoiceError(f"no voice for {wanted!r} in the speech engine")
    _voice_ids[wanted] = found
    return found


def _espeak_idle(timeout: float = 10.0) -> bool:
    """Wait until espeak-ng has nothing queued or running; False if it stays busy.

    pyttsx3 runs espeak-ng in its asynchronous "retrieval" mode, and ``runAndWait()`` can return
    while espeak-ng is still finishing. Starting the next file then goes wrong in two ways: the
    driver sees espeak "playing" and cancels, which drops the queued voice and rate changes (the
    file comes out at the previous rate) or the whole utterance (no file at all).
    """
    try:
        from pyttsx3.drivers import _espeak
    except Exception:  # another driver: nothing to wait for
        return True
    deadline = time.monotonic() + timeout
    try:
        _espeak.Synchronize()
        while _espeak.IsPlaying():
            if time.monotonic() > deadline:
                return False
            time.sleep(0.002)
    except Exception:
        return True
    return True


def _driver_done(engine, timeout: float = 10.0) -> bool:
    """Wait until pyttsx3's espeak driver has written its file (its ``_speaking`` flag drops)."""
    driver = getattr(getattr(engine, "proxy", None), "_driver", None)
    deadline = time.monotonic() + timeout
    while getattr(driver, "_speaking", False):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.002)
    return True


def _speak_to(engine, text: str, voice: str, rate: int, target: Path) -> None:
    """One synthesis into ``target`` (a WAV). Called on the worker thread only."""
    if not _espeak_idle():
        raise VoiceError("the speech engine is still busy with an earlier text")
    engine.setProperty("voice", resolve_voice(engine, voice))
    engine.setProperty("rate", rate)
    # let espeak-ng apply them now: runAndWait() cancels whatever espeak still has queued
    if not _espeak_idle():
        raise VoiceError("the speech engine did not take the voice settings")
    engine.save_to_file(text, str(target))
    engine.runAndWait()
    finished = _driver_done(engine) and _espeak_idle()
    if not target.exists() or target.stat().st_size <= 44:
        raise VoiceError("the speech engine wrote no audio" if finished else
                         "the speech engine did not finish in time")


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
            from server.loop import run_blocking

            run_blocking(_synthesise, job)
        finally:
            _running["since"] = None
            stats["active"] -= 1
            stats["completed"] += 1
            if trace is not None:
                trace.append(("end", job.seq, job.text, time.monotonic()))
    job.seconds = time.perf_counter() - started


def _synthesise(job: Job) -> None:
    try:
        engine = make_engine()
        job.voice_id = resolve_voice(engine, job.voice)
    except VoiceError as exc:
        job.ok, job.error = False, str(exc)
        return
    except Exception as exc:
        job.ok, job.error = False, f"the speech engine could not start: {exc!r}"
        return
    if job.kind == "probe":
        job.ok = True
        return
    if not job.text.strip():
        job.ok, job.error = False, "nothing to say (empty text)"
        return
    target = job.target
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, speech_tmp = tempfile.mkstemp(prefix=".speech-", suffix=".wav", dir=target.parent)
    os.close(fd)
    speech = Path(speech_tmp)
    try:
        _speak_to(engine, job.text, job.voice, job.rate, speech)
        samples, rate = audio.read_samples(speech)
        samples = audio.trim_trailing_silence(samples, rate)
        if not samples or audio.rms(samples[:: max(1, len(samples) // 4000)]) < 1:
            raise VoiceError("the speech engine produced silence")
        parts = []
        if job.chime:
            chime_samples, chime_rate = audio.read_samples(_chime_file())
            parts.append((chime_samples, chime_rate))
        parts.append((samples, rate))
        audio.write_wav(target, audio.join(parts, rate=audio.RATE))
        job.ok = True
    except VoiceError as exc:
        job.ok, job.error = False, str(exc)
    except Exception as exc:
        job.ok, job.error = False, f"synthesis failed: {exc!r}"
    finally:
        try:
            speech.unlink()
        except OSError:
            pass


def _chime_file() -> Path:
    from sounds import CHIME_PATH

    if not CHIME_PATH.exists():  # a checkout without the generated file: make it
        audio.write_chime(CHIME_PATH)
    return CHIME_PATH


def synthesise_now(text: str, voice: str, rate: int, chime: bool, target: Path, timeout: float = 30.0) -> Job:
    """Synthesise through the worker and wait (for ``loket say``). Never raises for voice errors."""
    job = submit(Job("file", text, voice, rate, chime, Path(target)), PRIORITY_ANNOUNCE)
    if not job.done.wait(timeout):
        job.error = job.error or f"no answer from the speech engine within {timeout:.0f} s"
    return job
