"""The print queue's times, which the tests leave to this benchmark (tests/test_printing_queue.py
and tests/test_faults.py check order and outcome only): ``submit()`` returning, a failed job
reported against a refusing and a silent LAN printer (deadline 1 s), and the kiosk's answer while
the printer is stuck.

The "printers" are listeners on 127.0.0.1; the kiosk is the whole app in this process, through
Flask's test client (no HTTP), as tests/test_faults.py uses it.
"""

from __future__ import annotations

import socket
import threading
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from bench.harness import percentile, record

DEADLINE = 1.0  # the printer's deadline per ticket here (timeout_seconds)


class LanPrinter:
    """A listener standing in for a LAN printer: ``reads`` everything, or never reads a byte."""

    def __init__(self, reads: bool):
        self.reads = reads
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)  # a printer's small buffer
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            if self.reads:
                threading.Thread(target=self._drain, args=(conn,), daemon=True).start()
            else:
                self.held.append(conn)

    @staticmethod
    def _drain(conn: socket.socket) -> None:
        with conn:
            while conn.recv(65536):
                pass

    def close(self) -> None:
        try:
            self.sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        except OSError:
            pass
        self.sock.close()
        self._thread.join(5)
        for conn in self.held:
            conn.close()


def closed_port() -> int:
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


def sample(n: int):
    from server.printing import TicketPrint

    return TicketPrint(
        office_name="PTSP Kantor Kementerian Agama Kabupaten Pekalongan",
        service_code="A",
        service_name="Perizinan & Rekomendasi",
        number=f"A{n:03d}",
        issued_at=datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        ahead=2,
        estimate_minutes=20,
        status_url="http://192.168.1.10:8000/t/abcdefghijklmnop",
    )


def time_jobs(port: int, count: int) -> tuple[list[float], list[float], list[bool]]:
    """``count`` tickets to the printer on ``port``, one at a time: the ms each ``submit()`` took,
    the ms from submit to the job's result, and whether each printed."""
    from server.printing import PrinterSettings, PrintQueue
    from server.printing.devices import escpos_printer_module

    escpos_printer_module()  # its one-off import is no job's time
    done = threading.Condition()
    arrived: list = []

    def on_result(result) -> None:
        with done:
            arrived.append((time.perf_counter(), result.ok))
            done.notify_all()

    settings = PrinterSettings(kind="network", host="127.0.0.1", port=port, timeout_seconds=DEADLINE)
    queue = PrintQueue(settings, on_result=on_result)
    queue.start()
    submits, results, oks = [], [], []
    try:
        for n in range(count):
            sent = time.perf_counter()
            queue.submit(str(n), sample(n + 1))
            submits.append((time.perf_counter() - sent) * 1000)
            with done:
                if not done.wait_for(lambda n=n: len(arrived) > n, 10 * DEADLINE):
                    raise RuntimeError(f"print job {n} got no result in {10 * DEADLINE:g} s")
                at, ok = arrived[n]
            results.append((at - sent) * 1000)
            oks.append(ok)
    finally:
        queue.close(timeout=2 * DEADLINE)
    return submits, results, oks


def time_kiosk_with_a_stuck_printer(tmp: Path, count: int) -> tuple[list[float], dict]:
    """The kiosk's POST /api/tickets in ms, ``count`` times, while the printer never reads (each
    ticket then waits its turn behind a stuck one); and the printer's status at the end."""
    from conftest import make_app, write_config
    from servers import ALWAYS_OPEN

    from bench.harness import production_passwords

    production_passwords()
    printer = LanPrinter(reads=False)
    data = tmp / "kiosk-stuck-printer"
    network = f'kind = "network"\nhost = "127.0.0.1"\nport = {printer.port}\ntimeout_seconds = {DEADLINE}'
    replace = {
        **ALWAYS_OPEN,
        'kind = "none"': network,
        "kiosk_limit_per_minute = 30": "kiosk_limit_per_minute = 0",
    }
    write_config(data, replace)
    app = make_app(data)  # the real clock and background workers, as in a serving office
    client = app.test_client()
    latencies = []
    try:
        for n in range(count):
            sent = time.perf_counter()
            response = client.post("/api/tickets", json={"service": "ABCDEF"[n % 6]})
            latencies.append((time.perf_counter() - sent) * 1000)
            if response.status_code != 201:
                raise RuntimeError(f"kiosk answer {response.status_code}: {response.get_data(as_text=True)}")
        status = app.extensions["runtime"].print_queue.status()
    finally:
        printer.close()
        app.extensions["runtime"].close()
    return latencies, status


def bench_printing(tmp: Path, quick: bool) -> None:
    """``submit()`` with a printer printing; a failed job's result against a refusing and a
    silent printer; the kiosk's answers while the printer is stuck."""
    printer = LanPrinter(reads=True)
    try:
        submits, _results, oks = time_jobs(printer.port, 20 if quick else 60)
    finally:
        printer.close()
    record(
        "PrintQueue.submit() return, LAN printer printing",
        submits,
        "p99 ≤ 50 ms",
        percentile(submits, 0.99) <= 50 and all(oks),
        f"{sum(oks)} of {len(oks)} printed; the kiosk's request only waits for this",
    )

    _submits, refused, oks = time_jobs(closed_port(), 10 if quick else 30)
    record(
        "print job → failed result, printer refuses the connection",
        refused,
        f"p99 ≤ {DEADLINE * 1000 + 500:.0f} ms",
        percentile(refused, 0.99) <= DEADLINE * 1000 + 500 and not any(oks),
        f"deadline {DEADLINE:g} s; drawing the ticket comes first",
    )

    silent = LanPrinter(reads=False)
    try:
        _submits, stalled, oks = time_jobs(silent.port, 5 if quick else 10)
    finally:
        silent.close()
    record(
        "print job → failed result, printer never reads",
        stalled,
        f"{DEADLINE * 800:.0f} ms ≤ all, p99 ≤ {DEADLINE * 1000 + 500:.0f} ms",
        min(stalled) >= DEADLINE * 800
        and percentile(stalled, 0.99) <= DEADLINE * 1000 + 500
        and not any(oks),
        f"deadline {DEADLINE:g} s: the job gives up on time, not early",
    )

    kiosk, status = time_kiosk_with_a_stuck_printer(tmp, 30 if quick else 100)
    record(
        "kiosk POST /api/tickets while the printer never reads",
        kiosk,
        "p99 ≤ 100 ms",
        percentile(kiosk, 0.99) <= 100,
        f"in-process test client; printer meanwhile: {status['printed']} printed, "
        f"{status['failed']} failed, {status['pending']} waiting",
    )
