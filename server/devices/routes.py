"""Device enrollment over HTTP: a screen asks, an admin approves; who is this device.

- ``GET /api/devices/me`` — the device this request presents (or its pending code).
- ``POST /api/devices/enroll`` ``{"kind"}`` — a screen asks to be enrolled: it gets the
  ``loket_device`` cookie now (not valid yet) and a code to show; the admin approves the code.
- ``GET/POST /api/admin/devices``, ``POST /api/admin/devices/approve``,
  ``POST /api/admin/devices/<id>/revoke`` — the admin's side.
"""

from __future__ import annotations

from flask import Blueprint, current_app, g, jsonify, request

from server.core.actor import Actor
from server.core.errors import LoketError
from server.devices.registry import COOKIE, COOKIE_DAYS, KINDS, MAX_PENDING, is_local, token_from
from server.webbase import openapi
from server.webbase.body import field, json_body
from server.webbase.guard import current_runtime, requires

bp = Blueprint("devices", __name__)

#: The pseudo-device of a demo client on the server's own machine that presents no token
#: (the README's curl examples): it has a rate limit of its own, apart from every browser.
LOCAL = {"id": None, "name": "PC server (demo)", "kind": "local"}
AUTO_ENROLL = {"/kiosk": "kiosk", "/display": "display"}


def current_device() -> dict | None:
    """The enrolled device of this request; in demo mode, this machine counts as one."""
    if "device" not in g:
        device = current_runtime().devices.lookup(token_from(request.environ))
        if device is None and current_app.config.get("LOKET_DEMO") and is_local(request.environ):
            device = LOCAL
        g.device = device
    return g.device


def require_kiosk() -> dict:
    """The enrolled kiosk issuing a number (403 for anyone else)."""
    device = current_device()
    if device is None or device["kind"] not in ("kiosk", "local"):
        raise LoketError(
            "device_not_enrolled", "Nomor antrian hanya dapat diambil di kiosk kantor yang terdaftar.", 403
        )
    return device


def device_key(device: dict) -> str:
    """The key a device's rate limits are counted under."""
    return f"device:{device['id']}" if device.get("id") else "local"


def _set_cookie(response, token: str):
    response.set_cookie(
        COOKIE,
        token,
        max_age=COOKIE_DAYS * 86400,
        httponly=True,
        samesite="Strict",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )
    return response


@bp.after_app_request
def _auto_enroll(response):
    """Demo: a browser on this machine that opens the kiosk or the TV is enrolled as one."""
    kind = AUTO_ENROLL.get(request.path)
    if (
        kind
        and request.method == "GET"
        and response.status_code == 200
        and current_app.config.get("LOKET_DEMO")
        and is_local(request.environ)
        and current_runtime().devices.lookup(token_from(request.environ)) is None
    ):
        runtime = current_runtime()
        now = runtime.queue.now().timestamp()
        _device, token = runtime.devices.add(f"{kind} demo (PC server)", kind, now, by="demo")
        _set_cookie(response, token)
    return response


@bp.get("/api/devices/me")
def me():
    """This device: enrolled (its name and kind), waiting for approval (its code), or neither."""
    device = current_device()
    if device is not None:
        return jsonify({"device": {"name": device["name"], "kind": device["kind"]}, "pending": None})
    pending = current_runtime().devices.pending_code(token_from(request.environ))
    return jsonify({"device": None, "pending": pending})


@bp.post("/api/devices/enroll")
def enroll():
    """A screen asks to be enrolled; it shows the code until an admin approves it."""
    kind = field(json_body(), "kind", str, required=True)
    if kind not in KINDS:
        raise LoketError("invalid_kind", "Jenis perangkat harus kiosk, display atau tablet.", 422)
    runtime, address = current_runtime(), request.remote_addr or ""
    runtime.enroll_limit.check(address)
    token, code = runtime.devices.request(kind, address, runtime.queue.now().timestamp())
    return _set_cookie(jsonify({"pending": {"code": code, "kind": kind}}), token), 201


@bp.get("/api/admin/devices")
@requires("admin")
def listing(actor: Actor):
    """Every device, pending requests first, and whether the waiting list is full."""
    runtime = current_runtime()
    waiting = runtime.devices.pending_count(runtime.queue.now().timestamp())
    return jsonify(
        {
            "devices": runtime.devices.listing(),
            "pending": {"count": waiting, "limit": MAX_PENDING, "full": waiting >= MAX_PENDING},
        }
    )


@bp.post("/api/admin/devices/pending/clear")
@requires("admin")
def clear_pending(actor: Actor):
    """Empty the list of screens waiting for approval (after a flood of requests)."""
    return jsonify({"cleared": current_runtime().devices.clear_pending()})


@bp.post("/api/admin/devices")
@requires("admin")
def add(actor: Actor):
    """Enroll a device by hand; its token is shown once."""
    data = json_body()
    device, token = current_runtime().devices.add(
        field(data, "name", str, required=True),
        field(data, "kind", str, required=True),
        current_runtime().queue.now().timestamp(),
        by=actor.username,
    )
    return jsonify({"device": device, "token": token}), 201


@bp.post("/api/admin/devices/approve")
@requires("admin")
def approve(actor: Actor):
    """Approve the code a screen shows, giving the device its name."""
    data = json_body()
    device = current_runtime().devices.approve(
        field(data, "code", str, required=True),
        field(data, "name", str, required=True),
        current_runtime().queue.now().timestamp(),
        actor.username,
    )
    return jsonify({"device": device})


@bp.post("/api/admin/devices/<int:device_id>/revoke")
@requires("admin")
def revoke(device_id: int, actor: Actor):
    """Withdraw a device."""
    current_runtime().devices.revoke(device_id)
    return jsonify({"ok": True})


_OK = openapi.json_response({"type": "object"})
_ADMIN = openapi.denied("admin", "Bukan admin")
_BODY = openapi.json_body({"type": "object"})
_DEVICE_ID = {"name": "device_id", "in": "path", "required": True, "schema": {"type": "integer"}}

OPENAPI_PATHS = {
    "/api/devices/me": {
        "get": {
            "summary": "Perangkat ini: terdaftar, menunggu persetujuan, atau belum",
            "responses": {"200": _OK, "400": openapi.error("Permintaan tidak valid")},
        }
    },
    "/api/devices/enroll": {
        "post": {
            "summary": "Layar meminta didaftarkan (menampilkan kode)",
            "requestBody": _BODY,
            "responses": {
                "201": _OK,
                "400": openapi.error("Bukan JSON"),
                "422": openapi.error("Jenis salah"),
                "429": openapi.error("Terlalu banyak permintaan, atau daftar tunggu penuh"),
            },
        }
    },
    "/api/admin/devices": {
        "get": {"summary": "Daftar perangkat", "responses": {"200": _OK, **_ADMIN}},
        "post": {
            "summary": "Daftarkan perangkat (token ditampilkan sekali)",
            "requestBody": _BODY,
            "responses": {
                "201": _OK,
                "400": openapi.error("Bukan JSON"),
                **_ADMIN,
                "422": openapi.error("Nama/jenis salah"),
            },
        },
    },
    "/api/admin/devices/pending/clear": {
        "post": {
            "summary": "Kosongkan daftar layar yang menunggu persetujuan",
            "responses": {"200": _OK, **_ADMIN},
        }
    },
    "/api/admin/devices/approve": {
        "post": {
            "summary": "Setujui kode yang tampil di layar",
            "requestBody": _BODY,
            "responses": {
                "200": _OK,
                "400": openapi.error("Bukan JSON"),
                **_ADMIN,
                "404": openapi.error("Kode tidak ditemukan"),
                "422": openapi.error("Nama salah"),
            },
        }
    },
    "/api/admin/devices/{device_id}/revoke": {
        "post": {
            "summary": "Cabut perangkat",
            "parameters": [_DEVICE_ID],
            "responses": {"200": _OK, **_ADMIN, "404": openapi.error("Tidak ditemukan")},
        }
    },
}
