"""The write transaction every queue action runs in: the day change first (see
:mod:`server.core.day`), then the action; and the checks the actions share (a known service, a
ticket the actor's counter holds, one legal step on one ticket).

:class:`QueueWriter` adds these to :class:`~server.core.reading.QueueReader`; the actions
themselves are :class:`server.core.actions.QueueService`'s.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime

from server.config.loader import Config
from server.config.services import Service
from server.core import rules, tickets
from server.core.actor import Actor
from server.core.day import close_earlier_days
from server.core.errors import LoketError, NotFound
from server.core.outcome import Outcome
from server.core.reading import QueueReader
from server.core.storage import Store
from server.core.tickets import TicketRow

#: What a step on a ticket sets: (columns, the event's detail).
Change = tuple[dict, dict | None]


class QueueWriter(QueueReader):
    """The queue of one office with its write transaction (the actions build on it)."""

    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Callable[[], datetime] = rules.utc_now,
        token_factory: Callable[[], str] = lambda: secrets.token_urlsafe(16),
    ):
        super().__init__(store, config, clock)
        self.token_factory = token_factory
        self._rolled_day: str | None = None

    # ---- helpers ---------------------------------------------------------------------------

    def _service(self, code) -> Service:
        service = self.config.service(code) if isinstance(code, str) else None
        if service is None or service.retired:  # a retired service takes no new visitors
            raise NotFound("unknown_service", f"Layanan {code!r} tidak dikenal.")
        return service

    def _held(self, conn, ticket_id: int, actor: Actor) -> TicketRow:
        """A ticket the actor may act on: officers only on tickets their counter holds."""
        ticket = self._ticket(conn, ticket_id)
        if actor.role == "officer" and (ticket.counter_id is None or ticket.counter_id != actor.counter_id):
            raise LoketError("forbidden", f"Tiket {ticket.number} tidak sedang dipegang loket Anda.", 403)
        return ticket

    @contextmanager
    def _office_write(self, now: datetime) -> Iterator[tuple[sqlite3.Connection, Outcome]]:
        """A write transaction that first closes earlier days' tickets (the day change), once
        per local day.

        The day counts as changed only once the transaction commits: a refused request (a tap
        before opening) rolls the closing back with everything else, and the next request
        closes the earlier day again.
        """
        today = self.today(now)
        with self.store.write() as conn:
            if self._rolled_day == today:
                outcome = Outcome()
            else:
                outcome = close_earlier_days(conn, today, self.config.office.tz, now)
            yield conn, outcome
        self._rolled_day = today

    def expire_stale(self) -> Outcome:
        """Close earlier days' open tickets (background job at the day change, and start-up)."""
        self._rolled_day = None
        with self._office_write(self.now()) as (_, outcome):
            return outcome

    def _step(
        self,
        ticket_id: int,
        actor: Actor,
        action: str,
        kind: str,
        change: Callable[[TicketRow, float], Change],
        holder: Callable[[sqlite3.Connection, int, Actor], TicketRow] | None = None,
        queue_changed: bool = False,
    ) -> Outcome:
        """One step on one ticket, in one write transaction: check that ``actor`` may act on it
        (``holder``, by default :meth:`_held`) and that ``action`` is legal in its status, then
        set the columns ``change(ticket, at)`` returns and log the event ``kind`` with its
        detail. The outcome carries the ticket as changed, after the day change's own."""
        now = self.now()
        at = now.timestamp()
        with self._office_write(now) as (conn, rolled):
            ticket = (holder or self._held)(conn, ticket_id, actor)
            rules.check_transition(action, ticket.status, ticket.number)
            columns, detail = change(ticket, at)
            tickets.update_ticket(conn, ticket.id, **columns)
            tickets.add_event(conn, ticket.id, kind, at, ticket.counter_id, actor.username, detail)
            ticket = tickets.get_ticket(conn, ticket.id)
        return rolled.then(Outcome(ticket, changed=[ticket], queue_changed=queue_changed))
