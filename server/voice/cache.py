"""The folder of finished announcements: one ``<key>.wav`` per distinct call, kept while used.

The key is the sha256 of everything that makes the audio differ (the words, the voice, the rate,
the chime, the words Loket hands the engine, the voice pack), so a file never changes once
written and the display may cache it for ever. Files unused for :data:`MAX_AGE_DAYS` and the
oldest beyond :data:`MAX_BYTES` are pruned, with the temporary files a crash left behind.
"""

from __future__ import annotations

import hashlib
import logging
import os
import time
from pathlib import Path

log = logging.getLogger(__name__)

MAX_AGE_DAYS = 60
MAX_BYTES = 300 * 1024 * 1024
#: Temporary files (".tmp-…", ".speech-…") older than this were left by a crash.
STALE_TEMP_SECONDS = 3600
#: Changes when the words Loket hands the engine change (new pronunciations): new files.
LEXICON_VERSION = "lexicon-1"


def cache_key(text: str, voice: str, rate: int, chime: bool = True, pack: str = "") -> str:
    """The file name (without .wav) of an announcement: sha256 of what makes the audio differ.

    ``pack`` is the voice pack's fingerprint: a changed pack makes new files.
    """
    material = "\x1f".join([text, voice, str(rate), "chime" if chime else "plain", LEXICON_VERSION, pack])
    return hashlib.sha256(material.encode("utf-8")).hexdigest()


def touch(path: Path) -> bool:
    """Mark a cached file as just used (kept by :func:`prune`); False when it is not there."""
    if not path.exists():
        return False
    try:
        os.utime(path)
    except OSError:
        pass
    return True


def prune(folder: Path, max_age_days: float = MAX_AGE_DAYS, max_bytes: int = MAX_BYTES) -> int:
    """Delete announcement files unused for ``max_age_days`` and the oldest beyond ``max_bytes``,
    and temporary files left by a crash. Returns how many files were removed."""
    removed = 0
    now = time.time()
    try:
        entries = []
        for path in Path(folder).glob("*.wav"):
            try:
                st = path.stat()
            except OSError:
                continue
            if path.name.startswith("."):
                if now - st.st_mtime > STALE_TEMP_SECONDS:
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
        log.info("voice: removed %d old files from %s", removed, folder)
    return removed


def _unlink(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0
