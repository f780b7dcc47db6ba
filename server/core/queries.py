"""Read-only queries of the officer console and the supervisor board.

The SQL of those two screens' own figures lives here (beside the queue's reads they share with
every screen, and the users' full names from :mod:`server.core.accounts`);
:mod:`server.web.console` only shapes JSON.
Times are epoch seconds (UTC), as stored. Averages leave out tickets flagged as having wrong times.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import datetime, time

from server.core import rules
from server.core.tickets import SELECT_TICKETS, TicketRow
from server.core.waiting import priority_streak, waiting_tickets

# A waiting ticket that was already called once (skipped and sent back) waits again from the
# moment it went back to the queue, not from the moment it was issued.
_WAITING_SINCE = "CASE WHEN called_at IS NULL THEN issued_at ELSE queued_at END"
# ``issued_at`` is indexed: it narrows the scan to today's rows, ``day`` keeps the meaning exact.
_TODAY = "day = ? AND issued_at >= ?"


@dataclass(frozen=True)
class Day:
    """One local office day: its ISO date and where it starts in epoch seconds."""

    iso: str
    starts_at: float

    @classmethod
    def of(cls, now: datetime, tz) -> Day:
        """The office day ``now`` falls on."""
        local = rules.local_day(now, tz)
        return cls(local.isoformat(), datetime.combine(local, time(), tz).timestamp())


def waiting_since(ticket: TicketRow) -> float:
    """When a waiting ticket started its current wait (see ``_WAITING_SINCE``)."""
    return ticket.issued_at if ticket.called_at is None else ticket.queued_at


def call_order(waiting: list[TicketRow], streak: int, max_priority_in_row: int) -> list[TicketRow]:
    """Waiting tickets in the order one counter would call them (the queue's dispatcher)."""
    by_id = {t.id: t for t in waiting}
    order = rules.dispatch_order([t.candidate() for t in waiting], streak, max_priority_in_row)
    return [by_id[c.id] for c in order]


def counter_queue(
    conn: sqlite3.Connection, services: tuple[str, ...], counter_id: int, max_priority_in_row: int
) -> list[TicketRow]:
    """The waiting tickets of a counter's services, in the order that counter would call them."""
    waiting = waiting_tickets(conn, services)
    return call_order(waiting, priority_streak(conn, counter_id), max_priority_in_row)


def officer_figures(conn: sqlite3.Connection, username: str, day: Day) -> dict:
    """An officer's day: tickets they called that ended served, no-show or transferred, and the
    average wait and service time of those tickets."""
    row = conn.execute(
        f"""
        SELECT
            COALESCE(SUM(status = 'done'), 0) AS served,
            COALESCE(SUM(status = 'no_show'), 0) AS no_shows,
            COALESCE(SUM(status = 'transferred'), 0) AS transferred,
            AVG(CASE WHEN flagged = 0 THEN called_at - issued_at END) AS avg_wait_seconds,
            AVG(CASE WHEN status = 'done' AND flagged = 0 AND started_at IS NOT NULL
                     THEN finished_at - started_at END) AS avg_service_seconds
        FROM tickets
        WHERE {_TODAY} AND called_by = ? AND called_at IS NOT NULL
        """,
        (day.iso, day.starts_at, username),
    ).fetchone()
    return _rounded(dict(row))


def counter_figures(conn: sqlite3.Connection, day: Day) -> dict[int, dict]:
    """Per counter today: served, no-shows, average service time, and who called last."""
    rows = conn.execute(
        f"""
        SELECT
            counter_id,
            COALESCE(SUM(status = 'done'), 0) AS served,
            COALESCE(SUM(status = 'no_show'), 0) AS no_shows,
            AVG(CASE WHEN status = 'done' AND flagged = 0 AND started_at IS NOT NULL
                     THEN finished_at - started_at END) AS avg_service_seconds,
            MAX(last_called_at) AS last_called_at
        FROM tickets
        WHERE {_TODAY} AND counter_id IS NOT NULL
        GROUP BY counter_id
        """,
        (day.iso, day.starts_at),
    ).fetchall()
    figures = {r["counter_id"]: _rounded(dict(r)) for r in rows}
    # SQLite returns the other columns of the row that holds MAX(): the latest caller.
    for r in conn.execute(
        f"""
        SELECT counter_id, called_by, MAX(last_called_at) AS at FROM tickets
        WHERE {_TODAY} AND counter_id IS NOT NULL AND called_by IS NOT NULL
        GROUP BY counter_id
        """,
        (day.iso, day.starts_at),
    ):
        figures.setdefault(r["counter_id"], {})["last_caller"] = r["called_by"]
    return figures


def recently_unfinished(conn: sqlite3.Connection, since: float) -> list[TicketRow]:
    """Tickets closed as unfinished (still at a counter at the day change) since ``since``,
    latest first: the board lists them so that a supervisor can check what happened."""
    rows = conn.execute(
        f"{SELECT_TICKETS} WHERE status = 'unfinished' AND closed_at >= ? ORDER BY closed_at DESC, id",
        (since,),
    )
    return [TicketRow.from_row(r) for r in rows]


def service_figures(conn: sqlite3.Connection, day: Day) -> dict[str, dict]:
    """Per service: waiting now and since when the longest waiter waits; served today and the
    average wait and service time today."""
    figures: dict[str, dict] = {}
    for r in conn.execute(
        f"SELECT service, COUNT(*) AS waiting, MIN({_WAITING_SINCE}) AS oldest_waiting_since "
        "FROM tickets WHERE status = 'waiting' GROUP BY service"
    ):
        figures[r["service"]] = dict(r)
    for r in conn.execute(
        f"""
        SELECT
            service,
            COALESCE(SUM(status = 'done'), 0) AS served,
            COALESCE(SUM(status = 'no_show'), 0) AS no_shows,
            AVG(CASE WHEN called_at IS NOT NULL AND flagged = 0 THEN called_at - issued_at END)
                AS avg_wait_seconds,
            AVG(CASE WHEN status = 'done' AND flagged = 0 AND started_at IS NOT NULL
                     THEN finished_at - started_at END) AS avg_service_seconds
        FROM tickets
        WHERE {_TODAY}
        GROUP BY service
        """,
        (day.iso, day.starts_at),
    ):
        figures.setdefault(r["service"], {}).update(_rounded(dict(r)))
    return figures


def _rounded(values: dict) -> dict:
    return {
        key: round(value) if key.endswith("_seconds") and value is not None else value
        for key, value in values.items()
    }
