"""What the wait estimate learns from, in SQLite: how long calls took each counter, arrivals,
the pause between calls, how past promises turned out and who called last at each counter. Read by :mod:`server.core.estimator`.
"""

from __future__ import annotations

import sqlite3

# How long a call takes a counter: its last call (a skipped visitor is called again later) →
# finish, or → the skip or transfer that ended it.
_OCCUPATION = "COALESCE(finished_at, closed_at) - last_called_at"


def call_durations(conn: sqlite3.Connection, since: float) -> list[tuple]:
    """Per (service, officer) since ``since``: calls, mean and mean square of the time each call
    took its counter, from tickets that left the counter (flagged times and calls over four
    hours left out)."""
    return conn.execute(
        f"""
        SELECT service, called_by, COUNT(*), AVG(x), AVG(x * x) FROM (
            SELECT service, called_by, {_OCCUPATION} AS x FROM tickets
            WHERE issued_at >= ? AND status IN ('done', 'no_show', 'transferred') AND flagged = 0
              AND last_called_at IS NOT NULL
        ) WHERE x >= 0 AND x < 14400 GROUP BY service, called_by
        """,
        (since,),
    ).fetchall()


def arrivals(conn: sqlite3.Connection, since: float) -> list[tuple[str, int, int]]:
    """Per service since ``since``: numbers taken at the kiosk, and how many of them priority."""
    return conn.execute(
        "SELECT service, COUNT(*), TOTAL(priority) FROM tickets "
        "WHERE issued_at >= ? AND transferred_from IS NULL GROUP BY service",
        (since,),
    ).fetchall()


def call_gaps(conn: sqlite3.Connection, since: float) -> float | None:
    """The mean pause at a counter between one visitor leaving it and the next call, counted only
    when the next visitor was already waiting (otherwise the pause is an empty queue, not the pace
    of work) and under five minutes."""
    row = conn.execute(
        """
        SELECT AVG(gap) FROM (
            SELECT last_called_at - LAG(COALESCE(finished_at, closed_at)) OVER counter_calls AS gap,
                   queued_at - LAG(COALESCE(finished_at, closed_at)) OVER counter_calls AS queued
            FROM tickets WHERE issued_at >= ? AND last_called_at IS NOT NULL AND counter_id IS NOT NULL
            WINDOW counter_calls AS (PARTITION BY counter_id ORDER BY last_called_at)
        ) WHERE gap >= 0 AND gap < 300 AND queued <= 0
        """,
        (since,),
    ).fetchone()
    return row[0]


def estimate_residuals(conn: sqlite3.Connection, since: float, limit: int = 2000) -> list[float]:
    """(actual wait − forward estimate) / spread of the latest called tickets issued since
    ``since`` that were given an estimate."""
    rows = conn.execute(
        "SELECT ((called_at - issued_at) - estimate_forward_seconds) / estimate_spread_seconds "
        "FROM tickets WHERE issued_at >= ? AND called_at IS NOT NULL AND estimate_spread_seconds > 0 "
        "ORDER BY issued_at DESC LIMIT ?",
        (since, limit),
    )
    return [r[0] for r in rows]


def last_calls(conn: sqlite3.Connection, since: float) -> dict[int, tuple[str, float]]:
    """Per counter, who called last and when, for calls since ``since``."""
    rows = conn.execute(
        "SELECT counter_id, called_by, MAX(last_called_at) FROM tickets "
        "WHERE last_called_at >= ? AND counter_id IS NOT NULL GROUP BY counter_id",
        (since,),
    )
    return {r[0]: (r[1], r[2]) for r in rows}
