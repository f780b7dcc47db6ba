"""The OpenAPI 3 description of the JSON API, served at ``/api/openapi.json``: the helpers that
build a description, the shared schemas, and :func:`spec`, which puts the document together.

One way to declare: a blueprint's module describes its own endpoints in a module-level
``OPENAPI_PATHS`` mapping, built with the helpers below (:func:`ref`, :func:`error`,
:func:`denied`, :func:`json_response`, :func:`json_body`); :func:`spec` collects it from every
blueprint the app has registered, in their order.
"""

from __future__ import annotations

import importlib

from flask import current_app

from server import __version__
from server.core.actor import ROLES
from server.core.rules import PRIORITY_REASONS, Status


def ref(name: str) -> dict:
    """A reference to one of the shared :data:`SCHEMAS`."""
    return {"$ref": f"#/components/schemas/{name}"}


def error(description: str) -> dict:
    """An error answer (the API's ``{"error": {"code", "message"}}``)."""
    return {"description": description, "content": {"application/json": {"schema": ref("Error")}}}


def json_response(schema: dict, description: str = "OK") -> dict:
    """A JSON answer of ``schema``."""
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def denied(who: str, forbidden: str | None = None) -> dict:
    """The 401 and 403 answers of an endpoint for ``who`` (e.g. "admin", "supervisor dan admin");
    ``forbidden`` describes the 403 in other words than "Khusus <who>"."""
    return {
        "401": error("Belum masuk (unauthenticated)"),
        "403": error(f"{forbidden or 'Khusus ' + who} (forbidden)"),
    }


def json_body(schema: dict, required: bool = True) -> dict:
    """A JSON request body of ``schema``."""
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
                    "role": {"type": "string", "enum": list(ROLES)},
                    "counter": NULLABLE_INT,
                },
            }
        },
    },
}


def spec() -> dict:
    """The OpenAPI document."""
    paths: dict = {}
    for blueprint in current_app.blueprints.values():
        module = importlib.import_module(blueprint.import_name)
        paths.update(getattr(module, "OPENAPI_PATHS", {}))
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
