"""gunicorn's gevent worker with the deadlines a shared Wi-Fi needs.

Every connection is a greenlet (tens of KB), so a slow or idle client costs little; but left
alone it would stay forever. So:

- the request line and headers must arrive within :data:`HEADER_SECONDS` of the first byte being
  awaited (a slow-headers client is cut; an idle keep-alive connection is closed after as long);
- every read of the socket (a trickled body, a silent websocket) fails after
  :data:`READ_SECONDS` without a byte — longer than Engine.IO's ping interval (25 s), so a live
  screen is never cut;
- one address may hold at most ``[security] connections_per_address`` TCP connections at once
  (further ones are closed at once); the worker holds ``max_connections`` for anyone and
  :data:`RESERVED_CONNECTIONS` more for enrolled devices and signed-in staff: a connection taken
  past ``max_connections`` is marked ``loket.reserve`` in its requests' environ, and a request on
  it that is neither an enrolled device's nor staff's is refused (:mod:`server.live.capacity`).
  So no number of anonymous clients can keep a TV, a kiosk or an officer from connecting.
"""

from __future__ import annotations

import logging
import threading

import gevent
from gunicorn.workers.ggevent import GeventPyWSGIWorker, PyWSGIHandler, PyWSGIServer

log = logging.getLogger(__name__)

HEADER_SECONDS = 10.0
#: Connections past ``max_connections`` kept for enrolled devices and staff.
RESERVED_CONNECTIONS = 200
READ_SECONDS = 60.0
#: Set by the runner before the worker starts (from loket.toml).
CONNECTIONS_PER_ADDRESS = {"limit": 400}
MAX_CONNECTIONS = {"limit": 5000}


class DeadlineHandler(PyWSGIHandler):
    """Reads the request line and headers under one deadline."""

    _deadline: gevent.Timeout | None = None

    def read_requestline(self):
        # TimeoutError (socket.timeout) is what the base handler expects from a dead client: it closes quietly.
        self._deadline = gevent.Timeout(HEADER_SECONDS, TimeoutError("request headers too slow"))
        self._deadline.start()
        try:
            line = super().read_requestline()
        except BaseException:
            self._cancel()
            raise
        if not line:
            self._cancel()
        return line

    def read_request(self, raw_requestline):
        try:
            return super().read_request(raw_requestline)
        finally:
            self._cancel()

    def get_environ(self):
        environ = super().get_environ()
        environ["loket.socket"] = self.socket  # a too-slow body's connection is cut (server.eventloop.loop)
        if self.server.is_reserve(self.socket):
            environ["loket.reserve"] = True
        return environ

    def _cancel(self):
        if self._deadline is not None:
            self._deadline.cancel()
            self._deadline = None


class CappedServer(PyWSGIServer):
    """Counts TCP connections per address (past the limit a new one is closed at once) and in all
    (past ``max_connections`` a new one is a reserve connection, see the module's docstring)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._per_address: dict[str, int] = {}
        self._lock = threading.Lock()
        self._total = 0
        self._reserve: set[int] = set()  # ids of the reserve connections' sockets
        self.refused = 0

    def is_reserve(self, sock) -> bool:
        return id(sock) in self._reserve

    def handle(self, sock, address):
        host = address[0] if isinstance(address, tuple) else str(address)
        with self._lock:
            count = self._per_address.get(host, 0)
            if count >= CONNECTIONS_PER_ADDRESS["limit"]:
                self.refused += 1
                refused = self.refused
                count = -1
            else:
                self._per_address[host] = count + 1
                self._total += 1
                if self._total > MAX_CONNECTIONS["limit"]:
                    self._reserve.add(id(sock))
        if count < 0:
            if refused == 1 or refused % 1000 == 0:
                log.warning("too many connections from %s: refused %d so far", host, refused)
            sock.close()
            return
        sock.settimeout(READ_SECONDS)
        try:
            super().handle(sock, address)
        finally:
            with self._lock:
                self._total -= 1
                self._reserve.discard(id(sock))
                left = self._per_address.get(host, 1) - 1
                if left > 0:
                    self._per_address[host] = left
                else:
                    self._per_address.pop(host, None)


def patch() -> None:
    """gevent's monkey patches, except threads: ``threading`` stays real, so the locks, events and
    background jobs that pool threads and the loop share are real OS primitives (gevent's are not
    safe across OS threads), and background jobs (voice, printer, housekeeping) are real threads
    that never hold the loop; ``queue`` and ``subprocess`` stay real with them, and so do ``os``
    and ``signal``: gevent's ``waitpid`` reaps children through the loop's SIGCHLD watcher, which
    a worker thread waiting for espeak-ng would never hear of. Sockets, ``select`` and
    ``time.sleep`` are patched: every connection is a greenlet."""
    from gevent import monkey

    monkey.patch_all(thread=False, queue=False, subprocess=False, os=False, signal=False)


class LoketWorker(GeventPyWSGIWorker):
    """The worker class ``loket serve`` runs (one process, one event loop)."""

    server_class = CappedServer
    wsgi_handler = DeadlineHandler

    def patch(self):
        from gevent import socket as gsocket

        patch()
        self.sockets = [
            gsocket.socket(s.FAMILY, gsocket.SOCK_STREAM, fileno=s.sock.detach()) for s in self.sockets
        ]
