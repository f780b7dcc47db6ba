"""The admin's services (add, edit, retire — kept for past reports — and restore) and counters
(add, rename or change the services they serve, remove)."""

from __future__ import annotations

import copy

from flask import jsonify

from server.core import waiting
from server.core.errors import LoketError
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
from server.webbase import openapi
from server.webbase.body import field, json_body
from server.webbase.guard import current_runtime, requires


def _unknown_service(code: str) -> LoketError:
    return LoketError("unknown_service", f"Layanan {code} tidak dikenal.", 404)


def _unknown_counter(counter_id: int) -> LoketError:
    return LoketError("unknown_counter", f"Loket {counter_id} tidak dikenal.", 404)


@bp.post("/api/admin/services")
@requires("admin")
def add_service(actor):
    """Add a service (a lowercase code is taken as its capital); warns that it is not on the kiosk
    until a counter serves it."""
    data = json_body()
    code = field(data, "code", str, required=True).strip().upper()
    # Checked before the loader sees it, for the field's own error code.
    if len(code) != 1 or not "A" <= code <= "Z":
        raise LoketError("invalid_code", "Kode layanan harus satu huruf A–Z.", 422)
    data["code"] = code

    def change(raw):
        if find(raw["services"], "code", code) is not None:
            raise LoketError("service_exists", f"Layanan dengan kode {code} sudah ada.", 409)
        raw["services"].append(data)
        return None, data

    settings = apply_change(actor, "add_service", code, change)
    warning = (
        f"Nomor layanan {code} belum bisa diambil di kiosk karena belum ada loket yang "
        "melayaninya: centang layanan ini pada salah satu loket di tab Loket."
    )
    return jsonify({"settings": settings, "warning": warning}), 201


@bp.put("/api/admin/services/<code>")
@requires("admin")
def update_service(code: str, actor):
    """Edit a service (name, standards, quota, hours, enabled). The code itself stays."""
    data = json_body()

    def change(raw):
        before, after = merge_entry(raw["services"], "code", code, data, _unknown_service(code))
        if data.get("hours") == "":  # the office's hours again
            after.pop("hours", None)
        return before, after

    return jsonify({"settings": apply_change(actor, "update_service", code, change)})


@bp.post("/api/admin/services/<code>/retire")
@requires("admin")
def retire_service(code: str, actor):
    """Retire a service: kept for past reports, taken off every screen and counter."""
    if current_runtime().queue.waiting_counts().get(code, 0):
        raise LoketError(
            "service_busy",
            f"Masih ada pengunjung yang menunggu layanan {code}; istirahatkan setelah antrian habis.",
            409,
        )

    def change(raw):
        before, after = _set_retired(raw, code, True)
        for counter in raw["counters"]:
            if counter["services"] == [code]:
                raise LoketError(
                    "counter_needs_service",
                    f"{counter['name']} hanya melayani layanan {code}: "
                    "pilih layanan lain untuk loket itu terlebih dahulu.",
                    409,
                )
            counter["services"] = [c for c in counter["services"] if c != code]
        return before, after

    return jsonify({"settings": apply_change(actor, "retire_service", code, change)})


@bp.post("/api/admin/services/<code>/restore")
@requires("admin")
def restore_service(code: str, actor):
    """Offer a retired service again (a counter must then be given it)."""
    return jsonify(
        {"settings": apply_change(actor, "restore_service", code, lambda raw: _set_retired(raw, code, False))}
    )


def _set_retired(raw: dict, code: str, retired: bool) -> tuple[dict, dict]:
    index = entry(raw["services"], "code", code, _unknown_service(code))
    before = copy.deepcopy(raw["services"][index])
    raw["services"][index]["retired"] = retired
    return before, raw["services"][index]


@bp.post("/api/admin/counters")
@requires("admin")
def add_counter(actor):
    """Add a counter (runtime)."""
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
        return merge_entry(raw["counters"], "id", counter_id, data, _unknown_counter(counter_id))

    return jsonify({"settings": apply_change(actor, "update_counter", str(counter_id), change)})


@bp.delete("/api/admin/counters/<int:counter_id>")
@requires("admin")
def delete_counter(counter_id: int, actor):
    """Remove a counter that holds no visitor."""
    if waiting.held_by_counter(current_runtime().store.read(), counter_id):
        raise LoketError("counter_busy", f"Loket {counter_id} sedang melayani pengunjung.", 409)

    def change(raw):
        index = entry(raw["counters"], "id", counter_id, _unknown_counter(counter_id))
        return raw["counters"].pop(index), None

    return jsonify({"settings": apply_change(actor, "delete_counter", str(counter_id), change)})


_CODE = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
_UNKNOWN_SERVICE = openapi.error("Layanan tidak dikenal")

_COUNTER_ID = {"name": "counter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_UNKNOWN_COUNTER = openapi.error("Loket tidak dikenal")

OPENAPI_PATHS = {
    "/api/admin/services": {
        "post": {
            "summary": "Tambah layanan",
            "requestBody": OBJECT_BODY,
            "responses": {
                "201": OK,
                "400": NOT_JSON,
                **DENIED,
                "409": openapi.error("Kode sudah ada"),
                "422": INVALID,
            },
        }
    },
    "/api/admin/services/{code}": {
        "put": {
            "summary": "Ubah layanan",
            "parameters": [_CODE],
            "requestBody": OBJECT_BODY,
            "responses": {"200": OK, "400": NOT_JSON, **DENIED, "404": _UNKNOWN_SERVICE, "422": INVALID},
        }
    },
    **{
        f"/api/admin/services/{{code}}/{action}": {
            "post": {
                "summary": summary,
                "parameters": [_CODE],
                "responses": {
                    "200": OK,
                    **DENIED,
                    "404": _UNKNOWN_SERVICE,
                    "409": openapi.error(
                        "Masih ada yang menunggu, atau sebuah loket hanya melayani layanan ini"
                    ),
                },
            }
        }
        for action, summary in (("retire", "Istirahatkan layanan"), ("restore", "Aktifkan kembali layanan"))
    },
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
            "responses": {"200": OK, "400": NOT_JSON, **DENIED, "404": _UNKNOWN_COUNTER, "422": INVALID},
        },
        "delete": {
            "summary": "Hapus loket",
            "parameters": [_COUNTER_ID],
            "responses": {
                "200": OK,
                **DENIED,
                "404": _UNKNOWN_COUNTER,
                "409": openapi.error("Loket sedang melayani"),
            },
        },
    },
}
