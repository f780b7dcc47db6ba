"""The SQLite database: every SQL statement of Loket lives here.

One :class:`Store` owns the file. Writes go through :meth:`Store.write`, which holds a process
lock and runs inside ``BEGIN IMMEDIATE`` (so another process — the CLI adding a user while the
server runs — waits instead of failing); reads use one connection per thread, which WAL lets run
beside the writer. Times are stored as UTC epoch seconds (REAL); the API formats them.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from server.core.migrations import migrations
from server.core.rules import Candidate
from server.core.upgrade import prepare_schema, synchronous_mode

TICKET_COLUMNS = (
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
    "estimate_seconds",
    "estimate_low_seconds",
    "estimate_high_seconds",
    "estimate_forward_seconds",
    "estimate_spread_seconds",
)


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

    @classmethod
    def from_row(cls, row: sqlite3.Row) -> "TicketRow":
        data = dict(row)
        data["priority"] = bool(data["priority"])
        data["flagged"] = bool(data["flagged"])
        return cls(**data)

    def candidate(self) -> Candidate:
        """This waiting ticket as the dispatcher sees it (a skipped ticket has been sent back)."""
        return Candidate(self.id, self.priority, self.queued_at, self.skip_count > 0)


def _owner_only(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite opens it (SQLite gives
    the -wal and -shm files the database's permissions), and tighten an existing one."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        try:
            os.chmod(path.with_name(name), 0o600)
        except OSError:  # not there yet, or not ours: SQLite says so if it cannot use the file
            pass


class Store:
    """Owns the SQLite file: connections, the write lock, migrations."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        _owner_only(Path(self.path))
        self._lock = threading.RLock()
        self._local = threading.local()
        #: Goes up with every committed write of this process: a key for caching what is read.
        self.generation = 0
        self._writer = self._connect()
        # Refuses a database newer than this code; copies the file before a migration changes it.
        prepare_schema(self._writer, Path(self.path), migrations)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL syncs the WAL at every commit: a number on paper survives a power cut (NORMAL
        # would only survive a crash of the process). bench/run.py measures what it costs.
        conn.execute(f"PRAGMA synchronous={synchronous_mode()}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        # After a checkpoint resets the WAL, shrink the file back to this size: a bulk write
        # (a year of simulated history) does not leave a file of hundreds of MB behind.
        conn.execute("PRAGMA journal_size_limit=16777216")
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE), serialised within the process."""
        with self._lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
                self.generation += 1
            except BaseException:
                # SQLite may already have rolled back by itself (e.g. on a full disk).
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def read(self) -> sqlite3.Connection:
        """This thread's read connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def checkpoint(self) -> None:
        """Copy the WAL into the database without waiting for readers (PASSIVE), so the WAL
        does not keep growing during a long series of writes."""
        with self._lock:
            self._writer.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        """Close the writer; thread-local readers close with their threads."""
        with self._lock:
            self._writer.close()


# ---- tickets -------------------------------------------------------------------------------

SELECT_TICKETS = _SELECT = f"SELECT {', '.join(TICKET_COLUMNS)} FROM tickets"


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
    row = conn.execute(f"{_SELECT} WHERE id = ?", (ticket_id,)).fetchone()
    return TicketRow.from_row(row) if row else None


def get_ticket_by_token(conn: sqlite3.Connection, token: str) -> TicketRow | None:
    """One ticket by its status-page token."""
    row = conn.execute(f"{_SELECT} WHERE token = ?", (token,)).fetchone()
    return TicketRow.from_row(row) if row else None


def waiting_tickets(conn: sqlite3.Connection, services: tuple[str, ...] | None = None) -> list[TicketRow]:
    """Waiting tickets, oldest in the queue first, optionally of some services only."""
    if services is None:
        rows = conn.execute(f"{_SELECT} WHERE status = 'waiting' ORDER BY queued_at, id")
    else:
        marks = ", ".join("?" for _ in services)
        rows = conn.execute(
            f"{_SELECT} WHERE status = 'waiting' AND service IN ({marks}) ORDER BY queued_at, id",
            services,
        )
    return [TicketRow.from_row(r) for r in rows]


def _first_waiting(conn: sqlite3.Connection, service: str, priority: bool, limit: int) -> list[TicketRow]:
    """The oldest waiting tickets of one service and one kind: a range of ``tickets_waiting``."""
    rows = conn.execute(
        f"{_SELECT} WHERE status = 'waiting' AND service = ? AND priority = ? ORDER BY queued_at, id LIMIT ?",
        (service, int(priority), limit),
    )
    return [TicketRow.from_row(r) for r in rows]


def queue_order(ticket: TicketRow) -> tuple:
    """Calling order within some services: priority first, then the oldest."""
    return (not ticket.priority, ticket.queued_at, ticket.id)


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
                f"{_SELECT} WHERE status = 'waiting' AND service = ? AND {condition} "
                "ORDER BY queued_at, id LIMIT 1",
                (service,),
            ).fetchone()
            if row is not None:
                found.append(TicketRow.from_row(row))
        if found:
            heads.append(min(found, key=lambda t: (t.queued_at, t.id)))
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
    rows = conn.execute(f"{_SELECT} WHERE status IN ('called', 'serving') ORDER BY last_called_at")
    return {r["counter_id"]: TicketRow.from_row(r) for r in rows}


def held_by_counter(conn: sqlite3.Connection, counter_id: int) -> list[TicketRow]:
    """Tickets a counter currently holds."""
    if not 0 < counter_id <= SQLITE_MAX_INTEGER:
        return []
    rows = conn.execute(
        f"{_SELECT} WHERE status IN ('called', 'serving') AND counter_id = ? ORDER BY last_called_at",
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


def stale_open_tickets(conn: sqlite3.Connection, before_day: str) -> list[TicketRow]:
    """Tickets from days before ``before_day`` still waiting, called or being served: to be
    closed at the day change."""
    rows = conn.execute(
        f"{_SELECT} WHERE status IN ('waiting', 'called', 'serving') AND day < ?", (before_day,)
    )
    return [TicketRow.from_row(r) for r in rows]


# ---- what the wait estimate learns from ------------------------------------------------------

# How long a call takes a counter: its last call (a skipped visitor is called again later) →
# finish, or → the skip or transfer that ended it.
_OCCUPATION = "COALESCE(finished_at, closed_at) - last_called_at"


def waiting_for_dispatch(conn: sqlite3.Connection) -> list[tuple[Candidate, str]]:
    """Every waiting ticket as the dispatcher sees it, with its service: only the five columns
    it needs (the estimate reads the whole queue on every issue)."""
    cursor = conn.cursor()
    cursor.row_factory = None
    rows = cursor.execute(
        "SELECT id, priority, queued_at, skip_count, service FROM tickets WHERE status = 'waiting'"
    )
    return [(Candidate(i, bool(p), q, s > 0), service) for i, p, q, s, service in rows]


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


def ticket_events(conn: sqlite3.Connection, ticket_id: int) -> list[dict]:
    """The event log of one ticket, oldest first."""
    rows = conn.execute(
        "SELECT kind, at, counter_id, username, detail FROM events WHERE ticket_id = ? ORDER BY id",
        (ticket_id,),
    )
    return [{**dict(r), "detail": json.loads(r["detail"]) if r["detail"] else None} for r in rows]


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


# ---- users ---------------------------------------------------------------------------------


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


_USER_PUBLIC = "SELECT username, full_name, nip, role, active, counters, created_at FROM users"


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


def get_user_public(conn: sqlite3.Connection, username: str) -> dict | None:
    """A user without the password hash."""
    row = conn.execute(f"{_USER_PUBLIC} WHERE username = ?", (username,)).fetchone()
    return _public_user(row) if row else None
