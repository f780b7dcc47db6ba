"""The queue of one office: :class:`TicketQueue`, the one owner of its tickets.

Every action (the kiosk's :meth:`~TicketQueue.issue`, the counters' :meth:`~TicketQueue.call_next`,
:meth:`~TicketQueue.recall`, :meth:`~TicketQueue.start`, :meth:`~TicketQueue.finish`,
:meth:`~TicketQueue.skip`, :meth:`~TicketQueue.transfer`, :meth:`~TicketQueue.cancel`) goes through
one write path, :meth:`TicketQueue._write`: the clock check (:mod:`server.core.clock`), the day
change (:mod:`server.core.day`), then ``BEGIN IMMEDIATE`` on the store. Each returns an
:class:`~server.core.outcome.Outcome` saying what changed; the caller hands it on (the running
office announces the calls and tells the screens). Nothing here knows about Flask.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import datetime, time

from server.config.loader import Config
from server.config.services import Counter, Service
from server.core import rules, tickets, waiting
from server.core.actor import Actor
from server.core.clock import KIOSK_MESSAGE, ClockGuard
from server.core.day import Availability, availability, close_earlier_days
from server.core.errors import Conflict, LoketError, NotFound
from server.core.estimate import Estimate
from server.core.estimator import Estimator
from server.core.line import Line
from server.core.outcome import Call, Outcome
from server.core.rules import Status
from server.core.storage import Store
from server.core.tickets import TicketRow

__all__ = ["Actor", "Availability", "Call", "Outcome", "TicketQueue"]

#: What a step on a ticket sets: (columns, the event's detail).
Change = tuple[dict, dict | None]


def _done(at: float) -> dict:
    """The columns of a ticket whose service ends at ``at``."""
    return {"status": Status.DONE, "finished_at": at, "closed_at": at}


# What each step sets on a ticket (see :meth:`QueueWriter._step`).
def _recalled(conn: sqlite3.Connection, ticket: TicketRow, at: float) -> Change:
    return {"last_called_at": at, "call_count": ticket.call_count + 1}, None


def _started(conn: sqlite3.Connection, ticket: TicketRow, at: float) -> Change:
    return {"status": Status.SERVING, "started_at": at}, None


def _finished(conn: sqlite3.Connection, ticket: TicketRow, at: float) -> Change:
    return _done(at), None


def _cancelled(conn: sqlite3.Connection, ticket: TicketRow, at: float) -> Change:
    return {"status": Status.CANCELLED, "closed_at": at}, None


class TicketQueue:
    """The queue of one office, on one database: its reads, and the actions of the kiosk and the
    counters, each in one write transaction behind the clock check."""

    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Callable[[], datetime] = rules.utc_now,
        on_clock_change: Callable[[bool], None] | None = None,
        token_factory: Callable[[], str] = lambda: secrets.token_urlsafe(16),
    ):
        self.store = store
        self.config = config
        self.clock = clock
        self.token_factory = token_factory
        self._rolled_day: str | None = None
        self._waiting_cache: tuple | None = None
        self._line = Line()
        self.estimator = Estimator(store, lambda: self.config, clock, self.line)
        #: No queue writes while the clock is earlier than what is already recorded.
        self.guard = ClockGuard(store, clock, lambda: self.config.office.timezone, on_clock_change)

    def reconfigure(self, config: Config) -> None:
        """Use a new configuration from now on (the admin saved loket.toml)."""
        self.config = config

    def line(self) -> Line:
        """The waiting line in memory, brought up to the database's latest event
        (:mod:`server.core.line`)."""
        self._line.sync(self.store.read())
        return self._line

    def now(self) -> datetime:
        """The current moment (aware)."""
        return self.clock()

    def today(self, now: datetime | None = None) -> str:
        """The office's local date, ISO formatted."""
        return rules.local_day(now or self.now(), self.config.office.tz).isoformat()

    def availability(self, service: Service, now: datetime, issued_today: int) -> Availability:
        """Whether ``service`` takes new tickets at ``now``: closed with the clock's message
        while the clock is wrong, else by the office's hours and the service's quota."""
        if self.guard.problem(now):
            return Availability(False, "clock_wrong", KIOSK_MESSAGE)
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
        """People ahead of a waiting ticket: the tickets the counters that serve its service call
        before it, taking turns in loket order, if nobody else arrives
        (:func:`server.core.rules.ahead_at_counters`). The ticket, the phone, the kiosk and the
        printed ticket all say this number. A service no counter serves is counted as one
        counter of its own."""
        conn = self.store.read()
        counters = [c for c in self.config.counters if ticket.service in c.services]
        turns = [(c.services, waiting.priority_streak(conn, c.id)) for c in counters] or [
            ((ticket.service,), 0)
        ]
        line = self.line()
        with line.reading():
            lanes = {
                code: (own.queues(), own.regulars)
                for services, _streak in turns
                for code in services
                if (own := line.service(code)) is not None
            }
            return rules.ahead_in_lanes(
                ticket.candidate(), lanes, turns, self.config.queue.max_priority_in_row
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
    def _write(self, now: datetime, action: bool = True) -> Iterator[tuple[sqlite3.Connection, Outcome]]:
        """The one write path of the queue: an ``action`` is refused while the clock is wrong
        (:class:`~server.core.clock.ClockWrong`; otherwise ``now`` becomes the latest known
        moment, since the action records it), then a write transaction
        (``BEGIN IMMEDIATE``) that first closes earlier days' tickets (the day change), once per
        local day.

        The day counts as changed only once the transaction commits: a refused request (a tap
        before opening) rolls the closing back with everything else, and the next request
        closes the earlier day again.
        """
        if action:
            self.guard.check(now)
        today = self.today(now)
        with self.store.write() as conn:
            if self._rolled_day == today:
                outcome = Outcome()
            else:
                outcome = close_earlier_days(conn, today, self.config.office.tz, now)
            yield conn, outcome
        self._rolled_day = today

    def expire_stale(self) -> Outcome:
        """Close earlier days' open tickets (background job at the day change, and start-up);
        nothing is expired while the clock is wrong."""
        now = self.now()
        if self.guard.problem(now) is not None:
            return Outcome()
        self._rolled_day = None
        with self._write(now, action=False) as (_, outcome):
            return outcome

    def _step(
        self,
        ticket_id: int,
        actor: Actor,
        action: str,
        kind: str,
        change: Callable[[sqlite3.Connection, TicketRow, float], Change],
        holder: Callable[[sqlite3.Connection, int, Actor], TicketRow] | None = None,
        queue_changed: bool = False,
    ) -> Outcome:
        """One step on one ticket, in one write transaction: check that ``actor`` may act on it
        (``holder``, by default :meth:`_held`) and that ``action`` is legal in its status, then
        set the columns ``change(conn, ticket, at)`` returns and log the event ``kind`` with its
        detail. The outcome carries the ticket as changed, after the day change's own."""
        now = self.now()
        at = now.timestamp()
        with self._write(now) as (conn, rolled):
            ticket = (holder or self._held)(conn, ticket_id, actor)
            rules.check_transition(action, ticket.status, ticket.number)
            columns, detail = change(conn, ticket, at)
            tickets.update_ticket(conn, ticket.id, **columns)
            tickets.add_event(conn, ticket.id, kind, at, ticket.counter_id, actor.username, detail)
            ticket = tickets.get_ticket(conn, ticket.id)
        return rolled.then(Outcome(ticket, changed=[ticket], queue_changed=queue_changed))

    # ---- issuing ---------------------------------------------------------------------------

    def issue(self, service_code, priority: bool = False, priority_reason: str | None = None) -> Outcome:
        """Give the next number of a service to a visitor at the kiosk."""
        service = self._service(service_code)
        if priority_reason is not None and priority_reason not in rules.PRIORITY_REASONS:
            raise LoketError("invalid_priority_reason", "Alasan prioritas tidak dikenal.", 422)
        now = self.now()
        at = now.timestamp()
        # Played forward on the queue as it stands, outside the write lock; stored with the
        # ticket and never changed (the live estimate is worked out again as the queue moves).
        promise = self.estimator.for_new(service.code, bool(priority))
        told = (
            {}
            if promise is None
            else {
                "estimate_seconds": promise.seconds,
                "estimate_low_seconds": promise.low_seconds,
                "estimate_high_seconds": promise.high_seconds,
                "estimate_forward_seconds": promise.forward_seconds,
                "estimate_spread_seconds": promise.spread_seconds,
            }
        )
        with self._write(now) as (conn, outcome):
            day = self.today(now)
            available = self.availability(service, now, tickets.issued_count(conn, service.code, day))
            if not available.open:
                raise Conflict(available.code, available.reason)
            seq = tickets.next_sequence(conn, service.code, day)
            ticket_id = tickets.insert_ticket(
                conn,
                token=self.token_factory(),
                number=rules.format_number(service.code, seq),
                service=service.code,
                day=day,
                seq=seq,
                priority=int(bool(priority)),
                priority_reason=priority_reason if priority else None,
                status=Status.WAITING,
                issued_at=at,
                arrived_at=at,
                queued_at=at,
                queue_seq=tickets.next_queue_seq(conn),
                **told,
            )
            tickets.add_event(conn, ticket_id, "issued", at, detail={"priority": bool(priority)})
            ticket = tickets.get_ticket(conn, ticket_id)
        return outcome.then(Outcome(ticket, queue_changed=True))

    # ---- at the counter --------------------------------------------------------------------

    def call_next(self, counter_id: int, actor: Actor) -> Outcome:
        """Call the next visitor to a counter; the counter's current ticket is finished first."""
        counter = self.counter(counter_id)
        now = self.now()
        at = now.timestamp()
        with self._write(now) as (conn, outcome):
            for held in waiting.held_by_counter(conn, counter.id):
                outcome.changed.append(self._close_held(conn, held, at, actor))
            heads = waiting.dispatch_heads(conn, counter.services)
            streak = waiting.priority_streak(conn, counter.id)
            chosen = rules.pick_next(
                [t.candidate() for t in heads], streak, self.config.queue.max_priority_in_row
            )
            if chosen is None:
                return outcome
            ticket = next(t for t in heads if t.id == chosen.id)
            waiting.set_priority_streak(
                conn,
                counter.id,
                rules.next_priority_streak(
                    streak, ticket.priority, waiting.regular_waiting(conn, counter.services)
                ),
            )
            tickets.update_ticket(
                conn,
                ticket.id,
                status=Status.CALLED,
                counter_id=counter.id,
                called_by=actor.username,
                called_at=ticket.called_at or at,
                last_called_at=at,
                call_count=ticket.call_count + 1,
            )
            tickets.add_event(conn, ticket.id, "called", at, counter.id, actor.username)
            ticket = tickets.get_ticket(conn, ticket.id)
        return outcome.then(
            Outcome(ticket, calls=[Call(ticket, counter, False, at)], changed=[ticket], queue_changed=True)
        )

    def _close_held(self, conn, held: TicketRow, at: float, actor: Actor) -> TicketRow:
        """Finish the ticket a counter still holds when its officer calls the next one.

        A called ticket that was never started counts as served from its last call.
        """
        if held.status == Status.CALLED:
            tickets.update_ticket(conn, held.id, status=Status.SERVING, started_at=held.last_called_at)
            tickets.add_event(
                conn,
                held.id,
                "started",
                held.last_called_at,
                held.counter_id,
                actor.username,
                {"implicit": True},
            )
        tickets.update_ticket(conn, held.id, **_done(at))
        tickets.add_event(conn, held.id, "finished", at, held.counter_id, actor.username, {"implicit": True})
        return tickets.get_ticket(conn, held.id)

    def recall(self, ticket_id: int, actor: Actor) -> Outcome:
        """Call the same visitor again (announced again)."""
        outcome = self._step(ticket_id, actor, "recall", "recalled", _recalled)
        ticket = outcome.ticket
        outcome.calls.append(Call(ticket, self.counter(ticket.counter_id), True, ticket.last_called_at))
        return outcome

    def start(self, ticket_id: int, actor: Actor) -> Outcome:
        """The visitor is at the counter: service starts."""
        return self._step(ticket_id, actor, "start", "started", _started)

    def finish(self, ticket_id: int, actor: Actor) -> Outcome:
        """Service is done."""
        return self._step(ticket_id, actor, "finish", "finished", _finished)

    def skip(self, ticket_id: int, actor: Actor) -> Outcome:
        """The visitor did not come: back to the end of the queue while returns remain, else no-show."""

        def change(conn: sqlite3.Connection, ticket: TicketRow, at: float) -> Change:
            status = rules.after_skip(ticket.skip_count, self.config.queue.skip_returns)
            returned = status == Status.WAITING
            after = (
                {"counter_id": None, "queued_at": at, "queue_seq": tickets.next_queue_seq(conn)}
                if returned
                else {"closed_at": at}
            )
            return {"status": status, "skip_count": ticket.skip_count + 1, **after}, {"returned": returned}

        return self._step(ticket_id, actor, "skip", "skipped", change, queue_changed=True)

    def transfer(self, ticket_id: int, target_code, actor: Actor) -> Outcome:
        """Send the visitor to another service: a new waiting ticket, same number and arrival."""
        target = self._service(target_code)
        if not target.enabled:
            raise Conflict("service_closed", f"Layanan {target.name} sedang ditutup.")
        now = self.now()
        at = now.timestamp()
        with self._write(now) as (conn, rolled):
            old = self._held(conn, ticket_id, actor)
            rules.check_transition("transfer", old.status, old.number)
            if old.service == target.code:
                raise LoketError(
                    "same_service", "Tiket sudah berada di layanan tersebut; pilih layanan lain.", 422
                )
            new_id = tickets.insert_ticket(
                conn,
                token=old.token + "." + self.token_factory()[:8],
                number=old.number,
                service=target.code,
                day=self.today(now),
                seq=None,
                priority=int(old.priority),
                priority_reason=old.priority_reason,
                status=Status.WAITING,
                issued_at=at,
                arrived_at=old.arrived_at,
                queued_at=at,
                queue_seq=tickets.next_queue_seq(conn),
                transferred_from=old.id,
            )
            finished = {"finished_at": at} if old.status == Status.SERVING else {}
            tickets.update_ticket(
                conn,
                old.id,
                status=Status.TRANSFERRED,
                closed_at=at,
                transferred_to=new_id,
                **finished,
            )
            tickets.add_event(
                conn,
                old.id,
                "transferred",
                at,
                old.counter_id,
                actor.username,
                {"to_ticket": new_id, "to_service": target.code},
            )
            tickets.add_event(
                conn,
                new_id,
                "issued",
                at,
                None,
                actor.username,
                {"transferred_from": old.id, "from_service": old.service},
            )
            old = tickets.get_ticket(conn, old.id)
            new = tickets.get_ticket(conn, new_id)
        return rolled.then(Outcome(new, changed=[old, new], queue_changed=True))

    def cancel(self, ticket_id: int, actor: Actor) -> Outcome:
        """Withdraw a ticket that has not been served (visitor left, duplicate)."""
        return self._step(
            ticket_id, actor, "cancel", "cancelled", _cancelled, holder=self._cancellable, queue_changed=True
        )

    def _cancellable(self, conn, ticket_id: int, actor: Actor) -> TicketRow:
        """A ticket the actor may withdraw: a called one only by its counter; a waiting one by an
        officer whose counter serves its service."""
        ticket = self._ticket(conn, ticket_id)
        if ticket.status == Status.CALLED:
            return self._held(conn, ticket_id, actor)
        if actor.role == "officer":
            counter = self.config.counter(actor.counter_id or 0)
            if counter is None or ticket.service not in counter.services:
                raise LoketError("forbidden", "Tiket ini bukan untuk layanan di loket Anda.", 403)
        return ticket
