"""Ticket printing: one Pillow image for the kiosk preview and the paper, sent off the request path.

The names the rest of Loket uses are re-exported here. python-escpos itself is imported only
when a printer is opened or bytes are built (see ``devices.py``).
"""

from server.printing.cli import printer_test_command
from server.printing.devices import PrinterUnavailable, dummy_printer, open_printer
from server.printing.job import PrintFailure, print_ticket, ticket_bytes
from server.printing.settings import PrinterSettings
from server.printing.spool import NOT_PRINTED, NullPrintQueue, PrintQueue, PrintResult
from server.printing.ticket import TicketPrint, render_png, render_ticket

__all__ = [
    "NOT_PRINTED",
    "NullPrintQueue",
    "PrintFailure",
    "PrintQueue",
    "PrintResult",
    "PrinterSettings",
    "PrinterUnavailable",
    "TicketPrint",
    "dummy_printer",
    "open_printer",
    "print_ticket",
    "printer_test_command",
    "render_png",
    "render_ticket",
    "ticket_bytes",
]
