"""The supervisor's board (``/board``): every counter with who sits there, every service with its
waits, and the tickets left unfinished at the last day change."""

from __future__ import annotations

from flask import jsonify

from server.core import accounts, queries, staffing
from server.core.views import iso, ticket_json
from server.web.console import bp
from server.web.console.clock import server_time, today
from server.webbase import openapi
from server.webbase.guard import SUPERVISORS, current_runtime, page, requires


@bp.get("/board")
@requires(*SUPERVISORS, page="board")
def board(actor):
    """The supervisor's live board of every counter and service."""
    return page("board.html", actor=actor)


@bp.get("/api/board")
@requires(*SUPERVISORS)
def board_state(actor):
    """Everything the supervisor's board draws: counters, who is there, services and waits."""
    conn, day = current_runtime().store.read(), today()
    return jsonify(
        {
            "counters": _counters(conn, day),
            "services": _services(conn, day),
            "unfinished": _unfinished(conn, day),
            "server_time": server_time(),
        }
    )


def _counters(conn, day: queries.Day) -> list[dict]:
    runtime = current_runtime()
    tz = runtime.config.office.tz
    at_counters = queries.counter_figures(conn, day)
    present = staffing.officers_at_counters(conn, runtime.queue.now().timestamp())
    names = accounts.full_names(conn)  # the board shows people by their full name when known
    counters = []
    for counter, ticket in runtime.queue.counters_overview():
        figures = at_counters.get(counter.id, {})
        counters.append(
            {
                "id": counter.id,
                "name": counter.name,
                "services": list(counter.services),
                "current": ticket_json(ticket, runtime.queue, reason=True) if ticket else None,
                "officers": [
                    {"username": u, "full_name": names.get(u, ""), "since": iso(at, tz)}
                    for u, at in present.get(counter.id, [])
                ],
                "last_caller": figures.get("last_caller"),
                "last_caller_name": names.get(figures.get("last_caller") or "", ""),
                "last_called_at": iso(figures.get("last_called_at"), tz),
                "today": _pick(figures, "served", "no_shows", "avg_service_seconds"),
            }
        )
    return counters


def _services(conn, day: queries.Day) -> list[dict]:
    config = current_runtime().config
    by_service = queries.service_figures(conn, day)
    services = []
    for service in config.services:
        figures = by_service.get(service.code, {})
        services.append(
            {
                "code": service.code,
                "name": service.name,
                "standard_wait_minutes": service.standard_wait_minutes,
                "standard_service_minutes": service.standard_service_minutes,
                "counters": [c.id for c in config.counters if service.code in c.services],
                "waiting": figures.get("waiting", 0),
                "oldest_waiting_since": iso(figures.get("oldest_waiting_since"), config.office.tz),
                "today": _pick(figures, "served", "no_shows", "avg_wait_seconds", "avg_service_seconds"),
            }
        )
    return services


def _unfinished(conn, day: queries.Day) -> list[dict]:
    """Tickets still called or being served when a day closed, over the last day."""
    tz = current_runtime().config.office.tz
    return [
        {
            "number": t.number,
            "service": t.service,
            "day": t.day,
            "counter": t.counter_id,
            "officer": t.called_by,
            "closed_at": iso(t.closed_at, tz),
        }
        for t in queries.recently_unfinished(conn, day.starts_at - 24 * 3600)
    ]


def _pick(values: dict, *keys: str) -> dict:
    """The figures named, with 0 for counts on a day without any."""
    defaults = {"served": 0, "no_shows": 0}
    return {key: values.get(key, defaults.get(key)) for key in keys}


OPENAPI_PATHS = {
    "/api/board": {
        "get": {
            "summary": "Papan pemantauan: semua runtime, petugas, layanan dan tunggu terlama",
            "responses": {
                "200": openapi.json_response(
                    {
                        "type": "object",
                        "properties": {
                            "counters": {"type": "array", "items": {"type": "object"}},
                            "services": {"type": "array", "items": {"type": "object"}},
                            "server_time": {"type": "string", "format": "date-time"},
                        },
                    }
                ),
                **openapi.denied("supervisor dan admin"),
            },
        }
    },
}
