"""The admin's "Rekam suara" page and the voice pack API (admin only).

The page walks an officer through the words a complete pack needs, records each with the
microphone (the page sends WAV), plays it back and saves it; the API also takes and gives the
whole pack as a .zip. Every change is in the audit log and makes the next calls use it.
"""

from __future__ import annotations

import io
import string

from flask import Blueprint, jsonify, request, send_file

from server.core import accounts
from server.core.actor import Actor
from server.core.errors import LoketError
from server.voice.pack import FOLDER, MAX_ZIP_BYTES, PackError, VoicePack, check_name, needed
from server.webbase import openapi
from server.webbase.guard import current_runtime, page, requires

bp = Blueprint("voice_pack", __name__)


def _pack() -> VoicePack:
    announcer_pack = getattr(current_runtime().announcer, "pack", None)
    return announcer_pack if announcer_pack is not None else VoicePack(current_runtime().data_dir / FOLDER)


def _refused(exc: PackError, status: int = 400) -> LoketError:
    return LoketError(exc.code, exc.message, status)


def _changed(actor, action: str, target: str, after: dict | None) -> None:
    """Audit the change and let the prefetcher make the next calls with the new pack."""
    runtime = current_runtime()
    with runtime.store.write() as conn:
        accounts.add_audit(conn, runtime.queue.now().timestamp(), actor.username, action, target, None, after)
    runtime.prefetch_announcements()


def word_list() -> list[dict]:
    """The words of a complete pack for this office, each with whether the pack covers it."""
    config = current_runtime().config
    literals = [literal for literal, *_rest in string.Formatter().parse(config.voice.template)]
    pack = _pack()
    clips = pack.clips()
    items = needed(literals, [counter.name for counter in config.counters])
    for item in items:
        item["recorded"] = item["name"] in clips
        if item["kind"] == "huruf":
            item["covered"] = item["recorded"]
        else:
            item["covered"] = all(
                segment.path is not None for segment in pack.plan(item["name"].replace("-", " "))
            )
    return items


@bp.get("/admin/suara")
@requires("admin", page="admin")
def record_page(actor: Actor):
    """The "Rekam suara" page; anonymous users sign in first, other roles are refused."""
    return page("voice_record.html")


@bp.get("/api/admin/voice-pack")
@requires("admin")
def pack_state(actor: Actor):
    """The word list with what is recorded, the words the pack lacks, and clips beyond the list."""
    items = word_list()
    listed = {item["name"] for item in items}
    return jsonify(
        {
            "items": items,
            "missing": [item["name"] for item in items if not item["covered"]],
            "extra": sorted(name for name in _pack().clips() if name not in listed),
            "clips": len(_pack().clips()),
            "fingerprint": _pack().fingerprint(),
        }
    )


@bp.get("/api/admin/voice-pack/clips/<name>.wav")
@requires("admin")
def clip(name: str, actor: Actor):
    """One recording, to play it back."""
    path = _pack().clips().get(name)
    if path is None:
        raise LoketError("clip_not_found", "Rekaman belum ada.", 404)
    response = send_file(path, mimetype="audio/wav", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.put("/api/admin/voice-pack/clips/<name>")
@requires("admin")
def save_clip(name: str, actor: Actor):
    """Add or replace a recording; the body is the WAV itself."""
    try:
        check_name(name)
        data = request.get_data(cache=False)
        _pack().save(name, data)
    except PackError as exc:
        raise _refused(exc) from None
    _changed(actor, "save_voice_clip", name, {"bytes": len(data)})
    return jsonify({"ok": True, "name": name})


@bp.delete("/api/admin/voice-pack/clips/<name>")
@requires("admin")
def delete_clip(name: str, actor: Actor):
    """Remove a recording (the synthesiser says that word again)."""
    try:
        removed = _pack().delete(name)
    except PackError as exc:
        raise _refused(exc) from None
    if not removed:
        raise LoketError("clip_not_found", "Rekaman belum ada.", 404)
    _changed(actor, "delete_voice_clip", name, None)
    return jsonify({"ok": True})


@bp.post("/api/admin/voice-pack/import")
@requires("admin")
def import_pack(actor: Actor):
    """Take the recordings of a pack .zip (uploaded as the ``pack`` file or as the body)."""
    request.max_content_length = MAX_ZIP_BYTES // 2  # a zip of WAVs is smaller than its content
    upload = request.files.get("pack")
    data = upload.read() if upload is not None else request.get_data(cache=False)
    if not data:
        raise LoketError("empty_pack", "Pilih berkas zip paket suara.", 400)
    try:
        names = _pack().import_zip(io.BytesIO(data))
    except PackError as exc:
        raise _refused(exc) from None
    _changed(actor, "import_voice_pack", "voice-pack", {"clips": len(names)})
    return jsonify({"ok": True, "imported": names})


@bp.get("/api/admin/voice-pack/export")
@requires("admin")
def export_pack(actor: Actor):
    """The whole pack as a .zip, to share with another office."""
    pack = _pack()
    if not pack.clips():
        raise LoketError("empty_pack", "Paket suara masih kosong.", 404)
    buffer = io.BytesIO()
    pack.export_zip(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name="paket-suara.zip")


_OK = openapi.json_response({"type": "object"})
_ADMIN = openapi.denied("admin", "Bukan admin")
_NAME = {
    "name": "name",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
}
_WAV = {"200": {"description": "WAV", "content": {"audio/wav": {}}}}
_REFUSED = openapi.error(
    "Rekaman ditolak (invalid_clip_name, invalid_wav, invalid_clip_length, clip_too_large)"
)

OPENAPI_PATHS = {
    "/api/admin/voice-pack": {
        "get": {
            "summary": "Daftar kata paket suara, yang sudah direkam dan yang belum ada",
            "responses": {"200": _OK, **_ADMIN},
        }
    },
    "/api/admin/voice-pack/clips/{name}.wav": {
        "get": {
            "summary": "Putar satu rekaman",
            "parameters": [_NAME],
            "responses": {**_WAV, **_ADMIN, "404": openapi.error("Rekaman belum ada")},
        }
    },
    "/api/admin/voice-pack/clips/{name}": {
        "put": {
            "summary": "Simpan atau ganti satu rekaman (isi: berkas WAV PCM)",
            "parameters": [_NAME],
            "requestBody": {
                "content": {"application/octet-stream": {"schema": {"type": "string", "format": "binary"}}}
            },
            "responses": {"200": _OK, "400": _REFUSED, **_ADMIN},
        },
        "delete": {
            "summary": "Hapus satu rekaman",
            "parameters": [_NAME],
            "responses": {"200": _OK, "400": _REFUSED, **_ADMIN, "404": openapi.error("Rekaman belum ada")},
        },
    },
    "/api/admin/voice-pack/import": {
        "post": {
            "summary": "Impor paket suara (.zip)",
            "requestBody": {
                "content": {
                    "multipart/form-data": {
                        "schema": {
                            "type": "object",
                            "properties": {"pack": {"type": "string", "format": "binary"}},
                        }
                    }
                }
            },
            "responses": {
                "200": _OK,
                "400": openapi.error("Zip atau rekaman tidak valid"),
                **_ADMIN,
                "413": openapi.error("Terlalu besar"),
            },
        }
    },
    "/api/admin/voice-pack/export": {
        "get": {
            "summary": "Unduh paket suara (.zip)",
            "responses": {
                "200": {"description": "zip", "content": {"application/zip": {}}},
                **_ADMIN,
                "404": openapi.error("Paket suara kosong"),
            },
        }
    },
}
