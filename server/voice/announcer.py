"""The announcers: a call made into an :class:`Announcement` at once, its audio made behind.

:class:`Announcer` renders the words, answers with the URL where the audio will be, and queues
the synthesis on the process's voice worker (:mod:`server.voice.worker`); finished files live in
the announcement cache (:mod:`server.voice.cache`). :class:`NullAnnouncer` is used when
``[voice] enabled = false``. Neither ever raises to its caller because of the voice.
"""

from __future__ import annotations

import logging
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from server.config.voice import VoiceSettings
from server.voice import assemble, cache, status, worker
from server.voice.announcement import render
from server.voice.pack import VoicePack
from server.voice.speaker import Player
from server.voice.synth import Job

log = logging.getLogger(__name__)

CHIME_URL_NAME = "chime.wav"
ANNOUNCEMENTS = "announcements"


@dataclass(frozen=True)
class Announcement:
    """What the display shows and plays for one call."""

    text: str
    audio_url: str | None
    key: str


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
        self._open()

    def _open(self) -> None:
        """Set up what the kind of announcer needs beyond the settings (called by __init__)."""

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
        return cache.cache_key(text, self.settings.voice, self.settings.rate, self.settings.chime, pack)

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

    def _open(self) -> None:
        self.cache_dir.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        self._status = status.VoiceStatus()
        self._started = False
        self._player: Player | None = None

    # ---- lifecycle -------------------------------------------------------------------------

    def start(self) -> None:
        """Check the engine in the background (the voice worker starts on first use)."""
        if self._started:
            return
        self._started = True
        self.closed = False
        threading.Thread(target=self._housekeeping, name="loket-voice-prune", daemon=True).start()
        probe = Job(
            "probe",
            "",
            self.settings.voice,
            self.settings.rate,
            False,
            None,
            owner=self,
            on_done=self._record,
        )
        worker.submit(probe, worker.PRIORITY_PROBE)

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
        self._status.count("announced")
        ready = self._queue(text, key, "announce", worker.PRIORITY_ANNOUNCE)
        if self.settings.output == "server":
            # the server's speaker plays it instead of the display
            if not self.closed:
                self._speaker().play(key)
            return Announcement(text, None, key)
        if not ready and (self._status.state == "failed" or not text.strip()):
            return Announcement(text, self.chime_url, key)
        return Announcement(text, self.url_for(key), key)

    def sample(self, text: str, timeout: float = 5.0) -> str | None:
        """Synthesise ``text`` now (the admin's "dengar contoh") and return its URL, or None."""
        if self.closed or self._status.state == "failed" or not text.strip():
            return None
        key = self.key_for(text)
        self._queue(text, key, "announce", worker.PRIORITY_ANNOUNCE)
        path = self.wait_for(key, timeout)
        return self.url_for(key) if path is not None and path == self.path_for(key) else None

    def prefetch(self, ticket_number: str, counter_name: str) -> None:
        """Synthesise a likely next call ahead of time (low priority; skipped if cached)."""
        if self.closed or self._status.state == "failed":
            return
        text = self.text_for(ticket_number, counter_name)
        self._queue(text, self.key_for(text), "prefetch", worker.PRIORITY_PREFETCH)

    def _queue(self, text: str, key: str, kind: str, priority: int) -> bool:
        """Queue synthesis unless cached; True when the file is already there."""
        path = self.path_for(key)
        if cache.touch(path):  # recently used: kept by prune_cache
            self._status.count("cache_hits")
            return True
        if self.closed or not text.strip():
            if not text.strip():
                self._status.failed(key, "nothing to say (empty text)")
            return False
        self._status.retry(key)
        job = Job(
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
        worker.submit(job, priority)
        return False

    def _speaker(self) -> Player:
        with self._lock:
            if self._player is None:
                self._player = Player(self.wait_for)
            return self._player

    def prune_cache(self, max_age_days: float = cache.MAX_AGE_DAYS, max_bytes: int = cache.MAX_BYTES) -> int:
        """Delete announcement files unused for ``max_age_days`` and the oldest beyond ``max_bytes``,
        and temporary files left by a crash. Returns how many files were removed."""
        return cache.prune(self.cache_dir, max_age_days, max_bytes)

    def _record(self, job: Job) -> None:
        if job.cancelled:
            return
        key = job.target.stem if job.target is not None else None
        if job.ok:
            self._status.succeeded(job.voice_id, job.seconds, counted=job.kind != "probe")
        elif key is not None or job.kind == "probe":
            self._status.failed(key, job.error or "unknown failure")

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
            if self._status.has_failed(key):
                return self._chime_or_none()
            job = worker.pending_job(path)
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                return None
            if job is not None:
                job.done.wait(remaining)
                if path.exists():
                    return path
                if job.done.is_set() and not job.ok and not job.cancelled:
                    return self._chime_or_none()
                if time.monotonic() >= deadline:
                    return None
            elif path.exists():
                return path  # finished between the two looks
            else:
                return None  # nothing is making it (unknown key, or made before a restart)

    def _chime_or_none(self) -> Path | None:
        return self.chime_path() if self.settings.chime else None

    def status(self) -> dict:
        """For the admin page: whether the voice works, in Bahasa Indonesia, with figures."""
        speaker_error = self._player.error if self._player is not None else None
        return self._status.report(self.settings, worker.stuck_for(), worker.queue_size(), speaker_error)


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
        return status.switched_off(self.settings)
