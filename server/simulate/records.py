"""The SQL of ``loket simulate --history``: past days written straight into the database in bulk,
in the rows the reports read (tickets, events, day sequences, survey answers)."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Sequence

from server.core import tickets
from server.survey.queries import INSERT_RESPONSE

#: The columns of a simulated ticket row: the stored ticket up to its flag, and who flagged it when.
HISTORY_TICKET_COLUMNS = (
    *tickets.TICKET_COLUMNS[: tickets.TICKET_COLUMNS.index("flag_reason") + 1],
    "flagged_by",
    "flagged_at",
)


def days_with_tickets(conn: sqlite3.Connection, first_day: str, last_day: str) -> set[str]:
    """Days of the range that already have tickets (the history writer leaves them alone)."""
    rows = conn.execute("SELECT DISTINCT day FROM tickets WHERE day BETWEEN ? AND ?", (first_day, last_day))
    return {r[0] for r in rows}


def _insert_tickets(columns: Sequence[str]) -> str:
    return f"INSERT INTO tickets ({', '.join(columns)}) VALUES ({', '.join('?' for _ in columns)})"


def _unlinked(row: Sequence, later: int) -> tuple:
    """A ticket row with its ``transferred_to`` left empty: the ticket it became is inserted
    after it, and linked afterwards (a deferred foreign key would make SQLite rescan the table
    on every insert)."""
    return (*row[:later], None, *row[later + 1 :])


def insert_history_tickets(conn: sqlite3.Connection, rows: Iterable[Sequence]) -> list[int]:
    """Insert ticket rows (HISTORY_TICKET_COLUMNS order, their ``id`` ignored and
    ``transferred_to`` left empty: see :func:`link_transfers`); return the ids SQLite gave them."""
    sql = _insert_tickets(HISTORY_TICKET_COLUMNS[1:])
    later = HISTORY_TICKET_COLUMNS.index("transferred_to") - 1
    return [conn.execute(sql, _unlinked(row[1:], later)).lastrowid for row in rows]


def link_transfers(conn: sqlite3.Connection, links: Iterable[tuple[int, int]]) -> None:
    """Point transferred tickets at the tickets they became: (transferred_to, id) pairs."""
    conn.executemany("UPDATE tickets SET transferred_to = ? WHERE id = ?", links)


def insert_history(
    conn: sqlite3.Connection,
    tickets: Iterable[Sequence],
    events: Iterable[Sequence],
    sequences: Iterable[Sequence],
    surveys: Iterable[Sequence],
) -> None:
    """Bulk-insert simulated days: ticket rows (HISTORY_TICKET_COLUMNS order, with their ids),
    events (ticket_id, kind, at, counter_id, username, detail dict), day sequences (day, service,
    last) and survey rows (:data:`server.survey.queries.RESPONSE_COLUMNS` order)."""
    tickets = list(tickets)
    later = HISTORY_TICKET_COLUMNS.index("transferred_to")
    conn.executemany(_insert_tickets(HISTORY_TICKET_COLUMNS), (_unlinked(row, later) for row in tickets))
    link_transfers(conn, [(row[later], row[0]) for row in tickets if row[later] is not None])
    conn.executemany(
        "INSERT INTO events (ticket_id, kind, at, counter_id, username, detail) VALUES (?, ?, ?, ?, ?, ?)",
        ((t, k, a, c, u, json.dumps(d) if d else None) for t, k, a, c, u, d in events),
    )
    conn.executemany(
        "INSERT INTO day_sequences (day, service, last) VALUES (?, ?, ?) "
        "ON CONFLICT (day, service) DO UPDATE SET last = MAX(last, excluded.last)",
        sequences,
    )
    conn.executemany(INSERT_RESPONSE, surveys)
