"""The running office (:class:`Loket`): its data folder, database, queue, voice, printer and
background work, put together once and shared by the web app and the live connections."""

from __future__ import annotations

import logging
import os
import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

from flask import Flask

from server.config.loader import Config, ensure_config, load_config
from server.core import learning
from server.core.storage import Store
from server.eventloop.memory import give_memory_back
from server.live import events
from server.printing import NullPrintQueue, PrintQueue, TicketPrint, render_png
from server.printing.spool import NOT_PRINTED
from server.unattended.clock_guard import guarded_queue
from server.unattended.watch import Unattended
from server.voice import Announcer, NullAnnouncer
from server.voice.pack import FOLDER as VOICE_PACK
from server.web.throttle import TOO_MANY_ENROLMENTS, FloodGuard, LoginGuard

log = logging.getLogger(__name__)

DB_NAME = "loket.db"
PREVIEW_CACHE = 500
PREFETCH_SETTLE_SECONDS = 0.2
SECRET_NAME = "secret.key"


def default_data_dir() -> Path:
    """``$LOKET_DATA``, else ``./loket-data``."""
    return Path(os.environ.get("LOKET_DATA") or "loket-data")


def secret_key(data_dir: Path) -> bytes:
    """This installation's secret key, created once with owner-only permissions."""
    path = data_dir / SECRET_NAME
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    os.chmod(path, 0o600)
    return path.read_text().strip().encode()


def prepare_data_dir(data_dir: Path, demo: bool = False) -> Config:
    """Create the data folder and its loket.toml if missing; load and validate the config."""
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    return load_config(ensure_config(data_dir, demo))


def printer_settings(config: Config, data_dir: Path):
    """The ``[printer]`` settings, a file printer's relative path taken inside the data folder."""
    settings = config.printer
    if settings.kind == "file" and settings.path and not os.path.isabs(settings.path):
        settings = replace(settings, path=str(data_dir / settings.path))
    return settings


class Loket:
    """One running office: its database, queue, voice and printer, and their background work."""

    def __init__(
        self, data_dir: Path, config: Config, clock: Callable[[], datetime], announcer=None, printer=None
    ):
        self.data_dir = data_dir
        self.store = Store(data_dir / DB_NAME)  # owner-only, with its -wal and -shm
        self.queue = guarded_queue(self.store, config, clock)  # no queue writes on a wrong clock
        self.login_guard = LoginGuard(clock)
        self.kiosk_guard = FloodGuard(clock, lambda: self.config.queue.kiosk_limit_per_minute)
        self.enroll_guard = FloodGuard(clock, lambda: 5, TOO_MANY_ENROLMENTS)
        from server.devices.registry import Devices

        self.devices = Devices(self.store)
        self.announcer = announcer or self._make_announcer(config)
        self.printer = printer or self._make_printer(config)
        self._previews: OrderedDict = OrderedDict()
        self._previews_lock = threading.Lock()
        self._stop = threading.Event()
        self._prefetch_wanted = threading.Event()
        self._jobs: list[threading.Thread] = []
        self.app: Flask | None = None
        self.unattended = Unattended(self)  # clock guard, daily backups, disk space, log file

    @property
    def config(self) -> Config:
        return self.queue.config

    def _make_announcer(self, config: Config):
        cache = self.data_dir / "sounds"
        cache.mkdir(exist_ok=True)
        if not config.voice.enabled:
            return NullAnnouncer(config.voice, cache)
        return Announcer(config.voice, cache, pack_dir=self.data_dir / VOICE_PACK)

    def _make_printer(self, config: Config):
        if config.printer.kind == "none":
            return NullPrintQueue(config.printer)
        return PrintQueue(printer_settings(config, self.data_dir), on_result=events.ticket_printed)

    # ---- live reconfiguration --------------------------------------------------------------

    def reconfigure(self, config: Config) -> None:
        """Apply a new configuration without a restart; voice and printer restart if changed."""
        old = self.config
        self.queue.config = config
        if config.voice != old.voice:
            previous, self.announcer = self.announcer, self._make_announcer(config)
            self.announcer.start()
            if self.app is not None:
                self.app.extensions["loket_announcer"] = self.announcer
            previous.close()
        if config.printer != old.printer:
            previous, self.printer = self.printer, self._make_printer(config)
            self.printer.start()
            previous.close()

    # ---- voice -----------------------------------------------------------------------------

    def announce(self, ticket_number: str, counter_name: str) -> dict:
        """The announcement of a call: its text and where the display fetches the audio."""
        try:
            announcement = self.announcer.announce(ticket_number, counter_name)
        except Exception:  # the voice must never block a call
            log.exception("announcement failed for %s", ticket_number)
            chime = getattr(self.announcer, "chime_url", None)
            return {
                "text": f"Nomor antrian {ticket_number}, silakan menuju {counter_name}",
                "audio_url": chime,
            }
        return {"text": announcement.text, "audio_url": announcement.audio_url}

    def prefetch_announcements(self) -> None:
        """Ask for the likely next calls to be synthesised ahead (off the request path)."""
        self._prefetch_wanted.set()

    def _prefetcher(self) -> None:
        # A burst of queue changes (a busy kiosk) settles into one look at the queue, at most a
        # few times a second; a call that comes sooner is synthesised on demand (tens of ms).
        handed: tuple[object, set] = (None, set())  # (announcer, calls already handed to it)
        while not self._stop.is_set():
            if not self._prefetch_wanted.wait(1.0):
                continue
            if not self.announcer.prefetches:  # voice off: nothing to synthesise
                self._prefetch_wanted.clear()
                continue
            if self._stop.wait(PREFETCH_SETTLE_SECONDS):
                return
            self._prefetch_wanted.clear()
            announcer = self.announcer
            try:
                calls = {(t.number, c.name) for c, t in self.queue.likely_next_calls(limit=2)}
                done = handed[1] if handed[0] is announcer else set()
                for number, counter_name in calls - done:
                    announcer.prefetch(number, counter_name)
                handed = (announcer, calls)
            except Exception:
                log.exception("prefetching announcements failed")

    # ---- printing --------------------------------------------------------------------------

    def ticket_print(self, ticket, body: dict) -> TicketPrint:
        """What goes on paper (and on the kiosk's preview) for a ticket."""
        from server.core.rules import PRIORITY_REASONS

        service = self.config.service(ticket.service)
        return TicketPrint(
            office_name=self.config.office.name,
            service_code=ticket.service,
            service_name=service.name if service else ticket.service,
            number=ticket.number,
            issued_at=datetime.fromtimestamp(ticket.issued_at, self.config.office.tz),
            ahead=body.get("ahead", 0),
            estimate_minutes=body.get("estimate_minutes"),
            estimate_text=body.get("estimate_text"),
            status_url=body["status_url"],
            priority=ticket.priority,
            priority_label=PRIORITY_REASONS.get(ticket.priority_reason or "", "Prioritas"),
        )

    def print_ticket(self, ticket, body: dict) -> dict:
        """Queue the ticket for the printer; never waits for the device.

        The TicketPrint is kept (a bounded cache by token) so the on-screen preview shows exactly
        what went to paper, even when the queue has moved since.
        """
        printed = self.ticket_print(ticket, body)
        with self._previews_lock:
            self._previews[ticket.token] = printed
            while len(self._previews) > PREVIEW_CACHE:
                self._previews.popitem(last=False)
        if self.config.printer.kind == "none":
            return {"queued": False, "ok": True, "message": None}
        status = self.printer.status()
        try:
            self.printer.submit(str(ticket.id), printed)
        except Exception:
            log.exception("could not queue ticket %s for printing", ticket.number)
            return {"queued": False, "ok": False, "message": NOT_PRINTED}
        # A printer already known to be failing will most likely fail again: say so now.
        healthy = bool(status.get("ok", True))
        return {"queued": True, "ok": healthy, "message": None if healthy else NOT_PRINTED}

    def preview_png(self, ticket, body: dict) -> bytes:
        """The ticket image as it was printed (rebuilt from the ticket if no longer cached)."""
        with self._previews_lock:
            printed = self._previews.get(ticket.token)
        if printed is None:
            printed = self.ticket_print(ticket, body)
        settings = self.config.printer
        return render_png(printed, settings.width_mm, dots=settings.dots)

    def print_test(self) -> None:
        """Queue a test ticket (from the admin page)."""
        now = self.queue.now().astimezone(self.config.office.tz)
        self.printer.submit(
            "test",
            TicketPrint(
                office_name=self.config.office.name,
                service_code="A",
                service_name="Tes printer",
                number="A000",
                issued_at=now,
                ahead=0,
                estimate_minutes=None,
                status_url="http://loket.local/",
                footer="Tes printer berhasil.",
            ),
        )

    def staffed_counters(self) -> dict[int, str | None]:
        """Counters with an officer now, for the wait estimate: signed in at the counter (within a
        session's lifetime), or calling there within the idle time (a session from before a
        restart, which the server only learns of when it is used)."""
        now = self.queue.now().timestamp()
        calls = learning.last_calls(self.store.read(), now - self.config.security.idle_minutes * 60)
        presence = self.app.extensions.get("console_presence") if self.app is not None else None
        left = presence.left_at() if presence is not None else {}
        staffed = {cid: who for cid, (who, at) in calls.items() if left.get(cid, 0) < at}
        if presence is not None:
            lifetime = self.app.permanent_session_lifetime.total_seconds()
            for counter_id, users in presence.by_counter(now - lifetime).items():
                staffed[counter_id] = users[-1][0]
        return staffed

    # ---- background ------------------------------------------------------------------------

    def start_background(self, interval: float = 30.0) -> None:
        """Start the voice and printer workers and the job that closes yesterday's queue."""
        self.announcer.start()
        self.printer.start()
        from server.live.alerts import start_alerts

        self._jobs.append(start_alerts(self))
        self._jobs.append(self.unattended.start(self._stop))
        for target, name, args in (
            (self._housekeeping, "loket-housekeeping", (interval,)),
            (self._prefetcher, "loket-prefetch", ()),
        ):
            thread = threading.Thread(target=target, args=args, name=name, daemon=True)
            thread.start()
            self._jobs.append(thread)

    def _housekeeping(self, interval: float) -> None:
        while not self._stop.wait(interval):
            self.run_housekeeping()
            give_memory_back()

    def run_housekeeping(self) -> None:
        """Expire tickets left open from earlier days and tell the screens."""
        try:
            outcome = self.queue.expire_stale()
            if outcome.changed:
                log.info("expired %d tickets from earlier days", len(outcome.changed))
                with self.app.app_context():
                    events.publish(outcome, self)
        except Exception:
            log.exception("housekeeping failed")

    def close(self) -> None:
        """Stop background work and close the database."""
        self._stop.set()
        for closer in (self.announcer.close, self.printer.close, self.unattended.close):
            try:
                closer()
            except Exception:
                log.exception("closing a worker failed")
        self.store.close()
