"""The print queue: tickets are printed by one worker thread, never on the request path.

A kiosk request only calls :meth:`PrintQueue.submit`, which returns at once. The worker has
the ticket drawn by the render service (:mod:`server.printing.render`: another process, so the
drawing does not compete with the requests for the GIL) and sends it with a hard deadline per ticket (``settings.timeout_seconds``), so a
printer that refuses connections, stops reading or vanishes mid-ticket costs one failed job,
never a hung worker. Every outcome goes to ``on_result`` (called from the worker thread) and
into :meth:`PrintQueue.status`, which the admin page shows.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timezone

from server.config.printer import PrinterSettings
from server.eventloop.loop import run_blocking
from server.printing.devices import JobTimeout, escpos_printer_module, explain_failure, open_printer
from server.printing.job import PrintFailure, print_with_deadline
from server.printing.render import InlineRenderer
from server.printing.ticket import TicketPrint

log = logging.getLogger(__name__)

NOT_PRINTED = "Tiket tidak tercetak — silakan catat/foto nomor Anda"
PRINTED = "Tiket tercetak"
NO_PRINTER = "Printer tidak dipasang — tiket hanya tampil di layar"
#: Device threads still stuck after their deadline; beyond this, jobs fail without trying.
MAX_STUCK_DEVICE_THREADS = 2


@dataclass(frozen=True)
class PrintResult:
    """The outcome of one print job, given to ``on_result`` from the printer's worker thread.

    ``ok`` is False when the visitor has no paper and must be told (``message``, in Bahasa
    Indonesia); ``error`` is the technical reason in English. ``printed`` says whether paper
    came out: the null printer answers ``ok=True, printed=False`` (nothing went wrong, and
    nothing was printed, which the kiosk already shows on screen).
    """

    job_id: str
    ok: bool
    message: str
    error: str | None = None
    printed: bool = False
    seconds: float = 0.0


@dataclass
class _Job:
    job_id: str
    ticket: TicketPrint
    submitted: float = field(default_factory=time.monotonic)


_STOP = object()


class PrintQueue:
    """One printer, one worker thread, a bounded queue of tickets."""

    def __init__(
        self,
        settings: PrinterSettings,
        on_result: Callable[[PrintResult], None] | None = None,
        *,
        max_pending: int = 20,
        stale_after_seconds: float = 30.0,
        opener: Callable[[PrinterSettings], object] = open_printer,
        clock: Callable[[], datetime] = lambda: datetime.now(timezone.utc),
        renderer=None,
    ):
        """``stale_after_seconds``: a ticket still waiting this long is dropped, not printed:
        its visitor has left the kiosk and the next one would take the wrong paper.
        ``max_pending``: the backlog a burst may build behind a slow printer (2–3 s a ticket);
        past it a ticket fails at once (the kiosk says so) rather than printing minutes late.
        ``renderer``: draws the ESC/POS bytes (a :class:`~server.printing.render.RenderService`;
        by default the worker thread draws them itself)."""
        self.settings = settings
        self._on_result = on_result
        self._max_pending = max_pending
        self._stale_after = stale_after_seconds
        self._opener = opener
        self._clock = clock
        self._renderer = renderer or InlineRenderer()
        self._jobs: queue.SimpleQueue = queue.SimpleQueue()
        self._lock = threading.Lock()
        self._pending = 0
        self._submitted: deque[float] = deque()  # when each waiting ticket was submitted
        self._printed = 0
        self._failed = 0
        self._last_error: str | None = None
        self._last_problem: str | None = None
        self._last_error_at: datetime | None = None
        self._last_success_at: datetime | None = None
        self._closed = False
        self._worker: threading.Thread | None = None
        self._stuck: list[threading.Thread] = []

    def start(self) -> None:
        """Start the worker thread (jobs submitted earlier wait for it)."""
        if self._worker is None:
            self._worker = threading.Thread(target=self._run, name="loket-printer", daemon=True)
            self._worker.start()

    def submit(self, job_id: str, ticket: TicketPrint) -> None:
        """Queue a ticket for printing and return at once.

        When the queue is full or closed the job fails immediately: ``on_result`` is then
        called from the caller's thread instead of the worker's.
        """
        with self._lock:
            refused = "print queue closed" if self._closed else None
            if not refused and self._pending >= self._max_pending:
                refused = f"print queue full ({self._pending} tickets waiting)"
            if not refused:
                self._pending += 1
                self._submitted.append(time.monotonic())
        if refused:
            problem = None if self._closed else "antrian cetak penuh (printer lambat atau macet)"
            self._finish(PrintResult(job_id, False, NOT_PRINTED, error=refused), problem)
            return
        self._jobs.put(_Job(job_id, ticket))

    def status(self) -> dict:
        """The printer's health for the admin page; ``message`` is in Bahasa Indonesia."""
        with self._lock:
            failing = self._last_problem is not None
            if self._closed:
                message = "Antrian cetak dihentikan"
            elif failing:
                message = f"Printer bermasalah: {self._last_problem}"
            else:
                message = f"Printer {self.settings.describe()} siap"
            waiting = len(self._submitted)
            if waiting and not self._closed:
                message += f"; {waiting} tiket menunggu dicetak"
            oldest = time.monotonic() - self._submitted[0] if self._submitted else 0.0
            return {
                "kind": self.settings.kind,
                "ok": not failing and not self._closed,
                "message": message,
                "last_error": self._last_error,
                "last_error_at": _iso(self._last_error_at),
                "last_success_at": _iso(self._last_success_at),
                "pending": self._pending,
                "max_pending": self._max_pending,
                "oldest_waiting_seconds": round(oldest, 1),
                "printed": self._printed,
                "failed": self._failed,
                "renderer": self._renderer.status(),
            }

    def close(self, timeout: float = 5.0) -> None:
        """Stop taking jobs, let the ticket being printed finish, fail the ones still waiting."""
        with self._lock:
            self._closed = True
        self._jobs.put(_STOP)
        if self._worker is not None:
            self._worker.join(timeout)

    # ---- the worker ------------------------------------------------------------------------

    def _run(self) -> None:
        try:  # import python-escpos now rather than while the first visitor waits
            escpos_printer_module()
        except Exception:
            log.exception("python-escpos could not be imported; every print job will fail")
        while True:
            job = self._jobs.get()
            if job is _STOP:
                return
            with self._lock:
                if self._submitted:
                    self._submitted.popleft()
            try:
                # Pillow and the device's I/O block in C: a real thread, not the event loop.
                result, problem = run_blocking(self._handle, job)
            except Exception as exc:  # a bug here must not end printing for the day
                log.exception("print job %s crashed", job.job_id)
                result, problem = _failed(job, repr(exc)), "kesalahan program"
            with self._lock:
                self._pending -= 1
            self._finish(result, problem)

    def _handle(self, job: _Job) -> tuple[PrintResult, str | None]:
        """Print one job; returns its result and, on failure, the printer's problem in Indonesian."""
        started = time.monotonic()
        waited = started - job.submitted
        if self._closed:
            return _failed(job, "print queue closed"), None
        if waited > self._stale_after:
            problem = "tiket terlalu lama menunggu printer"
            return _failed(job, f"dropped after waiting {waited:.0f} s in the print queue"), problem
        try:
            settings = self.settings
            data = self._renderer.escpos(job.ticket, settings.width_mm, settings.dots, settings.profile)
            self._send(data)
        except Exception as exc:
            problem, detail = explain_failure(exc, self.settings)
            return _failed(job, detail, time.monotonic() - started), problem
        return PrintResult(job.job_id, True, PRINTED, printed=True, seconds=time.monotonic() - started), None

    def _send(self, data: bytes) -> None:
        self._stuck = [thread for thread in self._stuck if thread.is_alive()]
        if len(self._stuck) >= MAX_STUCK_DEVICE_THREADS:
            raise PrintFailure(
                "send", JobTimeout(f"{len(self._stuck)} earlier jobs still blocked in the device")
            )
        print_with_deadline(self.settings, None, self._opener, abandoned=self._stuck, data=data)

    def _finish(self, result: PrintResult, problem: str | None) -> None:
        now = self._clock()
        with self._lock:
            if result.ok:
                self._printed += 1
                self._last_success_at = now
                self._last_problem = None
            else:
                self._failed += 1
                self._last_error = result.error
                self._last_error_at = now
                if problem is not None:  # None: not the printer's fault (the queue was closed)
                    self._last_problem = problem
        if result.ok:
            log.info("ticket %s printed in %.2f s", result.job_id, result.seconds)
        else:
            log.warning(
                "ticket %s not printed on %s: %s", result.job_id, self.settings.describe(), result.error
            )
        _deliver(self._on_result, result)


class NullPrintQueue:
    """No printer configured (kind "none"): the same interface, and nothing is ever printed.

    Every submitted job is reported at once, from the caller's thread, as
    ``PrintResult(ok=True, printed=False)``: nothing failed, there is simply no paper.
    """

    def __init__(
        self,
        settings: PrinterSettings | None = None,
        on_result: Callable[[PrintResult], None] | None = None,
        **_ignored,
    ):
        self.settings = settings or PrinterSettings()
        self._on_result = on_result

    def start(self) -> None:
        """Nothing to start."""

    def submit(self, job_id: str, ticket: TicketPrint) -> None:
        """Report the job as not printed, without error."""
        _deliver(self._on_result, PrintResult(job_id, True, NO_PRINTER, printed=False))

    def status(self) -> dict:
        """Always fine: there is no printer to fail."""
        return {
            "kind": "none",
            "ok": True,
            "message": "Printer tidak dipasang",
            "last_error": None,
            "last_error_at": None,
            "last_success_at": None,
            "pending": 0,
            "max_pending": 0,
            "oldest_waiting_seconds": 0.0,
            "printed": 0,
            "failed": 0,
        }

    def close(self, timeout: float = 5.0) -> None:
        """Nothing to stop."""


def _failed(job: _Job, error: str, seconds: float = 0.0) -> PrintResult:
    return PrintResult(job.job_id, False, NOT_PRINTED, error=error, seconds=seconds)


def _deliver(on_result, result: PrintResult) -> None:
    if on_result is None:
        return
    try:
        on_result(result)
    except Exception:
        log.exception("print result handler failed for job %s", result.job_id)


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat(timespec="seconds") if moment else None
