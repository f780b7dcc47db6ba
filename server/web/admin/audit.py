"""The admin's audit log: every change, with who, when, before and after (append-only)."""

from __future__ import annotations

from flask import jsonify, request

from server.core import accounts
from server.core.actor import Actor
from server.core.errors import LoketError
from server.core.views import iso
from server.web.admin import bp
from server.webbase import openapi
from server.webbase.guard import current_runtime, requires


def record(conn, actor: Actor, action: str, target: str, before, after) -> None:
    """Write one change to the audit log, inside the caller's write (``conn``)."""
    now = current_runtime().queue.now().timestamp()
    accounts.add_audit(conn, now, actor.username, action, target, before, after)


@bp.get("/api/admin/audit")
@requires("admin")
def audit(actor):
    """The audit log, newest first."""
    limit = request.args.get("limit", "200")
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise LoketError("invalid_limit", "Parameter 'limit' harus angka 1–1000.", 400)
    runtime = current_runtime()
    entries = accounts.audit_entries(runtime.store.read(), int(limit))
    for item in entries:
        item["at"] = iso(item["at"], runtime.queue.config.office.tz)
    return jsonify({"entries": entries})


OPENAPI_PATHS = {
    "/api/admin/audit": {
        "get": {
            "summary": "Log audit",
            "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
            "responses": {
                "200": openapi.json_response({"type": "object"}),
                "400": openapi.error("limit salah"),
                **openapi.denied("admin"),
            },
        }
    },
}
