"""Socket.IO: every handler and every broadcast of Loket (default namespace).

Screens never poll: they take the ``state`` snapshot on connect (and whenever they ask), then
follow the pushes below. Each client gets only what it needs:

- the office's screens (TVs, kiosks, consoles, board, admin) are in the room :data:`SCREENS`
  and receive every call at once and in order, ticket changes, and ``queue_changed`` — the
  waiting counts, coalesced to at most one per :data:`QUEUE_INTERVAL` per screen, however many
  tickets a busy kiosk issues;
- a visitor's phone (``?screen=status``) is in no shared room: it receives ``ticket_status``
  for its own ticket only — when the ticket changes, and its new place in line (coalesced to
  one per :data:`PHONE_INTERVAL`) while it waits.

Requests run in pool threads under gevent; every emit is made on the event loop
(:func:`server.serve.loop.on_loop`).
"""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app, request
from flask_socketio import SocketIO, disconnect, emit, join_room

from server.core.actions import Outcome
from server.core.errors import LoketError
from server.core.present import call_json, state_json, ticket_json, ticket_with_position
from server.serve import loop

log = logging.getLogger(__name__)

socketio = SocketIO()
SCREENS = "screens"
QUEUE_INTERVAL = 0.25
PHONE_INTERVAL = 15.0  # a phone's place and live wait estimate: at most this often


def _loket():
    return current_app.extensions["loket"]


def status_room(token: str) -> str:
    """The room of one visitor's status page; a transfer keeps the root token."""
    return "ticket:" + token.split(".", 1)[0]


def _is_phone() -> bool:
    return request.args.get("screen") == "status"


@socketio.on("connect")
def on_connect(auth=None):
    """A screen connects: it joins the screens' room and gets the full ``state`` at once.
    A visitor's phone joins nothing until it says which ticket it follows."""
    if not budget_ok():
        return False
    if _is_phone():
        return None
    join_room(SCREENS)
    emit("state", loop.run_blocking(state_json, _loket().queue))
    return None


@socketio.on("disconnect")
def on_disconnect(reason=None):
    """Forget what this connection followed."""
    watchers.forget(request.sid)
    budgets.forget(request.sid)


@socketio.on("state")
def on_state_request(_data=None):
    """A screen asks for a fresh ``state`` (e.g. after its tab woke up)."""
    if budget_ok():
        emit("state", loop.run_blocking(state_json, _loket().queue))


@socketio.on("watch_ticket")
def on_watch_ticket(data):
    """The visitor's status page follows one ticket by its token."""
    if not budget_ok():
        return
    token = data.get("token") if isinstance(data, dict) else None
    if not isinstance(token, str) or len(token) > 100:
        emit("error", {"code": "invalid_token", "message": "Token tiket tidak valid."})
        return
    queue = _loket().queue
    try:
        ticket, body = loop.run_blocking(_ticket_status, queue, token)
    except LoketError as exc:
        emit("error", exc.to_dict()["error"])
        return
    join_room(status_room(token))
    watchers.watch(request.sid, token, ticket.service)
    emit("ticket_status", {"ticket": body})


def _ticket_status(queue, token):
    ticket = queue.get_by_token(token)
    return ticket, ticket_with_position(ticket, queue)


# ---- per-connection budget -------------------------------------------------------------------

EVENTS_PER_WINDOW = 20
WINDOW_SECONDS = 10.0


class Budgets:
    """Socket.IO events a connection may send: :data:`EVENTS_PER_WINDOW` per
    :data:`WINDOW_SECONDS`; past that its events are dropped, and past twice that it is closed."""

    def __init__(self):
        self._lock = threading.Lock()
        self._spent: dict[str, tuple[float, int]] = {}

    def spend(self, sid: str) -> int:
        """Count one event; return how many this connection sent in its current window."""
        now = time.monotonic()
        with self._lock:
            start, count = self._spent.get(sid, (now, 0))
            if now - start > WINDOW_SECONDS:
                start, count = now, 0
            self._spent[sid] = (start, count + 1)
            return count + 1

    def forget(self, sid: str) -> None:
        with self._lock:
            self._spent.pop(sid, None)


budgets = Budgets()


def budget_ok() -> bool:
    """False (and the event is dropped) when this connection is over its budget; it is closed
    when it keeps going."""
    spent = budgets.spend(request.sid)
    if spent <= EVENTS_PER_WINDOW:
        return True
    if spent == 2 * EVENTS_PER_WINDOW + 1:
        log.warning("closing a socket from %s: %d events in %g s", request.remote_addr, spent, WINDOW_SECONDS)
        # The Engine.IO connection too (the websocket itself), not just the Socket.IO session.
        eio_sid = socketio.server.manager.eio_sid_from_sid(request.sid, "/")
        disconnect()
        if eio_sid:
            socketio.server.eio.disconnect(eio_sid)
    return False


# ---- phones following their ticket ----------------------------------------------------------


class Watchers:
    """Which connection follows which ticket (for the phones' place-in-line updates)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._by_sid: dict[str, tuple[str, str]] = {}

    def watch(self, sid: str, token: str, service: str) -> None:
        with self._lock:
            self._by_sid[sid] = (token, service)

    def forget(self, sid: str) -> None:
        with self._lock:
            self._by_sid.pop(sid, None)

    def tokens(self) -> set[str]:
        with self._lock:
            return {token for token, _service in self._by_sid.values()}


watchers = Watchers()


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


# ---- broadcasts ------------------------------------------------------------------------------


def broadcast(event: str, payload: dict, to: str = SCREENS) -> None:
    """Send ``event`` to the office's screens (or a room) from any thread."""
    loop.on_loop(_emit_all, [(event, payload, to)])


def _emit_all(messages) -> None:
    for event, payload, room in messages:
        socketio.emit(event, payload, to=room)


def queue_changed(loket) -> None:
    """The waiting counts changed: screens hear it soon (coalesced), waiting phones later."""
    waiting, positions = _coalescers(loket)
    loop.on_loop(waiting.poke, loket)
    loop.on_loop(positions.poke, loket)


def publish(outcome: Outcome, loket=None) -> None:
    """Tell every screen what an action changed. Safe outside a request (background jobs).

    The payloads are built here (they read the database); the emits happen on the loop, the
    calls first and in the order they were made.
    """
    loket = loket or _loket()
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
        loop.on_loop(_emit_all, messages)
    if outcome.queue_changed:
        queue_changed(loket)
        loket.prefetch_announcements()
