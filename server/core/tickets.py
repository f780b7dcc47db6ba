"""Tickets in SQLite: the row, its columns, and the statements that number, insert, change and
read one ticket, append to its event log and find earlier days' open tickets.

The waiting line and the counters are read in :mod:`server.core.waiting`; what the wait estimate
learns from in :mod:`server.core.learning`.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass

from server.core.rules import Candidate

#: What the queue records of every ticket (its number, state, times and counter).
RECORD_COLUMNS = (
    "id",
    "token",
    "number",
    "service",
    "day",
    "seq",
    "priority",
    "priority_reason",
    "status",
    "issued_at",
    "arrived_at",
    "queued_at",
    "called_at",
    "last_called_at",
    "started_at",
    "finished_at",
    "closed_at",
    "counter_id",
    "called_by",
    "call_count",
    "skip_count",
    "transferred_from",
    "transferred_to",
    "flagged",
    "flag_reason",
)
#: The wait estimate told to the visitor at issue, stored with the ticket (migration m006).
ESTIMATE_COLUMNS = (
    "estimate_seconds",
    "estimate_low_seconds",
    "estimate_high_seconds",
    "estimate_forward_seconds",
    "estimate_spread_seconds",
)
#: The ticket's place in the office's queue order (migration m022): a number given each time the
#: ticket enters a queue — issued, sent back after a skip, transferred — from one sequence for the
#: whole office, never a clock time; None once it has left the queue for good in an earlier day.
ORDER_COLUMNS = ("queue_seq",)
#: The columns of :class:`TicketRow`, in its order.
TICKET_COLUMNS = RECORD_COLUMNS + ESTIMATE_COLUMNS + ORDER_COLUMNS


@dataclass
class TicketRow:
    """A ticket as stored. Times are epoch seconds (UTC) or None."""

    id: int
    token: str
    number: str
    service: str
    day: str
    seq: int | None
    priority: bool
    priority_reason: str | None
    status: str
    issued_at: float
    arrived_at: float
    queued_at: float
    called_at: float | None
    last_called_at: float | None
    started_at: float | None
    finished_at: float | None
    closed_at: float | None
    counter_id: int | None
    called_by: str | None
    call_count: int
    skip_count: int
    transferred_from: int | None
    transferred_to: int | None
    flagged: bool
    flag_reason: str | None
    estimate_seconds: float | None = None
    estimate_low_seconds: float | None = None
    estimate_high_seconds: float | None = None
    estimate_forward_seconds: float | None = None
    estimate_spread_seconds: float | None = None
    queue_seq: int | None = None

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "TicketRow":
        data = dict(row)
        data["priority"] = bool(data["priority"])
        data["flagged"] = bool(data["flagged"])
        return cls(**data)

    def candidate(self) -> Candidate:
        """This waiting ticket as the dispatcher sees it (a skipped ticket has been sent back)."""
        return Candidate(self.id, self.priority, self.queue_seq, self.skip_count > 0)


SELECT_TICKETS = f"SELECT {', '.join(TICKET_COLUMNS)} FROM tickets"


def next_sequence(conn: sqlite3.Connection, service: str, day: str) -> int:
    """Reserve the next daily number of ``service``; call inside a write transaction."""
    conn.execute(
        "INSERT INTO day_sequences (day, service, last) VALUES (?, ?, 1) "
        "ON CONFLICT (day, service) DO UPDATE SET last = last + 1",
        (day, service),
    )
    return conn.execute(
        "SELECT last FROM day_sequences WHERE day = ? AND service = ?", (day, service)
    ).fetchone()[0]


def issued_count(conn: sqlite3.Connection, service: str, day: str) -> int:
    """How many numbers ``service`` has handed out on ``day``."""
    row = conn.execute(
        "SELECT last FROM day_sequences WHERE day = ? AND service = ?", (day, service)
    ).fetchone()
    return row[0] if row else 0


def next_queue_seq(conn: sqlite3.Connection) -> int:
    """The next place in the office's queue order (an index lookup: the largest so far + 1)."""
    return conn.execute("SELECT COALESCE(MAX(queue_seq), 0) + 1 FROM tickets").fetchone()[0]


def insert_ticket(conn: sqlite3.Connection, **values) -> int:
    """Insert a ticket row; return its id."""
    names = ", ".join(values)
    marks = ", ".join("?" for _ in values)
    cursor = conn.execute(f"INSERT INTO tickets ({names}) VALUES ({marks})", tuple(values.values()))
    return cursor.lastrowid


def update_ticket(conn: sqlite3.Connection, ticket_id: int, **values) -> None:
    """Set columns of one ticket (column names come from code, never from input)."""
    for name in values:
        if name not in TICKET_COLUMNS:
            raise ValueError(f"unknown ticket column {name}")
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(f"UPDATE tickets SET {assignments} WHERE id = ?", (*values.values(), ticket_id))


SQLITE_MAX_INTEGER = 2**63 - 1


def get_ticket(conn: sqlite3.Connection, ticket_id: int) -> TicketRow | None:
    """One ticket by id (None for ids no SQLite row can have)."""
    if not 0 < ticket_id <= SQLITE_MAX_INTEGER:
        return None
    row = conn.execute(f"{SELECT_TICKETS} WHERE id = ?", (ticket_id,)).fetchone()
    return TicketRow.from_row(row) if row else None


def get_ticket_by_token(conn: sqlite3.Connection, token: str) -> TicketRow | None:
    """One ticket by its status-page token."""
    row = conn.execute(f"{SELECT_TICKETS} WHERE token = ?", (token,)).fetchone()
    return TicketRow.from_row(row) if row else None


def stale_open_tickets(conn: sqlite3.Connection, before_day: str) -> list[TicketRow]:
    """Tickets from days before ``before_day`` still waiting, called or being served: to be
    closed at the day change."""
    rows = conn.execute(
        f"{SELECT_TICKETS} WHERE status IN ('waiting', 'called', 'serving') AND day < ?", (before_day,)
    )
    return [TicketRow.from_row(r) for r in rows]


# ---- the event log -------------------------------------------------------------------------


def add_event(
    conn: sqlite3.Connection,
    ticket_id: int,
    kind: str,
    at: float,
    counter_id: int | None = None,
    username: str | None = None,
    detail: dict | None = None,
) -> None:
    """Append to the event log; it is never updated or deleted."""
    conn.execute(
        "INSERT INTO events (ticket_id, kind, at, counter_id, username, detail) VALUES (?, ?, ?, ?, ?, ?)",
        (ticket_id, kind, at, counter_id, username, json.dumps(detail) if detail else None),
    )
