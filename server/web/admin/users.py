"""The admin's users: list, add, and change a role, the counters an officer may sit at, the active
flag, the profile (full name, NIP) or the password. Users live in the database, not loket.toml."""

from __future__ import annotations

from flask import jsonify

from server.core import accounts
from server.core.actor import ROLES
from server.core.errors import LoketError
from server.live import staff
from server.web.admin import audit, bp
from server.web.admin.changes import DENIED, INVALID, NOT_JSON, OBJECT_BODY, OK
from server.webbase import auth, openapi
from server.webbase.body import field, json_body
from server.webbase.guard import current_runtime, requires


@bp.get("/api/admin/users")
@requires("admin")
def list_users(actor):
    """Every user (never the password hashes)."""
    return jsonify({"users": accounts.list_users(current_runtime().store.read())})


@bp.post("/api/admin/users")
@requires("admin")
def add_user(actor):
    """Add a user with a role and, for officers, the counters they may sit at."""
    data = json_body()
    username = field(data, "username", str, required=True)
    password = field(data, "password", str, required=True)
    role = field(data, "role", str, required=True)
    counters = _counters_field(data)
    profile = _profile_fields(data)
    runtime = current_runtime()
    auth.create_user(runtime.store, username, password, role, runtime.queue.now())
    with runtime.store.write() as conn:
        if counters or profile:
            accounts.update_user(conn, username, **({"counters": counters} if counters else {}), **profile)
        audit.record(conn, actor, "add_user", username, None, {"role": role, "counters": counters, **profile})
    return jsonify({"user": accounts.get_user_public(runtime.store.read(), username)}), 201


@bp.patch("/api/admin/users/<username>")
@requires("admin")
def update_user(username: str, actor):
    """Change a user's role, allowed counters, active flag, or reset the password."""
    data = json_body()
    runtime = current_runtime()
    before = accounts.get_user_public(runtime.store.read(), username)
    if before is None:
        raise LoketError("unknown_user", f"Pengguna {username} tidak ditemukan.", 404)
    changes: dict = _profile_fields(data)
    role = field(data, "role", str)
    if role is not None:
        if role not in ROLES:
            raise LoketError("invalid_role", f"Peran harus salah satu dari: {', '.join(ROLES)}.", 422)
        changes["role"] = role
    active = field(data, "active", bool)
    if active is not None:
        if not active and username == actor.username:
            raise LoketError("cannot_disable_self", "Anda tidak dapat menonaktifkan akun Anda sendiri.", 422)
        changes["active"] = int(active)
    if "counters" in data:
        changes["counters"] = _counters_field(data)
    password = field(data, "password", str)
    if password is not None:
        changes["password_hash"] = auth.hash_password(password)
    if not changes:
        raise LoketError("nothing_to_change", "Tidak ada perubahan yang dikirim.", 422)
    with runtime.store.write() as conn:
        accounts.update_user(conn, username, **changes)
        after = accounts.get_user_public(conn, username)
        audit.record(
            conn, actor, "update_user", username, before, {**after, "password_reset": password is not None}
        )
    staff.users_changed()
    return jsonify({"user": after})


def _counters_field(data: dict) -> list[int] | None:
    """The counters an officer may sit at, when sent: loket numbers of loket.toml."""
    counters = data.get("counters")
    if counters is None:
        return None
    if not isinstance(counters, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in counters
    ):
        raise LoketError("invalid_field", "Kolom 'counters' harus berupa daftar nomor loket.", 422)
    for counter_id in counters:
        if current_runtime().config.counter(counter_id) is None:
            raise LoketError("unknown_counter", f"Loket {counter_id} tidak dikenal.", 422)
    return counters


def _profile_fields(data: dict) -> dict:
    """Full name and NIP (18 digits, or empty) when sent."""
    changes = {}
    full_name = field(data, "full_name", str)
    if full_name is not None:
        if len(full_name.strip()) > 80:
            raise LoketError("invalid_field", "Nama lengkap terlalu panjang (maksimal 80 karakter).", 422)
        changes["full_name"] = full_name.strip()
    nip = field(data, "nip", str)
    if nip is not None:
        nip = nip.replace(" ", "")
        if nip and not (len(nip) == 18 and nip.isdigit()):
            raise LoketError("invalid_nip", "NIP harus 18 angka.", 422)
        changes["nip"] = nip
    return changes


OPENAPI_PATHS = {
    "/api/admin/users": {
        "get": {"summary": "Daftar pengguna", "responses": {"200": OK, **DENIED}},
        "post": {
            "summary": "Tambah pengguna",
            "requestBody": OBJECT_BODY,
            "responses": {
                "201": OK,
                "400": NOT_JSON,
                **DENIED,
                "409": openapi.error("Sudah ada"),
                "422": INVALID,
            },
        },
    },
    "/api/admin/users/{username}": {
        "patch": {
            "summary": "Ubah peran, runtime, status aktif atau kata sandi",
            "parameters": [
                {"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}
            ],
            "requestBody": OBJECT_BODY,
            "responses": {
                "200": OK,
                "400": NOT_JSON,
                **DENIED,
                "404": openapi.error("Tidak ditemukan"),
                "422": INVALID,
            },
        }
    },
}
