"""Sending one ticket image to a printer as ESC/POS.

The commands (reset, raster image, feed and cut) are first collected in a python-escpos
``Dummy`` with the printer's own profile, then written to the device in one piece. The bytes
are exactly what calling ``set_with_default()``, ``image()`` and ``cut()`` on the device would
send, but one write means one timeout covers the whole ticket instead of one per command.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable

from PIL import Image

from server.config.printer import PrinterSettings
from server.printing.devices import JobTimeout, escpos_printer_module, open_printer

#: Kernel send buffer for network printers. Small, so a write only completes once the printer
#: has taken most of the ticket; a printer that vanishes mid-ticket is then noticed.
SEND_BUFFER_BYTES = 16 * 1024
#: Extra time the watchdog gives a device to report its own timeout before abandoning it.
WATCHDOG_GRACE_SECONDS = 0.25


class PrintFailure(Exception):
    """Printing failed while connecting (``phase="connect"``) or sending (``"send"``)."""

    def __init__(self, phase: str, cause: BaseException):
        super().__init__(f"{phase}: {cause}")
        self.phase = phase
        self.cause = cause


def ticket_bytes(image: Image.Image, profile) -> bytes:
    """The ESC/POS commands that print ``image`` and cut the paper, for a printer ``profile``.

    ``profile`` is a profile name or a python-escpos profile object (``printer.profile``).
    """
    dummy = escpos_printer_module().Dummy
    if isinstance(profile, str):
        buffer = dummy(profile=profile)
    else:
        buffer = dummy()
        buffer.profile = profile
    buffer.set_with_default()
    # No center=True: the image is already drawn at the printable width (settings.dots) with
    # its content centered. python-escpos would pad it to the profile's width, which for 58 mm
    # paper in an 80 mm printer profile sends rows wider than the paper.
    buffer.image(image.convert("1"))
    buffer.cut()  # feeds six lines first, so the end of the ticket clears the cutter
    return buffer.output


def write_ticket(
    printer, image: Image.Image, *, deadline: float | None = None, data: bytes | None = None
) -> None:
    """Print ``image`` on ``printer`` and cut, then close the connection.

    ``deadline`` is a ``time.monotonic()`` value; socket and serial writes are limited to it.
    ``data``: the ticket's ESC/POS bytes when already built (see :func:`ticket_bytes`).
    Raises :class:`PrintFailure` naming the phase that failed.
    """
    if data is None:
        data = ticket_bytes(image, printer.profile)
    try:
        try:
            printer.open()
        except Exception as exc:
            raise PrintFailure("connect", exc) from exc
        try:
            _limit_to_deadline(printer.device, deadline)
            printer._raw(data)  # the device's write; python-escpos has no public raw call
            flush = getattr(printer.device, "flush", None)
            if callable(flush) and not isinstance(printer.device, socket.socket):
                flush()
        except Exception as exc:
            raise PrintFailure("send", exc) from exc
    finally:
        try:
            printer.close()
        except Exception:  # closing a dead connection may fail too; the outcome is decided
            pass


def print_with_deadline(
    settings: PrinterSettings,
    image: Image.Image | None,
    opener: Callable[[PrinterSettings], object] = open_printer,
    abandoned: list[threading.Thread] | None = None,
    *,
    data: bytes | None = None,
) -> None:
    """Open the printer and print ``image`` (or ``data``, its ESC/POS bytes when already
    built), giving up after ``settings.timeout_seconds``.

    The device I/O runs in a throwaway thread. Socket and serial writes carry the deadline
    themselves; the watchdog is for what does not (a USB or /dev/usb/lp0 write blocked in the
    kernel): such a thread is abandoned, added to ``abandoned``, and the job fails on time.
    """
    # The deadline is the printer's time (connect and send). Importing python-escpos (0.2 to
    # 0.5 s the first time, more on a busy machine) and building the bytes happen before it
    # starts, so a slow first ticket after start-up is not blamed on a healthy printer.
    if data is None:
        data = ticket_bytes(image, settings.profile)
    timeout = settings.timeout_seconds
    deadline = time.monotonic() + timeout
    box: dict = {}

    def work() -> None:
        try:
            box["printer"] = opener(settings)
            write_ticket(box["printer"], image, deadline=deadline, data=data)
        except BaseException as exc:  # handed over to the waiting thread below
            box["error"] = exc

    thread = threading.Thread(target=work, name="loket-printer-io", daemon=True)
    thread.start()
    thread.join(timeout + WATCHDOG_GRACE_SECONDS)
    if thread.is_alive():
        _abort(box.get("printer"))
        if abandoned is not None:
            abandoned.append(thread)
        raise PrintFailure("send", JobTimeout(f"device still busy after {timeout:g} s"))
    if "error" in box:
        raise box["error"]


def _abort(printer) -> None:
    """Wake a device write blocked past its deadline, where the device allows it."""
    device = getattr(printer, "_device", None)
    try:
        if isinstance(device, socket.socket):
            device.shutdown(socket.SHUT_RDWR)  # the blocked sendall() returns with an error
        elif printer is not None:
            printer.close()
    except Exception:
        pass


def _limit_to_deadline(device, deadline: float | None) -> None:
    if deadline is None:
        return
    remaining = deadline - time.monotonic()
    if remaining <= 0:
        raise JobTimeout("deadline passed before sending")
    if isinstance(device, socket.socket):
        device.settimeout(remaining)  # since Python 3.5 a timeout bounds the whole sendall()
        device.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, SEND_BUFFER_BYTES)
    elif hasattr(device, "write_timeout"):  # pyserial
        device.write_timeout = remaining
