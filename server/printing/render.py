"""The ticket's picture drawn in a render process of its own, off the server's interpreter.

Drawing a ticket (Pillow's text and QR code, the PNG encoder, python-escpos's raster) holds the
GIL for tens of milliseconds; in the server's process it competes with every request. The
:class:`RenderService` hands each drawing to one child process (``python -c "from
server.printing.render import main; main()"``), started on first use and started again when it has died. The server
only writes a small request to a pipe and waits for the answer in a real thread, with the GIL
released. The kiosk's PNG preview and the print queue's ESC/POS bytes both come from it.

Nothing is ever lost to the render process: when it cannot start, dies in the middle of a
picture or does not answer within ``timeout`` seconds, that picture is drawn in the calling
thread as before (:class:`InlineRenderer`), and the next one starts a new process.

PNG pictures are also kept (:attr:`RenderService.cache_size` of them, least recently used out),
keyed by everything drawn on the ticket: the same ticket asked for again is not drawn again,
and a changed ticket (another service after a transfer, another number) is a new key.

The protocol on the pipes: each message is a 4-byte big-endian length and a pickle, the request
``(kind, TicketPrint, width_mm, dots, profile)`` and the answer ``("ok", bytes)`` or
``("error", text)``. The child and the server are the same code, started by the server itself.
"""

from __future__ import annotations

import logging
import os
import pickle
import queue
import signal
import struct
import subprocess
import sys
import threading
import time
from collections import OrderedDict
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path

from server.eventloop.loop import run_blocking
from server.printing.devices import escpos_printer_module
from server.printing.job import ticket_bytes
from server.printing.ticket import TicketPrint, render_png, render_ticket

log = logging.getLogger(__name__)

#: Pictures kept for the preview: a busy office issues a few hundred tickets a day.
CACHE_SIZE = 300
#: How long a picture may take in the render process (its start-up included) before it is
#: given up, the process killed and the picture drawn in the calling thread instead.
TIMEOUT_SECONDS = 10.0
#: After the render process failed to start (or two in a row ended before answering anything),
#: pictures are drawn in the calling thread for this long before another start is tried: a
#: broken installation must not fork on every ticket.
RESTART_PAUSE_SECONDS = 5.0
#: The folder that holds the ``server`` package, for the child's ``sys.path``.
ROOT = Path(__file__).resolve().parents[2]
CHILD_CODE = "from server.printing.render import main; main()"
_HEADER = struct.Struct(">I")
_STOP = object()


class RenderUnavailable(Exception):
    """The render process could not draw this picture (the caller draws it itself)."""


class _ProcessLost(RenderUnavailable):
    """The render process ended (or was killed) before it answered."""


def draw(kind: str, ticket: TicketPrint, width_mm: int, dots: int | None, profile: str | None) -> bytes:
    """One picture as bytes: ``"png"`` for the preview, ``"escpos"`` for a printer ``profile``."""
    if kind == "png":
        return render_png(ticket, width_mm, dots=dots)
    if kind == "escpos":
        return ticket_bytes(render_ticket(ticket, width_mm, dots=dots), profile)
    raise ValueError(f"unknown picture kind {kind!r}")


class InlineRenderer:
    """Draws in the calling thread (run off the event loop): the fallback, and what a print
    queue built without a render service uses (tests, ``loket printer test``)."""

    def png(self, ticket: TicketPrint, width_mm: int = 80, dots: int | None = None) -> bytes:
        return run_blocking(draw, "png", ticket, width_mm, dots, None)

    def escpos(self, ticket: TicketPrint, width_mm: int, dots: int | None, profile: str) -> bytes:
        return run_blocking(draw, "escpos", ticket, width_mm, dots, profile)

    def status(self) -> dict:
        return {"process": False}

    def start(self) -> None:
        """Nothing to start."""

    def close(self) -> None:
        """Nothing to stop."""


class _Job:
    def __init__(self, request: tuple | None):
        self.request = request
        self.future: Future = Future()
        self.abandoned = threading.Event()  # its caller has stopped waiting


class RenderService:
    """One render process behind a queue, owned by one thread; see the module docstring.

    :meth:`png` and :meth:`escpos` may be called from any thread and on the event loop (the
    wait then happens in a pool thread, see :func:`~server.eventloop.loop.run_blocking`).
    """

    def __init__(
        self,
        *,
        cache_size: int = CACHE_SIZE,
        timeout: float = TIMEOUT_SECONDS,
        command: list[str] | None = None,
    ):
        """``command`` starts the child (default: this interpreter running :func:`main`); it
        must speak the protocol on its stdin and stdout."""
        self.cache_size = cache_size
        self._timeout = timeout
        self._command = command or [sys.executable, "-c", CHILD_CODE]
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._cache: OrderedDict[tuple, bytes] = OrderedDict()
        self._owner: threading.Thread | None = None
        self._process: subprocess.Popen | None = None
        self._paused_until = 0.0
        self._answered = 0  # by the current process (the owner thread's figures)
        self._silent_ends = 0  # processes in a row that ended without answering
        self._closed = False
        self._waiting = 0
        self._counts = {"in_process": 0, "inline": 0, "cache_hits": 0, "starts": 0, "failures": 0}

    # ---- the interface -----------------------------------------------------------------------

    def png(self, ticket: TicketPrint, width_mm: int = 80, dots: int | None = None) -> bytes:
        """The ticket as PNG bytes (see :func:`~server.printing.ticket.render_png`), from the
        cache when this exact ticket was drawn lately."""
        key = (ticket, width_mm, dots)
        with self._lock:
            cached = self._cache.get(key)
            if cached is not None:
                self._cache.move_to_end(key)
                self._counts["cache_hits"] += 1
                return cached
        png = self._picture(("png", ticket, width_mm, dots, None))
        with self._lock:
            self._cache[key] = png
            while len(self._cache) > self.cache_size:
                self._cache.popitem(last=False)
        return png

    def escpos(self, ticket: TicketPrint, width_mm: int, dots: int | None, profile: str) -> bytes:
        """The ESC/POS bytes that print the ticket and cut (see
        :func:`~server.printing.job.ticket_bytes`), for a printer ``profile`` name."""
        return self._picture(("escpos", ticket, width_mm, dots, profile))

    @property
    def renders(self) -> int:
        """Pictures drawn so far, in the render process or in a calling thread."""
        with self._lock:
            return self._counts["in_process"] + self._counts["inline"]

    def status(self) -> dict:
        """Figures for the admin page and the logs."""
        with self._lock:
            process = self._process
            return {
                "process": True,
                "pid": process.pid if process is not None and process.poll() is None else None,
                "waiting": self._waiting,
                "cached": len(self._cache),
                **self._counts,
            }

    def start(self) -> None:
        """Start the render process now rather than with the first picture (it takes a few
        tenths of a second to import Pillow and python-escpos)."""
        self._submit(_Job(None))

    def close(self) -> None:
        """Stop the owner thread and the render process."""
        with self._lock:
            self._closed = True
            owner = self._owner
        if owner is not None:
            self._jobs.put(_STOP)
            owner.join(2.0)
        self._stop_process()

    # ---- the caller's side -------------------------------------------------------------------

    def _picture(self, request: tuple) -> bytes:
        try:
            data = run_blocking(self._in_process, request)
        except RenderUnavailable as exc:
            log.warning("drawing a ticket in the server's process: %s", exc)
            data = run_blocking(draw, *request)
            with self._lock:
                self._counts["inline"] += 1
            return data
        with self._lock:
            self._counts["in_process"] += 1
        return data

    def _in_process(self, request: tuple) -> bytes:
        job = _Job(request)
        with self._lock:
            self._waiting += 1
        self._submit(job)
        try:
            return job.future.result(self._timeout)
        except FutureTimeout:
            job.abandoned.set()
            if not job.future.cancel():  # it is being drawn: the process is stuck
                self._stop_process()
            raise RenderUnavailable(f"no answer within {self._timeout:g} s") from None
        except CancelledError:
            raise RenderUnavailable("render service closed") from None
        finally:
            with self._lock:
                self._waiting -= 1

    def _submit(self, job: _Job) -> None:
        with self._lock:
            if self._closed:
                job.future.cancel()
                return
            if self._owner is None or not self._owner.is_alive():
                self._owner = threading.Thread(target=self._run, name="loket-render", daemon=True)
                self._owner.start()
        self._jobs.put(job)

    # ---- the owner thread --------------------------------------------------------------------

    def _run(self) -> None:
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            if not job.future.set_running_or_notify_cancel():
                continue  # its caller gave up while it waited
            try:
                answer = self._answer(job)
            except Exception as exc:
                job.future.set_exception(
                    exc if isinstance(exc, RenderUnavailable) else RenderUnavailable(repr(exc))
                )
            else:
                job.future.set_result(answer)

    def _answer(self, job: _Job) -> bytes | None:
        """Draw ``job`` in the render process; a process found dead is replaced and the picture
        asked of the new one (once: a picture that kills two processes is drawn by its caller)."""
        try:
            process = self._running_process()
            return None if job.request is None else self._exchange(process, job.request)
        except _ProcessLost:
            if job.abandoned.is_set():
                raise
        process = self._running_process()
        return self._exchange(process, job.request)

    def _running_process(self) -> subprocess.Popen:
        with self._lock:
            process = self._process
        if process is not None and process.poll() is None:
            return process
        if process is not None:
            log.warning("render process %d ended (exit status %s)", process.pid, process.returncode)
            self._stop_process()
        if time.monotonic() < self._paused_until:
            raise RenderUnavailable("render process failed to start a moment ago")
        env = dict(os.environ)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        try:
            process = subprocess.Popen(
                self._command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, env=env, close_fds=True
            )
        except OSError:
            self._paused_until = time.monotonic() + RESTART_PAUSE_SECONDS
            raise
        self._answered = 0
        with self._lock:
            self._process = process
            self._counts["starts"] += 1
        log.info("render process %d started", process.pid)
        return process

    def _exchange(self, process: subprocess.Popen, request: tuple) -> bytes:
        try:
            _send(process.stdin, request)
            answer = _receive(process.stdout)
        except (OSError, EOFError, pickle.UnpicklingError) as exc:
            with self._lock:
                self._counts["failures"] += 1
            self._stop_process()
            self._silent_ends = 0 if self._answered else self._silent_ends + 1
            if self._silent_ends >= 2:
                self._paused_until = time.monotonic() + RESTART_PAUSE_SECONDS
            raise _ProcessLost(f"render process lost: {exc!r}") from exc
        self._answered += 1
        self._silent_ends = 0
        if answer[0] != "ok":
            raise RenderUnavailable(f"render process failed: {answer[1]}")
        return answer[1]

    def _stop_process(self) -> None:
        with self._lock:
            process, self._process = self._process, None
        if process is None:
            return
        try:
            process.kill()
        except OSError:
            pass
        for stream in (process.stdin, process.stdout):
            try:
                stream.close()
            except OSError:
                pass
        try:
            process.wait(2.0)
        except subprocess.TimeoutExpired:
            log.error("render process %d did not end after SIGKILL", process.pid)


def _send(stream, message) -> None:
    data = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def _receive(stream):
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("render process closed its pipe")
    (length,) = _HEADER.unpack(header)
    data = stream.read(length)
    if len(data) < length:
        raise EOFError("render process closed its pipe mid-answer")
    return pickle.loads(data)


def serve(requests, answers) -> None:
    """The render process: draw each request read from ``requests`` until it is closed."""
    while True:
        try:
            request = _receive(requests)
        except EOFError:
            return
        try:
            answer = ("ok", draw(*request))
        except Exception as exc:  # one bad ticket must not end the process
            answer = ("error", repr(exc))
        _send(answers, answer)


def main() -> None:
    """The render process's entry (:data:`CHILD_CODE`): answers on a copy of stdout; what else would be
    printed (a library's message) goes to stderr, so it cannot break the protocol."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server stops it; a Ctrl-C is for the server
    answers = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)
    escpos_printer_module()  # imported before the first ticket rather than while it waits
    serve(sys.stdin.buffer, answers)
