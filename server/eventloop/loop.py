"""Where work runs under the gevent event loop, and the same calls without it.

Under ``loket serve`` (gunicorn's gevent worker, sockets monkey-patched, threads left real) every
connection is a greenlet on one event loop. Code that blocks inside C — sqlite3, espeak-ng, Pillow — does not
yield to the loop, so while it runs no other socket is served. Such work goes to gevent's pool of
real OS threads (:func:`run_blocking`); Socket.IO emits are made on the loop (:func:`on_loop`),
because the sockets belong to it. Without gevent (tests, ``--dev``, Windows) both are plain calls.
"""

from __future__ import annotations

import logging
import sys

log = logging.getLogger(__name__)

#: Real OS threads for blocking work: enough for the kiosks and officers at once, few enough
#: that SQLite's single writer is not fought over by many.
POOL_THREADS = 8

SWITCH_SECONDS = 0.001

_main_hub = None


def gevent_active() -> bool:
    """True when the process runs under gevent's monkey patches (the production server)."""
    try:
        from gevent import monkey
    except ImportError:
        return False
    return monkey.is_module_patched("socket")


def init() -> None:
    """Remember the event loop of this process (call once on the loop, after the fork)."""
    global _main_hub
    if not gevent_active():
        return
    import gevent

    _main_hub = gevent.get_hub()
    _main_hub.threadpool.maxsize = POOL_THREADS
    # The loop shares the GIL with the pool threads: hand it over more often than every 5 ms,
    # so that a socket's turn on the loop does not wait behind a thread's whole time slice.
    sys.setswitchinterval(SWITCH_SECONDS)


def _on_main_loop() -> bool:
    if _main_hub is None:
        return False
    import gevent

    return gevent.get_hub() is _main_hub


def run_blocking(function, *args, **kwargs):
    """Run ``function`` in a real OS thread when called on the event loop, and wait for it
    (only this greenlet waits: the loop keeps serving everyone else). Elsewhere, just call it."""
    if not _on_main_loop():
        return function(*args, **kwargs)
    # The exception comes back as a value and is raised here, in the caller's greenlet: raised in
    # the pool thread, gevent would also print it with a traceback (a refused request, e.g. an
    # unknown ticket token, is an answer, not a server error).
    ok, result = _main_hub.threadpool.apply(_outcome, (function, args, kwargs))
    if ok:
        return result
    raise result


def _outcome(function, args, kwargs) -> tuple[bool, object]:
    try:
        return True, function(*args, **kwargs)
    except Exception as exc:
        return False, exc


def on_loop(function, *args) -> None:
    """Run ``function(*args)`` on the event loop, in its own greenlet, in the order asked.

    From a pool thread this is how a Socket.IO emit reaches the sockets; on the loop (or without
    gevent) it runs at once.
    """
    if _main_hub is None or _on_main_loop():
        function(*args)
        return
    import gevent

    _main_hub.loop.run_callback_threadsafe(gevent.spawn, _logged, function, *args)


def _logged(function, *args) -> None:
    try:
        function(*args)
    except Exception:
        log.exception("work on the event loop failed")


BODY_SECONDS = 15.0
MAX_HOLD_SECONDS = 5.0
SOCKET_PREFIX = "/socket.io"


def _stop_reading(environ) -> None:
    """End the reading side of a too-slow request's connection: the server would otherwise drain
    the rest of the announced body before closing, for as long as the client trickles it."""
    import socket

    sock = environ.get("loket.socket")  # put there by server.serve.gworker.DeadlineHandler
    if sock is None:
        return
    try:
        sock.shutdown(socket.SHUT_RD)
    except OSError:
        pass


class OffLoopRequests:
    """WSGI middleware: plain HTTP requests run in a pool thread, Socket.IO stays on the loop.

    The body is read on the loop first (within :data:`BODY_SECONDS`, at most ``max_body`` bytes;
    a bigger one is left for Flask to refuse with 413), since the socket belongs to the loop;
    the thread gets it in memory. The response's chunks are also produced in the thread.

    ``hold_key``: ``environ[hold_key]`` is a dict; a request whose app sets its ``"seconds"`` is
    answered that much later, waiting on the loop (a greenlet, no thread): a client asking in a
    loop for something refused then asks about once per hold rather than as fast as the
    refusals come.
    """

    def __init__(self, wsgi_app, max_body: int, hold_key: str | None = None):
        self.wsgi_app = wsgi_app
        self.max_body = max_body
        self.hold_key = hold_key

    def __call__(self, environ, start_response):
        if not _on_main_loop() or environ.get("PATH_INFO", "").startswith(SOCKET_PREFIX):
            return self.wsgi_app(environ, start_response)
        import io

        import gevent

        try:
            with gevent.Timeout(BODY_SECONDS):
                body = self._read_body(environ)
        except gevent.Timeout:
            _stop_reading(environ)
            start_response(
                "408 Request Timeout", [("Content-Type", "application/json"), ("Connection", "close")]
            )
            return [
                b'{"error": {"code": "request_timeout", "message": "Permintaan terlalu lambat dikirim."}}'
            ]
        if body is not None:
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
            environ.pop("HTTP_TRANSFER_ENCODING", None)
        answer: dict = {}

        def capture(status, headers, exc_info=None):
            answer["status"], answer["headers"] = status, headers
            return lambda data: answer.setdefault("written", []).append(data)

        hold: dict = {}
        if self.hold_key:
            # A dict the app fills in: middleware below may copy the environ (engine.io does
            # under gunicorn), but the copy holds the same dict.
            environ[self.hold_key] = hold
        result = run_blocking(self._run, environ, capture)
        if hold.get("seconds"):
            gevent.sleep(min(float(hold["seconds"]), MAX_HOLD_SECONDS))
        start_response(answer["status"], answer["headers"])
        return result

    def _read_body(self, environ) -> bytes | None:
        length = environ.get("CONTENT_LENGTH")
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if length:
            try:
                size = int(length)
            except ValueError:
                return b""
            if size > self.max_body:
                return None  # Flask refuses it by its Content-Length
            return environ["wsgi.input"].read(size)
        if chunked:
            data = environ["wsgi.input"].read(self.max_body + 1)
            return data
        return b""

    def _run(self, environ, capture):
        result = self.wsgi_app(environ, capture)
        try:
            # Responses here are small (JSON, a page, a WAV, an export): read them whole here,
            # where blocking is allowed.
            return [b"".join(result)]
        finally:
            close = getattr(result, "close", None)
            if close:
                close()
