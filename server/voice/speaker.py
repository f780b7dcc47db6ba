"""The server's own speaker (``[voice] output = "server"``, and ``loket say --play``).

WAVs are played with aplay (alsa-utils), or sox's play where that is installed, one at a time in
the whole process. A missing player or sound device is logged once and shown to the admin; the
calls carry on.
"""

from __future__ import annotations

import logging
import queue
import shutil
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

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


class Player:
    """Plays one announcer's calls in order on the server's speaker (one thread).

    ``wait_for(key, timeout)`` gives the finished file of a call (the announcer's own method).
    """

    def __init__(self, wait_for: Callable[[str, float], Path | None]):
        self.wait_for = wait_for
        self.error: str | None = None
        self._queue: queue.Queue = queue.Queue()
        self._thread = threading.Thread(target=self._run, name="loket-speaker", daemon=True)
        self._thread.start()

    def play(self, key: str) -> None:
        """Queue the call ``key``: played once its file is made (skipped after 15 s without one)."""
        self._queue.put(key)

    def stop(self) -> None:
        """End the thread after what is queued."""
        self._queue.put(None)

    def _run(self) -> None:
        while True:
            key = self._queue.get()
            if key is None:
                return
            path = self.wait_for(key, 15.0)
            if path is None:
                continue
            error = play_file(path)
            if error:
                self.error = error
