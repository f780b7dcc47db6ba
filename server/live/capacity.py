"""Reserved room for the office's own screens: anonymous Socket.IO clients are capped, whatever
their transport.

Under the event-loop server an open connection costs a greenlet, not a thread, so open screens no
longer starve the kiosk. What remains to bound is memory and fairness: anyone on the office Wi-Fi
can open sockets. So the Engine.IO sessions of clients that are neither an enrolled device nor
signed-in staff are counted, per address and in all; past either limit a new one is answered 503
at once (the Socket.IO client retries a moment later). A session counts from its start until it
ends: a websocket opened directly, for as long as it is open; a long-polling session, from its
handshake until it is closed — and one that has no request in progress for
:data:`IDLE_POLLING_SECONDS` (a live client always keeps a long-poll waiting) is closed then, so a
client that opens sessions and walks away cannot hold slots for Engine.IO's 45 s. Enrolled TVs,
kiosks, tablets and staff consoles are never counted against these limits, on any transport, so
a flood of phones cannot take their places.

The same holds below Socket.IO: the server's last TCP connections are kept for them
(:mod:`server.serve.gworker` marks a connection taken past ``max_connections`` as
``loket.reserve``), and any request on such a connection that is neither an enrolled device's nor
staff's is answered 503 and the connection closed.
"""

from __future__ import annotations

import json
import logging
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from urllib.parse import parse_qs

from server.live import frames

log = logging.getLogger(__name__)

TOO_BIG = {
    "error": {
        "code": "message_too_large",
        "message": "Pesan terlalu besar. Muat ulang halaman.",
    }
}
FULL = {
    "error": {
        "code": "server_full",
        "message": "Server sedang penuh. Coba lagi sebentar lagi.",
    }
}
BUSY = {
    "error": {
        "code": "server_busy",
        "message": "Server sedang melayani banyak layar. Menyambung kembali sebentar lagi.",
    }
}


#: A long-polling session with no request in progress for this long is closed (a live client
#: always has its next long-poll waiting; Engine.IO itself would wait 25 + 20 s).
IDLE_POLLING_SECONDS = 10.0
_SID = re.compile(rb'"sid"\s*:\s*"([^"]+)"')


@dataclass(frozen=True)
class _Session:
    """An anonymous long-polling session: its address, requests in progress, last activity."""

    address: str
    busy: int = 0
    seen: float = 0.0
    trusted: bool = False  # an enrolled device's or staff's: never counted, never closed here


class SocketGate:
    """WSGI middleware counting anonymous Socket.IO requests in progress (see module docstring).

    ``trusted(environ)`` says whether the request comes from an enrolled device or staff;
    ``limits()`` gives (per address, in all) — read at each request, so a changed configuration
    applies at once.
    """

    def __init__(
        self,
        wsgi_app,
        trusted: Callable[[dict], bool],
        limits: Callable[[], tuple[int, int]],
        close: Callable[[str], None] = lambda sid: None,
        prefix: str = "/socket.io",
        clock: Callable[[], float] = time.monotonic,
    ):
        self.wsgi_app = wsgi_app
        self.trusted = trusted
        self.limits = limits
        self.close = close  # ends an Engine.IO session by its sid
        self.prefix = prefix
        self.clock = clock
        self._lock = threading.Lock()
        self.open = 0
        self.per_address: dict[str, int] = {}
        self.refused = 0
        self.refused_reserve = 0
        self.reaped = 0
        self.too_big = 0
        self._sessions: dict[str, _Session] = {}
        self._next_reap = 0.0

    def __call__(self, environ, start_response):
        if environ.get("loket.reserve") and not self.trusted(environ):
            return self._full(environ, start_response)
        if not environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.wsgi_app(environ, start_response)
        frames.check_frames(environ)  # everyone's websocket messages are small
        self._reap()
        query = parse_qs(environ.get("QUERY_STRING", ""))
        sid = (query.get("sid") or [None])[0]
        if environ.get("REQUEST_METHOD") == "POST" and not _small_body(environ):
            # Engine.IO would close the session and leave this request waiting for ever (and its
            # place taken): refused here, before it reads a byte, and the session ended.
            return self._too_big(sid, start_response)
        session = self._sessions.get(sid) if sid else None
        if session is not None:  # a request of a session already known (a poll, a post, an upgrade)
            return self._within(sid, environ, start_response)
        address = environ.get("REMOTE_ADDR", "")
        polling = (query.get("transport") or [""])[0] == "polling" and sid is None
        if self.trusted(environ):
            # Its session is remembered as trusted: a client that sends its device header only
            # with the handshake (as python-socketio's does) keeps its place on every request.
            return (
                self._handshake(address, environ, start_response, True)
                if polling
                else self.wsgi_app(environ, start_response)
            )
        if not self._take(address):
            return self._busy(address, start_response)
        if not polling:
            try:
                # A websocket is served inside this call, until it closes.
                return self.wsgi_app(environ, start_response)
            finally:
                self._give(address)
        return self._handshake(address, environ, start_response, False)

    def _handshake(self, address: str, environ, start_response, trusted: bool):
        """A long-polling session starts: its slot is kept under the sid the answer gives it."""
        answer: dict = {}

        def remember(status, headers, *rest):
            answer["status"] = status
            return start_response(status, headers, *rest)

        try:
            body = b"".join(self.wsgi_app(environ, remember))
        except BaseException:
            if not trusted:
                self._give(address)
            raise
        found = _SID.search(body) if str(answer.get("status", "")).startswith("200") else None
        if found is None and not trusted:  # refused by Engine.IO (bad request, wrong origin)
            self._give(address)
        elif found is not None:
            with self._lock:
                self._sessions[found.group(1).decode()] = _Session(address, 0, self.clock(), trusted)
        return [body]

    def _within(self, sid: str, environ, start_response):
        self._touch(sid, +1)
        try:
            return self.wsgi_app(environ, start_response)
        finally:
            self._touch(sid, -1)

    def _touch(self, sid: str, busy: int) -> None:
        """One more (or one fewer) request of session ``sid`` in progress, seen now."""
        with self._lock:
            session = self._sessions.get(sid)
            if session is not None:
                self._sessions[sid] = replace(session, busy=session.busy + busy, seen=self.clock())

    def _take(self, address: str) -> bool:
        per_address, in_all = self.limits()
        with self._lock:
            mine = self.per_address.get(address, 0)
            if self.open >= in_all or mine >= per_address:
                self.refused += 1
                return False
            self.open += 1
            self.per_address[address] = mine + 1
            return True

    def _give(self, address: str) -> None:
        with self._lock:
            self.open -= 1
            left = self.per_address.get(address, 1) - 1
            if left > 0:
                self.per_address[address] = left
            else:
                self.per_address.pop(address, None)

    def _reap(self) -> None:
        """Close the long-polling sessions that nothing has asked for in a while (looked at no
        more than once a second, however many requests arrive)."""
        now = self.clock()
        with self._lock:
            if now < self._next_reap:
                return
            self._next_reap = now + 1.0
            idle = [
                (sid, s)
                for sid, s in self._sessions.items()
                if s.busy == 0 and now - s.seen > IDLE_POLLING_SECONDS
            ]
            for sid, _session in idle:
                del self._sessions[sid]
            self.reaped += sum(1 for _sid, s in idle if not s.trusted)
        for sid, session in idle:
            if session.trusted:  # forgotten here only: Engine.IO ends it if it is really gone
                continue
            self._give(session.address)
            try:
                self.close(sid)
            except Exception:  # already gone on the Engine.IO side
                log.debug("closing idle polling session %s failed", sid, exc_info=True)

    def _too_big(self, sid: str | None, start_response):
        with self._lock:
            session = self._sessions.pop(sid, None) if sid else None
        if session is not None and not session.trusted:
            self._give(session.address)
        if sid:
            try:
                self.close(sid)
            except Exception:
                log.debug("closing session %s after a too-large message failed", sid, exc_info=True)
        with self._lock:
            self.too_big += 1
            count = self.too_big
        if count == 1 or count % 100 == 0:
            log.warning("socket message over %d bytes refused: %d so far", frames.MAX_MESSAGE_BYTES, count)
        return _json(start_response, "413 Request Entity Too Large", TOO_BIG, [("Connection", "close")])

    def _full(self, environ, start_response):
        """A connection kept for enrolled devices and staff, used by someone else: refused, and
        closed, so the slot is free again at once."""
        with self._lock:
            self.refused_reserve += 1
            refused = self.refused_reserve
        if refused == 1 or refused % 100 == 0:
            log.warning(
                "connections full: a request from %s on a connection kept for devices and staff "
                "refused (%d so far)",
                environ.get("REMOTE_ADDR", ""),
                refused,
            )
        return _json(
            start_response, "503 Service Unavailable", FULL, [("Retry-After", "5"), ("Connection", "close")]
        )

    def _busy(self, address: str, start_response):
        with self._lock:
            refused, mine, open_now = self.refused, self.per_address.get(address, 0), self.open
        if refused == 1 or refused % 100 == 0:
            log.warning(
                "anonymous socket limit reached (%d open, %d from %s): refused %d so far",
                open_now,
                mine,
                address,
                refused,
            )
        return _json(start_response, "503 Service Unavailable", BUSY, [("Retry-After", "5")])

    def status(self) -> dict:
        """What the admin page shows: open anonymous sockets, limits, refusals."""
        per_address, in_all = self.limits()
        with self._lock:
            return {
                "open": self.open,
                "addresses": len(self.per_address),
                "limit": in_all,
                "limit_per_address": per_address,
                "refused": self.refused,
                "polling_sessions": sum(1 for s in self._sessions.values() if not s.trusted),
                "reaped": self.reaped,
                "refused_full": self.refused_reserve,
            }


def _small_body(environ) -> bool:
    """Whether a request's body is declared, and within a socket message's limit."""
    length = environ.get("CONTENT_LENGTH") or ""
    return length.isdigit() and int(length) <= frames.MAX_MESSAGE_BYTES


def _json(start_response, status: str, payload: dict, extra: list[tuple[str, str]]):
    body = json.dumps(payload).encode()
    headers = [
        ("Content-Type", "application/json"),
        ("Content-Length", str(len(body))),
        ("Cache-Control", "no-store"),
    ]
    start_response(status, headers + extra)
    return [body]
