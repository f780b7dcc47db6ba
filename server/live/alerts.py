"""Live over-time alerts: a waiting visitor past the service's standard wait, or a visitor at
the counter past the standard service time.

A background job (:func:`start_alerts`) looks every ``interval`` seconds; each ticket is announced
at most once per kind, remembered in the database (``overtime_alerts``), so a restart does not
repeat old alerts. The officer console and the supervisor board receive::

    ticket_overtime {"ticket": {...}, "kind": "wait" | "service", "minutes": n,
                     "standard_minutes": s}

``minutes`` is how long the ticket has waited (or been served) so far, in whole minutes.
"""

from __future__ import annotations

import logging
import threading
from datetime import datetime

from server.core.present import ticket_json
from server.reports import queries

log = logging.getLogger(__name__)

EVENT = "ticket_overtime"
INTERVAL_SECONDS = 15.0


def overdue(loket, now: datetime) -> list[tuple]:
    """(ticket, kind, elapsed seconds, standard minutes) of tickets past their standard now."""
    at = now.timestamp()
    result = []
    for ticket, kind in queries.overtime_candidates(loket.store.read()):
        service = loket.config.service(ticket.service)
        if service is None:
            continue
        if kind == "wait":
            elapsed, standard = at - ticket.issued_at, service.standard_wait_minutes
        else:
            elapsed, standard = at - ticket.started_at, service.standard_service_minutes
        if elapsed > standard * 60:
            result.append((ticket, kind, elapsed, standard))
    return result


def check_alerts(loket, now: datetime | None = None, emit=None) -> list[dict]:
    """Announce every ticket that has just gone past its standard; return the payloads sent.

    ``now`` defaults to the office's clock; ``emit(event, payload)`` to a Socket.IO broadcast.
    """
    now = now or loket.queue.now()
    if emit is None:
        from server.live.events import broadcast

        emit = broadcast
    late = overdue(loket, now)
    if not late:
        return []
    payloads = []
    with loket.store.write() as conn:
        for ticket, kind, elapsed, standard in late:
            minutes = int(elapsed // 60)
            if queries.record_alert(conn, ticket.id, kind, now.timestamp(), minutes):
                payloads.append(
                    {
                        "ticket": ticket_json(ticket, loket.queue),
                        "kind": kind,
                        "minutes": minutes,
                        "standard_minutes": standard,
                    }
                )
    for payload in payloads:
        emit(EVENT, payload)
    return payloads


def start_alerts(
    loket, interval: float = INTERVAL_SECONDS, stop: threading.Event | None = None
) -> threading.Thread:
    """Run :func:`check_alerts` every ``interval`` seconds in a daemon thread until ``stop`` is set
    (the office's own stop event by default, so ``Loket.close()`` ends it)."""
    stop = stop or getattr(loket, "_stop", None) or threading.Event()

    def loop():
        while not stop.wait(interval):
            try:
                check_alerts(loket)
            except Exception:  # an alert must never take the server down
                log.exception("over-time check failed")

    thread = threading.Thread(target=loop, name="loket-overtime-alerts", daemon=True)
    thread.start()
    return thread
