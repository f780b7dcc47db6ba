"""The running office (:class:`Runtime`): its data folder, database, queue, live side, voice,
printer, devices, rate limits and background work, each given to it ready-made by
:mod:`server.assembly`, the one place that builds the parts.

Routes reach it through :func:`server.webbase.guard.current_runtime`; after an action they hand
the :class:`~server.core.outcome.Outcome` to :meth:`Runtime.react`: announcing the calls and
telling the screens is the office's reaction to what the queue did.

May import: config, core, devices, eventloop, live, printing, unattended, webbase.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path

from server.config.loader import Config
from server.core import overtime
from server.core.outcome import Outcome
from server.core.storage import Store
from server.core.ticket_queue import TicketQueue
from server.core.views import IssuedTicket, issued_ticket, ticket_json
from server.devices.registry import Devices
from server.eventloop.memory import give_memory_back
from server.live.events import Live, broadcast
from server.printing import TicketPrint
from server.printing.spool import NOT_PRINTED
from server.unattended.watch import Unattended
from server.webbase.limits import FloodLimit, LoginLimit

log = logging.getLogger(__name__)

PREVIEW_CACHE = 500
PREFETCH_SETTLE_SECONDS = 0.2
OVERTIME_INTERVAL_SECONDS = 15.0


class Runtime:
    """One running office; see the module docstring."""

    def __init__(
        self,
        data_dir: Path,
        store: Store,
        queue: TicketQueue,
        live: Live,
        devices: Devices,
        unattended: Unattended,
        announcer,
        print_queue,
        make_announcer: Callable[[Config], object],  # for a changed [voice]
        make_print_queue: Callable[[Config], object],  # for a changed [printer]
        login_limit: LoginLimit,
        kiosk_limit: FloodLimit,
        enroll_limit: FloodLimit,
        renderer,  # draws the ticket's picture off this interpreter (printing.RenderService)
        picture_limit: FloodLimit,  # per ticket token: GET /t/<token>/ticket.png
    ):
        self.data_dir = data_dir
        self.store = store
        self.queue = queue
        self.live = live
        self.devices = devices
        self.unattended = unattended
        self.login_limit = login_limit
        self.kiosk_limit = kiosk_limit
        self.enroll_limit = enroll_limit
        self.renderer = renderer
        self.picture_limit = picture_limit
        self._make_announcer = make_announcer
        self._make_print_queue = make_print_queue
        self.announcer = announcer
        self.print_queue = print_queue
        self._previews: OrderedDict[str, TicketPrint] = OrderedDict()
        self._previews_lock = threading.Lock()
        self._answers: dict[str, tuple[object, object]] = {}
        self._stop = threading.Event()
        self._prefetch_wanted = threading.Event()
        self._jobs: list[threading.Thread] = []

    @property
    def config(self) -> Config:
        return self.queue.config

    # ---- live reconfiguration --------------------------------------------------------------

    def reconfigure(self, config: Config) -> None:
        """Apply a new configuration without a restart; voice and printer restart if changed."""
        old = self.config
        self.queue.reconfigure(config)
        if config.voice != old.voice:
            previous, self.announcer = self.announcer, self._make_announcer(config)
            self.announcer.start()
            previous.close()
        if config.printer != old.printer:
            previous, self.print_queue = self.print_queue, self._make_print_queue(config)
            self.print_queue.start()
            previous.close()

    def shared_answer(self, name: str, key, make: Callable[[], object]):
        """An answer many clients ask for (``/api/services``), made again only when ``key``
        changes (a committed write, a new second): everyone else shares the last one."""
        cached = self._answers.get(name)
        if cached is None or cached[0] != key:
            cached = (key, make())
            self._answers[name] = cached
        return cached[1]

    # ---- the office's reaction to an action ------------------------------------------------

    def react(self, outcome: Outcome) -> None:
        """What the office does after the queue acted: announce each call (the words at once,
        the audio made behind by the voice worker), tell every screen, and look ahead at the
        next calls' audio."""
        announcements = [self.announce(call.ticket.number, call.counter.name) for call in outcome.calls]
        self.live.publish(outcome, announcements)
        if outcome.queue_changed:
            self.prefetch_announcements()

    def prefetch_announcements(self) -> None:
        """Ask for the likely next calls to be synthesised ahead (off the request path)."""
        self._prefetch_wanted.set()

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

    def paper(self, issued: IssuedTicket) -> TicketPrint:
        """What goes on paper (and on the kiosk's preview) for an issued ticket."""
        ticket = issued.ticket
        return TicketPrint(
            office_name=issued.office_name,
            service_code=ticket.service,
            service_name=issued.service_name,
            number=ticket.number,
            issued_at=issued.issued_at,
            ahead=issued.ahead,
            estimate_minutes=issued.estimate_minutes,
            estimate_text=issued.estimate_text,
            status_url=issued.status_url,
            priority=ticket.priority,
            priority_label=issued.priority_label,
        )

    def print_ticket(self, issued: IssuedTicket) -> dict:
        """Hand the ticket to the print queue; never waits for the device. Answers the kiosk's
        ``print`` object (``queued``, ``ok``, ``message``).

        The paper is kept (a bounded cache by token) so the on-screen preview shows exactly what
        went to paper, even when the queue has moved since.
        """
        printed = self.paper(issued)
        with self._previews_lock:
            self._previews[issued.ticket.token] = printed
            while len(self._previews) > PREVIEW_CACHE:
                self._previews.popitem(last=False)
        if self.config.printer.kind == "none":
            return {"queued": False, "ok": True, "message": None}
        status = self.print_queue.status()
        try:
            self.print_queue.submit(str(issued.ticket.id), printed)
        except Exception:
            log.exception("could not queue ticket %s for printing", issued.ticket.number)
            return {"queued": False, "ok": False, "message": NOT_PRINTED}
        # A printer already known to be failing will most likely fail again: say so now.
        healthy = bool(status.get("ok", True))
        return {"queued": True, "ok": healthy, "message": None if healthy else NOT_PRINTED}

    def preview_png(self, ticket, status_url: str) -> bytes:
        """The ticket image as it was printed (drawn again from the ticket if no longer cached;
        a transferred ticket is a new ticket, with a new picture). The render service draws it
        in its own process and keeps the last pictures, keyed by everything drawn."""
        with self._previews_lock:
            printed = self._previews.get(ticket.token)
        if printed is None:
            printed = self.paper(issued_ticket(ticket, self.queue, status_url))
        settings = self.config.printer
        return self.renderer.png(printed, settings.width_mm, settings.dots)

    def print_test(self) -> None:
        """Queue a test ticket (from the admin page)."""
        now = self.queue.now().astimezone(self.config.office.tz)
        self.print_queue.submit(
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

    # ---- over-time alerts ------------------------------------------------------------------

    def check_overtime(self, now=None) -> list[dict]:
        """Tell the consoles and the board of every ticket that has just gone past its standard
        (``ticket_overtime``); returns the payloads sent."""
        now = now or self.queue.now()
        payloads = [
            {
                "ticket": ticket_json(late.ticket, self.queue),
                "kind": late.kind,
                "minutes": late.minutes,
                "standard_minutes": late.standard_minutes,
            }
            for late in overtime.record_new(self.store, self.config, now)
        ]
        for payload in payloads:
            broadcast(overtime.EVENT, payload)
        return payloads

    # ---- background ------------------------------------------------------------------------

    def start_background(self, interval: float = 30.0) -> None:
        """Start the voice and printer workers, the over-time alerts, the unattended chores and
        the job that closes yesterday's queue."""
        self.announcer.start()
        self.renderer.start()
        self.print_queue.start()
        self._jobs.append(self.unattended.start(self._stop))
        for target, name, args in (
            (self._housekeeping, "loket-housekeeping", (interval,)),
            (self._prefetcher, "loket-prefetch", ()),
            (self._overtime_job, "loket-overtime-alerts", (OVERTIME_INTERVAL_SECONDS,)),
        ):
            thread = threading.Thread(target=target, args=args, name=name, daemon=True)
            thread.start()
            self._jobs.append(thread)

    def _overtime_job(self, interval: float) -> None:
        while not self._stop.wait(interval):
            try:
                self.check_overtime()
            except Exception:  # an alert must never take the server down
                log.exception("over-time check failed")

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
                self.react(outcome)
        except Exception:
            log.exception("housekeeping failed")

    def close(self) -> None:
        """Stop background work and close the database."""
        self._stop.set()
        for closer in (
            self.announcer.close,
            self.print_queue.close,
            self.renderer.close,
            self.unattended.close,
        ):
            try:
                closer()
            except Exception:
                log.exception("closing a worker failed")
        self.store.close()
