"""Reserved room for the office's own screens: anonymous Socket.IO connections are capped.

Under the event-loop server an open connection costs a greenlet, not a thread, so open screens no
longer starve the kiosk. What remains to bound is memory and fairness: anyone on the office Wi-Fi
can open sockets. So Socket.IO requests in progress (an open websocket, a waiting long-poll) from
clients that are neither an enrolled device nor signed-in staff are counted, per address and in
all; past either limit a new one is answered 503 at once (the Socket.IO client retries a moment
later). Enrolled TVs, kiosks, tablets and staff consoles are never counted against these limits,
so a flood of phones cannot take their places.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable

from server.live import frames

log = logging.getLogger(__name__)

BUSY = {
    "error": {
        "code": "server_busy",
        "message": "Server sedang melayani banyak layar. Menyambung kembali sebentar lagi.",
    }
}


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
        prefix: str = "/socket.io",
    ):
        self.wsgi_app = wsgi_app
        self.trusted = trusted
        self.limits = limits
        self.prefix = prefix
        self._lock = threading.Lock()
        self.open = 0
        self.per_address: dict[str, int] = {}
        self.refused = 0

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.wsgi_app(environ, start_response)
        frames.check_frames(environ)  # everyone's websocket messages are small
        if self.trusted(environ):
            return self.wsgi_app(environ, start_response)
        address = environ.get("REMOTE_ADDR", "")
        per_address, in_all = self.limits()
        with self._lock:
            mine = self.per_address.get(address, 0)
            full = self.open >= in_all or mine >= per_address
            if full:
                self.refused += 1
                refused = self.refused
            else:
                self.open += 1
                self.per_address[address] = mine + 1
        if full:
            if refused == 1 or refused % 100 == 0:
                log.warning(
                    "anonymous socket limit reached (%d open, %d from %s): refused %d so far",
                    self.open,
                    mine,
                    address,
                    refused,
                )
            body = json.dumps(BUSY).encode()
            start_response(
                "503 Service Unavailable",
                [
                    ("Content-Type", "application/json"),
                    ("Content-Length", str(len(body))),
                    ("Retry-After", "5"),
                    ("Cache-Control", "no-store"),
                ],
            )
            return [body]
        try:
            # A websocket is served inside this call, until it closes; so is a long-poll.
            return self.wsgi_app(environ, start_response)
        finally:
            with self._lock:
                self.open -= 1
                left = self.per_address.get(address, 1) - 1
                if left > 0:
                    self.per_address[address] = left
                else:
                    self.per_address.pop(address, None)

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
            }
