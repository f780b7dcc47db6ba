"""The officer's console (``/officer``) and the supervisor's board (``/board``), with the small
JSON reads they need. The queue actions themselves are the public API of :mod:`server.web.api`."""

from __future__ import annotations

import threading

from flask import Blueprint, current_app, g, jsonify, render_template, request, session

from server.config.services import Service
from server.core import queries, storage
from server.core.errors import LoketError
from server.core.present import iso, ticket_json
from server.live.events import broadcast
from server.web import auth, openapi

bp = Blueprint("console", __name__)

SUPERVISORS = ("supervisor", "admin")
# More waiting tickets than this are counted but not listed: nobody reads row 201.
QUEUE_LIST_LIMIT = 200


class Presence:
    """Who signed in at which counter, seen from logins and logouts since the server started.

    Sessions live in signed cookies, so the server cannot list them; this is the board's best
    knowledge, completed there by the officer who last called at each counter.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._users: dict[str, tuple[int, float]] = {}
        self._left: dict[int, float] = {}  # counter -> when its last officer signed out

    def signed_in(self, username: str, counter_id: int | None, at: float) -> None:
        """Remember a login (one counter per user; a login elsewhere moves them)."""
        with self._lock:
            self._users.pop(username, None)
            if counter_id is not None:
                self._users[username] = (counter_id, at)

    def signed_out(self, username: str, at: float | None = None) -> None:
        """Forget a user who logged out (and remember when their counter was left)."""
        with self._lock:
            counter = self._users.pop(username, None)
            if counter is not None and at is not None:
                self._left[counter[0]] = at

    def left_at(self) -> dict[int, float]:
        """When each counter's officer last signed out."""
        with self._lock:
            return dict(self._left)

    def by_counter(self, not_before: float) -> dict[int, list[tuple[str, float]]]:
        """Signed-in usernames and login times per counter, dropping logins older than a session."""
        result: dict[int, list[tuple[str, float]]] = {}
        with self._lock:
            for username, (counter_id, at) in sorted(self._users.items(), key=lambda kv: kv[1][1]):
                if at >= not_before:
                    result.setdefault(counter_id, []).append((username, at))
        return result


@bp.record_once
def _setup(state) -> None:
    state.app.extensions["console_presence"] = Presence()


def _loket():
    return current_app.extensions["loket"]


def _presence() -> Presence:
    return current_app.extensions["console_presence"]


def _page(template: str, status: int = 200, **context):
    config = _loket().config
    return render_template(template, office=config.office, config=config, **context), status


# ---- pages ---------------------------------------------------------------------------------


@bp.get("/officer")
def officer():
    """The officer's console at a counter; the login form until signed in at a counter."""
    actor = auth.current_actor(_loket().store)
    counter = _loket().config.counter(actor.counter_id) if actor and actor.counter_id else None
    if counter is None:
        return _page("login.html", purpose="officer", actor=actor)
    config = _loket().config
    return _page(
        "officer.html",
        actor=actor,
        counter=counter,
        counter_services=[
            _service_json(config.service(code)) for code in counter.services if config.service(code)
        ],
        all_services=[_service_json(s) for s in config.services],
    )


@bp.get("/board")
def board():
    """The supervisor's live board of every counter and service."""
    actor = auth.current_actor(_loket().store)
    if actor is None:
        # The login form, answered 401 so that nothing here passes for a public page.
        return _page("login.html", 401, purpose="board", actor=None)
    if actor.role not in SUPERVISORS:
        return _page("login.html", 403, purpose="forbidden", actor=actor)
    return _page("board.html", actor=actor)


# ---- JSON ----------------------------------------------------------------------------------


@bp.get("/api/counters/<int:counter_id>/queue")
def counter_queue(counter_id: int):
    """Waiting tickets of the services a counter serves, in the order it would call them.

    Officers may read only the counter they signed in at; supervisors and admins any.
    """
    loket = _loket()
    actor = auth.require_actor(loket.store)
    counter = loket.queue.counter(counter_id)
    if not actor.may_use_counter(counter_id):
        raise _forbidden(f"Anda tidak bertugas di {counter.name}.")
    tickets = queries.counter_queue(
        loket.store.read(), counter.services, counter.id, loket.config.queue.max_priority_in_row
    )
    tz = loket.config.office.tz
    listed = [
        {
            **ticket_json(t, loket.queue, reason=True),
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
            "server_time": _server_time(),
        }
    )


@bp.get("/api/officer/summary")
def officer_summary():
    """The signed-in user's own figures for today (tickets they called)."""
    loket = _loket()
    actor = auth.require_actor(loket.store)
    figures = queries.officer_figures(loket.store.read(), actor.username, _today())
    return jsonify(
        {
            "user": {"username": actor.username, "role": actor.role, "counter": actor.counter_id},
            "today": figures,
            "server_time": _server_time(),
        }
    )


@bp.get("/api/board")
def board_state():
    """Everything the supervisor's board draws: counters, who is there, services and waits."""
    loket = _loket()
    auth.require_actor(loket.store, SUPERVISORS)
    conn, config, day = loket.store.read(), loket.config, _today()
    tz = config.office.tz
    at_counters = queries.counter_figures(conn, day)
    lifetime = current_app.permanent_session_lifetime.total_seconds()
    present = _presence().by_counter(loket.queue.now().timestamp() - lifetime)
    names = storage.full_names(conn)  # the board shows people by their full name when known
    counters = []
    for counter, ticket in loket.queue.counters_overview():
        figures = at_counters.get(counter.id, {})
        counters.append(
            {
                "id": counter.id,
                "name": counter.name,
                "services": list(counter.services),
                "current": ticket_json(ticket, loket.queue, reason=True) if ticket else None,
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
                "oldest_waiting_since": iso(figures.get("oldest_waiting_since"), tz),
                "today": _pick(figures, "served", "no_shows", "avg_wait_seconds", "avg_service_seconds"),
            }
        )
    unfinished = [
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
    return jsonify(
        {"counters": counters, "services": services, "unfinished": unfinished, "server_time": _server_time()}
    )


# ---- the OpenAPI description (collected by server.web.openapi) ---------------------------------

_COUNTER_ID = {"name": "counter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_SECONDS = {"type": ["integer", "null"], "description": "seconds; null when nothing to average"}
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

OPENAPI_PATHS = {
    "/api/counters/{counter_id}/queue": {
        "get": {
            "summary": "Antrian menunggu untuk layanan loket ini, dalam urutan pemanggilan",
            "parameters": [_COUNTER_ID],
            "responses": {
                "200": openapi.json_response(
                    {
                        "type": "object",
                        "properties": {
                            "counter": {"type": "object"},
                            "total": {"type": "integer"},
                            "tickets": {"type": "array", "items": _WAITING_TICKET},
                            "server_time": {"type": "string", "format": "date-time"},
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
                            "today": {
                                "type": "object",
                                "properties": {
                                    "served": {"type": "integer"},
                                    "no_shows": {"type": "integer"},
                                    "transferred": {"type": "integer"},
                                    "avg_wait_seconds": _SECONDS,
                                    "avg_service_seconds": _SECONDS,
                                },
                            },
                            "server_time": {"type": "string", "format": "date-time"},
                        },
                    }
                ),
                "401": openapi.error("Belum masuk (unauthenticated)"),
            },
        }
    },
    "/api/board": {
        "get": {
            "summary": "Papan pemantauan: semua loket, petugas, layanan dan tunggu terlama",
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
                "401": openapi.error("Belum masuk (unauthenticated)"),
                "403": openapi.error("Khusus supervisor dan admin (forbidden)"),
            },
        }
    },
}


# ---- who is signed in ----------------------------------------------------------------------


@bp.before_app_request
def _remember_who_signs_out() -> None:
    if request.endpoint == "api.logout":
        g.console_signing_out = session.get("username")


@bp.after_app_request
def _track_presence(response):
    """Follow successful logins and logouts so the board can say who sits where."""
    if response.status_code != 200 or request.endpoint not in ("api.login", "api.logout"):
        return response
    if request.endpoint == "api.login" and session.get("username"):
        _presence().signed_in(
            session["username"], session.get("counter_id"), _loket().queue.now().timestamp()
        )
    elif request.endpoint == "api.logout" and g.get("console_signing_out"):
        _presence().signed_out(g.console_signing_out, _loket().queue.now().timestamp())
    else:
        return response
    # No names in the broadcast: every screen hears it; the board asks /api/board.
    broadcast("presence_changed", {})
    return response


# ---- helpers -------------------------------------------------------------------------------


def _service_json(service: Service) -> dict:
    return {
        "code": service.code,
        "name": service.name,
        "enabled": service.enabled,
        "standard_wait_minutes": service.standard_wait_minutes,
        "standard_service_minutes": service.standard_service_minutes,
    }


def _today() -> queries.Day:
    queue = _loket().queue
    return queries.Day.of(queue.now(), queue.config.office.tz)


def _server_time() -> str:
    queue = _loket().queue
    return queue.now().astimezone(queue.config.office.tz).isoformat(timespec="milliseconds")


def _pick(values: dict, *keys: str) -> dict:
    defaults = {"served": 0, "no_shows": 0}
    return {key: values.get(key, defaults.get(key)) for key in keys}


def _forbidden(message: str) -> LoketError:
    return LoketError("forbidden", message, 403)
