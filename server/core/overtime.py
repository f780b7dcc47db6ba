"""Over-time alerts: a waiting visitor past the service's standard wait, or a visitor at the
counter past the standard service time. The rule and its SQL; each ticket is alerted at most
once per kind, remembered in ``overtime_alerts`` (so a restart does not repeat old alerts).

The running office looks every few seconds (:meth:`server.runtime.Runtime.check_overtime`) and
sends what :func:`record_new` returns to the console and the board as ``ticket_overtime``.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime

from server.config.loader import Config
from server.core import tickets
from server.core.storage import Store

EVENT = "ticket_overtime"


@dataclass(frozen=True)
class Late:
    """A ticket past its standard: ``kind`` is "wait" or "service"."""

    ticket: tickets.TicketRow
    kind: str
    elapsed_seconds: float
    standard_minutes: int

    @property
    def minutes(self) -> int:
        """How long it has waited (or been served) so far, in whole minutes."""
        return int(self.elapsed_seconds // 60)


def overdue(conn: sqlite3.Connection, config: Config, now: datetime) -> list[Late]:
    """Tickets past their standard at ``now`` and not alerted for it yet."""
    at = now.timestamp()
    result = []
    for ticket, kind in overtime_candidates(conn):
        service = config.service(ticket.service)
        if service is None:
            continue
        if kind == "wait":
            elapsed, standard = at - ticket.issued_at, service.standard_wait_minutes
        else:
            elapsed, standard = at - ticket.started_at, service.standard_service_minutes
        if elapsed > standard * 60:
            result.append(Late(ticket, kind, elapsed, standard))
    return result


def record_new(store: Store, config: Config, now: datetime) -> list[Late]:
    """The tickets that have just gone past their standard, each recorded once (in one write)."""
    late = overdue(store.read(), config, now)
    if not late:
        return []
    with store.write() as conn:
        return [
            item
            for item in late
            if record_alert(conn, item.ticket.id, item.kind, now.timestamp(), item.minutes)
        ]


def overtime_candidates(conn: sqlite3.Connection) -> list[tuple[tickets.TicketRow, str]]:
    """Tickets that may be over time and were not alerted for it yet: (ticket, "wait"|"service").

    Waiting tickets count until their first call (a ticket sent back after a skip was already
    called); tickets being served count from the start of service.
    """
    rows = conn.execute(
        """SELECT t.id, CASE t.status WHEN 'waiting' THEN 'wait' ELSE 'service' END AS kind
           FROM tickets t
           LEFT JOIN overtime_alerts a
             ON a.ticket_id = t.id AND a.kind = CASE t.status WHEN 'waiting' THEN 'wait' ELSE 'service' END
           WHERE ((t.status = 'waiting' AND t.called_at IS NULL)
                  OR (t.status = 'serving' AND t.started_at IS NOT NULL))
             AND a.ticket_id IS NULL"""
    ).fetchall()
    return [(tickets.get_ticket(conn, r["id"]), r["kind"]) for r in rows]


def record_alert(conn: sqlite3.Connection, ticket_id: int, kind: str, at: float, minutes: int) -> bool:
    """Remember that a ticket was announced over time; False if it already was (once per kind)."""
    cursor = conn.execute(
        "INSERT OR IGNORE INTO overtime_alerts (ticket_id, kind, at, minutes) VALUES (?, ?, ?, ?)",
        (ticket_id, kind, at, minutes),
    )
    return cursor.rowcount == 1
