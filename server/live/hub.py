"""The office's one Socket.IO server (:data:`socketio`, default namespace) and where its messages
go: the screens' room, each visitor's own room, and which connection follows which ticket.

:func:`init_app` attaches it to the Flask app (with its handlers, :mod:`server.live.handlers`) and
puts the cap on anonymous connections (:mod:`server.live.capacity`) in front of it. Every emit is
made on the event loop (:func:`send`), since requests run in pool threads under gevent.
"""

from __future__ import annotations

import threading

from flask_socketio import SocketIO

from server.eventloop import loop

socketio = SocketIO()

#: The office's screens: TVs, kiosks, consoles, the board and the admin.
SCREENS = "screens"


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


def init_app(app, loket) -> None:
    """Attach the Socket.IO server and its handlers to ``app``, behind the cap on anonymous
    connections (``app.extensions["loket_sockets"]``)."""
    from server.live import handlers  # noqa: F401  (registers the handlers on socketio)
    from server.live.capacity import SocketGate, trusted_client
    from server.live.wsguard import MAX_MESSAGE_BYTES

    # Long-polling bodies are refused by their length too (websocket frames: wsguard.py).
    socketio.init_app(
        app,
        async_mode="gevent" if loop.gevent_active() else "threading",
        max_http_buffer_size=MAX_MESSAGE_BYTES,
    )  # Origin: this server's own only

    def limits() -> tuple[int, int]:  # read at each request: a changed configuration applies at once
        security = loket.config.security
        return security.sockets_per_address, security.anonymous_sockets

    app.extensions["loket_sockets"] = gate = SocketGate(app.wsgi_app, trusted_client(app, loket), limits)
    app.wsgi_app = gate
