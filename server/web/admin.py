"""The admin's page and API: services, counters, users, office profile, voice, printer, audit log.

Every change is validated like loket.toml at start-up, saved to the file, applied live (screens
are told at once) and written to the append-only audit log with who, when, before and after.
"""

from __future__ import annotations

import copy
import io
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request, send_file, url_for
from PIL import Image, UnidentifiedImageError

from server.config.loader import CONFIG_NAME
from server.config.store import config_to_raw, save_config
from server.core import storage
from server.core.actor import ROLES, Actor
from server.core.errors import ConfigError, LoketError
from server.core.present import state_json
from server.web import auth
from server.web.api import field, json_body

bp = Blueprint("admin", __name__)

LOGO_NAME = "logo.png"
LOGO_MAX_PIXELS_SIDE = 4000
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 800
SECTIONS = ("office", "queue", "printer", "voice", "display", "security", "survey")


def _loket():
    return current_app.extensions["loket"]


def _admin() -> Actor:
    return auth.require_actor(_loket().store, roles=("admin",))


def admin_only_page(template: str):
    """Render an admin page; anonymous users get the login form, other roles are refused."""
    loket = _loket()
    actor = auth.current_actor(loket.store)
    if actor is None:
        # The login form, answered 401 so that nothing here passes for a public page.
        return render_template(
            "login.html", office=loket.config.office, config=loket.config, purpose="admin", actor=None
        ), 401
    if actor.role != "admin":
        return render_template("forbidden.html", office=loket.config.office), 403
    return render_template(template, office=loket.config.office, config=loket.config)


@bp.get("/admin")
def admin_page():
    """The admin page; anonymous users sign in first, other roles are refused."""
    return admin_only_page("admin.html")


@bp.get("/logo.png")
def logo():
    """The office logo uploaded by the admin (404 when there is none)."""
    path = _loket().data_dir / LOGO_NAME
    if not path.exists():
        raise LoketError("no_logo", "Logo kantor belum diunggah.", 404)
    return send_file(path, mimetype="image/png", max_age=60)


# ---- settings ------------------------------------------------------------------------------


@bp.get("/api/admin/settings")
def get_settings():
    """The whole configuration, TOML-shaped, plus printer and voice status."""
    _admin()
    loket = _loket()
    return jsonify(
        {
            "settings": config_to_raw(loket.config),
            "printer_status": loket.printer.status(),
            "voice_status": loket.announcer.status(),
            "has_logo": (loket.data_dir / LOGO_NAME).exists(),
        }
    )


def _apply(actor: Actor, action: str, target: str, change) -> dict:
    """Change a copy of the raw config, validate, save, apply live, audit; return the new raw."""
    loket = _loket()
    before_raw = config_to_raw(loket.config)
    raw = copy.deepcopy(before_raw)
    before, after = change(raw)
    try:
        config = save_config(loket.data_dir / CONFIG_NAME, raw)
    except ConfigError as exc:
        raise LoketError("invalid_settings", f"Pengaturan tidak valid: {exc}", 422) from None
    loket.reconfigure(config)
    with loket.store.write() as conn:
        storage.add_audit(conn, loket.queue.now().timestamp(), actor.username, action, target, before, after)
    _broadcast_settings()
    return config_to_raw(config)


def _broadcast_settings() -> None:
    """Kiosks, displays and consoles redraw from the new configuration without a reload."""
    from server.live.events import broadcast, queue_changed

    broadcast("config_changed", {})
    broadcast("state", state_json(_loket().queue))
    queue_changed(_loket())


@bp.put("/api/admin/settings/<section>")
def put_section(section: str):
    """Change one table of loket.toml (keys not sent are kept)."""
    actor = _admin()
    if section not in SECTIONS:
        raise LoketError("unknown_section", f"Bagian pengaturan '{section}' tidak dikenal.", 404)
    data = json_body()

    def change(raw):
        before = copy.deepcopy(raw[section])
        raw[section] = {**raw[section], **data}
        return before, raw[section]

    return jsonify({"settings": _apply(actor, f"update_{section}", section, change)})


def _find(items: list[dict], key: str, value):
    return next((i for i, item in enumerate(items) if item[key] == value), None)


@bp.post("/api/admin/services")
def add_service():
    """Add a service (a lowercase code is taken as its capital); warns that it is not on the kiosk
    until a counter serves it."""
    actor = _admin()
    data = json_body()
    code = field(data, "code", str, required=True).strip().upper()
    if len(code) != 1 or not "A" <= code <= "Z":
        raise LoketError("invalid_code", "Kode layanan harus satu huruf A–Z.", 422)
    data["code"] = code

    def change(raw):
        if _find(raw["services"], "code", code) is not None:
            raise LoketError("service_exists", f"Layanan dengan kode {code} sudah ada.", 409)
        raw["services"].append(data)
        return None, data

    settings = _apply(actor, "add_service", code, change)
    warning = (
        f"Nomor layanan {code} belum bisa diambil di kiosk karena belum ada loket yang "
        "melayaninya: centang layanan ini pada salah satu loket di tab Loket."
    )
    return jsonify({"settings": settings, "warning": warning}), 201


@bp.post("/api/admin/services/<code>/retire")
def retire_service(code: str):
    """Retire a service: kept for past reports, taken off every screen and counter."""
    return _retire_or_restore(code, "retire")


@bp.post("/api/admin/services/<code>/restore")
def restore_service(code: str):
    """Offer a retired service again (a counter must then be given it)."""
    return _retire_or_restore(code, "restore")


def _retire_or_restore(code: str, action: str):
    actor = _admin()
    loket = _loket()
    if action == "retire" and loket.queue.waiting_counts().get(code, 0):
        raise LoketError(
            "service_busy",
            f"Masih ada pengunjung yang menunggu layanan {code}; istirahatkan setelah antrian habis.",
            409,
        )

    def change(raw):
        index = _find(raw["services"], "code", code)
        if index is None:
            raise LoketError("unknown_service", f"Layanan {code} tidak dikenal.", 404)
        before = copy.deepcopy(raw["services"][index])
        raw["services"][index]["retired"] = action == "retire"
        if action == "retire":
            for counter in raw["counters"]:
                if counter["services"] == [code]:
                    raise LoketError(
                        "counter_needs_service",
                        f"{counter['name']} hanya melayani layanan {code}: "
                        "pilih layanan lain untuk loket itu terlebih dahulu.",
                        409,
                    )
                counter["services"] = [c for c in counter["services"] if c != code]
        return before, raw["services"][index]

    return jsonify({"settings": _apply(actor, f"{action}_service", code, change)})


@bp.put("/api/admin/services/<code>")
def update_service(code: str):
    """Edit a service (name, standards, quota, hours, enabled). The code itself stays."""
    actor = _admin()
    data = json_body()

    def change(raw):
        index = _find(raw["services"], "code", code)
        if index is None:
            raise LoketError("unknown_service", f"Layanan {code} tidak dikenal.", 404)
        before = raw["services"][index]
        after = {**before, **data, "code": code}
        if data.get("hours") == "":
            after.pop("hours", None)
        raw["services"][index] = after
        return before, after

    return jsonify({"settings": _apply(actor, "update_service", code, change)})


@bp.post("/api/admin/counters")
def add_counter():
    """Add a counter (loket)."""
    actor = _admin()
    data = json_body()
    counter_id = field(data, "id", int, required=True)

    def change(raw):
        if _find(raw["counters"], "id", counter_id) is not None:
            raise LoketError("counter_exists", f"Loket {counter_id} sudah ada.", 409)
        raw["counters"].append(data)
        raw["counters"].sort(key=lambda c: c["id"] if isinstance(c.get("id"), int) else 0)
        return None, data

    return jsonify({"settings": _apply(actor, "add_counter", str(counter_id), change)}), 201


@bp.put("/api/admin/counters/<int:counter_id>")
def update_counter(counter_id: int):
    """Rename a counter or change the services it serves."""
    actor = _admin()
    data = json_body()

    def change(raw):
        index = _find(raw["counters"], "id", counter_id)
        if index is None:
            raise LoketError("unknown_counter", f"Loket {counter_id} tidak dikenal.", 404)
        before = raw["counters"][index]
        after = {**before, **data, "id": counter_id}
        raw["counters"][index] = after
        return before, after

    return jsonify({"settings": _apply(actor, "update_counter", str(counter_id), change)})


@bp.delete("/api/admin/counters/<int:counter_id>")
def delete_counter(counter_id: int):
    """Remove a counter that holds no visitor."""
    actor = _admin()
    loket = _loket()
    if storage.held_by_counter(loket.store.read(), counter_id):
        raise LoketError("counter_busy", f"Loket {counter_id} sedang melayani pengunjung.", 409)

    def change(raw):
        index = _find(raw["counters"], "id", counter_id)
        if index is None:
            raise LoketError("unknown_counter", f"Loket {counter_id} tidak dikenal.", 404)
        return raw["counters"].pop(index), None

    return jsonify({"settings": _apply(actor, "delete_counter", str(counter_id), change)})


# ---- logo ----------------------------------------------------------------------------------


@bp.post("/api/admin/logo")
def upload_logo():
    """Upload the office logo: PNG or JPEG, at most 1 MB; stored re-encoded as PNG."""
    actor = _admin()
    upload = request.files.get("logo")
    if upload is None:
        raise LoketError("missing_file", "Pilih berkas logo (PNG atau JPEG).", 422)
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise LoketError("file_too_large", "Logo terlalu besar; maksimal 1 MB.", 413)
    try:
        image = Image.open(io.BytesIO(data))
        if image.format not in ("PNG", "JPEG"):
            raise LoketError("invalid_image", "Logo harus berupa gambar PNG atau JPEG.", 415)
        # The header's dimensions, before decoding: a 1 MB PNG can declare 30,000 × 30,000 pixels.
        if max(image.size) > LOGO_MAX_PIXELS_SIDE:
            raise LoketError(
                "image_too_large",
                f"Ukuran logo terlalu besar; paling banyak {LOGO_MAX_PIXELS_SIDE} × "
                f"{LOGO_MAX_PIXELS_SIDE} piksel.",
                422,
            )
        image.load()
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise LoketError("invalid_image", "Logo harus berupa gambar PNG atau JPEG.", 415) from None
    image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    loket = _loket()
    target: Path = loket.data_dir / LOGO_NAME
    temp = target.with_suffix(".tmp")
    image.convert("RGBA").save(temp, "PNG")
    temp.replace(target)
    with loket.store.write() as conn:
        storage.add_audit(
            conn,
            loket.queue.now().timestamp(),
            actor.username,
            "upload_logo",
            "logo",
            None,
            {"width": image.width, "height": image.height},
        )
    _broadcast_settings()
    return jsonify({"ok": True, "url": url_for("admin.logo")})


# ---- users ---------------------------------------------------------------------------------


@bp.get("/api/admin/users")
def list_users():
    """Every user (never the password hashes)."""
    _admin()
    return jsonify({"users": storage.list_users(_loket().store.read())})


def _counters_field(data: dict):
    counters = data.get("counters")
    if counters is None:
        return None
    if not isinstance(counters, list) or not all(
        isinstance(c, int) and not isinstance(c, bool) for c in counters
    ):
        raise LoketError("invalid_field", "Kolom 'counters' harus berupa daftar nomor loket.", 422)
    for counter_id in counters:
        if _loket().config.counter(counter_id) is None:
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


@bp.post("/api/admin/users")
def add_user():
    """Add a user with a role and, for officers, the counters they may sit at."""
    actor = _admin()
    data = json_body()
    username = field(data, "username", str, required=True)
    password = field(data, "password", str, required=True)
    role = field(data, "role", str, required=True)
    counters = _counters_field(data)
    profile = _profile_fields(data)
    loket = _loket()
    auth.create_user(loket.store, username, password, role, loket.queue.now())
    with loket.store.write() as conn:
        if counters or profile:
            storage.update_user(conn, username, **({"counters": counters} if counters else {}), **profile)
        storage.add_audit(
            conn,
            loket.queue.now().timestamp(),
            actor.username,
            "add_user",
            username,
            None,
            {"role": role, "counters": counters, **profile},
        )
    return jsonify({"user": storage.get_user_public(loket.store.read(), username)}), 201


@bp.patch("/api/admin/users/<username>")
def update_user(username: str):
    """Change a user's role, allowed counters, active flag, or reset the password."""
    actor = _admin()
    data = json_body()
    loket = _loket()
    before = storage.get_user_public(loket.store.read(), username)
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
    with loket.store.write() as conn:
        storage.update_user(conn, username, **changes)
        after = storage.get_user_public(conn, username)
        audit_after = {**after, "password_reset": password is not None}
        storage.add_audit(
            conn, loket.queue.now().timestamp(), actor.username, "update_user", username, before, audit_after
        )
    from server.live.events import broadcast

    broadcast("config_changed", {})  # an open board shows the new full name at once
    return jsonify({"user": after})


# ---- status, test print, audit ---------------------------------------------------------------


@bp.post("/api/admin/printer/test")
def printer_test():
    """Queue a test ticket on the configured printer; the result arrives as printer status."""
    _admin()
    loket = _loket()
    if loket.config.printer.kind == "none":
        raise LoketError("no_printer", "Printer belum diatur (kind = none).", 409)
    loket.print_test()
    return jsonify({"queued": True, "printer_status": loket.printer.status()}), 202


@bp.get("/api/admin/audit")
def audit():
    """The audit log, newest first."""
    _admin()
    limit = request.args.get("limit", "200")
    if not limit.isdigit() or not 1 <= int(limit) <= 1000:
        raise LoketError("invalid_limit", "Parameter 'limit' harus angka 1–1000.", 400)
    queue = _loket().queue
    from server.core.present import iso

    entries = storage.audit_entries(_loket().store.read(), int(limit))
    for entry in entries:
        entry["at"] = iso(entry["at"], queue.config.office.tz)
    return jsonify({"entries": entries})


def _admin_paths() -> dict:
    from server.web.openapi import error, json_body, json_response

    ok = json_response({"type": "object"})
    denied = {"401": error("Belum masuk (unauthenticated)"), "403": error("Bukan admin (forbidden)")}
    invalid = error("Pengaturan tidak valid (invalid_settings, invalid_field, missing_field)")
    table = json_body({"type": "object"})
    item = {"name": "code", "in": "path", "required": True, "schema": {"type": "string"}}
    counter = {"name": "counter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    user = {"name": "username", "in": "path", "required": True, "schema": {"type": "string"}}
    section = {
        "name": "section",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": list(SECTIONS)},
    }
    return {
        "/api/admin/settings": {
            "get": {"summary": "Seluruh pengaturan kantor", "responses": {"200": ok, **denied}}
        },
        "/api/admin/settings/{section}": {
            "put": {
                "summary": "Ubah tabel office, queue, printer, voice, display, security atau survey",
                "parameters": [section],
                "requestBody": table,
                "responses": {
                    "200": ok,
                    "400": error("Bukan JSON"),
                    **denied,
                    "404": error("Bagian tidak dikenal"),
                    "422": invalid,
                },
            }
        },
        "/api/admin/services": {
            "post": {
                "summary": "Tambah layanan",
                "requestBody": table,
                "responses": {
                    "201": ok,
                    "400": error("Bukan JSON"),
                    **denied,
                    "409": error("Kode sudah ada"),
                    "422": invalid,
                },
            }
        },
        "/api/admin/services/{code}": {
            "put": {
                "summary": "Ubah layanan",
                "parameters": [item],
                "requestBody": table,
                "responses": {
                    "200": ok,
                    "400": error("Bukan JSON"),
                    **denied,
                    "404": error("Layanan tidak dikenal"),
                    "422": invalid,
                },
            }
        },
        **{
            f"/api/admin/services/{{code}}/{action}": {
                "post": {
                    "summary": summary,
                    "parameters": [item],
                    "responses": {
                        "200": ok,
                        **denied,
                        "404": error("Layanan tidak dikenal"),
                        "409": error("Masih ada yang menunggu, atau sebuah loket hanya melayani layanan ini"),
                    },
                }
            }
            for action, summary in (
                ("retire", "Istirahatkan layanan"),
                ("restore", "Aktifkan kembali layanan"),
            )
        },
        "/api/admin/counters": {
            "post": {
                "summary": "Tambah loket",
                "requestBody": table,
                "responses": {
                    "201": ok,
                    "400": error("Bukan JSON"),
                    **denied,
                    "409": error("Loket sudah ada"),
                    "422": invalid,
                },
            }
        },
        "/api/admin/counters/{counter_id}": {
            "put": {
                "summary": "Ubah loket",
                "parameters": [counter],
                "requestBody": table,
                "responses": {
                    "200": ok,
                    "400": error("Bukan JSON"),
                    **denied,
                    "404": error("Loket tidak dikenal"),
                    "422": invalid,
                },
            },
            "delete": {
                "summary": "Hapus loket",
                "parameters": [counter],
                "responses": {
                    "200": ok,
                    **denied,
                    "404": error("Loket tidak dikenal"),
                    "409": error("Loket sedang melayani"),
                },
            },
        },
        "/api/admin/logo": {
            "post": {
                "summary": "Unggah logo (PNG/JPEG, maks. 1 MB)",
                "requestBody": {
                    "content": {
                        "multipart/form-data": {
                            "schema": {
                                "type": "object",
                                "properties": {"logo": {"type": "string", "format": "binary"}},
                            }
                        }
                    }
                },
                "responses": {
                    "200": ok,
                    **denied,
                    "413": error("Terlalu besar"),
                    "415": error("Bukan PNG/JPEG"),
                    "422": error("Tidak ada berkas"),
                },
            }
        },
        "/api/admin/users": {
            "get": {"summary": "Daftar pengguna", "responses": {"200": ok, **denied}},
            "post": {
                "summary": "Tambah pengguna",
                "requestBody": table,
                "responses": {
                    "201": ok,
                    "400": error("Bukan JSON"),
                    **denied,
                    "409": error("Sudah ada"),
                    "422": invalid,
                },
            },
        },
        "/api/admin/users/{username}": {
            "patch": {
                "summary": "Ubah peran, loket, status aktif atau kata sandi",
                "parameters": [user],
                "requestBody": table,
                "responses": {
                    "200": ok,
                    "400": error("Bukan JSON"),
                    **denied,
                    "404": error("Tidak ditemukan"),
                    "422": invalid,
                },
            }
        },
        "/api/admin/printer/test": {
            "post": {
                "summary": "Cetak tiket uji",
                "responses": {"202": ok, **denied, "409": error("Printer belum diatur")},
            }
        },
        "/api/admin/audit": {
            "get": {
                "summary": "Log audit",
                "parameters": [{"name": "limit", "in": "query", "schema": {"type": "integer"}}],
                "responses": {"200": ok, "400": error("limit salah"), **denied},
            }
        },
    }


OPENAPI_PATHS = _admin_paths()
