"""The officer's console at a counter (``/officer``) and its JSON reads: the counter's queue in
calling order and the officer's own figures for today."""

from __future__ import annotations

from flask import jsonify

from server.config.services import Service
from server.core import queries
from server.core.errors import LoketError
from server.core.views import iso, ticket_json
from server.web.console import bp
from server.web.console.clock import server_time, today
from server.webbase import openapi
from server.webbase.guard import current_runtime, login_page, page, requires, signed_in

# More waiting tickets than this are counted but not listed: nobody reads row 201.
QUEUE_LIST_LIMIT = 200


@bp.get("/officer")
def officer():
    """The officer's console at a counter; the login form (200: the console's own front page)
    until signed in at a counter."""
    actor = signed_in()
    config = current_runtime().config
    counter = config.counter(actor.counter_id) if actor and actor.counter_id else None
    if counter is None:
        return login_page("officer", 200, actor=actor)
    return page(
        "officer.html",
        actor=actor,
        counter=counter,
        counter_services=[
            _service_json(config.service(code)) for code in counter.services if config.service(code)
        ],
        all_services=[_service_json(s) for s in config.services],
    )


@bp.get("/api/counters/<int:counter_id>/queue")
@requires()
def counter_queue(counter_id: int, actor):
    """Waiting tickets of the services a counter serves, in the order it would call them.

    Officers may read only the counter they signed in at; supervisors and admins any.
    """
    runtime = current_runtime()
    counter = runtime.queue.counter(counter_id)
    if not actor.may_use_counter(counter_id):
        raise LoketError("forbidden", f"Anda tidak bertugas di {counter.name}.", 403)
    tickets = queries.counter_queue(
        runtime.store.read(), counter.services, counter.id, runtime.config.queue.max_priority_in_row
    )
    tz = runtime.config.office.tz
    listed = [
        {
            **ticket_json(t, runtime.queue, reason=True),
            "position": i + 1,
            "waiting_since": iso(queries.waiting_since(t), tz),
        }
        for i, t in enumerate(tickets[:QUEUE_LIST_LIMIT])
    ]
    return jsonify(
        {
            "counter": {"id": counter.id, "name": counter.name, "services": list(counter.services)},
            "total": len(tickets),
            "tickets": listed,
            "server_time": server_time(),
        }
    )


@bp.get("/api/officer/summary")
@requires()
def officer_summary(actor):
    """The signed-in user's own figures for today (tickets they called)."""
    figures = queries.officer_figures(current_runtime().store.read(), actor.username, today())
    return jsonify(
        {
            "user": {"username": actor.username, "role": actor.role, "counter": actor.counter_id},
            "today": figures,
            "server_time": server_time(),
        }
    )


def _service_json(service: Service) -> dict:
    return {
        "code": service.code,
        "name": service.name,
        "enabled": service.enabled,
        "standard_wait_minutes": service.standard_wait_minutes,
        "standard_service_minutes": service.standard_service_minutes,
    }


_SECONDS = {"type": ["integer", "null"], "description": "seconds; null when nothing to average"}
_SERVER_TIME = {"type": "string", "format": "date-time"}
_WAITING_TICKET = {
    "allOf": [
        openapi.ref("Ticket"),
        {
            "type": "object",
            "properties": {
                "position": {"type": "integer", "description": "1 = called next by this counter"},
                "waiting_since": {"type": "string", "format": "date-time"},
            },
        },
    ]
}
_FIGURES = {
    "type": "object",
    "properties": {
        "served": {"type": "integer"},
        "no_shows": {"type": "integer"},
        "transferred": {"type": "integer"},
        "avg_wait_seconds": _SECONDS,
        "avg_service_seconds": _SECONDS,
    },
}

OPENAPI_PATHS = {
    "/api/counters/{counter_id}/queue": {
        "get": {
            "summary": "Antrian menunggu untuk layanan loket ini, dalam urutan pemanggilan",
            "parameters": [
                {"name": "counter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": openapi.json_response(
                    {
                        "type": "object",
                        "properties": {
                            "counter": {"type": "object"},
                            "total": {"type": "integer"},
                            "tickets": {"type": "array", "items": _WAITING_TICKET},
                            "server_time": _SERVER_TIME,
                        },
                    }
                ),
                "401": openapi.error("Belum masuk (unauthenticated)"),
                "403": openapi.error("Bukan loket petugas ini (forbidden)"),
                "404": openapi.error("Loket tidak dikenal (unknown_counter)"),
            },
        }
    },
    "/api/officer/summary": {
        "get": {
            "summary": "Angka hari ini dari pengguna yang masuk (tiket yang ia panggil)",
            "responses": {
                "200": openapi.json_response(
                    {
                        "type": "object",
                        "properties": {
                            "user": {"type": "object"},
                            "today": _FIGURES,
                            "server_time": _SERVER_TIME,
                        },
                    }
                ),
                "401": openapi.error("Belum masuk (unauthenticated)"),
            },
        }
    },
}
