"""The PC's health as the office sees it: free disk space, and the log.

- Free space on the data folder's disk under ``[backup].min_free_mb`` is a warning on /admin
  and the board, before SQLite starts failing writes.
- The log goes to ``logs/loket.log`` in the data folder (rotated at 5 MB, 5 old files kept),
  and the latest errors are kept in memory for /admin, summed up in Indonesian.
"""

from __future__ import annotations

import errno
import logging
import os
import shutil
import threading
from collections import deque
from datetime import datetime, timezone
from logging.handlers import RotatingFileHandler
from pathlib import Path

LOG_FOLDER = "logs"
LOG_NAME = "loket.log"
LOG_MAX_BYTES = 5 * 1024 * 1024
LOG_BACKUPS = 5
RECENT_ERRORS = 50
LOG_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

#: What an error of each part of Loket means for the office, in its words (first match wins).
_SUMMARIES = (
    ("server.core.clock", "Jam komputer tidak benar; pengambilan nomor dihentikan."),
    ("server.unattended.backup", "Cadangan basis data gagal dibuat."),
    ("server.core.upgrade", "Masalah saat memperbarui basis data."),
    ("server.printing", "Printer tiket bermasalah."),
    ("server.voice", "Suara pengumuman gagal dibuat."),
    ("server.unattended.health", "Ruang disk atau penyimpanan bermasalah."),
    ("server.live.alerts", "Peringatan waktu layanan gagal dikirim."),
)
_DATABASE_WORDS = ("database", "disk", "sqlite", "read-only", "readonly")


def summary(record: logging.LogRecord) -> str:
    """One Indonesian sentence for a log record."""
    for prefix, text in _SUMMARIES:
        if record.name.startswith(prefix):
            return text
    message = record.getMessage().lower()
    if any(word in message for word in _DATABASE_WORDS):
        return "Basis data tidak dapat ditulis (disk penuh atau rusak?)."
    return "Terjadi kesalahan di server."


def disk_status(path: Path, min_free_mb: int) -> dict:
    """Free space where ``path`` lives: ``{"free_mb", "total_mb", "min_free_mb", "low", "message"}``."""
    try:
        usage = shutil.disk_usage(path)
    except OSError as exc:
        return {
            "free_mb": None,
            "total_mb": None,
            "min_free_mb": min_free_mb,
            "low": True,
            "message": f"Ruang disk tidak dapat dibaca: {exc.strerror or exc}.",
        }
    free_mb = usage.free // (1024 * 1024)
    low = free_mb < min_free_mb
    message = None
    if low:
        message = (
            f"Ruang disk hampir penuh: sisa {free_mb} MB (batas peringatan {min_free_mb} MB). "
            "Hapus berkas yang tidak perlu atau hubungi admin sebelum data gagal disimpan."
        )
    return {
        "free_mb": free_mb,
        "total_mb": usage.total // (1024 * 1024),
        "min_free_mb": min_free_mb,
        "low": low,
        "message": message,
    }


def why_writes_fail(data_dir: Path, error: BaseException | None = None) -> str:
    """For the log: the likely reason a write to the data folder failed."""
    reasons = []
    text = str(error or "").lower()
    if "full" in text or (isinstance(error, OSError) and error.errno == errno.ENOSPC):
        reasons.append("the disk is full")
    if "readonly" in text or "read-only" in text:
        reasons.append("the database or its folder is read-only")
    try:
        free = shutil.disk_usage(data_dir).free // (1024 * 1024)
        reasons.append(f"{free} MB free on the data folder's disk")
    except OSError as exc:
        reasons.append(f"the data folder's disk cannot be read ({exc})")
    if not os.access(data_dir, os.W_OK):
        reasons.append("the data folder is not writable by this user")
    return "; ".join(reasons)


class RecentErrors(logging.Handler):
    """Keeps the latest errors in memory for /admin."""

    def __init__(self, size: int = RECENT_ERRORS):
        super().__init__(level=logging.ERROR)
        self._records: deque = deque(maxlen=size)
        self._lock_recent = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._lock_recent:
            self._records.append(
                {
                    "at": datetime.fromtimestamp(record.created, timezone.utc).isoformat(),
                    "summary": summary(record),
                    "detail": record.getMessage()[:300],
                    "source": record.name,
                }
            )

    def latest(self, limit: int = 10) -> list[dict]:
        """The newest errors first."""
        with self._lock_recent:
            return list(reversed(self._records))[:limit]


class LogFiles:
    """The data folder's rotating log file and the in-memory errors, on the root logger."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / LOG_FOLDER / LOG_NAME
        self.recent = RecentErrors()
        self._file: logging.Handler | None = None

    def install(self) -> None:
        """Attach both handlers; a log folder that cannot be written is logged, not fatal."""
        root = logging.getLogger()
        root.addHandler(self.recent)
        try:
            self.path.parent.mkdir(exist_ok=True)
            handler = RotatingFileHandler(
                self.path, maxBytes=LOG_MAX_BYTES, backupCount=LOG_BACKUPS, encoding="utf-8"
            )
        except OSError as exc:
            logging.getLogger(__name__).error("cannot write the log file %s: %s", self.path, exc)
            return
        handler.setLevel(logging.INFO)
        handler.setFormatter(logging.Formatter(LOG_FORMAT))
        root.addHandler(handler)
        self._file = handler

    def remove(self) -> None:
        """Detach and close both handlers."""
        root = logging.getLogger()
        root.removeHandler(self.recent)
        if self._file is not None:
            root.removeHandler(self._file)
            self._file.close()
            self._file = None
