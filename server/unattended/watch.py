"""Running for years without an IT person: the clock guard, daily backups, free disk space and
the log file, put together for one running office (built by :mod:`server.assembly`).

A background thread looks at them every half minute (at once on start-up): it saves the clock
guard's latest moment, makes the daily backup when due, and tells the screens (``system_status``)
when the clock or the disk turns bad or good.
"""

from __future__ import annotations

import logging
import threading
from pathlib import Path

from server.core.ticket_queue import TicketQueue
from server.live.events import Live, broadcast
from server.unattended.backup_schedule import BackupScheduler
from server.unattended.health import LogFiles, disk_status

log = logging.getLogger(__name__)

INTERVAL_SECONDS = 30.0


class Unattended:
    """The office's guards and chores; see the module docstring."""

    def __init__(self, data_dir: Path, queue: TicketQueue, live: Live):
        self.data_dir = data_dir
        self.queue = queue
        self.live = live
        self.guard = queue.guard
        self.backups = BackupScheduler(data_dir, lambda: queue.config, queue.clock, queue.store)
        self.logs = LogFiles(data_dir)
        self.logs.install()
        self._disk_low: bool | None = None

    def start(self, stop: threading.Event, interval: float = INTERVAL_SECONDS) -> threading.Thread:
        """The background thread: a first look now, then every ``interval`` seconds."""

        def run():
            while True:
                self.tick()
                if stop.wait(interval):
                    return

        thread = threading.Thread(target=run, name="loket-unattended", daemon=True)
        thread.start()
        return thread

    def tick(self) -> None:
        """One look at the clock, the backups and the disk; never raises."""
        for chore in (self.guard.problem, self.guard.persist, self._backup, self._disk):
            try:
                chore()
            except Exception:
                log.exception("%s failed", getattr(chore, "__name__", chore))

    def _backup(self) -> None:
        if self.guard.problem() is not None:  # copies named and pruned by a wrong clock would mislead
            return
        before = self.backups.last_error
        if self.backups.run_due() is not None or self.backups.last_error != before:
            broadcast("system_status", self.screen_status(staff=False))  # /admin reloads its tab

    def disk(self) -> dict:
        """Free space on the data folder's disk."""
        return disk_status(self.data_dir, self.queue.config.backup.min_free_mb)

    def _disk(self) -> None:
        status = self.disk()
        if status["low"] != self._disk_low:
            if status["low"]:
                log.warning(
                    "low disk space: %s MB free on the data folder's disk (warning under %s MB)",
                    status["free_mb"],
                    status["min_free_mb"],
                )
            if self._disk_low is not None or status["low"]:
                broadcast("system_status", self.screen_status(staff=False))
            self._disk_low = status["low"]

    def clock_changed(self, ok: bool) -> None:
        """The clock turned wrong or right again (the clock guard's ``on_change``): tell every
        screen. Kiosks reload their services on queue_changed: each button then says why it is
        closed."""
        broadcast("system_status", self.screen_status(staff=False))
        self.live.queue_changed()

    # ---- what the pages show ---------------------------------------------------------------

    def screen_status(self, staff: bool) -> dict:
        """For every screen: the clock; for signed-in staff also the disk."""
        clock = self.guard.status()
        status = {"clock": {"ok": clock["ok"], "message": clock["message"]}}
        if staff:
            disk = self.disk()
            status["disk"] = {"ok": not disk["low"], "message": disk["message"]}
        return status

    def admin_status(self) -> dict:
        """Everything /admin shows in its "Sistem" tab."""
        return {
            "clock": self.guard.status(),
            "backup": self.backups.status(),
            "disk": self.disk(),
            "log_file": str(self.logs.path),
            "errors": self.logs.recent.latest(10),
        }

    def close(self) -> None:
        """Detach the log handlers."""
        self.logs.remove()
