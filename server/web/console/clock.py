"""The office's day and time as the console and the board show them."""

from __future__ import annotations

from server.core import queries
from server.webbase.guard import current_runtime


def today() -> queries.Day:
    """The office day it is now."""
    queue = current_runtime().queue
    return queries.Day.of(queue.now(), queue.config.office.tz)


def server_time() -> str:
    """Now in the office's time zone, to the millisecond: the screens' clocks follow it."""
    queue = current_runtime().queue
    return queue.now().astimezone(queue.config.office.tz).isoformat(timespec="milliseconds")
