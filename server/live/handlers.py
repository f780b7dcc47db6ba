"""The Socket.IO events a client may send (default namespace), each handler a few lines, and the
budget of events one connection may send.

Screens never poll: they take the ``state`` snapshot on connect (and whenever they ask), then
follow the pushes of :mod:`server.live.events`. A screen joins the room
:data:`~server.live.socketserver.SCREENS`; a visitor's phone (``?screen=status``) joins no shared room,
only its own ticket's once it sends ``watch_ticket``.
"""

from __future__ import annotations

import logging
import threading
import time

from flask import current_app, request
from flask_socketio import disconnect, emit, join_room

from server.core.errors import LoketError
from server.core.ticket_queue import TicketQueue
from server.core.views import state_json, ticket_with_position
from server.eventloop import loop
from server.live.socketserver import KIOSKS, SCREENS, socketio, status_room, watchers

log = logging.getLogger(__name__)

EVENTS_PER_WINDOW = 20
WINDOW_SECONDS = 10.0


def _queue() -> TicketQueue:
    """The queue of the office whose app serves this connection (:func:`server.live.attach`)."""
    return current_app.extensions["live"].queue


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
    if request.args.get("screen") == "kiosk":
        join_room(KIOSKS)
    emit("state", loop.run_blocking(state_json, _queue()))
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
        emit("state", loop.run_blocking(state_json, _queue()))


@socketio.on("watch_ticket")
def on_watch_ticket(data):
    """The visitor's status page follows one ticket by its token."""
    if not budget_ok():
        return
    token = data.get("token") if isinstance(data, dict) else None
    if not isinstance(token, str) or len(token) > 100:
        emit("error", {"code": "invalid_token", "message": "Token tiket tidak valid."})
        return
    queue = _queue()
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
