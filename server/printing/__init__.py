"""Ticket printing: one Pillow image for the kiosk preview and the paper, sent off the request path.

The public names the rest of Loket uses are re-exported here. python-escpos itself is imported
only when a printer is opened (see ``devices.py``).
"""

from server.printing.settings import PrinterSettings
from server.printing.ticket import TicketPrint, render_png, render_ticket

__all__ = ["PrinterSettings", "TicketPrint", "render_png", "render_ticket"]
