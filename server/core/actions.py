"""Queue actions: the rules of :mod:`server.core.rules` applied to the database, atomically.

Each action runs in one write transaction of :class:`~server.core.writing.QueueWriter` (which
first closes earlier days' tickets) and returns an :class:`~server.core.outcome.Outcome` saying
what changed; the caller (an HTTP route) hands it to :mod:`server.live.events`, which tells the
screens. Nothing here knows about Flask. Reading the queue is
:class:`~server.core.reading.QueueReader`'s.
"""

from __future__ import annotations

from server.core import rules, tickets, waiting
from server.core.actor import Actor
from server.core.day import Availability
from server.core.errors import Conflict, LoketError
from server.core.outcome import Call, Outcome
from server.core.rules import Status
from server.core.tickets import TicketRow
from server.core.writing import Change, QueueWriter

__all__ = ["Actor", "Availability", "Call", "Outcome", "QueueService"]


def _done(at: float) -> dict:
    """The columns of a ticket whose service ends at ``at``."""
    return {"status": Status.DONE, "finished_at": at, "closed_at": at}


# What each step sets on a ticket (see :meth:`QueueWriter._step`).
def _recalled(ticket: TicketRow, at: float) -> Change:
    return {"last_called_at": at, "call_count": ticket.call_count + 1}, None


def _started(ticket: TicketRow, at: float) -> Change:
    return {"status": Status.SERVING, "started_at": at}, None


def _finished(ticket: TicketRow, at: float) -> Change:
    return _done(at), None


def _cancelled(ticket: TicketRow, at: float) -> Change:
    return {"status": Status.CANCELLED, "closed_at": at}, None


class QueueService(QueueWriter):
    """The queue of one office, on one database: the reads of
    :class:`~server.core.reading.QueueReader` and the actions of the kiosk and the counters."""

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
                **told,
            )
            tickets.add_event(conn, ticket_id, "issued", at, detail={"priority": bool(priority)})
            ticket = tickets.get_ticket(conn, ticket_id)
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
            for held in waiting.held_by_counter(conn, counter.id):
                outcome.changed.append(self._close_held(conn, held, at, actor))
            heads = waiting.dispatch_heads(conn, counter.services)
            streak = waiting.priority_streak(conn, counter.id)
            chosen = rules.pick_next(
                [t.candidate() for t in heads], streak, self.config.queue.max_priority_in_row
            )
            if chosen is None:
                outcome.ticket = None
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

        def change(ticket: TicketRow, at: float) -> Change:
            status = rules.after_skip(ticket.skip_count, self.config.queue.skip_returns)
            returned = status == Status.WAITING
            after = {"counter_id": None, "queued_at": at} if returned else {"closed_at": at}
            return {"status": status, "skip_count": ticket.skip_count + 1, **after}, {"returned": returned}

        return self._step(ticket_id, actor, "skip", "skipped", change, queue_changed=True)

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
