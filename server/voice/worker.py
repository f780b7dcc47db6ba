"""The process's ONE voice worker: a thread fed by a priority queue of synthesis jobs.

Announcements go before prefetches, first come first served within a priority. pyttsx3's
engine is not thread-safe and one espeak-ng at a time keeps the two cores free for the office,
so every :class:`~server.voice.Announcer` of the process shares this worker. A job for a file
already queued is merged into the queued one (raising its priority when a call needs it).
"""

from __future__ import annotations

import atexit
import itertools
import logging
import os
import queue
import threading
import time
from pathlib import Path

from server.eventloop.loop import run_blocking
from server.voice import synth
from server.voice.synth import Job

log = logging.getLogger(__name__)

PRIORITY_PROBE = 0
PRIORITY_ANNOUNCE = 1
PRIORITY_PREFETCH = 2
#: A synthesis running longer than this means the engine hangs.
STUCK_SECONDS = 20.0

_queue: queue.PriorityQueue = queue.PriorityQueue()
_counter = itertools.count()
_pending: dict[str, Job] = {}  # target path -> job, while queued or running
_lock = threading.Lock()
_worker: threading.Thread | None = None
_busy = threading.Semaphore(1)
_running: dict[str, float | None] = {"since": None}
#: When a list, each synthesis appends ("start"|"end", seq, text, monotonic time) (for tests).
trace: list[tuple[str, int, str, float]] | None = None


def _forget_engine() -> None:
    """At exit, drop the engine while modules still exist (pyttsx3's __del__ needs them)."""
    if _busy.acquire(timeout=0.5):
        try:
            synth.forget_engine()
        finally:
            _busy.release()


atexit.register(_forget_engine)


def _after_fork_in_child() -> None:
    """A forked child has no voice worker: start clean (queued work belongs to the parent)."""
    global _queue, _lock, _worker, _busy
    _queue = queue.PriorityQueue()
    _lock = threading.Lock()
    _busy = threading.Semaphore(1)
    _worker = None
    _pending.clear()
    _running["since"] = None


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
    """How many jobs wait for the worker."""
    return _queue.qsize()


def stuck_for() -> float:
    """Seconds the current synthesis has been running beyond :data:`STUCK_SECONDS` (0 if fine)."""
    since = _running["since"]
    if since is None:
        return 0.0
    elapsed = time.monotonic() - since
    return elapsed if elapsed > STUCK_SECONDS else 0.0


def synthesise_now(
    text: str, voice: str, rate: int, chime: bool, target: Path, timeout: float = 30.0, pack=None
) -> Job:
    """Synthesise through the worker and wait (for ``loket say``). Never raises for voice errors."""
    job = submit(Job("file", text, voice, rate, chime, Path(target), pack=pack), PRIORITY_ANNOUNCE)
    if not job.done.wait(timeout):
        job.error = job.error or f"no answer from the speech engine within {timeout:.0f} s"
    return job


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
        if trace is not None:
            trace.append(("start", job.seq, job.text, time.monotonic()))
        try:
            # espeak-ng and the WAV work block in C: a real thread, not the event loop.
            run_blocking(synth.synthesise, job)
        finally:
            _running["since"] = None
            if trace is not None:
                trace.append(("end", job.seq, job.text, time.monotonic()))
    job.seconds = time.perf_counter() - started
