"""The waiting line and the counters in SQLite: waiting tickets in calling order (each read an
index range), the tickets each counter holds, its streak of priority calls, and the latest calls.
"""

from __future__ import annotations

import sqlite3

from server.core.tickets import SELECT_TICKETS, SQLITE_MAX_INTEGER, TicketRow


def waiting_tickets(conn: sqlite3.Connection, services: tuple[str, ...] | None = None) -> list[TicketRow]:
    """Waiting tickets, oldest in the queue first, optionally of some services only."""
    if services is None:
        rows = conn.execute(f"{SELECT_TICKETS} WHERE status = 'waiting' ORDER BY queue_seq")
    else:
        marks = ", ".join("?" for _ in services)
        rows = conn.execute(
            f"{SELECT_TICKETS} WHERE status = 'waiting' AND service IN ({marks}) ORDER BY queue_seq",
            services,
        )
    return [TicketRow.from_row(r) for r in rows]


def _first_waiting(conn: sqlite3.Connection, service: str, priority: bool, limit: int) -> list[TicketRow]:
    """The first waiting tickets of one service and one kind: a range of ``tickets_waiting_order``."""
    rows = conn.execute(
        f"{SELECT_TICKETS} WHERE status = 'waiting' AND service = ? AND priority = ? ORDER BY queue_seq LIMIT ?",
        (service, int(priority), limit),
    )
    return [TicketRow.from_row(r) for r in rows]


def queue_order(ticket: TicketRow) -> tuple:
    """Calling order within some services: priority first, then the earliest in the queue."""
    return (not ticket.priority, ticket.queue_seq)


def next_waiting(conn: sqlite3.Connection, services: tuple[str, ...], limit: int = 2) -> list[TicketRow]:
    """The first waiting tickets in calling order (priority first, then oldest) of some services.

    One indexed range per service and kind, merged here: an ``IN (...)`` over services with an
    ``ORDER BY`` would make SQLite sort every waiting ticket of those services on each call.
    """
    found = [
        t
        for service in services
        for priority in (True, False)
        for t in _first_waiting(conn, service, priority, limit)
    ]
    return sorted(found, key=queue_order)[:limit]


def dispatch_heads(conn: sqlite3.Connection, services: tuple[str, ...]) -> list[TicketRow]:
    """What the dispatcher needs to choose a counter's next ticket: the oldest priority and the
    oldest regular ticket that were not sent back by a skip, and the oldest one that was.

    Each is one indexed range per service (skipped tickets are few, so the filter is cheap).
    """
    heads = []
    for condition in ("priority = 1 AND skip_count = 0", "priority = 0 AND skip_count = 0", "skip_count > 0"):
        found = []
        for service in services:
            row = conn.execute(
                f"{SELECT_TICKETS} WHERE status = 'waiting' AND service = ? AND {condition} "
                "ORDER BY queue_seq LIMIT 1",
                (service,),
            ).fetchone()
            if row is not None:
                found.append(TicketRow.from_row(row))
        if found:
            heads.append(min(found, key=lambda t: t.queue_seq))
    return heads


def regular_waiting(conn: sqlite3.Connection, services: tuple[str, ...]) -> bool:
    """Whether a regular (not priority) visitor waits for any of these services."""
    return any(
        conn.execute(
            "SELECT 1 FROM tickets WHERE status = 'waiting' AND service = ? AND priority = 0 LIMIT 1",
            (service,),
        ).fetchone()
        for service in services
    )


def waiting_counts(conn: sqlite3.Connection) -> dict[str, int]:
    """Waiting tickets per service code."""
    rows = conn.execute("SELECT service, COUNT(*) FROM tickets WHERE status = 'waiting' GROUP BY service")
    return {service: count for service, count in rows}


def at_counters(conn: sqlite3.Connection) -> dict[int, TicketRow]:
    """The ticket each counter currently holds (called or being served), the latest per counter."""
    rows = conn.execute(f"{SELECT_TICKETS} WHERE status IN ('called', 'serving') ORDER BY last_called_at")
    return {r["counter_id"]: TicketRow.from_row(r) for r in rows}


def held_by_counter(conn: sqlite3.Connection, counter_id: int) -> list[TicketRow]:
    """Tickets a counter currently holds."""
    if not 0 < counter_id <= SQLITE_MAX_INTEGER:
        return []
    rows = conn.execute(
        f"{SELECT_TICKETS} WHERE status IN ('called', 'serving') AND counter_id = ? ORDER BY last_called_at",
        (counter_id,),
    )
    return [TicketRow.from_row(r) for r in rows]


def recent_calls(conn: sqlite3.Connection, limit: int = 10) -> list[dict]:
    """The latest call and recall events, newest first, with their ticket."""
    rows = conn.execute(
        "SELECT e.ticket_id, e.kind, e.at, e.counter_id FROM events e "
        "WHERE e.kind IN ('called', 'recalled') ORDER BY e.id DESC LIMIT ?",
        (limit,),
    ).fetchall()
    return [dict(r) for r in rows]


# ---- counters ------------------------------------------------------------------------------


def priority_streak(conn: sqlite3.Connection, counter_id: int) -> int:
    """Consecutive priority calls this counter has made."""
    row = conn.execute(
        "SELECT priority_streak FROM counter_state WHERE counter_id = ?", (counter_id,)
    ).fetchone()
    return row[0] if row else 0


def set_priority_streak(conn: sqlite3.Connection, counter_id: int, streak: int) -> None:
    """Remember the counter's streak of priority calls."""
    conn.execute(
        "INSERT INTO counter_state (counter_id, priority_streak) VALUES (?, ?) "
        "ON CONFLICT (counter_id) DO UPDATE SET priority_streak = excluded.priority_streak",
        (counter_id, streak),
    )
