"""Reading the queue of one office: tickets by id or status-page token, people ahead, waiting
counts, what each counter holds, the latest calls and the services' overview for the kiosk.

:class:`QueueReader` holds the store, the configuration and the clock; the actions of
:class:`server.core.actions.QueueService` build on it. Nothing here writes.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import datetime, time

from server.config.loader import Config
from server.config.services import Counter, Service
from server.core import rules, tickets, waiting
from server.core.day import Availability, availability
from server.core.errors import NotFound
from server.core.estimate import Estimate
from server.core.estimator import Estimator
from server.core.rules import Status
from server.core.storage import Store
from server.core.tickets import TicketRow


class QueueReader:
    """The queue of one office, on one database, read only."""

    def __init__(self, store: Store, config: Config, clock: Callable[[], datetime] = rules.utc_now):
        self.store = store
        self.config = config
        self.clock = clock
        self._waiting_cache: tuple | None = None
        self.estimator = Estimator(store, lambda: self.config, clock)

    def now(self) -> datetime:
        """The current moment (aware)."""
        return self.clock()

    def today(self, now: datetime | None = None) -> str:
        """The office's local date, ISO formatted."""
        return rules.local_day(now or self.now(), self.config.office.tz).isoformat()

    def availability(self, service: Service, now: datetime, issued_today: int) -> Availability:
        """Whether ``service`` takes new tickets at ``now``."""
        return availability(self.config, service, now, issued_today)

    def counter(self, counter_id: int) -> Counter:
        """The counter with this loket number (NotFound otherwise)."""
        counter = self.config.counter(counter_id)
        if counter is None:
            raise NotFound("unknown_counter", f"Loket {counter_id} tidak dikenal.")
        return counter

    def _ticket(self, conn: sqlite3.Connection, ticket_id: int) -> TicketRow:
        ticket = tickets.get_ticket(conn, ticket_id)
        if ticket is None:
            raise NotFound("unknown_ticket", f"Tiket {ticket_id} tidak ditemukan.")
        return ticket

    def get(self, ticket_id: int) -> TicketRow:
        """A ticket by id (NotFound otherwise)."""
        return self._ticket(self.store.read(), ticket_id)

    def get_by_token(self, token: str) -> TicketRow:
        """The visitor's current ticket from a status-page token (NotFound otherwise)."""
        conn = self.store.read()
        ticket = tickets.get_ticket_by_token(conn, token)
        if ticket is None:
            raise NotFound("unknown_ticket", "Tiket tidak ditemukan.")
        # The visitor keeps one QR code: follow a transfer to the ticket that waits now.
        while ticket.transferred_to is not None:
            ticket = tickets.get_ticket(conn, ticket.transferred_to)
        return ticket

    def likely_next_calls(self, limit: int = 2) -> list[tuple[Counter, TicketRow]]:
        """For every counter, the tickets it would most likely call next, in order (for the
        voice's look-ahead). Each service's queue head is read once, however many counters
        share it."""
        conn = self.store.read()
        codes = {code for counter in self.config.counters for code in counter.services}
        heads = {code: waiting.next_waiting(conn, (code,), limit) for code in codes}
        calls = []
        for counter in self.config.counters:
            mine = [t for code in counter.services for t in heads[code]]
            calls.extend((counter, t) for t in sorted(mine, key=waiting.queue_order)[:limit])
        return calls

    def waiting_counts(self) -> dict[str, int]:
        """Waiting tickets per service code, every configured service included."""
        # Asked several times per request (the push to the screens, the estimate): read once
        # per committed write. The generation is taken before the read, so a stale cache entry
        # can only be newer than its key, never older.
        key = (self.store.generation, self.config)
        cached = self._waiting_cache
        if cached is None or cached[0][0] != key[0] or cached[0][1] is not key[1]:
            counts = waiting.waiting_counts(self.store.read())
            cached = (key, {s.code: counts.get(s.code, 0) for s in self.config.services})
            self._waiting_cache = cached
        return dict(cached[1])

    def ahead(self, ticket: TicketRow) -> int:
        """Waiting tickets of the same service the dispatcher calls before this one, with the
        priority streak of the counter serving the service that has the fewest priority calls
        in a row (the order least favourable to a regular visitor: never a promise too good)."""
        conn = self.store.read()
        line = waiting.waiting_tickets(conn, (ticket.service,))
        streaks = [
            waiting.priority_streak(conn, c.id) for c in self.config.counters if ticket.service in c.services
        ]
        return rules.ahead_of(
            ticket.candidate(),
            [t.candidate() for t in line],
            min(streaks, default=0),
            self.config.queue.max_priority_in_row,
        )

    def position(self, ticket: TicketRow) -> tuple[int, Estimate | None]:
        """People ahead of a waiting ticket and its live wait estimate (None when it does not
        wait, or when no staffed counter serves its service)."""
        if ticket.status != Status.WAITING:
            return 0, None
        return self.ahead(ticket), self.estimator.now_for(ticket)

    def services_overview(self) -> list[dict]:
        """Every service with its waiting count, whether it takes tickets now and the estimate
        for a visitor taking a number now."""
        conn = self.store.read()
        now = self.now()
        day = self.today(now)
        counts = self.waiting_counts()
        result = []
        for service in self.config.services:
            available = self.availability(service, now, tickets.issued_count(conn, service.code, day))
            estimate = self.estimator.preview(service.code) if available.open else None
            result.append(
                {
                    "service": service,
                    "waiting": counts.get(service.code, 0),
                    "availability": available,
                    "estimate": estimate,
                    "estimate_text": self.estimator.describe(service.code, estimate)
                    if available.open
                    else None,
                }
            )
        return result

    def counters_overview(self) -> list[tuple[Counter, TicketRow | None]]:
        """Every counter with the ticket it holds now."""
        held = waiting.at_counters(self.store.read())
        return [(c, held.get(c.id)) for c in self.config.counters]

    def recent_calls(self, limit: int = 10) -> list[tuple[dict, TicketRow]]:
        """Today's latest calls, newest first, with their tickets (after midnight the TV does not
        show yesterday's A001 beside today's)."""
        conn = self.store.read()
        now = self.now()
        midnight = datetime.combine(
            rules.local_day(now, self.config.office.tz), time(), self.config.office.tz
        )
        calls = [c for c in waiting.recent_calls(conn, limit) if c["at"] >= midnight.timestamp()]
        return [(call, tickets.get_ticket(conn, call["ticket_id"])) for call in calls]
