"""Users and the audit log in SQLite: sign-in names, password hashes, roles and allowed counters;
and the append-only record of who changed what in the office's settings.
"""

from __future__ import annotations

import json
import sqlite3

_USER_PUBLIC = "SELECT username, full_name, nip, role, active, counters, created_at FROM users"


def get_user(conn: sqlite3.Connection, username: str) -> dict | None:
    """A user row by name."""
    row = conn.execute(
        "SELECT username, password_hash, role, active, counters FROM users WHERE username = ?",
        (username,),
    ).fetchone()
    if row is None:
        return None
    user = dict(row)
    user["counters"] = json.loads(user["counters"]) if user["counters"] else None
    return user


def insert_user(conn: sqlite3.Connection, username: str, password_hash: str, role: str, at: float) -> None:
    """Create a user; raises sqlite3.IntegrityError if the name is taken."""
    conn.execute(
        "INSERT INTO users (username, password_hash, role, active, created_at) VALUES (?, ?, ?, 1, ?)",
        (username, password_hash, role, at),
    )


def count_users(conn: sqlite3.Connection) -> int:
    """How many users exist."""
    return conn.execute("SELECT COUNT(*) FROM users").fetchone()[0]


def _public_user(row: sqlite3.Row) -> dict:
    return {
        **dict(row),
        "active": bool(row["active"]),
        "counters": json.loads(row["counters"]) if row["counters"] else None,
    }


def list_users(conn: sqlite3.Connection) -> list[dict]:
    """Every user, without password hashes."""
    return [_public_user(r) for r in conn.execute(f"{_USER_PUBLIC} ORDER BY username")]


def full_names(conn: sqlite3.Connection) -> dict[str, str]:
    """Sign-in name → full name, for the users who have one (board and reports show it)."""
    return dict(conn.execute("SELECT username, full_name FROM users WHERE full_name != ''").fetchall())


def update_user(conn: sqlite3.Connection, username: str, **values) -> None:
    """Change a user's role, active flag, allowed counters or password hash."""
    allowed = {"role", "active", "counters", "password_hash", "full_name", "nip"}
    for name in values:
        if name not in allowed:
            raise ValueError(f"unknown user column {name}")
    if "counters" in values:
        values["counters"] = json.dumps(values["counters"]) if values["counters"] else None
    assignments = ", ".join(f"{name} = ?" for name in values)
    conn.execute(f"UPDATE users SET {assignments} WHERE username = ?", (*values.values(), username))


def get_user_public(conn: sqlite3.Connection, username: str) -> dict | None:
    """A user without the password hash."""
    row = conn.execute(f"{_USER_PUBLIC} WHERE username = ?", (username,)).fetchone()
    return _public_user(row) if row else None


# ---- the audit log -------------------------------------------------------------------------


def add_audit(
    conn: sqlite3.Connection, at: float, username: str, action: str, target: str, before, after
) -> None:
    """Record an admin change (before → after, as JSON)."""
    conn.execute(
        "INSERT INTO audit_log (at, username, action, target, before, after) VALUES (?, ?, ?, ?, ?, ?)",
        (
            at,
            username,
            action,
            target,
            json.dumps(before, ensure_ascii=False) if before is not None else None,
            json.dumps(after, ensure_ascii=False) if after is not None else None,
        ),
    )


def audit_entries(conn: sqlite3.Connection, limit: int = 200) -> list[dict]:
    """The latest audit entries, newest first."""
    rows = conn.execute(
        "SELECT at, username, action, target, before, after FROM audit_log ORDER BY id DESC LIMIT ?",
        (limit,),
    )
    return [
        {
            **dict(r),
            "before": json.loads(r["before"]) if r["before"] else None,
            "after": json.loads(r["after"]) if r["after"] else None,
        }
        for r in rows
    ]


# ---- signed-in sessions (a hash of the id the cookie carries) ---------------------------------

#: How long a session lasts from signing in.
SESSION_HOURS = 9


def open_session(
    conn: sqlite3.Connection, session_hash: str, username: str, counter_id: int | None, at: float
) -> None:
    """Record a new session (and forget sessions older than a session's lifetime)."""
    conn.execute("DELETE FROM sessions WHERE created_at < ?", (at - SESSION_HOURS * 3600,))
    conn.execute(
        "INSERT INTO sessions (id, username, created_at, counter_id) VALUES (?, ?, ?, ?)",
        (session_hash, username, at, counter_id),
    )


def end_session(conn: sqlite3.Connection, session_hash: str, at: float) -> None:
    """Signing out: the session stops being valid; its counter counts as left at ``at``."""
    conn.execute("UPDATE sessions SET ended_at = ? WHERE id = ? AND ended_at IS NULL", (at, session_hash))


def session_username(conn: sqlite3.Connection, session_hash: str) -> str | None:
    """The user of a session that is still open, else None."""
    row = conn.execute(
        "SELECT username FROM sessions WHERE id = ? AND ended_at IS NULL", (session_hash,)
    ).fetchone()
    return row["username"] if row is not None else None


def sessions_at_counters(conn: sqlite3.Connection, since: float) -> list[tuple[int, str, float]]:
    """(counter, username, signed in at) of the open sessions opened since ``since`` at a
    counter, the latest session of each user only, oldest first."""
    rows = conn.execute(
        "SELECT counter_id, username, created_at AS at FROM ("
        " SELECT counter_id, username, created_at, rowid AS n, ROW_NUMBER() OVER"
        " (PARTITION BY username ORDER BY created_at DESC, rowid DESC) AS latest"
        " FROM sessions WHERE ended_at IS NULL AND created_at >= ?"
        ") WHERE latest = 1 ORDER BY at, n",
        (since,),
    ).fetchall()
    # A user's latest sign-in wins: signing in elsewhere (or without a counter) moves them.
    return [(row["counter_id"], row["username"], row["at"]) for row in rows if row["counter_id"] is not None]


def counters_left(conn: sqlite3.Connection, since: float) -> dict[int, float]:
    """When each counter's officer last signed out (since ``since``)."""
    rows = conn.execute(
        "SELECT counter_id, MAX(ended_at) AS at FROM sessions "
        "WHERE ended_at IS NOT NULL AND counter_id IS NOT NULL AND ended_at >= ? GROUP BY counter_id",
        (since,),
    ).fetchall()
    return {row["counter_id"]: row["at"] for row in rows}
