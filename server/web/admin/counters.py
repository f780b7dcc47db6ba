"""The admin's counters (loket): add, rename or change their services, remove."""

from __future__ import annotations

from flask import jsonify

from server.core import storage
from server.core.errors import LoketError
from server.web import openapi
from server.web.admin import bp
from server.web.admin.changes import (
    DENIED,
    INVALID,
    NOT_JSON,
    OBJECT_BODY,
    OK,
    apply_change,
    entry,
    find,
    merge_entry,
)
from server.web.api import field, json_body
from server.web.guard import current_loket, requires


def _unknown(counter_id: int) -> LoketError:
    return LoketError("unknown_counter", f"Loket {counter_id} tidak dikenal.", 404)


@bp.post("/api/admin/counters")
@requires("admin")
def add_counter(actor):
    """Add a counter (loket)."""
    data = json_body()
    counter_id = field(data, "id", int, required=True)

    def change(raw):
        if find(raw["counters"], "id", counter_id) is not None:
            raise LoketError("counter_exists", f"Loket {counter_id} sudah ada.", 409)
        raw["counters"].append(data)
        raw["counters"].sort(key=lambda c: c["id"] if isinstance(c.get("id"), int) else 0)
        return None, data

    return jsonify({"settings": apply_change(actor, "add_counter", str(counter_id), change)}), 201


@bp.put("/api/admin/counters/<int:counter_id>")
@requires("admin")
def update_counter(counter_id: int, actor):
    """Rename a counter or change the services it serves."""
    data = json_body()

    def change(raw):
        return merge_entry(raw["counters"], "id", counter_id, data, _unknown(counter_id))

    return jsonify({"settings": apply_change(actor, "update_counter", str(counter_id), change)})


@bp.delete("/api/admin/counters/<int:counter_id>")
@requires("admin")
def delete_counter(counter_id: int, actor):
    """Remove a counter that holds no visitor."""
    if storage.held_by_counter(current_loket().store.read(), counter_id):
        raise LoketError("counter_busy", f"Loket {counter_id} sedang melayani pengunjung.", 409)

    def change(raw):
        return raw["counters"].pop(entry(raw["counters"], "id", counter_id, _unknown(counter_id))), None

    return jsonify({"settings": apply_change(actor, "delete_counter", str(counter_id), change)})


_COUNTER_ID = {"name": "counter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_UNKNOWN = openapi.error("Loket tidak dikenal")

OPENAPI_PATHS = {
    "/api/admin/counters": {
        "post": {
            "summary": "Tambah loket",
            "requestBody": OBJECT_BODY,
            "responses": {
                "201": OK,
                "400": NOT_JSON,
                **DENIED,
                "409": openapi.error("Loket sudah ada"),
                "422": INVALID,
            },
        }
    },
    "/api/admin/counters/{counter_id}": {
        "put": {
            "summary": "Ubah loket",
            "parameters": [_COUNTER_ID],
            "requestBody": OBJECT_BODY,
            "responses": {"200": OK, "400": NOT_JSON, **DENIED, "404": _UNKNOWN, "422": INVALID},
        },
        "delete": {
            "summary": "Hapus loket",
            "parameters": [_COUNTER_ID],
            "responses": {
                "200": OK,
                **DENIED,
                "404": _UNKNOWN,
                "409": openapi.error("Loket sedang melayani"),
            },
        },
    },
}
