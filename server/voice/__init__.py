"""Spoken calls: Indonesian text from a template, offline speech, the chime, and their files.

:class:`Announcer` turns a call into an :class:`Announcement` at once (text + the URL where the
audio will be) and queues the synthesis on the process's single voice worker
(:mod:`server.voice.synth`). :class:`NullAnnouncer` is used when ``[voice] enabled = false``.
Neither ever raises to its caller because of the voice.
"""

from __future__ import annotations

import logging
import os
import shutil
import subprocess
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from server.voice import assemble, synth
from server.voice.announcement import render
from server.voice.pack import VoicePack
from server.voice.settings import VoiceSettings

log = logging.getLogger(__name__)

CHIME_URL_NAME = "chime.wav"
CACHE_MAX_AGE_DAYS = 60
CACHE_MAX_BYTES = 300 * 1024 * 1024
ANNOUNCEMENTS = "announcements"

MESSAGE_OK = "Suara pengumuman siap (bahasa Indonesia)."
MESSAGE_STARTING = "Suara pengumuman sedang disiapkan."
MESSAGE_FAILED_CHIME = "Suara pengumuman tidak tersedia; hanya bunyi bel yang diputar."
MESSAGE_FAILED_SILENT = "Suara pengumuman tidak tersedia; panggilan hanya tampil di layar."
MESSAGE_OFF_CHIME = "Suara pengumuman dimatikan di pengaturan; hanya bunyi bel yang diputar."
MESSAGE_OFF_SILENT = "Suara pengumuman dimatikan di pengaturan; panggilan hanya tampil di layar."
MESSAGE_NO_SPEAKER = (
    "Speaker komputer server tidak dapat memutar suara (aplay tidak ada atau "
    "perangkat audio tidak ditemukan)."
)


@dataclass(frozen=True)
class Announcement:
    """What the display shows and plays for one call."""

    text: str
    audio_url: str | None
    key: str


def _unlink(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0


def _fallback_text(ticket_number: str, counter_name: str) -> str:
    return f"Nomor antrian {ticket_number}, silakan menuju {counter_name}"


class _Base:
    #: Whether looking ahead at the queue to synthesise the next calls is of any use.
    prefetches = False

    def __init__(
        self,
        settings: VoiceSettings,
        cache_dir: Path,
        url_prefix: str = "/sounds",
        pack_dir: Path | None = None,
    ):
        self.settings = settings
        self.cache_dir = Path(cache_dir)
        self.url_prefix = url_prefix.rstrip("/")
        self.closed = False
        self.pack = VoicePack(pack_dir) if pack_dir is not None else None

    @property
    def chime_url(self) -> str | None:
        return f"{self.url_prefix}/{CHIME_URL_NAME}" if self.settings.chime else None

    def text_for(self, ticket_number: str, counter_name: str) -> str:
        """The words of the call; never raises (a broken template falls back to a fixed text)."""
        try:
            return render(ticket_number, counter_name, self.settings.template, self.settings.number_reading)
        except Exception:
            log.exception("voice: could not render the template for %r", ticket_number)
            return _fallback_text(ticket_number, counter_name)

    def key_for(self, text: str) -> str:
        """The cache key of ``text``: it changes with the voice settings and the voice pack."""
        pack = self.pack.fingerprint() if self.pack is not None else ""
        return synth.cache_key(text, self.settings.voice, self.settings.rate, self.settings.chime, pack)

    def path_for(self, key: str) -> Path:
        return self.cache_dir / f"{key}.wav"

    def url_for(self, key: str) -> str:
        return f"{self.url_prefix}/{ANNOUNCEMENTS}/{key}.wav"

    def chime_path(self) -> Path:
        from sounds import CHIME_PATH

        return CHIME_PATH


class Announcer(_Base):
    """Announcements with speech, synthesised on the shared voice worker and cached on disk."""

    prefetches = True

    def __init__(
        self,
        settings: VoiceSettings,
        cache_dir: Path,
        url_prefix: str = "/sounds",
        pack_dir: Path | None = None,
    ):
        super().__init__(settings, cache_dir, url_prefix, pack_dir)
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._state = "starting"  # starting | ok | failed
        self._error: str | None = None
        self._voice_id: str | None = None
        self._failed: OrderedDict[str, None] = OrderedDict()  # keys whose synthesis failed
        self._counts = {"announced": 0, "synthesised": 0, "failures": 0, "cache_hits": 0}
        self._last_ms: float | None = None
        self._started = False
        self._player: _Player | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Check the engine in the background (the voice worker starts on first use)."""
        if self._started:
            return
        self._started = True
        self.closed = False
        threading.Thread(target=self._housekeeping, name="loket-voice-prune", daemon=True).start()
        synth.submit(
            synth.Job(
                "probe",
                "",
                self.settings.voice,
                self.settings.rate,
                False,
                None,
                owner=self,
                on_done=self._record,
            ),
            synth.PRIORITY_PROBE,
        )

    def _housekeeping(self) -> None:
        self.prune_cache()
        self.warm_pack()

    def warm_pack(self) -> int:
        """Prepare every clip of the voice pack in memory now, so that no call waits for it."""
        if self.pack is None:
            return 0
        prepared = 0
        for name, path in list(self.pack.clips().items()):
            try:
                assemble.clip(path)
                prepared += 1
            except Exception:  # a broken file is reported when a call needs it
                log.warning("voice: the clip %s of the voice pack cannot be read", name)
        return prepared

    def close(self) -> None:
        """Stop taking work: queued prefetches are dropped; calls already queued are still made
        (the display may be fetching them through the announcer that replaced this one)."""
        self.closed = True
        if self._player is not None:
            self._player.stop()

    # ---- calls -----------------------------------------------------------------------------

    def announce(self, ticket_number: str, counter_name: str) -> Announcement:
        """The announcement of a call, at once; the audio is synthesised in the background."""
        text = self.text_for(ticket_number, counter_name)
        key = self.key_for(text)
        self._count("announced")
        ready = self._queue(text, key, "announce", synth.PRIORITY_ANNOUNCE)
        if self.settings.output == "server":
            # the server's speaker plays it instead of the display
            if not self.closed:
                self._speaker().play(key)
            return Announcement(text, None, key)
        if not ready and (self._state == "failed" or not text.strip()):
            return Announcement(text, self.chime_url, key)
        return Announcement(text, self.url_for(key), key)

    def sample(self, text: str, timeout: float = 5.0) -> str | None:
        """Synthesise ``text`` now (the admin's "dengar contoh") and return its URL, or None."""
        if self.closed or self._state == "failed" or not text.strip():
            return None
        key = self.key_for(text)
        self._queue(text, key, "announce", synth.PRIORITY_ANNOUNCE)
        path = self.wait_for(key, timeout)
        return self.url_for(key) if path is not None and path == self.path_for(key) else None

    def prefetch(self, ticket_number: str, counter_name: str) -> None:
        """Synthesise a likely next call ahead of time (low priority; skipped if cached)."""
        if self.closed or self._state == "failed":
            return
        text = self.text_for(ticket_number, counter_name)
        self._queue(text, self.key_for(text), "prefetch", synth.PRIORITY_PREFETCH)

    def _queue(self, text: str, key: str, kind: str, priority: int) -> bool:
        """Queue synthesis unless cached; True when the file is already there."""
        path = self.path_for(key)
        if path.exists():
            self._count("cache_hits")
            try:
                os.utime(path)  # recently used: kept by prune_cache
            except OSError:
                pass
            return True
        if self.closed or not text.strip():
            if not text.strip():
                self._record_failure(key, "nothing to say (empty text)")
            return False
        with self._lock:
            self._failed.pop(key, None)
        job = synth.Job(
            kind,
            text,
            self.settings.voice,
            self.settings.rate,
            self.settings.chime,
            path,
            owner=self,
            on_done=self._record,
            pack=self.pack,
        )
        synth.submit(job, priority)
        return False

    def _count(self, name: str) -> None:
        with self._lock:
            self._counts[name] += 1

    def _speaker(self) -> _Player:
        with self._lock:
            if self._player is None:
                self._player = _Player(self)
            return self._player

    def prune_cache(self, max_age_days: float = CACHE_MAX_AGE_DAYS, max_bytes: int = CACHE_MAX_BYTES) -> int:
        """Delete announcement files unused for ``max_age_days`` and the oldest beyond ``max_bytes``,
        and temporary files left by a crash. Returns how many files were removed."""
        removed = 0
        now = time.time()
        try:
            entries = []
            for path in self.cache_dir.glob("*.wav"):
                try:
                    st = path.stat()
                except OSError:
                    continue
                if path.name.startswith("."):
                    if now - st.st_mtime > 3600:
                        removed += _unlink(path)
                    continue
                if now - st.st_mtime > max_age_days * 86400:
                    removed += _unlink(path)
                else:
                    entries.append((st.st_mtime, st.st_size, path))
            total = sum(size for _m, size, _p in entries)
            for _mtime, size, path in sorted(entries):
                if total <= max_bytes:
                    break
                removed += _unlink(path)
                total -= size
        except OSError:
            log.exception("voice: pruning the cache failed")
        if removed:
            log.info("voice: removed %d old files from %s", removed, self.cache_dir)
        return removed

    def _record(self, job: synth.Job) -> None:
        if job.cancelled:
            return
        key = job.target.stem if job.target is not None else None
        if job.ok:
            with self._lock:
                if self._state != "ok":
                    log.info("voice: ready (%s)", job.voice_id)
                self._state, self._error = "ok", None
                self._voice_id = job.voice_id or self._voice_id
                if job.kind != "probe" and job.seconds is not None:
                    self._counts["synthesised"] += 1
                    self._last_ms = job.seconds * 1000
        elif key is not None or job.kind == "probe":
            self._record_failure(key, job.error or "unknown failure")

    def _record_failure(self, key: str | None, error: str) -> None:
        with self._lock:
            if self._state != "failed" or self._error != error:
                log.error("voice: %s; calls fall back to the chime", error)
            self._state, self._error = "failed", error
            self._counts["failures"] += 1
            if key is not None:
                self._failed[key] = None
                while len(self._failed) > 500:
                    self._failed.popitem(last=False)

    # ---- files -----------------------------------------------------------------------------

    def wait_for(self, key: str, timeout: float = 3.0) -> Path | None:
        """The file for ``key`` once it exists (waiting up to ``timeout`` s).

        If its synthesis failed, the chime (when enabled) so the display still plays something;
        None when there is nothing to play.
        """
        path = self.path_for(key)
        deadline = time.monotonic() + max(0.0, timeout)
        while True:
            if path.exists():
                return path
            with self._lock:
                failed = key in self._failed
            if failed:
                return self.chime_path() if self.settings.chime else None
            job = synth.pending_job(path)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if job is not None:
                job.done.wait(remaining)
                if path.exists():
                    return path
                if job.done.is_set() and not job.ok and not job.cancelled:
                    return self.chime_path() if self.settings.chime else None
                if time.monotonic() >= deadline:
                    return None
            elif path.exists():
                return path  # finished between the two looks
            else:
                return None  # nothing is making it (unknown key, or made before a restart)

    def status(self) -> dict:
        """For the admin page: whether the voice works, in Bahasa Indonesia, with figures."""
        with self._lock:
            state, error = self._state, self._error
            counts = dict(self._counts)
        stuck = synth.stuck_for()
        if stuck and state != "failed":
            state, error = "failed", f"the speech engine has not answered for {stuck:.0f} s"
        if state == "failed":
            message = MESSAGE_FAILED_CHIME if self.settings.chime else MESSAGE_FAILED_SILENT
        elif state == "ok":
            message = MESSAGE_OK
        else:
            message = MESSAGE_STARTING
        result = {
            "ok": state != "failed",
            "state": state,
            "message": message,
            "enabled": True,
            "error": error,
            "voice": self._voice_id or self.settings.voice,
            "rate": self.settings.rate,
            "number_reading": self.settings.number_reading,
            "output": self.settings.output,
            "chime": self.settings.chime,
            "queue": synth.queue_size(),
            "last_synth_ms": round(self._last_ms, 1) if self._last_ms is not None else None,
            **counts,
        }
        if self._player is not None and self._player.error:
            result["speaker_ok"] = False
            result["speaker_message"] = MESSAGE_NO_SPEAKER
        return result


class NullAnnouncer(_Base):
    """The voice is switched off: the text is still produced, the chime (if enabled) still plays."""

    def start(self) -> None:
        pass

    def close(self) -> None:
        self.closed = True

    def announce(self, ticket_number: str, counter_name: str) -> Announcement:
        text = self.text_for(ticket_number, counter_name)
        return Announcement(text, self.chime_url, self.key_for(text))

    def prefetch(self, ticket_number: str, counter_name: str) -> None:
        pass

    def sample(self, text: str, timeout: float = 5.0) -> str | None:
        return None  # the voice is off: nothing to synthesise with

    def wait_for(self, key: str, timeout: float = 3.0) -> Path | None:
        path = self.path_for(key)
        return path if path.exists() else None

    def status(self) -> dict:
        return {
            "ok": True,
            "state": "off",
            "enabled": False,
            "message": MESSAGE_OFF_CHIME if self.settings.chime else MESSAGE_OFF_SILENT,
            "output": self.settings.output,
            "chime": self.settings.chime,
        }


# ---- the server's own speaker ----------------------------------------------------------------

_speaker_lock = threading.Lock()  # one playback at a time in the whole process
_speaker_warned = False


def play_file(path: Path, timeout: float = 60.0) -> str | None:
    """Play a WAV on this computer with aplay (or sox's play), one at a time. Returns an error text or None."""
    global _speaker_warned
    # aplay (alsa-utils) is the usual player; sox's play works too where sox is installed.
    player = shutil.which("aplay") or shutil.which("play")
    if player is None:
        error = "neither aplay (alsa-utils) nor play (sox) found"
    else:
        with _speaker_lock:
            try:
                result = subprocess.run([player, "-q", str(path)], capture_output=True, timeout=timeout)
                error = (
                    None
                    if result.returncode == 0
                    else (
                        result.stderr.decode("utf-8", "replace").strip() or f"aplay exit {result.returncode}"
                    )
                )
            except (OSError, subprocess.SubprocessError) as exc:
                error = repr(exc)
    if error and not _speaker_warned:
        _speaker_warned = True
        log.warning("voice: cannot play on this computer's speaker: %s", error)
    return error


class _Player:
    """Plays one announcer's calls in order on the server's speaker (one thread)."""

    def __init__(self, announcer: Announcer):
        import queue

        self.announcer = announcer
        self.error: str | None = None
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="loket-speaker", daemon=True)
        self._thread.start()

    def play(self, key: str) -> None:
        self._queue.put(key)

    def stop(self) -> None:
        self._queue.put(None)

    def _run(self) -> None:
        while True:
            key = self._queue.get()
            if key is None:
                return
            path = self.announcer.wait_for(key, timeout=15.0)
            if path is None:
                continue
            error = play_file(path)
            if error:
                self.error = error


__all__ = ["Announcement", "Announcer", "NullAnnouncer", "VoiceSettings"]
