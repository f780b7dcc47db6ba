"""What the server tells its clients over Socket.IO: every event it sends, each behind a named
function that other packages call (none of them calls ``socketio.emit`` itself).

- the office's screens (room :data:`~server.live.hub.SCREENS`) receive every call at once and in
  order (``ticket_called``), ticket changes (``ticket_updated``), ``ticket_printed``, and
  ``queue_changed`` — the waiting counts, coalesced to at most one per :data:`QUEUE_INTERVAL`,
  however many tickets a busy kiosk issues;
- a visitor's phone receives ``ticket_status`` for its own ticket only — when the ticket changes,
  and its new place in line (coalesced to one per :data:`PHONE_INTERVAL`) while it waits.

The payloads are built in the caller's thread (they read the database); the emits are made on
the event loop (:func:`server.live.hub.send`).
"""

from __future__ import annotations

import logging
import threading
import time

from server.core.actions import Outcome
from server.core.errors import LoketError
from server.core.present import call_json, state_json, ticket_json, ticket_with_position
from server.eventloop import loop
from server.live.hub import SCREENS, send, socketio, status_room, watchers

log = logging.getLogger(__name__)

QUEUE_INTERVAL = 0.25
PHONE_INTERVAL = 15.0  # a phone's place and live wait estimate: at most this often


def broadcast(event: str, payload: dict, to: str = SCREENS) -> None:
    """Send ``event`` to the office's screens (or a room) from any thread."""
    send([(event, payload, to)])


def publish(outcome: Outcome, loket=None) -> None:
    """Tell every screen what an action changed. Safe outside a request (background jobs).

    The calls are sent first and in the order they were made.
    """
    if loket is None:
        from server.web.guard import current_loket

        loket = current_loket()
    queue = loket.queue
    messages = []
    for call in outcome.calls:
        announcement = loket.announce(call.ticket.number, call.counter.name)
        messages.append(("ticket_called", call_json(call, queue, announcement), SCREENS))
    for ticket in outcome.changed:
        messages.append(("ticket_updated", {"ticket": ticket_json(ticket, queue)}, SCREENS))
        messages.append(
            ("ticket_status", {"ticket": ticket_with_position(ticket, queue)}, status_room(ticket.token))
        )
    if any(t.status in ("expired", "unfinished") for t in outcome.changed):
        # The day changed: the screens redraw from a fresh state (yesterday's calls leave the TV).
        messages.append(("state", state_json(queue), SCREENS))
    if messages:
        send(messages)
    if outcome.queue_changed:
        queue_changed(loket)
        loket.prefetch_announcements()


def queue_changed(loket) -> None:
    """The waiting counts changed: screens hear it soon (coalesced), waiting phones later."""
    waiting, positions = _coalescers(loket)
    loop.on_loop(waiting.poke, loket)
    loop.on_loop(positions.poke, loket)


def ticket_printed(result) -> None:
    """The printer's result (``job_id``, ``ok``, ``message``) for a ticket: the kiosk that issued
    it shows a failure."""
    job_id = result.job_id
    ticket_id = int(job_id) if str(job_id).isdigit() else job_id
    broadcast("ticket_printed", {"ticket_id": ticket_id, "ok": result.ok, "message": result.message})


# ---- coalesced broadcasts --------------------------------------------------------------------


class Coalescer:
    """Runs ``flush`` at once, then at most once per ``interval``: pokes in between are merged
    into one trailing run, which reads the latest state."""

    def __init__(self, interval: float, flush):
        self.interval = interval
        self.flush = flush
        self._lock = threading.Lock()
        self._last = 0.0
        self._pending = False

    def poke(self, *args) -> None:
        with self._lock:
            if self._pending:
                return
            wait = self._last + self.interval - time.monotonic()
            if wait > 0:
                self._pending = True
            else:
                self._last = time.monotonic()
        if wait > 0:
            socketio.start_background_task(self._later, wait, args)
        else:
            self._run(args)

    def _later(self, wait: float, args) -> None:
        socketio.sleep(wait)
        with self._lock:
            self._pending = False
            self._last = time.monotonic()
        self._run(args)

    def _run(self, args) -> None:
        try:
            self.flush(*args)
        except Exception:
            log.exception("coalesced broadcast failed")


def _send_waiting(loket) -> None:
    waiting = loop.run_blocking(loket.queue.waiting_counts)
    socketio.emit("queue_changed", {"waiting": waiting}, to=SCREENS)


def _send_positions(loket) -> None:
    tokens = watchers.tokens()
    if not tokens:
        return
    for room, body in loop.run_blocking(_positions, loket.queue, tokens):
        socketio.emit("ticket_status", {"ticket": body}, to=room)


def _positions(queue, tokens) -> list[tuple[str, dict]]:
    sent = []
    for token in tokens:
        try:
            ticket = queue.get_by_token(token)
        except LoketError:
            continue
        if ticket.status == "waiting":
            sent.append((status_room(token), ticket_with_position(ticket, queue)))
    return sent


def _coalescers(loket) -> tuple[Coalescer, Coalescer]:
    """The office's two coalesced broadcasts (waiting counts to screens, places to phones)."""
    pair = getattr(loket, "_coalescers", None)
    if pair is None:
        pair = loket._coalescers = (
            Coalescer(QUEUE_INTERVAL, _send_waiting),
            Coalescer(PHONE_INTERVAL, _send_positions),
        )
    return pair
