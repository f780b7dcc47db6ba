"""Queue actions: the rules of :mod:`server.core.rules` applied to the database, atomically.

Each action runs in one write transaction and returns an :class:`Outcome` saying what changed;
the caller (an HTTP route) hands it to :mod:`server.live.events`, which tells the screens. Nothing here
knows about Flask.
"""

from __future__ import annotations

import secrets
import sqlite3
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from server.config.loader import Config, Counter, Service
from server.core import rules, storage
from server.core.errors import Conflict, LoketError, NotFound
from server.core.estimate import Estimate
from server.core.estimator import Estimator
from server.core.rules import Status
from server.core.storage import Store, TicketRow

ROLES = ("officer", "supervisor", "admin")


@dataclass(frozen=True)
class Actor:
    """Who asks for an action: a signed-in user, at a counter for officers."""

    username: str
    role: str
    counter_id: int | None = None

    def may_use_counter(self, counter_id: int) -> bool:
        """Officers act only at the counter they signed in at; supervisors and admins anywhere."""
        return self.role in ("supervisor", "admin") or self.counter_id == counter_id


@dataclass(frozen=True)
class Call:
    """A ticket was called to a counter. Every screen receives it as ``ticket_called``."""

    ticket: TicketRow
    counter: Counter
    recall: bool
    called_at: float


@dataclass
class Outcome:
    """What one action did: the ticket it returns, calls to announce and tickets that changed."""

    ticket: TicketRow | None = None
    calls: list[Call] = field(default_factory=list)
    changed: list[TicketRow] = field(default_factory=list)
    queue_changed: bool = False

    def then(self, other: "Outcome") -> "Outcome":
        """This outcome (tickets closed by the day change) followed by an action's own."""
        return Outcome(
            other.ticket,
            self.calls + other.calls,
            self.changed + other.changed,
            self.queue_changed or other.queue_changed,
        )


@dataclass(frozen=True)
class Availability:
    """Whether a service takes new tickets now, and why not."""

    open: bool
    code: str | None = None
    reason: str | None = None


class QueueService:
    """The queue of one office, on one database."""

    def __init__(
        self,
        store: Store,
        config: Config,
        clock: Callable[[], datetime] = rules.utc_now,
        token_factory: Callable[[], str] = lambda: secrets.token_urlsafe(16),
    ):
        self.store = store
        self.config = config
        self.clock = clock
        self.token_factory = token_factory
        self._rolled_day: str | None = None
        self._waiting_cache: tuple | None = None
        self.estimator = Estimator(store, lambda: self.config, clock)

    # ---- helpers ---------------------------------------------------------------------------

    def now(self) -> datetime:
        """The current moment (aware)."""
        return self.clock()

    def today(self, now: datetime | None = None) -> str:
        """The office's local date, ISO formatted."""
        return rules.local_day(now or self.now(), self.config.office.tz).isoformat()

    def _service(self, code) -> Service:
        service = self.config.service(code) if isinstance(code, str) else None
        if service is None or service.retired:  # a retired service takes no new visitors
            raise NotFound("unknown_service", f"Layanan {code!r} tidak dikenal.")
        return service

    def counter(self, counter_id: int) -> Counter:
        """The counter with this loket number (NotFound otherwise)."""
        counter = self.config.counter(counter_id)
        if counter is None:
            raise NotFound("unknown_counter", f"Loket {counter_id} tidak dikenal.")
        return counter

    def _ticket(self, conn: sqlite3.Connection, ticket_id: int) -> TicketRow:
        ticket = storage.get_ticket(conn, ticket_id)
        if ticket is None:
            raise NotFound("unknown_ticket", f"Tiket {ticket_id} tidak ditemukan.")
        return ticket

    def _held(self, conn, ticket_id: int, actor: Actor) -> TicketRow:
        """A ticket the actor may act on: officers only on tickets their counter holds."""
        ticket = self._ticket(conn, ticket_id)
        if actor.role == "officer" and (ticket.counter_id is None or ticket.counter_id != actor.counter_id):
            raise LoketError("forbidden", f"Tiket {ticket.number} tidak sedang dipegang loket Anda.", 403)
        return ticket

    # ---- availability ----------------------------------------------------------------------

    def availability(self, service: Service, now: datetime, issued_today: int) -> Availability:
        """Whether ``service`` takes new tickets at ``now``."""
        office = self.config.office
        local = now.astimezone(office.tz)
        hours = self.config.hours_for(service)
        if not service.enabled:
            return Availability(False, "service_closed", "Layanan sedang ditutup.")
        if not any(service.code in c.services for c in self.config.counters):
            return Availability(False, "service_closed", "Belum ada loket yang melayani layanan ini.")
        if local.weekday() not in office.days:
            return Availability(False, "service_closed", "Kantor tutup hari ini.")
        if local.time() < hours.opens:
            return Availability(False, "service_closed", f"Layanan dibuka pukul {hours.label_opens}.")
        if not hours.contains(local.time()):
            closes = hours.closes.strftime("%H.%M") if hours.closes else ""
            return Availability(False, "service_closed", f"Pengambilan nomor sudah ditutup pukul {closes}.")
        if service.daily_quota and issued_today >= service.daily_quota:
            return Availability(False, "quota_reached", "Kuota hari ini sudah habis.")
        return Availability(True)

    # ---- day rollover ----------------------------------------------------------------------

    def _roll_day(self, conn, now: datetime) -> Outcome:
        """Close tickets of earlier days at their day's end (local midnight): still waiting →
        expired; still called or being served → unfinished (no service time, out of the
        averages). Once per local day; see :meth:`_office_write`."""
        today = self.today(now)
        outcome = Outcome()
        if self._rolled_day == today:
            return outcome
        tz = self.config.office.tz
        for ticket in storage.stale_open_tickets(conn, today):
            day_end = datetime.combine(date.fromisoformat(ticket.day) + timedelta(days=1), time(), tz)
            at = min(now, day_end).timestamp()
            if ticket.status == Status.WAITING:
                storage.update_ticket(conn, ticket.id, status=Status.EXPIRED, closed_at=at)
                storage.add_event(conn, ticket.id, "expired", at, detail={"day": ticket.day})
            else:
                storage.update_ticket(conn, ticket.id, status=Status.UNFINISHED, closed_at=at)
                storage.add_event(
                    conn,
                    ticket.id,
                    "unfinished",
                    at,
                    ticket.counter_id,
                    detail={"day": ticket.day, "was": ticket.status},
                )
            outcome.changed.append(storage.get_ticket(conn, ticket.id))
            outcome.queue_changed = True
        return outcome

    @contextmanager
    def _office_write(self, now: datetime) -> Iterator[tuple[sqlite3.Connection, Outcome]]:
        """A write transaction that first closes earlier days' tickets (the day change).

        The day counts as changed only once the transaction commits: a refused request (a tap
        before opening) rolls the closing back with everything else, and the next request
        closes the earlier day again.
        """
        with self.store.write() as conn:
            outcome = self._roll_day(conn, now)
            yield conn, outcome
        self._rolled_day = self.today(now)

    def expire_stale(self) -> Outcome:
        """Close earlier days' open tickets (background job at the day change, and start-up)."""
        self._rolled_day = None
        with self._office_write(self.now()) as (_, outcome):
            return outcome

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
        with self._office_write(now) as (conn, outcome):
            day = self.today(now)
            available = self.availability(service, now, storage.issued_count(conn, service.code, day))
            if not available.open:
                raise Conflict(available.code, available.reason)
            seq = storage.next_sequence(conn, service.code, day)
            ticket_id = storage.insert_ticket(
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
                **told,
            )
            storage.add_event(conn, ticket_id, "issued", at, detail={"priority": bool(priority)})
            ticket = storage.get_ticket(conn, ticket_id)
        outcome.ticket = ticket
        outcome.queue_changed = True
        return outcome

    # ---- at the counter --------------------------------------------------------------------

    def call_next(self, counter_id: int, actor: Actor) -> Outcome:
        """Call the next visitor to a counter; the counter's current ticket is finished first."""
        counter = self.counter(counter_id)
        now = self.now()
        at = now.timestamp()
        with self._office_write(now) as (conn, outcome):
            for held in storage.held_by_counter(conn, counter.id):
                outcome.changed.append(self._close_held(conn, held, at, actor))
            waiting = storage.dispatch_heads(conn, counter.services)
            streak = storage.priority_streak(conn, counter.id)
            chosen = rules.pick_next(
                [t.candidate() for t in waiting], streak, self.config.queue.max_priority_in_row
            )
            if chosen is None:
                outcome.ticket = None
                return outcome
            ticket = next(t for t in waiting if t.id == chosen.id)
            storage.set_priority_streak(
                conn,
                counter.id,
                rules.next_priority_streak(
                    streak, ticket.priority, storage.regular_waiting(conn, counter.services)
                ),
            )
            storage.update_ticket(
                conn,
                ticket.id,
                status=Status.CALLED,
                counter_id=counter.id,
                called_by=actor.username,
                called_at=ticket.called_at or at,
                last_called_at=at,
                call_count=ticket.call_count + 1,
            )
            storage.add_event(conn, ticket.id, "called", at, counter.id, actor.username)
            ticket = storage.get_ticket(conn, ticket.id)
        outcome.ticket = ticket
        outcome.calls.append(Call(ticket, counter, False, at))
        outcome.changed.append(ticket)
        outcome.queue_changed = True
        return outcome

    def _close_held(self, conn, held: TicketRow, at: float, actor: Actor) -> TicketRow:
        """Finish the ticket a counter still holds when its officer calls the next one.

        A called ticket that was never started counts as served from its last call.
        """
        if held.status == Status.CALLED:
            storage.update_ticket(conn, held.id, status=Status.SERVING, started_at=held.last_called_at)
            storage.add_event(
                conn,
                held.id,
                "started",
                held.last_called_at,
                held.counter_id,
                actor.username,
                {"implicit": True},
            )
        storage.update_ticket(conn, held.id, status=Status.DONE, finished_at=at, closed_at=at)
        storage.add_event(conn, held.id, "finished", at, held.counter_id, actor.username, {"implicit": True})
        return storage.get_ticket(conn, held.id)

    def recall(self, ticket_id: int, actor: Actor) -> Outcome:
        """Call the same visitor again (announced again)."""
        now = self.now()
        at = now.timestamp()
        with self._office_write(now) as (conn, rolled):
            ticket = self._held(conn, ticket_id, actor)
            rules.check_transition("recall", ticket.status, ticket.number)
            storage.update_ticket(conn, ticket.id, last_called_at=at, call_count=ticket.call_count + 1)
            storage.add_event(conn, ticket.id, "recalled", at, ticket.counter_id, actor.username)
            ticket = storage.get_ticket(conn, ticket.id)
        counter = self.counter(ticket.counter_id)
        return rolled.then(Outcome(ticket, [Call(ticket, counter, True, at)], [ticket]))

    def start(self, ticket_id: int, actor: Actor) -> Outcome:
        """The visitor is at the counter: service starts."""
        now = self.now()
        at = now.timestamp()
        with self._office_write(now) as (conn, rolled):
            ticket = self._held(conn, ticket_id, actor)
            rules.check_transition("start", ticket.status, ticket.number)
            storage.update_ticket(conn, ticket.id, status=Status.SERVING, started_at=at)
            storage.add_event(conn, ticket.id, "started", at, ticket.counter_id, actor.username)
            ticket = storage.get_ticket(conn, ticket.id)
        return rolled.then(Outcome(ticket, changed=[ticket]))

    def finish(self, ticket_id: int, actor: Actor) -> Outcome:
        """Service is done."""
        now = self.now()
        at = now.timestamp()
        with self._office_write(now) as (conn, rolled):
            ticket = self._held(conn, ticket_id, actor)
            rules.check_transition("finish", ticket.status, ticket.number)
            storage.update_ticket(conn, ticket.id, status=Status.DONE, finished_at=at, closed_at=at)
            storage.add_event(conn, ticket.id, "finished", at, ticket.counter_id, actor.username)
            ticket = storage.get_ticket(conn, ticket.id)
        return rolled.then(Outcome(ticket, changed=[ticket]))

    def skip(self, ticket_id: int, actor: Actor) -> Outcome:
        """The visitor did not come: back to the end of the queue while returns remain, else no-show."""
        now = self.now()
        at = now.timestamp()
        with self._office_write(now) as (conn, rolled):
            ticket = self._held(conn, ticket_id, actor)
            rules.check_transition("skip", ticket.status, ticket.number)
            status = rules.after_skip(ticket.skip_count, self.config.queue.skip_returns)
            if status == Status.WAITING:
                storage.update_ticket(
                    conn,
                    ticket.id,
                    status=Status.WAITING,
                    counter_id=None,
                    queued_at=at,
                    skip_count=ticket.skip_count + 1,
                )
            else:
                storage.update_ticket(
                    conn,
                    ticket.id,
                    status=Status.NO_SHOW,
                    closed_at=at,
                    skip_count=ticket.skip_count + 1,
                )
            storage.add_event(
                conn,
                ticket.id,
                "skipped",
                at,
                ticket.counter_id,
                actor.username,
                {"returned": status == Status.WAITING},
            )
            ticket = storage.get_ticket(conn, ticket.id)
        return rolled.then(Outcome(ticket, changed=[ticket], queue_changed=True))

    def transfer(self, ticket_id: int, target_code, actor: Actor) -> Outcome:
        """Send the visitor to another service: a new waiting ticket, same number and arrival."""
        target = self._service(target_code)
        if not target.enabled:
            raise Conflict("service_closed", f"Layanan {target.name} sedang ditutup.")
        now = self.now()
        at = now.timestamp()
        with self._office_write(now) as (conn, rolled):
            old = self._held(conn, ticket_id, actor)
            rules.check_transition("transfer", old.status, old.number)
            if old.service == target.code:
                raise LoketError(
                    "same_service", "Tiket sudah berada di layanan tersebut; pilih layanan lain.", 422
                )
            new_id = storage.insert_ticket(
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
                transferred_from=old.id,
            )
            finished = {"finished_at": at} if old.status == Status.SERVING else {}
            storage.update_ticket(
                conn,
                old.id,
                status=Status.TRANSFERRED,
                closed_at=at,
                transferred_to=new_id,
                **finished,
            )
            storage.add_event(
                conn,
                old.id,
                "transferred",
                at,
                old.counter_id,
                actor.username,
                {"to_ticket": new_id, "to_service": target.code},
            )
            storage.add_event(
                conn,
                new_id,
                "issued",
                at,
                None,
                actor.username,
                {"transferred_from": old.id, "from_service": old.service},
            )
            old = storage.get_ticket(conn, old.id)
            new = storage.get_ticket(conn, new_id)
        return rolled.then(Outcome(new, changed=[old, new], queue_changed=True))

    def cancel(self, ticket_id: int, actor: Actor) -> Outcome:
        """Withdraw a ticket that has not been served (visitor left, duplicate)."""
        now = self.now()
        at = now.timestamp()
        with self._office_write(now) as (conn, rolled):
            ticket = self._ticket(conn, ticket_id)
            if ticket.status == Status.CALLED:
                ticket = self._held(conn, ticket_id, actor)
            elif actor.role == "officer":
                counter = self.config.counter(actor.counter_id or 0)
                if counter is None or ticket.service not in counter.services:
                    raise LoketError("forbidden", "Tiket ini bukan untuk layanan di loket Anda.", 403)
            rules.check_transition("cancel", ticket.status, ticket.number)
            storage.update_ticket(conn, ticket.id, status=Status.CANCELLED, closed_at=at)
            storage.add_event(conn, ticket.id, "cancelled", at, ticket.counter_id, actor.username)
            ticket = storage.get_ticket(conn, ticket.id)
        return rolled.then(Outcome(ticket, changed=[ticket], queue_changed=True))

    # ---- reading ---------------------------------------------------------------------------

    def get(self, ticket_id: int) -> TicketRow:
        """A ticket by id (NotFound otherwise)."""
        return self._ticket(self.store.read(), ticket_id)

    def get_by_token(self, token: str) -> TicketRow:
        """The visitor's current ticket from a status-page token (NotFound otherwise)."""
        conn = self.store.read()
        ticket = storage.get_ticket_by_token(conn, token)
        if ticket is None:
            raise NotFound("unknown_ticket", "Tiket tidak ditemukan.")
        # The visitor keeps one QR code: follow a transfer to the ticket that waits now.
        while ticket.transferred_to is not None:
            ticket = storage.get_ticket(conn, ticket.transferred_to)
        return ticket

    def likely_next_calls(self, limit: int = 2) -> list[tuple[Counter, TicketRow]]:
        """For every counter, the tickets it would most likely call next, in order (for the
        voice's look-ahead). Each service's queue head is read once, however many counters
        share it."""
        conn = self.store.read()
        codes = {code for counter in self.config.counters for code in counter.services}
        heads = {code: storage.next_waiting(conn, (code,), limit) for code in codes}
        calls = []
        for counter in self.config.counters:
            mine = [t for code in counter.services for t in heads[code]]
            calls.extend((counter, t) for t in sorted(mine, key=storage.queue_order)[:limit])
        return calls

    def waiting_counts(self) -> dict[str, int]:
        """Waiting tickets per service code, every configured service included."""
        # Asked several times per request (the push to the screens, the estimate): read once
        # per committed write. The generation is taken before the read, so a stale cache entry
        # can only be newer than its key, never older.
        key = (self.store.generation, self.config)
        cached = self._waiting_cache
        if cached is None or cached[0][0] != key[0] or cached[0][1] is not key[1]:
            counts = storage.waiting_counts(self.store.read())
            cached = (key, {s.code: counts.get(s.code, 0) for s in self.config.services})
            self._waiting_cache = cached
        return dict(cached[1])

    def ahead(self, ticket: TicketRow) -> int:
        """Waiting tickets of the same service the dispatcher calls before this one, with the
        priority streak of the counter serving the service that has the fewest priority calls
        in a row (the order least favourable to a regular visitor: never a promise too good)."""
        conn = self.store.read()
        waiting = storage.waiting_tickets(conn, (ticket.service,))
        streaks = [
            storage.priority_streak(conn, c.id) for c in self.config.counters if ticket.service in c.services
        ]
        return rules.ahead_of(
            ticket.candidate(),
            [t.candidate() for t in waiting],
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
            available = self.availability(service, now, storage.issued_count(conn, service.code, day))
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
        held = storage.at_counters(self.store.read())
        return [(c, held.get(c.id)) for c in self.config.counters]

    def recent_calls(self, limit: int = 10) -> list[tuple[dict, TicketRow]]:
        """Today's latest calls, newest first, with their tickets (after midnight the TV does not
        show yesterday's A001 beside today's)."""
        conn = self.store.read()
        now = self.now()
        midnight = datetime.combine(
            rules.local_day(now, self.config.office.tz), time(), self.config.office.tz
        )
        calls = [c for c in storage.recent_calls(conn, limit) if c["at"] >= midnight.timestamp()]
        return [(call, storage.get_ticket(conn, call["ticket_id"])) for call in calls]
