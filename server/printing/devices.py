"""Opening the configured printer with python-escpos, and saying in Indonesian why it failed.

python-escpos is imported here only, and only when a printer is opened: its import calls
``logging.basicConfig()`` (which would silently disable the application's own logging set-up
if it ran first) and takes about 0.15 s. USB and serial need the optional packages pyusb and
pyserial; without them opening such a printer raises :class:`PrinterUnavailable` with an
install hint instead of an ImportError.
"""

from __future__ import annotations

import logging
import socket

from babel.numbers import format_decimal

from server.config.printer import PrinterSettings

log = logging.getLogger(__name__)


class PrinterUnavailable(Exception):
    """The printer cannot even be set up (a missing package, no printer configured)."""

    def __init__(self, message: str, detail: str):
        super().__init__(detail)
        self.message = message  # Bahasa Indonesia, for the admin
        self.detail = detail  # English, for the log


class JobTimeout(Exception):
    """The device was still busy with the ticket when its deadline passed."""


def escpos_printer_module():
    """``escpos.printer``, imported without letting it configure the root logger."""
    root = logging.getLogger()
    handlers = list(root.handlers)
    import escpos.printer

    # escpos.capabilities runs logging.basicConfig() at import time; undo what it added.
    for handler in root.handlers[:]:
        if handler not in handlers:
            root.removeHandler(handler)
    return escpos.printer


def open_printer(settings: PrinterSettings):
    """A python-escpos printer object for ``settings`` (it connects when first used).

    Every device gets ``settings.timeout_seconds`` as its own I/O timeout; the print queue
    additionally enforces the deadline for the whole ticket.
    """
    printer = escpos_printer_module()
    timeout = settings.timeout_seconds
    if settings.kind == "file":
        return printer.File(devfile=settings.path, profile=settings.profile)
    if settings.kind == "network":
        return printer.Network(settings.host, settings.port, timeout=timeout, profile=settings.profile)
    if settings.kind == "usb":
        _require_optional("usb", "pyusb", "USB")
        return printer.Usb(
            settings.vendor_id, settings.product_id, timeout=int(timeout * 1000), profile=settings.profile
        )
    if settings.kind == "serial":
        _require_optional("serial", "pyserial", "serial")
        return printer.Serial(
            devfile=settings.path, baudrate=settings.baudrate, timeout=timeout, profile=settings.profile
        )
    raise PrinterUnavailable("Printer tidak dipasang", f"no printer device for kind {settings.kind!r}")


def _require_optional(module: str, package: str, label: str) -> None:
    from importlib import import_module

    driver = import_module(f"escpos.printer.{module}")
    if not driver.is_usable():
        raise PrinterUnavailable(
            f"Printer {label} membutuhkan paket Python '{package}': jalankan pip install {package}",
            f"the {package} package is not installed; {label} printers need it",
        )


def explain_failure(error: BaseException, settings: PrinterSettings) -> tuple[str, str]:
    """(message in Bahasa Indonesia for the admin, technical detail in English for the log)."""
    if isinstance(error, PrinterUnavailable):
        return error.message, error.detail
    phase = getattr(error, "phase", "print")
    cause = getattr(error, "cause", error)
    root = _root_cause(cause)
    detail = f"{phase}: {type(root).__name__}: {root}".replace("\n", " ")
    return _message(phase, root, settings), detail


def _root_cause(error: BaseException) -> BaseException:
    """The OSError under python-escpos's DeviceNotFoundError (it wraps it as a string)."""
    seen = set()
    while id(error) not in seen:
        seen.add(id(error))
        if isinstance(error, OSError):
            return error
        following = error.__cause__ or error.__context__
        if following is None:
            return error
        error = following
    return error


def _message(phase: str, error: BaseException, settings: PrinterSettings) -> str:
    where = settings.describe()
    seconds = format_decimal(settings.timeout_seconds, "0.#", locale="id")
    if isinstance(error, (TimeoutError, JobTimeout)):
        if phase == "connect":
            return f"Printer {where} tidak menjawab dalam {seconds} detik"
        return (
            f"Printer {where} tidak menerima tiket dalam {seconds} detik (macet, kertas habis, atau sibuk?)"
        )
    if isinstance(error, ConnectionRefusedError):
        return f"Koneksi ke printer {where} ditolak"
    if isinstance(error, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
        return f"Koneksi ke printer {where} terputus saat mencetak"
    if isinstance(error, socket.gaierror):
        return f"Alamat printer {settings.host} tidak dikenal"
    if isinstance(error, FileNotFoundError):
        return f"Printer {where} tidak ditemukan"
    if isinstance(error, PermissionError):
        return f"Tidak ada izin menulis ke printer {where}"
    if isinstance(error, OSError) and error.strerror:
        return f"Printer {where} tidak dapat dihubungi: {error.strerror}"
    if settings.kind == "usb" and phase == "connect":
        return f"Printer {where} tidak ditemukan: periksa kabel dan dayanya"
    return f"Printer {where} gagal mencetak ({type(error).__name__})"
