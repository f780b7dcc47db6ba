"""What the server tells its clients over Socket.IO: every event it sends, each behind a named
function or a method of :class:`Live` (no other package calls ``socketio.emit`` itself).

- the office's screens (room :data:`~server.live.socketserver.SCREENS`) receive every call at
  once and in order (``ticket_called``), ticket changes (``ticket_updated``), and
  ``queue_changed`` — the waiting counts, coalesced to at most one per
  :data:`QUEUE_INTERVAL`, however many tickets a busy kiosk issues;
- the kiosks among them (room :data:`~server.live.socketserver.KIOSKS`) also receive
  ``ticket_printed``, the printer's result for each ticket;
- a visitor's phone receives ``ticket_status`` for its own ticket only — when the ticket changes,
  and its new place in line (coalesced to one per :data:`PHONE_INTERVAL`) while it waits.

The payloads are built in the caller's thread (they read the database); the emits are made on
the event loop (:func:`server.live.socketserver.send`).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from server.core.errors import LoketError
from server.core.outcome import Call, Outcome
from server.core.ticket_queue import TicketQueue
from server.core.views import call_json, state_json, ticket_json, ticket_with_position
from server.eventloop import loop
from server.live.socketserver import KIOSKS, SCREENS, send, socketio, status_room, watchers

log = logging.getLogger(__name__)

QUEUE_INTERVAL = 0.25
PHONE_INTERVAL = 15.0  # a phone's place and live wait estimate: at most this often


def broadcast(event: str, payload: dict, to: str = SCREENS) -> None:
    """Send ``event`` to the office's screens (or a room) from any thread."""
    send([(event, payload, to)])


def ticket_printed(result) -> None:
    """The printer's result (``job_id``, ``ok``, ``message``) for a ticket: the kiosk that issued
    it shows a failure."""
    job_id = result.job_id
    ticket_id = int(job_id) if str(job_id).isdigit() else job_id
    broadcast("ticket_printed", {"ticket_id": ticket_id, "ok": result.ok, "message": result.message}, KIOSKS)


class Live:
    """The live side of one office's queue: what its screens and phones are told."""

    def __init__(self, queue: TicketQueue, clock: Callable[[], float] = time.monotonic):
        self.queue = queue
        self._waiting = Coalescer(QUEUE_INTERVAL, self._send_waiting, clock)
        self._positions = Coalescer(PHONE_INTERVAL, self._send_positions, clock)

    def publish(self, outcome: Outcome, announcements: list[dict] | None = None) -> None:
        """Tell every screen what an action changed, each call with its announcement (its text
        and where the audio is; ``announcements`` in the order of ``outcome.calls``). Safe outside
        a request (background jobs). The calls are sent first and in the order they were made."""
        queue = self.queue
        announcements = announcements or [_silent(call) for call in outcome.calls]
        messages = []
        for call, announcement in zip(outcome.calls, announcements, strict=True):
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
            self.queue_changed()

    def queue_changed(self) -> None:
        """The waiting counts changed: screens hear it soon (coalesced), waiting phones later."""
        loop.on_loop(self._waiting.poke)
        loop.on_loop(self._positions.poke)

    def settings_changed(self) -> None:
        """The office's configuration changed (loket.toml, the logo, the TV's media): kiosks,
        displays and consoles redraw from the new configuration without a reload."""
        broadcast("config_changed", {})
        broadcast("state", state_json(self.queue))
        self.queue_changed()

    def _send_waiting(self) -> None:
        waiting = loop.run_blocking(self.queue.waiting_counts)
        socketio.emit("queue_changed", {"waiting": waiting}, to=SCREENS)

    def _send_positions(self) -> None:
        tokens = watchers.tokens()
        if not tokens:
            return
        for room, body in loop.run_blocking(_positions, self.queue, tokens):
            socketio.emit("ticket_status", {"ticket": body}, to=room)


def _silent(call: Call) -> dict:
    return {
        "text": f"Nomor antrian {call.ticket.number}, silakan menuju {call.counter.name}",
        "audio_url": None,
    }


def _positions(queue: TicketQueue, tokens) -> list[tuple[str, dict]]:
    sent = []
    for token in tokens:
        try:
            ticket = queue.get_by_token(token)
        except LoketError:
            continue
        if ticket.status == "waiting":
            sent.append((status_room(token), ticket_with_position(ticket, queue)))
    return sent


class Coalescer:
    """Runs ``flush`` at once, then at most once per ``interval`` of ``clock``: pokes in between
    are merged into one trailing run, which reads the latest state."""

    def __init__(
        self, interval: float, flush: Callable[[], None], clock: Callable[[], float] = time.monotonic
    ):
        self.interval = interval
        self.flush = flush
        self.clock = clock
        self._lock = threading.Lock()
        self._last: float | None = None
        self._pending = False

    def poke(self) -> None:
        with self._lock:
            if self._pending:
                return
            now = self.clock()
            wait = 0.0 if self._last is None else self._last + self.interval - now
            if wait > 0:
                self._pending = True
            else:
                self._last = now
        if wait > 0:
            socketio.start_background_task(self._later, wait)
        else:
            self._run()

    def _later(self, wait: float) -> None:
        socketio.sleep(wait)
        with self._lock:
            self._pending = False
            self._last = self.clock()
        self._run()

    def _run(self) -> None:
        try:
            self.flush()
        except Exception:
            log.exception("coalesced broadcast failed")
