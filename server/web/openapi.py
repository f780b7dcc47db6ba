"""The OpenAPI 3 description of the JSON API, served at ``/api/openapi.json``."""

from __future__ import annotations

import sys

from flask import Blueprint, current_app, jsonify

from server import __version__
from server.core.rules import PRIORITY_REASONS, Status

bp = Blueprint("openapi", __name__)

# One way to declare: a blueprint's module describes its own endpoints in a module-level
# ``OPENAPI_PATHS`` mapping (built with the helpers below); spec() collects it from every
# blueprint the app has registered.


def ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def json_response(schema: dict, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def denied(who: str) -> dict:
    """The 401 and 403 answers of an endpoint for ``who`` (e.g. "admin", "supervisor dan admin")."""
    return {"401": error("Belum masuk (unauthenticated)"), "403": error(f"Khusus {who} (forbidden)")}


def json_body(schema: dict, required: bool = True) -> dict:
    return {"required": required, "content": {"application/json": {"schema": schema}}}


NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}
NULLABLE_INT = {"type": ["integer", "null"]}
COUNTER_REF = {
    "type": ["object", "null"],
    "properties": {"id": {"type": "integer"}, "name": {"type": "string"}},
}

SCHEMAS = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "description": "snake_case, stable"},
                    "message": {"type": "string", "description": "Bahasa Indonesia, for people"},
                },
            }
        },
    },
    "Ticket": {
        "type": "object",
        "required": ["id", "number", "service", "status", "priority", "issued_at"],
        "properties": {
            "id": {"type": "integer"},
            "number": {"type": "string", "example": "A001"},
            "service": {"type": "string", "example": "A"},
            "service_name": {"type": "string"},
            "status": {"type": "string", "enum": [s.value for s in Status]},
            "status_label": {"type": "string"},
            "priority": {"type": "boolean"},
            "priority_reason": {"type": ["string", "null"], "enum": [*PRIORITY_REASONS, None]},
            "priority_label": {"type": "string"},
            "issued_at": {"type": "string", "format": "date-time"},
            "arrived_at": {
                "type": "string",
                "format": "date-time",
                "description": "first arrival; kept across transfers",
            },
            "called_at": NULLABLE_TIME,
            "last_called_at": NULLABLE_TIME,
            "started_at": NULLABLE_TIME,
            "finished_at": NULLABLE_TIME,
            "counter": COUNTER_REF,
            "call_count": {"type": "integer"},
            "skip_count": {"type": "integer"},
            "wait_seconds": NULLABLE_INT,
            "service_seconds": NULLABLE_INT,
            "transferred_from": NULLABLE_INT,
            "transferred_to": NULLABLE_INT,
            "ahead": {"type": "integer"},
            "estimate_minutes": NULLABLE_INT,
        },
    },
    "NewTicket": {
        "allOf": [
            ref("Ticket"),
            {
                "type": "object",
                "required": ["ahead", "status_url"],
                "properties": {
                    "status_url": {"type": "string", "description": "the visitor's status page (QR code)"},
                    "preview_url": {"type": "string", "description": "PNG of the printed ticket"},
                    "print": {"type": "object"},
                },
            },
        ]
    },
    "TicketResponse": {
        "type": "object",
        "required": ["ticket"],
        "properties": {"ticket": ref("Ticket")},
    },
    "MaybeTicketResponse": {
        "type": "object",
        "required": ["ticket"],
        "properties": {"ticket": {"oneOf": [ref("Ticket"), {"type": "null"}]}},
    },
    "Service": {
        "type": "object",
        "required": ["code", "name", "waiting", "open"],
        "properties": {
            "code": {"type": "string"},
            "name": {"type": "string"},
            "description": {"type": "string"},
            "waiting": {"type": "integer"},
            "open": {"type": "boolean"},
            "closed_reason": NULLABLE_STRING,
            "closed_code": NULLABLE_STRING,
            "estimate_minutes": NULLABLE_INT,
            "standard_wait_minutes": {"type": "number"},
            "standard_service_minutes": {"type": "number"},
            "daily_quota": {"type": "integer"},
            "counters": {"type": "array", "items": {"type": "integer"}},
        },
    },
    "State": {
        "type": "object",
        "required": ["counters", "recent_calls", "waiting"],
        "properties": {
            "counters": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["id", "name", "current"],
                    "properties": {
                        "id": {"type": "integer"},
                        "name": {"type": "string"},
                        "services": {"type": "array", "items": {"type": "string"}},
                        "current": {"oneOf": [ref("Ticket"), {"type": "null"}]},
                    },
                },
            },
            "recent_calls": {"type": "array", "items": {"type": "object"}},
            "waiting": {"type": "object", "additionalProperties": {"type": "integer"}},
            "office": {"type": "object"},
            "services": {"type": "array", "items": {"type": "object"}},
            "highlight_seconds": {"type": "integer"},
            "server_time": {"type": "string", "format": "date-time"},
        },
    },
    "User": {
        "type": "object",
        "properties": {
            "user": {
                "type": "object",
                "properties": {
                    "username": {"type": "string"},
                    "role": {"type": "string", "enum": ["officer", "supervisor", "admin"]},
                    "counter": NULLABLE_INT,
                },
            }
        },
    },
}

TICKET_ID = {"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "integer"}}
BAD_JSON = error("Isi bukan objek JSON (invalid_json)")
INVALID = error("Kolom hilang atau salah tipe (missing_field, invalid_field)")
UNAUTH = error("Belum masuk (unauthenticated)")
FORBIDDEN = error(
    "Tidak berhak di loket/tiket ini (forbidden) atau permintaan dari situs lain (csrf_rejected)"
)
NO_TICKET = error("Tiket tidak ditemukan (unknown_ticket)")
WRONG_STATE = error("Status tiket tidak mengizinkan tindakan ini (invalid_state)")


def _ticket_action(summary: str) -> dict:
    return {
        "post": {
            "summary": summary,
            "parameters": [TICKET_ID],
            "responses": {
                "200": json_response(ref("TicketResponse")),
                "401": UNAUTH,
                "403": FORBIDDEN,
                "404": NO_TICKET,
                "409": WRONG_STATE,
            },
        }
    }


def spec() -> dict:
    """The OpenAPI document."""
    paths = {
        "/api/services": {
            "get": {
                "summary": "Layanan, jumlah menunggu dan apakah sedang dibuka",
                "responses": {
                    "200": json_response(
                        {
                            "type": "object",
                            "required": ["services"],
                            "properties": {"services": {"type": "array", "items": ref("Service")}},
                        }
                    )
                },
            }
        },
        "/api/tickets": {
            "post": {
                "summary": "Ambil nomor antrian (kiosk)",
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["service"],
                        "properties": {
                            "service": {"type": "string", "example": "A"},
                            "priority": {"type": "boolean", "default": False},
                            "priority_reason": {"type": "string", "enum": list(PRIORITY_REASONS)},
                        },
                    }
                ),
                "responses": {
                    "201": json_response(
                        {
                            "type": "object",
                            "required": ["ticket"],
                            "properties": {"ticket": ref("NewTicket")},
                        },
                        "Created",
                    ),
                    "400": BAD_JSON,
                    "404": error("Layanan tidak dikenal (unknown_service)"),
                    "409": error("Layanan tutup (service_closed) atau kuota habis (quota_reached)"),
                    "403": error("Bukan kiosk terdaftar (device_not_enrolled)"),
                    "422": INVALID,
                    "429": error("Terlalu banyak permintaan (rate_limited)"),
                },
            }
        },
        "/api/tickets/{ticket_id}": {
            "get": {
                "summary": "Satu tiket (petugas)",
                "parameters": [TICKET_ID],
                "responses": {
                    "200": json_response(ref("TicketResponse")),
                    "401": error("Belum masuk (unauthenticated)"),
                    "404": NO_TICKET,
                },
            }
        },
        "/api/status/{token}": {
            "get": {
                "summary": "Tiket pengunjung dari kode QR (mengikuti pengalihan)",
                "parameters": [
                    {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
                ],
                "responses": {"200": json_response(ref("TicketResponse")), "404": NO_TICKET},
            }
        },
        "/api/state": {
            "get": {
                "summary": "Keadaan semua loket dan antrian",
                "responses": {"200": json_response(ref("State"))},
            }
        },
        "/api/login": {
            "post": {
                "summary": "Masuk; petugas memilih loket",
                "requestBody": json_body(
                    {
                        "type": "object",
                        "required": ["username", "password"],
                        "properties": {
                            "username": {"type": "string"},
                            "password": {"type": "string"},
                            "counter": {"type": "integer"},
                        },
                    }
                ),
                "responses": {
                    "200": json_response(ref("User")),
                    "400": BAD_JSON,
                    "401": error("Salah nama/kata sandi"),
                    "403": FORBIDDEN,
                    "422": INVALID,
                    "429": error("Terlalu banyak percobaan (too_many_attempts)"),
                },
            }
        },
        "/api/logout": {
            "post": {"summary": "Keluar", "responses": {"200": json_response({"type": "object"})}}
        },
        "/api/me": {
            "get": {
                "summary": "Pengguna yang sedang masuk",
                "responses": {"200": json_response(ref("User")), "401": UNAUTH},
            }
        },
        "/api/counters/{counter_id}/call-next": {
            "post": {
                "summary": "Panggil berikutnya di loket ini",
                "parameters": [
                    {"name": "counter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
                ],
                "responses": {
                    "200": json_response(ref("MaybeTicketResponse")),
                    "401": UNAUTH,
                    "403": FORBIDDEN,
                    "404": error("Loket tidak dikenal (unknown_counter)"),
                },
            }
        },
        "/api/tickets/{ticket_id}/recall": _ticket_action("Panggil ulang"),
        "/api/tickets/{ticket_id}/skip": _ticket_action("Lewati / tidak hadir"),
        "/api/tickets/{ticket_id}/start": _ticket_action("Mulai layani"),
        "/api/tickets/{ticket_id}/finish": _ticket_action("Selesai"),
        "/api/tickets/{ticket_id}/cancel": _ticket_action("Batalkan"),
        "/api/tickets/{ticket_id}/transfer": {
            "post": {
                "summary": "Alihkan ke layanan lain; menjawab dengan tiket baru yang menunggu",
                "parameters": [TICKET_ID],
                "requestBody": json_body(
                    {"type": "object", "required": ["service"], "properties": {"service": {"type": "string"}}}
                ),
                "responses": {
                    "200": json_response(ref("TicketResponse")),
                    "400": BAD_JSON,
                    "401": UNAUTH,
                    "403": FORBIDDEN,
                    "404": NO_TICKET,
                    "409": WRONG_STATE,
                    "422": INVALID,
                },
            }
        },
    }
    for blueprint in current_app.blueprints.values():
        module = sys.modules.get(blueprint.import_name)
        paths.update(getattr(module, "OPENAPI_PATHS", {}))
        if hasattr(module, "openapi_paths"):
            paths.update(module.openapi_paths())
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Loket API",
            "version": __version__,
            "description": 'Antrian PTSP. Every error is {"error": {"code", "message"}}; '
            "times are ISO 8601 with the office's UTC offset.",
        },
        "paths": paths,
        "components": {
            "schemas": SCHEMAS,
            "securitySchemes": {"session": {"type": "apiKey", "in": "cookie", "name": "loket_session"}},
        },
    }


@bp.get("/api/openapi.json")
def openapi_json():
    """The OpenAPI document."""
    return jsonify(spec())
