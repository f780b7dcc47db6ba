"""Socket.IO, the live side of Loket (default namespace): the one server object and its rooms
(:mod:`~server.live.socketserver`), every handler of an event a client sends
(:mod:`~server.live.handlers`), every event the server sends, each behind a named function or a
method of :class:`~server.live.events.Live` (:mod:`~server.live.events`; the admin's and sign-in
changes in :mod:`~server.live.staff`), and the bounds on anonymous sockets: connections
(:mod:`~server.live.capacity`), frames (:mod:`~server.live.frames`) and event rate (handlers).

It imports only :mod:`server.core` (the queue and its JSON views) and the serving loop
(:mod:`server.eventloop`). What it needs to know of a client — is it an enrolled device or
signed-in staff? — is handed to :func:`attach` as a callable; the announcements of the calls are
handed to :meth:`~server.live.events.Live.publish` with the outcome. Other packages call these
functions; none of them calls ``socketio.emit`` or registers a handler itself. It holds no SQL
and no queue rules: payloads come from :mod:`server.core.views`.

May import: core, eventloop.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from server.eventloop import loop
from server.live import handlers  # noqa: F401  (registers the handlers on socketio)
from server.live.capacity import SocketGate
from server.live.events import Live
from server.live.frames import MAX_MESSAGE_BYTES
from server.live.socketserver import socketio

__all__ = ["Live", "attach", "socketio"]


def attach(app, live: Live, trusted: Callable[[dict], bool], limits: Callable[[], tuple[int, int]]):
    """Attach the Socket.IO server and its handlers to ``app`` for the office that ``live``
    speaks for, behind the cap on anonymous connections; returns the WSGI app to serve (the
    cap in front of ``app.wsgi_app``) and the cap itself, for the admin's figures.

    ``trusted(environ)``: whether a request comes from an enrolled device or signed-in staff;
    ``limits()``: (sockets per address, anonymous sockets in all), read at each request.
    """
    # Their warnings and errors go to the office's log (not a console handler of their own),
    # a client's unreadable message as one line.
    loggers = {}
    for name in ("engineio.server", "socketio.server"):
        loggers[name] = logging.getLogger(name)
        loggers[name].setLevel(logging.WARNING)
        loggers[name].addFilter(_ONE_LINE)
    # Long-polling bodies are refused by their length too (websocket frames: frames.py).
    socketio.init_app(
        app,
        async_mode="gevent" if loop.gevent_active() else "threading",
        max_http_buffer_size=MAX_MESSAGE_BYTES,
        logger=loggers["socketio.server"],
        engineio_logger=loggers["engineio.server"],
    )  # Origin: this server's own only
    app.extensions["live"] = live
    return SocketGate(app.wsgi_app, trusted, limits, close=_end_session)


class OneLineForBrokenClients(logging.Filter):
    """Engine.IO and Socket.IO log a traceback when a client sends a message they cannot decode
    (garbage on a websocket, a malformed packet): anyone on the Wi-Fi could fill the log that
    way. Such a record becomes one warning line naming the error; others pass unchanged."""

    def filter(self, record: logging.LogRecord) -> bool:
        error = record.exc_info[1] if record.exc_info else None
        if isinstance(error, ValueError | TypeError | KeyError | IndexError | UnicodeError):
            record.msg = "a client's message could not be read and was dropped (%s: %s)"
            record.args = (type(error).__name__, str(error)[:120])
            record.exc_info = None
            record.exc_text = None
            record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True


_ONE_LINE = OneLineForBrokenClients()


def _end_session(sid: str) -> None:
    """End an Engine.IO session (an idle anonymous long-polling one, or one that sent too big a
    message), on the event loop."""
    loop.on_loop(_abort, sid)


def _abort(sid: str) -> None:
    # Engine.IO's own disconnect() waits until the client has read the closing packet — for ever,
    # from a client that stopped polling. Aborted: Socket.IO forgets the connection (its rooms,
    # what it watched) and a late request of that session is answered 400.
    engine = socketio.server.eio
    session = engine.sockets.get(sid)
    if session is not None:
        session.close(wait=False, abort=True)
        engine.sockets.pop(sid, None)
