"""The reports package's SQL: every statement the reports, the exports and the data-quality
flags run, and the statements of the over-time alerts (:mod:`server.live.alerts`), whose rows
the reports read. The simulator's history writer has its own (:mod:`server.simulate.records`),
the survey's are in :mod:`server.survey.queries`.

Times are UTC epoch seconds (REAL), days are office-local ISO dates, as stored by
:mod:`server.core.storage`. The arithmetic on the rows lives in :mod:`server.reports.assemble`
and :mod:`server.reports.stats`.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Mapping, Sequence

from server.core import tickets
from server.reports.assemble import Standard

Standards = Mapping[str, Standard]

# ---- report facts --------------------------------------------------------------------------


def _standard_case(standards: Standards, attribute: str) -> tuple[str, list]:
    """A SQL CASE giving each ticket's own service standard (seconds), NULL for unknown services."""
    if not standards:
        return "NULL", []
    whens = " ".join("WHEN ? THEN ?" for _ in standards)
    params: list = []
    for code, standard in standards.items():
        params += [code, getattr(standard, attribute)]
    return f"(CASE service {whens} END)", params


def _measured(standards: Standards, utc_offset_seconds: int) -> tuple[str, list]:
    """The tickets of a day range with their local hour, whole-second times where they count
    (never for flagged or expired tickets) and whether each is within its own service standard.

    Seconds are rounded half up (as in the exports); a rounded time is within a whole-second
    standard exactly when the exact time is below the standard + 0.5.
    """
    wait_standard, wait_params = _standard_case(standards, "wait")
    service_standard, service_params = _standard_case(standards, "service")
    sql = f"""
        SELECT *, wait_exact < {wait_standard} + 0.5 AS wait_ok,
                  served_exact < {service_standard} + 0.5 AS served_ok,
                  CAST(wait_exact + 0.5 AS INTEGER) AS wait, CAST(served_exact + 0.5 AS INTEGER) AS served
        FROM (
            SELECT id, day, service, status, flagged, counter_id, called_by,
                   CAST(issued_at + ? AS INTEGER) % 86400 / 3600 AS hour,
                   transferred_from IS NULL AS kiosk,
                   CASE WHEN flagged = 0 AND status != 'expired' THEN called_at - issued_at END AS wait_exact,
                   CASE WHEN flagged = 0 AND status != 'expired' THEN finished_at - started_at END AS served_exact
            FROM tickets INDEXED BY tickets_report
            WHERE day BETWEEN ? AND ?
        )
    """
    return sql, [*wait_params, *service_params, utc_offset_seconds]


def _tuples(conn: sqlite3.Connection, sql: str, params) -> list[tuple]:
    cursor = conn.cursor()
    cursor.row_factory = None  # plain tuples: a year is 300,000 rows
    return cursor.execute(sql, params).fetchall()


def group_counts(
    conn: sqlite3.Connection, first_day: str, last_day: str, standards: Standards, offset: int
) -> list[tuple]:
    """Per (service, counter, officer, hour, status): tickets, kiosk tickets, flagged, measured
    times within the standard (wait, service), tickets over either standard, and the measured
    waiting and service times themselves (whole seconds, comma-separated, in no order): SQLite
    groups the times with the counts, in one reading, instead of handing Python every ticket."""
    measured, params = _measured(standards, offset)
    sql = f"""
        SELECT service, counter_id, called_by, hour, status, COUNT(*), TOTAL(kiosk), TOTAL(flagged),
               TOTAL(wait_ok), TOTAL(served_ok), TOTAL(wait_ok = 0 OR served_ok = 0),
               group_concat(wait), group_concat(served)
        FROM ({measured}) GROUP BY 1, 2, 3, 4, 5
    """
    return _tuples(conn, sql, [*params, first_day, last_day])


def day_counts(
    conn: sqlite3.Connection, first_day: str, last_day: str, standards: Standards, offset: int
) -> list[tuple]:
    """Per (day, service): kiosk tickets, measured waits and how many within the standard, the
    same for service times."""
    measured, params = _measured(standards, offset)
    sql = f"""
        SELECT day, service, TOTAL(kiosk), COUNT(wait_ok), TOTAL(wait_ok), COUNT(served_ok), TOTAL(served_ok)
        FROM ({measured}) GROUP BY 1, 2
    """
    return _tuples(conn, sql, [*params, first_day, last_day])


def fingerprint(conn: sqlite3.Connection, first_day: str, last_day: str) -> tuple:
    """Changes whenever any ticket of the range is written: the days' versions, which triggers on
    the tickets table raise (migration m005), summed — a few rows, not a scan of the tickets."""
    return tuple(
        conn.execute(
            "SELECT COUNT(*), TOTAL(version) FROM day_versions WHERE day BETWEEN ? AND ?",
            (first_day, last_day),
        ).fetchone()
    )


def worst_exceeded_scored(
    conn: sqlite3.Connection, first_day: str, last_day: str, standards: Standards, limit: int
) -> list[tuple[int, float]]:
    """(id, times over its standard) of the ``limit`` counted tickets furthest over a standard,
    worst first (ties by id), so that the lists of several ranges can be merged."""
    measured, params = _measured(standards, 0)
    wait_standard, wait_params = _standard_case(standards, "wait")
    service_standard, service_params = _standard_case(standards, "service")
    sql = f"""
        SELECT id, MAX(CASE WHEN wait_ok = 0 THEN wait * 1.0 / {wait_standard} ELSE 0 END,
                       CASE WHEN served_ok = 0 THEN served * 1.0 / {service_standard} ELSE 0 END) AS over
        FROM ({measured}) WHERE wait_ok = 0 OR served_ok = 0
        ORDER BY over DESC, id
        LIMIT ?
    """
    return _tuples(conn, sql, [*wait_params, *service_params, *params, first_day, last_day, limit])


_TICKET_DETAIL = """
    SELECT id, number, day, service, status, priority, counter_id, called_by, issued_at, called_at,
           started_at, finished_at, flagged, flag_reason, flagged_by, flagged_at,
           transferred_from, transferred_to, estimate_seconds, estimate_low_seconds, estimate_high_seconds,
           closed_at,
           -- a transferred visitor's ticket is listed under its new service: say where it came from
           (SELECT origin.service FROM tickets AS origin WHERE origin.id = tickets.transferred_from)
               AS transferred_from_service
    FROM tickets
"""


def tickets_by_id(conn: sqlite3.Connection, ids: Sequence[int]) -> dict[int, dict]:
    """Ticket details (for the lists of a report) keyed by id."""
    result: dict[int, dict] = {}
    for start in range(0, len(ids), 500):
        chunk = list(ids[start : start + 500])
        marks = ", ".join("?" for _ in chunk)
        for row in conn.execute(f"{_TICKET_DETAIL} WHERE id IN ({marks})", chunk):
            result[row["id"]] = dict(row)
    return result


def flagged_tickets(conn: sqlite3.Connection, first_day: str, last_day: str, limit: int = 500) -> list[dict]:
    """Tickets of the range whose times are flagged as inaccurate, newest first."""
    rows = conn.execute(
        f"{_TICKET_DETAIL} WHERE flagged = 1 AND day BETWEEN ? AND ? "
        "ORDER BY day DESC, issued_at DESC LIMIT ?",
        (first_day, last_day, limit),
    )
    return [dict(r) for r in rows]


def estimate_outcomes(conn: sqlite3.Connection, first_day: str, last_day: str) -> list[tuple]:
    """(service, |actual wait − estimate told|, whether the wait fell inside the range told) of
    the range's called tickets that were given an estimate (flagged times left out)."""
    return _tuples(
        conn,
        """
        SELECT service, ABS((called_at - issued_at) - estimate_seconds),
               (called_at - issued_at) BETWEEN estimate_low_seconds AND estimate_high_seconds
        FROM tickets WHERE day BETWEEN ? AND ? AND called_at IS NOT NULL
          AND estimate_seconds IS NOT NULL AND flagged = 0
        """,
        (first_day, last_day),
    )


def export_rows(conn: sqlite3.Connection, first_day: str, last_day: str) -> Iterator[dict]:
    """Every ticket of the range, in order of issue, for the CSV and XLSX exports (streamed)."""
    cursor = conn.execute(
        f"{_TICKET_DETAIL} WHERE day BETWEEN ? AND ? ORDER BY day, issued_at, id", (first_day, last_day)
    )
    for row in cursor:
        yield dict(row)


# ---- data-quality flags ----------------------------------------------------------------------


def set_flag(conn: sqlite3.Connection, ticket_id: int, reason: str | None, username: str, at: float) -> None:
    """Flag a ticket's times as inaccurate (``reason``) or clear the flag (``reason=None``).

    The change is also appended to the event log. Call inside a write transaction.
    """
    if reason is None:
        conn.execute(
            "UPDATE tickets SET flagged = 0, flag_reason = NULL, flagged_by = NULL, flagged_at = NULL "
            "WHERE id = ?",
            (ticket_id,),
        )
        tickets.add_event(conn, ticket_id, "unflagged", at, None, username)
    else:
        conn.execute(
            "UPDATE tickets SET flagged = 1, flag_reason = ?, flagged_by = ?, flagged_at = ? WHERE id = ?",
            (reason, username, at, ticket_id),
        )
        tickets.add_event(conn, ticket_id, "flagged", at, None, username, {"reason": reason})


def flag_state(conn: sqlite3.Connection, ticket_id: int) -> dict | None:
    """A ticket's flag, reason, who flagged it and when."""
    row = conn.execute(
        "SELECT flagged, flag_reason, flagged_by, flagged_at FROM tickets WHERE id = ?", (ticket_id,)
    ).fetchone()
    return dict(row) if row else None


# ---- over-time alerts ----------------------------------------------------------------------
