"""The office's one Socket.IO server (:data:`socketio`, default namespace) and where its messages
go: the screens' room, each visitor's own room, and which connection follows which ticket.

:func:`server.live.attach` attaches it to the Flask app (with its handlers,
:mod:`server.live.handlers`) and puts the cap on anonymous connections
(:mod:`server.live.capacity`) in front of it. Every emit is
made on the event loop (:func:`send`), since requests run in pool threads under gevent.
"""

from __future__ import annotations

import threading

from flask_socketio import SocketIO

from server.eventloop import loop

socketio = SocketIO()

#: The office's screens: TVs, kiosks, consoles, the board and the admin.
SCREENS = "screens"
#: The kiosks among them (``?screen=kiosk``): the printer's result for each ticket is theirs only.
KIOSKS = "kiosks"


def status_room(token: str) -> str:
    """The room of one visitor's status page; a transfer keeps the root token."""
    return "ticket:" + token.split(".", 1)[0]


def send(messages: list[tuple[str, dict, str]]) -> None:
    """Emit ``(event, payload, room)`` messages in order, on the event loop, from any thread."""
    loop.on_loop(_emit_all, messages)


def _emit_all(messages) -> None:
    for event, payload, room in messages:
        socketio.emit(event, payload, to=room)


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
