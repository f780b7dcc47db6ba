"""Keeping worker threads free for the kiosk and the officers.

Under gunicorn's threaded worker every open websocket holds one worker thread for as long as it is
open (a long-poll for up to its ping interval). Screens are few, but every visitor who keeps the
status page open on a phone holds one too: with all threads taken, the kiosk's next request would
wait for a free thread — the kiosk would hang. So Socket.IO requests are counted here, and past
the limit a new one is answered 503 at once; the Socket.IO client treats that like a dropped
network and tries again a moment later. Visitors' phones (``?screen=status``) have a lower limit
of their own, so they can never crowd out the TVs and the officers' consoles either.
"""

from __future__ import annotations

import json
import logging
import threading

log = logging.getLogger(__name__)

BUSY = {"error": {"code": "server_busy",
                  "message": "Server sedang melayani banyak layar. Menyambung kembali sebentar lagi."}}


def limits_for(threads: int) -> tuple[int, int]:
    """(Socket.IO requests at once, of which visitors' phones) for a worker with ``threads``:
    a fifth of the threads (at least 8) always stays free for plain requests; phones get at
    most half of the threads."""
    reserved = max(8, threads // 5)
    sockets = max(1, threads - reserved)
    return sockets, max(1, min(sockets, threads // 2))


class SocketLimit:
    """WSGI middleware counting Socket.IO requests in progress (see the module's docstring)."""

    def __init__(self, wsgi_app, sockets: int, phones: int, prefix: str = "/socket.io"):
        self.wsgi_app = wsgi_app
        self.sockets = sockets
        self.phones = phones
        self.prefix = prefix
        self._lock = threading.Lock()
        self.open = 0
        self.open_phones = 0
        self.refused = 0

    def __call__(self, environ, start_response):
        if not environ.get("PATH_INFO", "").startswith(self.prefix):
            return self.wsgi_app(environ, start_response)
        phone = "screen=status" in environ.get("QUERY_STRING", "")
        with self._lock:
            full = self.open >= self.sockets or (phone and self.open_phones >= self.phones)
            if full:
                self.refused += 1
                refused = self.refused
            else:
                self.open += 1
                self.open_phones += phone
        if full:
            if refused == 1 or refused % 100 == 0:
                log.warning("socket limit reached (%d open, %d of them phones): refused %d so far",
                            self.open, self.open_phones, refused)
            body = json.dumps(BUSY).encode()
            start_response("503 Service Unavailable", [
                ("Content-Type", "application/json"), ("Content-Length", str(len(body))),
                ("Retry-After", "5"), ("Cache-Control", "no-store"),
            ])
            return [body]
        try:
            # A websocket is served inside this call, until it closes; so is a long-poll.
            return self.wsgi_app(environ, start_response)
        finally:
            with self._lock:
                self.open -= 1
                self.open_phones -= phone

    def status(self) -> dict:
        with self._lock:
            return {"open": self.open, "open_phones": self.open_phones, "limit": self.sockets,
                    "phone_limit": self.phones, "refused": self.refused}
