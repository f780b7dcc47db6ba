"""Ticket printing: one Pillow image for the kiosk preview and the paper, sent off the request path.

This package owns the ticket's look (ticket), the render process that draws it off the
server's interpreter, with the pictures it keeps (render), the printer kinds and python-escpos (devices),
one print with its deadline (job), the print queue the kiosk's requests hand tickets to (spool),
the ``[printer]`` settings and ``loket printer test``. It may not touch the queue, the database
or Flask: it is handed a :class:`TicketPrint` and answers with a :class:`PrintResult`. The
names the rest of Loket uses are re-exported here. python-escpos itself is imported only when a
printer is opened or bytes are built (see ``devices.py``).

May import: config, eventloop.
"""

from server.config.printer import PrinterSettings
from server.printing.cli import printer_test_command
from server.printing.devices import PrinterUnavailable, open_printer
from server.printing.job import PrintFailure, ticket_bytes, write_ticket
from server.printing.render import InlineRenderer, RenderService
from server.printing.spool import NOT_PRINTED, NullPrintQueue, PrintQueue, PrintResult
from server.printing.ticket import TicketPrint, render_png, render_ticket

__all__ = [
    "InlineRenderer",
    "NOT_PRINTED",
    "NullPrintQueue",
    "PrintFailure",
    "PrintQueue",
    "PrintResult",
    "PrinterSettings",
    "PrinterUnavailable",
    "RenderService",
    "TicketPrint",
    "open_printer",
    "printer_test_command",
    "render_png",
    "render_ticket",
    "ticket_bytes",
    "write_ticket",
]
