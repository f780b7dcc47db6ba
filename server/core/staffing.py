"""Who staffs which counter now, for the wait estimate and the board.

A counter is staffed when an officer signed in at it within a session's lifetime (and has not
signed out), or when someone called there within ``[security] idle_minutes`` and nobody signed
out of it since (a session from before a restart is only seen once it is used). Read from the
``sessions`` table and the event log, so every process sees the same answer.
"""

from __future__ import annotations

import sqlite3

from server.core import accounts, learning


def staffed_counters(conn: sqlite3.Connection, now: float, idle_seconds: float) -> dict[int, str | None]:
    """``{counter_id: username}`` of the counters with an officer now."""
    lifetime = accounts.SESSION_HOURS * 3600
    calls = learning.last_calls(conn, now - idle_seconds)
    left = accounts.counters_left(conn, now - lifetime)
    staffed: dict[int, str | None] = {
        counter_id: who for counter_id, (who, at) in calls.items() if left.get(counter_id, 0) < at
    }
    for counter_id, username, _at in accounts.sessions_at_counters(conn, now - lifetime):
        staffed[counter_id] = username
    return staffed


def officers_at_counters(conn: sqlite3.Connection, now: float) -> dict[int, list[tuple[str, float]]]:
    """Signed-in usernames and sign-in times per counter (the board's "who sits where")."""
    result: dict[int, list[tuple[str, float]]] = {}
    for counter_id, username, at in accounts.sessions_at_counters(conn, now - accounts.SESSION_HOURS * 3600):
        result.setdefault(counter_id, []).append((username, at))
    return result
