"""The PC's state for the screens and the admin: the clock, backups, free disk space, errors.

- ``GET /api/system/status`` (anyone): whether the clock can be trusted (the kiosk, the consoles
  and the board show its message); signed-in staff also get the disk warning.
- ``GET /api/admin/system`` (admin): the "Sistem" tab of /admin.
- ``POST /api/admin/clock/confirm`` ``{"confirm": true}`` (admin): "jam sekarang sudah benar".
- ``POST /api/admin/backup`` (admin): make a backup now.
"""

from __future__ import annotations

from flask import Blueprint, current_app, jsonify

from server.core.errors import LoketError
from server.unattended.backup_schedule import BackupFailed
from server.web import auth, openapi
from server.web.api import field, json_body

bp = Blueprint("system", __name__)


def _loket():
    return current_app.extensions["loket"]


@bp.get("/api/system/status")
def system_status():
    """The clock for every screen; the disk too for signed-in staff."""
    loket = _loket()
    staff = auth.current_actor(loket.store) is not None
    return jsonify(loket.unattended.screen_status(staff=staff))


@bp.get("/api/admin/system")
def admin_system():
    """Clock, backups, disk and the latest errors."""
    auth.require_actor(_loket().store, roles=("admin",))
    return jsonify(_loket().unattended.admin_status())


@bp.post("/api/admin/clock/confirm")
def confirm_clock():
    """The admin confirms that the clock is right now, although data lies in its future."""
    actor = auth.require_actor(_loket().store, roles=("admin",))
    if field(json_body(), "confirm", bool) is not True:
        raise LoketError(
            "confirmation_required", "Centang konfirmasi bahwa jam sekarang sudah benar terlebih dahulu.", 422
        )
    clock = _loket().unattended.guard.override(actor.username)
    return jsonify({"clock": clock})


@bp.post("/api/admin/backup")
def backup_now():
    """A backup now, into the configured folder."""
    auth.require_actor(_loket().store, roles=("admin",))
    scheduler = _loket().unattended.backups
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
_ADMIN_ONLY = {
    "401": openapi.error("Belum masuk (unauthenticated)"),
    "403": openapi.error("Bukan admin (forbidden)"),
}

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
