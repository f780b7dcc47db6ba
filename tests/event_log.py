"""Reading a ticket's event log in tests (the server itself only appends to it)."""

from __future__ import annotations

import json
import sqlite3


def ticket_events(conn: sqlite3.Connection, ticket_id: int) -> list[dict]:
    """The event log of one ticket, oldest first."""
    rows = conn.execute(
        "SELECT kind, at, counter_id, username, detail FROM events WHERE ticket_id = ? ORDER BY id",
        (ticket_id,),
    )
    return [{**dict(r), "detail": json.loads(r["detail"]) if r["detail"] else None} for r in rows]
