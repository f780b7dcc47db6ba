"""The print queue against a real TCP listener standing in for a LAN printer, and its faults.

Every fault must cost one failed job of the kind that says which limit fired (never a hung
worker), ``submit()`` must return while the printer is busy, and the next job must print once
the printer is back. How long these take is measured by bench/printing.py, not asserted here.
"""

import io
import socket
import threading
import time
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import dummy_printer, wait_until
from PIL import Image, ImageOps

from server.printing import (
    NOT_PRINTED,
    NullPrintQueue,
    PrinterSettings,
    PrinterUnavailable,
    PrintQueue,
    TicketPrint,
    open_printer,
    printer_test_command,
    render_png,
)
from server.printing.devices import escpos_printer_module

RASTER = b"\x1dv0"
CUT = b"\x1dV"
TIMEOUT = 1.0  # the deadline per ticket in these tests


def slow_printer(raw):
    """An opener of dummy printers whose every write is ``raw(msg)`` (a stall, a long wait)."""

    class Slow(type(dummy_printer())):
        def _raw(self, msg):
            raw(msg)

    return lambda settings: Slow(profile=settings.profile)


def sample(number: str = "A001") -> TicketPrint:
    return TicketPrint(
        office_name="PTSP Kantor Kementerian Agama Kabupaten Pekalongan",
        service_code=number[0],
        service_name="Perizinan & Rekomendasi",
        number=number,
        issued_at=datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        ahead=2,
        estimate_minutes=20,
        status_url="http://192.168.1.10:8000/t/abcdefghijklmnop",
    )


class FakeLanPrinter:
    """A listener on 127.0.0.1 that behaves like a LAN printer on port 9100.

    ``mode`` is read for every new connection: "print" reads until the client closes,
    "stall" accepts and never reads (its receive window fills), "hangup" reads a little and
    then drops the connection mid-ticket.
    """

    def __init__(self, mode: str = "print", port: int = 0):
        self.mode = mode
        self.tickets: list[bytes] = []
        self._held: list[socket.socket] = []
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # Small buffers, like a real printer: a stalled one fills up after a few kilobytes.
        self._listener.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self._listener.bind(("127.0.0.1", port))
        self._listener.listen(8)
        self.port = self._listener.getsockname()[1]
        self._received = threading.Condition()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._listener.accept()
            except OSError:
                return
            threading.Thread(target=self._serve, args=(connection, self.mode), daemon=True).start()

    def _serve(self, connection: socket.socket, mode: str) -> None:
        if mode == "stall":
            self._held.append(connection)
            return
        data = bytearray()
        with connection:
            while True:
                chunk = connection.recv(65536)
                if not chunk:
                    break
                data += chunk
                if mode == "hangup" and len(data) >= 2048:
                    return  # closing with unread data: the client gets a reset
        with self._received:
            self.tickets.append(bytes(data))
            self._received.notify_all()

    def wait_for_ticket(self, count: int = 1, timeout: float = 5.0) -> bytes:
        with self._received:
            assert self._received.wait_for(lambda: len(self.tickets) >= count, timeout)
            return self.tickets[count - 1]

    def close(self) -> None:
        self._listener.close()
        for connection in self._held:
            connection.close()


def closed_port() -> int:
    """A port on 127.0.0.1 where nothing listens: connections are refused."""
    probe = socket.socket()
    probe.bind(("127.0.0.1", 0))
    port = probe.getsockname()[1]
    probe.close()
    return port


class Results:
    """Collects on_result calls."""

    def __init__(self):
        self.results = []
        self._condition = threading.Condition()

    def __call__(self, result) -> None:
        with self._condition:
            self.results.append(result)
            self._condition.notify_all()

    def wait(self, count: int, timeout: float = 10.0):
        with self._condition:
            assert self._condition.wait_for(lambda: len(self.results) >= count, timeout), self.results
            return self.results[count - 1]


def network(port: int, **changes) -> PrinterSettings:
    values = {"kind": "network", "host": "127.0.0.1", "port": port, "timeout_seconds": TIMEOUT}
    return PrinterSettings(**{**values, **changes})


@pytest.fixture
def lan_printer():
    printers = []

    def make(mode: str = "print", port: int = 0) -> FakeLanPrinter:
        printers.append(FakeLanPrinter(mode, port))
        return printers[-1]

    yield make
    for printer in printers:
        printer.close()


@pytest.fixture
def print_queue():
    queues = []

    def make(settings: PrinterSettings, **options):
        results = Results()
        escpos_printer_module()  # the one-off import is not part of any job's time
        queue = PrintQueue(settings, on_result=results, **options)
        queue.start()
        queues.append(queue)
        return queue, results

    yield make
    for queue in queues:
        queue.close(timeout=2)


def test_ticket_reaches_a_lan_printer(lan_printer, print_queue):
    printer = lan_printer("print")
    queue, results = print_queue(network(printer.port))
    queue.submit("1", sample())
    result = results.wait(1)
    assert result.ok and result.printed and result.job_id == "1"
    assert result.error is None
    data = printer.wait_for_ticket()
    assert RASTER in data
    assert data.rindex(CUT) > data.index(RASTER)
    # The default profile (TM-T88V) prints 512 dots: 64 bytes per raster row.
    start = data.index(RASTER)
    assert data[start + 4] + 256 * data[start + 5] == 64
    status = queue.status()
    assert status["ok"] is True and status["printed"] == 1 and status["failed"] == 0
    assert status["pending"] == 0 and status["last_success_at"]
    assert status["message"] == f"Printer 127.0.0.1:{printer.port} siap"


def paper_image(data: bytes) -> Image.Image:
    """What a printer would put on paper: the GS v 0 raster blocks in ``data``, stacked."""
    blocks, position = [], 0
    while (start := data.find(RASTER, position)) != -1:
        width_bytes = data[start + 4] + 256 * data[start + 5]
        height = data[start + 6] + 256 * data[start + 7]
        raster = data[start + 8 : start + 8 + width_bytes * height]
        blocks.append(ImageOps.invert(Image.frombytes("1", (width_bytes * 8, height), raster).convert("L")))
        position = start + 8 + width_bytes * height
    paper = Image.new("L", (blocks[0].width, sum(block.height for block in blocks)), 255)
    top = 0
    for block in blocks:
        paper.paste(block, (0, top))
        top += block.height
    return paper


@pytest.mark.parametrize("width_mm, profile", [(58, "POS-5890"), (80, "TM-T88V"), (80, "TM-T20II")])
def test_paper_is_the_preview(lan_printer, print_queue, width_mm, profile):
    printer = lan_printer("print")
    settings = network(printer.port, width_mm=width_mm, profile=profile)
    queue, results = print_queue(settings)
    ticket = sample("B012")
    queue.submit("1", ticket)
    assert results.wait(1).ok
    paper = paper_image(printer.wait_for_ticket())
    preview = Image.open(io.BytesIO(render_png(ticket, settings.width_mm, dots=settings.dots))).convert("L")
    assert paper.size == preview.size
    assert paper.tobytes() == preview.tobytes()


def test_refused_connection_fails_fast_and_next_job_prints(lan_printer, print_queue):
    port = closed_port()
    queue, results = print_queue(network(port))
    queue.submit("1", sample())
    failed = results.wait(1)
    assert not failed.ok and not failed.printed
    assert failed.message == NOT_PRINTED == "Tiket tidak tercetak — silakan catat/foto nomor Anda"
    assert "ConnectionRefusedError" in failed.error
    status = queue.status()
    assert status["ok"] is False and status["failed"] == 1
    assert status["message"] == f"Printer bermasalah: Koneksi ke printer 127.0.0.1:{port} ditolak"
    assert "ConnectionRefusedError" in status["last_error"] and status["last_error_at"]

    printer = lan_printer("print", port)  # the printer is switched back on
    queue.submit("2", sample("A002"))
    assert results.wait(2).ok
    assert RASTER in printer.wait_for_ticket()
    assert queue.status()["ok"] is True


def test_printer_that_never_reads_fails_within_the_deadline(lan_printer, print_queue):
    printer = lan_printer("stall")
    queue, results = print_queue(network(printer.port))
    queue.submit("1", sample())
    failed = results.wait(1)
    assert not failed.ok and failed.error.startswith("send: ")
    assert "TimeoutError" in failed.error or "JobTimeout" in failed.error
    assert "tidak menerima tiket dalam 1 detik" in queue.status()["message"]

    printer.mode = "print"  # paper refilled
    queue.submit("2", sample("A002"))
    assert results.wait(2).ok
    assert CUT in printer.wait_for_ticket()


def test_printer_that_hangs_up_mid_ticket_fails_and_recovers(lan_printer, print_queue):
    printer = lan_printer("hangup")
    queue, results = print_queue(network(printer.port))
    queue.submit("1", sample())
    failed = results.wait(1)
    assert not failed.ok and "Timeout" not in failed.error  # the hang-up, not the deadline
    assert (
        "terputus saat mencetak" in queue.status()["message"]
        or "tidak menerima tiket" in queue.status()["message"]
    )

    printer.mode = "print"
    queue.submit("2", sample("A002"))
    assert results.wait(2).ok
    assert RASTER in printer.wait_for_ticket()


def test_device_blocked_in_the_kernel_is_abandoned_by_the_watchdog(print_queue):
    release, returned = threading.Event(), threading.Event()
    shared = dummy_printer()

    def jam(msg):  # like a write to /dev/usb/lp0 that never returns
        release.wait(30)
        returned.set()

    jammed = slow_printer(jam)
    calls = []

    def opener(settings):
        calls.append(settings)
        return jammed(settings) if len(calls) == 1 else shared

    queue, results = print_queue(
        PrinterSettings(kind="file", path="/dev/null", timeout_seconds=0.5), opener=opener
    )
    try:
        queue.submit("1", sample())
        failed = results.wait(1)
        assert not returned.is_set(), "the job failed only once the device came back"
        assert not failed.ok and "JobTimeout: device still busy after 0.5 s" in failed.error
        queue.submit("2", sample("A002"))
        assert results.wait(2).ok
        assert RASTER in shared.output
    finally:
        release.set()


def test_full_queue_fails_the_job_at_once(print_queue):
    release = threading.Event()
    queue, results = print_queue(
        PrinterSettings(kind="file", path="/dev/null", timeout_seconds=5),
        opener=slow_printer(lambda msg: release.wait(5)),
        max_pending=2,
    )
    try:
        queue.submit("1", sample())
        queue.submit("2", sample("A002"))
        assert results.results == [], "submit() returned while the printer was jammed"
        queue.submit("3", sample("A003"))
        [refused] = results.results  # told before submit() returned, from the kiosk's thread
        assert refused.job_id == "3" and not refused.ok
        assert "queue full" in refused.error
        assert queue.status()["pending"] == 2
        assert "antrian cetak penuh" in queue.status()["message"]
    finally:
        release.set()
    assert results.wait(3).ok
    assert queue.status()["pending"] == 0


def test_ticket_that_waited_too_long_is_dropped_not_printed(print_queue):
    queue, results = print_queue(
        PrinterSettings(kind="file", path="/dev/null", timeout_seconds=2),
        opener=slow_printer(lambda msg: time.sleep(0.4)),
        stale_after_seconds=0.2,
    )
    queue.submit("1", sample())
    queue.submit("2", sample("A002"))
    assert results.wait(1).ok
    dropped = results.wait(2)
    assert not dropped.ok and "dropped after waiting" in dropped.error


def test_file_printer_writes_the_bytes(tmp_path, print_queue):
    path = tmp_path / "printer-output.bin"
    queue, results = print_queue(PrinterSettings(kind="file", path=str(path), width_mm=58))
    queue.submit("7", sample())
    assert results.wait(1).ok
    data = path.read_bytes()
    assert RASTER in data and data.endswith(CUT + b"\x00")
    start = data.index(RASTER)
    assert data[start + 4] + 256 * data[start + 5] == 48  # 384 dots on 58 mm paper


def test_file_printer_in_a_missing_folder_says_so(tmp_path, print_queue):
    path = tmp_path / "missing" / "out.bin"
    queue, results = print_queue(PrinterSettings(kind="file", path=str(path)))
    queue.submit("1", sample())
    assert not results.wait(1).ok
    assert queue.status()["message"] == f"Printer bermasalah: Printer {path} tidak ditemukan"


def test_results_and_status_survive_a_failing_handler(tmp_path):
    def broken(result):
        raise RuntimeError("handler bug")

    queue = PrintQueue(PrinterSettings(kind="file", path=str(tmp_path / "out.bin")), on_result=broken)
    queue.start()
    queue.submit("1", sample())
    queue.submit("2", sample("A002"))
    wait_until(lambda: queue.status()["printed"] == 2, what="both tickets printed")
    queue.close()


def test_closed_queue_refuses_jobs(tmp_path):
    results = Results()
    queue = PrintQueue(PrinterSettings(kind="file", path=str(tmp_path / "out.bin")), on_result=results)
    queue.start()
    queue.close(timeout=2)
    queue.submit("1", sample())
    assert not results.wait(1, timeout=1).ok
    assert queue.status()["ok"] is False and queue.status()["message"] == "Antrian cetak dihentikan"


def test_null_queue_reports_ok_without_paper():
    results = Results()
    queue = NullPrintQueue(PrinterSettings(), on_result=results)
    queue.start()
    queue.submit("1", sample())
    result = results.wait(1, timeout=0.1)
    assert result.ok and not result.printed
    status = queue.status()
    assert status["kind"] == "none" and status["ok"] is True and status["pending"] == 0
    assert status["message"] == "Printer tidak dipasang"
    queue.close()


def test_usb_and_serial_without_their_packages_say_what_to_install():
    printer = escpos_printer_module()
    for kind, module, package in (("usb", printer.usb, "pyusb"), ("serial", printer.serial, "pyserial")):
        if module.is_usable():
            continue  # the optional package is installed here: nothing to report
        settings = PrinterSettings(kind=kind, path="/dev/ttyUSB0", vendor_id=0x04B8, product_id=0x0202)
        with pytest.raises(PrinterUnavailable) as error:
            open_printer(settings)
        assert f"pip install {package}" in error.value.message


def test_printer_test_command_reports_success(lan_printer):
    printer = lan_printer("print")
    out, err = io.StringIO(), io.StringIO()
    code = printer_test_command(network(printer.port), "PTSP Kemenag Kab. Pekalongan", out=out, err=err)
    assert code == 0, err.getvalue()
    assert out.getvalue().startswith(f"Printer OK: tiket tes terkirim ke 127.0.0.1:{printer.port}")
    assert CUT in printer.wait_for_ticket()


def test_printer_test_command_reports_the_exact_failure():
    port = closed_port()
    out, err = io.StringIO(), io.StringIO()
    code = printer_test_command(network(port), "PTSP Kemenag Kab. Pekalongan", out=out, err=err)
    assert code == 1
    assert err.getvalue().splitlines()[0] == f"Printer gagal: Koneksi ke printer 127.0.0.1:{port} ditolak"


def test_printer_test_command_without_a_printer():
    err = io.StringIO()
    assert printer_test_command(PrinterSettings(), "Kantor", out=io.StringIO(), err=err) == 2
    assert "Printer tidak dipasang" in err.getvalue()
