"""What the admin is told about the voice: whether it works, why not, and a few figures.

:class:`VoiceStatus` is an :class:`~server.voice.Announcer`'s record of its syntheses: the state
(``starting`` until the engine answered, then ``ok`` or ``failed``), the last error, the keys
whose synthesis failed (so their call plays the chime), and the counts the admin page shows.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict

from server.config.voice import VoiceSettings

log = logging.getLogger(__name__)

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
#: How many failed keys are remembered (older ones are asked of the worker again).
FAILED_KEYS = 500


class VoiceStatus:
    """The outcome of an announcer's syntheses; thread-safe."""

    def __init__(self):
        self._lock = threading.Lock()
        self.state = "starting"  # starting | ok | failed
        self.error: str | None = None
        self.voice_id: str | None = None
        self._failed: OrderedDict[str, None] = OrderedDict()
        self._counts = {"announced": 0, "synthesised": 0, "failures": 0, "cache_hits": 0}
        self._last_ms: float | None = None

    def count(self, name: str) -> None:
        """Add one to the figure ``name`` (announced, cache_hits, …)."""
        with self._lock:
            self._counts[name] += 1

    def has_failed(self, key: str) -> bool:
        """Whether the synthesis of ``key`` failed (its call plays the chime)."""
        with self._lock:
            return key in self._failed

    def retry(self, key: str) -> None:
        """Forget a failure of ``key``: it is being synthesised again."""
        with self._lock:
            self._failed.pop(key, None)

    def succeeded(self, voice_id: str | None, seconds: float | None, counted: bool) -> None:
        """A synthesis (or the engine's probe, ``counted=False``) worked."""
        with self._lock:
            if self.state != "ok":
                log.info("voice: ready (%s)", voice_id)
            self.state, self.error = "ok", None
            self.voice_id = voice_id or self.voice_id
            if counted and seconds is not None:
                self._counts["synthesised"] += 1
                self._last_ms = seconds * 1000

    def failed(self, key: str | None, error: str) -> None:
        """A synthesis of ``key`` (None: the engine's probe) failed with ``error``."""
        with self._lock:
            if self.state != "failed" or self.error != error:
                log.error("voice: %s; calls fall back to the chime", error)
            self.state, self.error = "failed", error
            self._counts["failures"] += 1
            if key is not None:
                self._failed[key] = None
                while len(self._failed) > FAILED_KEYS:
                    self._failed.popitem(last=False)

    def report(self, settings: VoiceSettings, stuck: float, queued: int, speaker_error: str | None) -> dict:
        """The admin page's view: ``stuck`` seconds the engine has hung, ``queued`` jobs waiting."""
        with self._lock:
            state, error = self.state, self.error
            counts = dict(self._counts)
            last_ms = self._last_ms
        if stuck and state != "failed":
            state, error = "failed", f"the speech engine has not answered for {stuck:.0f} s"
        if state == "failed":
            message = MESSAGE_FAILED_CHIME if settings.chime else MESSAGE_FAILED_SILENT
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
            "voice": self.voice_id or settings.voice,
            "rate": settings.rate,
            "number_reading": settings.number_reading,
            "output": settings.output,
            "chime": settings.chime,
            "queue": queued,
            "last_synth_ms": round(last_ms, 1) if last_ms is not None else None,
            **counts,
        }
        if speaker_error:
            result["speaker_ok"] = False
            result["speaker_message"] = MESSAGE_NO_SPEAKER
        return result


def switched_off(settings: VoiceSettings) -> dict:
    """The admin page's view when ``[voice] enabled = false``."""
    return {
        "ok": True,
        "state": "off",
        "enabled": False,
        "message": MESSAGE_OFF_CHIME if settings.chime else MESSAGE_OFF_SILENT,
        "output": settings.output,
        "chime": settings.chime,
    }
