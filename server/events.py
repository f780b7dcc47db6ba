"""Socket.IO: every handler and every broadcast of Loket (default namespace).

Screens never poll: they take the ``state`` snapshot on connect (and whenever they ask), then
follow the pushes below.
"""

from __future__ import annotations

import logging

from flask import current_app
from flask_socketio import SocketIO, emit, join_room

from server.actions import Outcome
from server.errors import LoketError
from server.present import call_json, state_json, ticket_json, ticket_with_position

log = logging.getLogger(__name__)

socketio = SocketIO()


def _loket():
    return current_app.extensions["loket"]


def status_room(token: str) -> str:
    """The room of one visitor's status page; a transfer keeps the root token."""
    return "ticket:" + token.split(".", 1)[0]


@socketio.on("connect")
def on_connect(auth=None):
    """Any screen connects: it gets the full ``state`` at once."""
    emit("state", state_json(_loket().queue))


@socketio.on("state")
def on_state_request(_data=None):
    """A screen asks for a fresh ``state`` (e.g. after its tab woke up)."""
    emit("state", state_json(_loket().queue))


@socketio.on("watch_ticket")
def on_watch_ticket(data):
    """The visitor's status page follows one ticket by its token."""
    token = data.get("token") if isinstance(data, dict) else None
    if not isinstance(token, str):
        emit("error", {"code": "invalid_token", "message": "Token tiket tidak valid."})
        return
    queue = _loket().queue
    try:
        ticket = queue.get_by_token(token)
    except LoketError as exc:
        emit("error", exc.to_dict()["error"])
        return
    join_room(status_room(token))
    emit("ticket_status", {"ticket": ticket_with_position(ticket, queue)})


def publish(outcome: Outcome, loket=None) -> None:
    """Tell every screen what an action changed. Safe outside a request (background jobs)."""
    loket = loket or _loket()
    queue = loket.queue
    for call in outcome.calls:
        announcement = loket.announce(call.ticket.number, call.counter.name)
        socketio.emit("ticket_called", call_json(call, queue, announcement))
    for ticket in outcome.changed:
        socketio.emit("ticket_updated", {"ticket": ticket_json(ticket, queue)})
        socketio.emit(
            "ticket_status", {"ticket": ticket_with_position(ticket, queue)},
            to=status_room(ticket.token),
        )
    if outcome.queue_changed:
        socketio.emit("queue_changed", {"waiting": queue.waiting_counts()})
        loket.prefetch_announcements()
