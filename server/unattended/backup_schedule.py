"""Daily backups nobody has to remember: ``[backup]`` in loket.toml.

A consistent copy of the data folder (:func:`server.unattended.backup.backup`, checked with
``integrity_check``) goes into ``[backup].folder`` as ``loket-YYYY-MM-DD-HHMMSS/`` (office time):

- every open day at closing (the latest closing time of the office and its services; 23.00 for
  an office open until midnight);
- at start-up when the newest copy is older than a day (the PC was off at closing);
- the oldest copies beyond ``keep`` are then deleted.

An absolute folder (a USB disk) must exist: Loket never creates it, so that an unplugged disk's
empty mount point does not silently take the copies. A missing or read-only folder is a failure
shown in red on /admin and retried every quarter of an hour; it never stops the server. /admin also warns when no copy was made after the
last day the office served visitors (weekends and holidays, with no tickets, are not failures).
"""

from __future__ import annotations

import errno
import logging
import shutil
import threading
from datetime import date, datetime, time, timedelta
from pathlib import Path

from server.unattended.backup import backup

log = logging.getLogger(__name__)

PREFIX = "loket-"
STAMP = "%Y-%m-%d-%H%M%S"
RETRY_AFTER = timedelta(minutes=15)
CATCH_UP_AFTER = timedelta(days=1)
#: The daily copy of an office open until midnight.
MIDNIGHT_OFFICE_BACKUP = time(23, 0)


class BackupFailed(Exception):
    """A backup could not be made; ``message`` is for /admin, in Indonesian."""

    def __init__(self, message: str, detail: str = ""):
        super().__init__(detail or message)
        self.message = message


def _explain(exc: BaseException, folder: Path) -> str:
    """What went wrong, in the office's words."""
    if isinstance(exc, BackupFailed):
        return exc.message
    if isinstance(exc, OSError) and exc.errno == errno.ENOSPC:
        return f"Disk cadangan {folder} penuh."
    if isinstance(exc, OSError) and exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"Folder cadangan {folder} tidak dapat ditulis (hanya-baca atau tanpa izin)."
    if isinstance(exc, RuntimeError):
        return "Salinan cadangan gagal diperiksa (integrity_check); salinan itu tidak disimpan."
    return f"Cadangan gagal: {exc}"


class BackupScheduler:
    """Makes the daily copies of one data folder and says how they stand."""

    def __init__(self, data_dir: Path, config, clock, store):
        self.data_dir = data_dir
        self._config = config  # a callable: the office's current Config
        self.clock = clock
        self.store = store
        self._lock = threading.Lock()
        self._started = False
        self.last_error: tuple[datetime, str] | None = None
        self._last_attempt: datetime | None = None
        self._failed_reason = "retry"

    # ---- where and when --------------------------------------------------------------------

    @property
    def settings(self):
        """The ``[backup]`` table in force."""
        return self._config().backup

    def folder(self) -> Path:
        """The backup folder: absolute, or inside the data folder."""
        folder = Path(self.settings.folder).expanduser()
        return folder if folder.is_absolute() else self.data_dir / folder

    def copies(self) -> list[tuple[datetime, Path]]:
        """The daily copies in the folder, oldest first (none when it cannot be read)."""
        tz = self._config().office.tz
        found = []
        try:
            entries = list(self.folder().iterdir())
        except OSError:
            return []
        for path in entries:
            if not path.name.startswith(PREFIX) or not path.is_dir():
                continue
            try:
                made = datetime.strptime(path.name[len(PREFIX) :], STAMP).replace(tzinfo=tz)
            except ValueError:
                continue
            found.append((made, path))
        return sorted(found)

    def newest(self) -> datetime | None:
        """When the newest copy was made."""
        copies = self.copies()
        return copies[-1][0] if copies else None

    def closing(self, day: date) -> datetime:
        """The moment of the daily copy on ``day``: the latest closing of the office and its
        services."""
        config = self._config()
        hours = [config.office.hours] + [s.hours for s in config.services if s.hours]
        closes = [h.closes for h in hours]
        moment = MIDNIGHT_OFFICE_BACKUP if None in closes else max(closes)
        return datetime.combine(day, moment, config.office.tz)

    def due(self, now: datetime) -> str | None:
        """Why a copy is due now ("startup", "closing"), or None."""
        if self.last_error and self._last_attempt:
            # A failed copy (unplugged disk) is tried again every quarter of an hour until made.
            return self._failed_reason if now - self._last_attempt >= RETRY_AFTER else None
        newest = self.newest()
        if not self._started:
            self._started = True
            if newest is None or now - newest > CATCH_UP_AFTER:
                return "startup"
        config = self._config()
        local = now.astimezone(config.office.tz)
        closing = self.closing(local.date())
        if (
            local.weekday() in config.office.days
            and local >= closing
            and (newest is None or newest < closing)
        ):
            return "closing"
        return None

    # ---- making copies ---------------------------------------------------------------------

    def run_due(self) -> Path | None:
        """Make a copy when one is due (the housekeeping job calls this); never raises."""
        now = self.clock()
        reason = self.due(now)
        if reason is None:
            return None
        try:
            return self.make(reason)
        except BackupFailed:
            return None

    def make(self, reason: str = "manual") -> Path:
        """Make a copy now, check it, delete the oldest beyond ``keep``; BackupFailed otherwise."""
        with self._lock:
            now = self.clock()
            self._last_attempt = now
            folder = self.folder()
            try:
                if Path(self.settings.folder).expanduser().is_absolute():
                    # Never created here: on an unplugged USB disk the empty mount point would
                    # take the copies onto the PC's own disk without anyone knowing.
                    if not folder.is_dir():
                        raise BackupFailed(
                            f"Folder cadangan {folder} tidak ditemukan (disk USB tidak terpasang?). "
                            "Bila belum ada, buat folder itu sekali di disk cadangan."
                        )
                else:
                    folder.mkdir(exist_ok=True)
                stamp = now.astimezone(self._config().office.tz).strftime(STAMP)
                dest = folder / f"{PREFIX}{stamp}"
                backup(self.data_dir, dest)
            except Exception as exc:
                message = _explain(exc, folder)
                self.last_error = (now, message)
                self._failed_reason = reason
                log.error("backup (%s) into %s failed: %s", reason, folder, exc)
                raise BackupFailed(message, str(exc)) from exc
            self.last_error = None
            log.info("backup (%s) written to %s", reason, dest)
            self.prune()
            return dest

    def prune(self) -> list[Path]:
        """Delete the oldest copies beyond ``keep``; return what was deleted."""
        copies = self.copies()
        removed = []
        for _made, path in copies[: max(0, len(copies) - self.settings.keep)]:
            try:
                shutil.rmtree(path)
                removed.append(path)
            except OSError as exc:
                log.warning("could not delete the old backup %s: %s", path, exc)
        return removed

    # ---- what /admin shows -----------------------------------------------------------------

    def last_open_day(self, today: str) -> str | None:
        """The latest day before ``today`` on which the office issued numbers."""
        row = self.store.read().execute("SELECT MAX(day) FROM tickets WHERE day < ?", (today,)).fetchone()
        return row[0] if row else None

    def status(self) -> dict:
        """Last copy, failure and whether one is missing; ``warning`` is shown in red."""
        config = self._config()
        now = self.clock()
        newest = self.newest()
        today = now.astimezone(config.office.tz).date()
        open_day = self.last_open_day(today.isoformat())
        missing = bool(open_day) and (newest is None or newest < self.closing(date.fromisoformat(open_day)))
        warning = None
        if self.last_error:
            warning = f"Cadangan terakhir gagal: {self.last_error[1]}"
        elif missing:
            warning = f"Belum ada cadangan sejak hari layanan terakhir ({open_day})."
        return {
            "folder": str(self.folder()),
            "keep": self.settings.keep,
            "last_backup": newest.isoformat() if newest else None,
            "copies": len(self.copies()),
            "error": self.last_error[1] if self.last_error else None,
            "error_at": self.last_error[0].isoformat() if self.last_error else None,
            "missing": missing,
            "last_open_day": open_day,
            "warning": warning,
        }
