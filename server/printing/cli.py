"""``loket printer test``: print a test ticket now and say plainly what happened."""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from datetime import datetime
from typing import TextIO

from babel.numbers import format_decimal

from server.config.printer import PrinterSettings
from server.printing.devices import explain_failure, open_printer
from server.printing.job import print_with_deadline
from server.printing.ticket import TicketPrint, render_ticket

EXIT_OK, EXIT_FAILED, EXIT_NOT_CONFIGURED = 0, 1, 2


def sample_ticket(office_name: str, now: datetime | None = None, status_url: str = "") -> TicketPrint:
    """A sample ticket that shows every part of the real one."""
    return TicketPrint(
        office_name=office_name,
        service_code="T",
        service_name="Tes Printer",
        number="T001",
        issued_at=now or datetime.now().astimezone(),
        ahead=0,
        estimate_minutes=None,
        status_url=status_url or "Tes printer Loket",
        footer="Tes printer: tiket ini harus terbaca jelas dan terpotong rapi.",
    )


def printer_test_command(
    settings: PrinterSettings,
    office_name: str,
    *,
    status_url: str = "",
    out: TextIO | None = None,
    err: TextIO | None = None,
    opener: Callable[[PrinterSettings], object] = open_printer,
) -> int:
    """Print a test ticket synchronously (bounded by ``settings.timeout_seconds``).

    Prints ``Printer OK: …`` or ``Printer gagal: <the exact failure>`` and returns the exit
    code: 0 printed, 1 failed, 2 no printer configured.
    """
    out = out or sys.stdout
    err = err or sys.stderr
    if settings.kind == "none":
        print("Printer tidak dipasang: atur kind di bagian [printer] pada loket.toml", file=err)
        return EXIT_NOT_CONFIGURED
    started = time.monotonic()
    try:
        image = render_ticket(
            sample_ticket(office_name, status_url=status_url), settings.width_mm, dots=settings.dots
        )
        print_with_deadline(settings, image, opener)
    except Exception as exc:
        message, detail = explain_failure(exc, settings)
        print(f"Printer gagal: {message}", file=err)
        print(f"  ({detail})", file=err)
        return EXIT_FAILED
    seconds = time.monotonic() - started
    print(
        f"Printer OK: tiket tes terkirim ke {settings.describe()} "
        f"({settings.width_mm} mm, {settings.dots} titik, {format_decimal(seconds, '0.00', locale='id')} detik). "
        "Periksa hasil cetak dan potongannya.",
        file=out,
    )
    return EXIT_OK
