"""The PC's state for the screens and the admin: the clock, backups, free disk space, errors.

- ``GET /api/system/status`` (anyone): whether the clock can be trusted (the kiosk, the consoles
  and the board show its message); signed-in staff also get the disk warning.
- ``GET /api/admin/system`` (admin): the "Sistem" tab of /admin.
- ``POST /api/admin/clock/confirm`` ``{"confirm": true}`` (admin): "jam sekarang sudah benar".
- ``POST /api/admin/backup`` (admin): make a backup now.
"""

from __future__ import annotations

from flask import Blueprint, jsonify

from server.core.actor import Actor
from server.core.errors import LoketError
from server.unattended.backup_schedule import BackupFailed
from server.webbase import openapi
from server.webbase.body import field, json_body
from server.webbase.guard import current_runtime, requires, signed_in

bp = Blueprint("system", __name__)


@bp.get("/api/system/status")
def system_status():
    """The clock for every screen; the disk too for signed-in staff."""
    staff = signed_in() is not None
    return jsonify(current_runtime().unattended.screen_status(staff=staff))


@bp.get("/api/admin/system")
@requires("admin")
def admin_system(actor: Actor):
    """Clock, backups, disk and the latest errors."""
    return jsonify(current_runtime().unattended.admin_status())


@bp.post("/api/admin/clock/confirm")
@requires("admin")
def confirm_clock(actor: Actor):
    """The admin confirms that the clock is right now, although data lies in its future."""
    if field(json_body(), "confirm", bool) is not True:
        raise LoketError(
            "confirmation_required", "Centang konfirmasi bahwa jam sekarang sudah benar terlebih dahulu.", 422
        )
    clock = current_runtime().unattended.guard.override(actor.username)
    return jsonify({"clock": clock})


@bp.post("/api/admin/backup")
@requires("admin")
def backup_now(actor: Actor):
    """A backup now, into the configured folder."""
    scheduler = current_runtime().unattended.backups
    try:
        path = scheduler.make("manual")
    except BackupFailed as exc:
        raise LoketError("backup_failed", exc.message, 503) from None
    return jsonify({"path": str(path), "backup": scheduler.status()})


_OBJECT = {"type": "object"}
_MESSAGE = {
    "type": "object",
    "properties": {"ok": {"type": "boolean"}, "message": {"type": ["string", "null"]}},
}
_ADMIN_ONLY = openapi.denied("admin", "Bukan admin")

OPENAPI_PATHS = {
    "/api/system/status": {
        "get": {
            "summary": "Jam komputer (dan, untuk staf yang masuk, ruang disk): boleh dipercaya atau tidak",
            "responses": {
                "200": openapi.json_response(
                    {"type": "object", "properties": {"clock": _MESSAGE, "disk": _MESSAGE}}
                )
            },
        }
    },
    "/api/admin/system": {
        "get": {
            "summary": "Jam, cadangan, ruang disk dan kesalahan terakhir (tab Sistem di /admin)",
            "responses": {
                "200": openapi.json_response(
                    {
                        "type": "object",
                        "properties": {
                            "clock": _OBJECT,
                            "backup": _OBJECT,
                            "disk": _OBJECT,
                            "log_file": {"type": "string"},
                            "errors": {"type": "array", "items": _OBJECT},
                        },
                    }
                ),
                **_ADMIN_ONLY,
            },
        }
    },
    "/api/admin/clock/confirm": {
        "post": {
            "summary": "Admin menyatakan jam sekarang sudah benar walau ada data yang tercatat lebih lambat",
            "requestBody": openapi.json_body(
                {"type": "object", "properties": {"confirm": {"type": "boolean"}}}
            ),
            "responses": {
                "200": openapi.json_response({"type": "object", "properties": {"clock": _OBJECT}}),
                "422": openapi.error("Tanpa konfirmasi (confirmation_required)"),
                **_ADMIN_ONLY,
            },
        }
    },
    "/api/admin/backup": {
        "post": {
            "summary": "Buat cadangan sekarang ke folder [backup]",
            "responses": {
                "200": openapi.json_response(
                    {"type": "object", "properties": {"path": {"type": "string"}, "backup": _OBJECT}}
                ),
                "503": openapi.error("Cadangan gagal (backup_failed)"),
                **_ADMIN_ONLY,
            },
        }
    },
}
