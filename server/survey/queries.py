"""The survey package's SQL: every statement on ``survey_responses`` — whether a ticket was
answered, storing an answer, the counter tablet's pending ticket, and the sums and suggestions the
reports read.

Times are UTC epoch seconds (REAL), days are office-local ISO dates, as stored by
:mod:`server.core.storage`. The IKM arithmetic on the sums lives in :mod:`server.survey.ikm`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Mapping

from server.core import tickets
from server.survey.ikm import ELEMENT_CODES

#: The columns of a stored response, in the order :data:`INSERT_RESPONSE` takes them.
RESPONSE_COLUMNS = (
    "ticket_id",
    "kind",
    "channel",
    "answered_at",
    "day",
    "service",
    "counter_id",
    "officer",
    *ELEMENT_CODES,
    "rating",
    "comment",
)
INSERT_RESPONSE = (
    f"INSERT INTO survey_responses ({', '.join(RESPONSE_COLUMNS)}) "
    f"VALUES ({', '.join('?' for _ in RESPONSE_COLUMNS)})"
)


def survey_answered(conn: sqlite3.Connection, ticket_id: int) -> bool:
    """Whether the ticket already has its one survey response."""
    return (
        conn.execute("SELECT 1 FROM survey_responses WHERE ticket_id = ?", (ticket_id,)).fetchone()
        is not None
    )


def insert_survey_response(
    conn: sqlite3.Connection,
    ticket: tickets.TicketRow,
    kind: str,
    channel: str,
    answers: Mapping[str, int],
    rating: int | None,
    comment: str | None,
    at: float,
) -> int:
    """Store a response; raises sqlite3.IntegrityError when the ticket already has one."""
    cursor = conn.execute(
        INSERT_RESPONSE,
        (
            ticket.id,
            kind,
            channel,
            at,
            ticket.day,
            ticket.service,
            ticket.counter_id,
            ticket.called_by,
            *(answers.get(code) for code in ELEMENT_CODES),
            rating,
            comment,
        ),
    )
    return cursor.lastrowid


def latest_finished(conn: sqlite3.Connection, counter_id: int, since: float) -> tickets.TicketRow | None:
    """The ticket most recently finished at a counter after ``since``, if it has no response yet."""
    row = conn.execute(
        "SELECT id FROM tickets WHERE status = 'done' AND counter_id = ? AND finished_at >= ? "
        "ORDER BY finished_at DESC LIMIT 1",
        (counter_id, since),
    ).fetchone()
    if row is None or survey_answered(conn, row["id"]):
        return None
    return tickets.get_ticket(conn, row["id"])


def survey_sums(conn: sqlite3.Connection, first_day: str, last_day: str) -> list[dict]:
    """Per (service, counter, kind): respondents, the sum of each element's scores, the sum of the
    smiley ratings and how many gave each rating (:func:`server.survey.ikm.survey_results` rolls
    them up)."""
    sums = ", ".join(f"TOTAL({code}) AS {code}" for code in ELEMENT_CODES)
    rows = conn.execute(
        f"""SELECT service, counter_id, kind, COUNT(*) AS respondents, {sums}, TOTAL(rating) AS rating,
                   TOTAL(rating = 1) AS r1, TOTAL(rating = 2) AS r2, TOTAL(rating = 3) AS r3,
                   TOTAL(rating = 4) AS r4
            FROM survey_responses WHERE day BETWEEN ? AND ? GROUP BY 1, 2, 3""",
        (first_day, last_day),
    )
    return [dict(r) for r in rows]


def survey_comments(conn: sqlite3.Connection, first_day: str, last_day: str, limit: int = 10) -> list[dict]:
    """The latest written suggestions (saran) of the range."""
    rows = conn.execute(
        "SELECT s.answered_at, s.service, s.counter_id, s.comment, t.number FROM survey_responses s "
        "JOIN tickets t ON t.id = s.ticket_id WHERE s.day BETWEEN ? AND ? AND s.comment IS NOT NULL "
        "ORDER BY s.answered_at DESC LIMIT ?",
        (first_day, last_day, limit),
    )
    return [dict(r) for r in rows]
