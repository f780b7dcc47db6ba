"""The admin's "Rekam suara" page and the voice pack API (admin only).

The page walks an officer through the words a complete pack needs, records each with the
microphone (the page sends WAV), plays it back and saves it; the API also takes and gives the
whole pack as a .zip. Every change is in the audit log and makes the next calls use it.
"""

from __future__ import annotations

import io
import string

from flask import Blueprint, current_app, jsonify, request, send_file

from server.core import storage
from server.core.errors import LoketError
from server.voice.pack import FOLDER, MAX_ZIP_BYTES, PackError, VoicePack, check_name, needed
from server.web import auth, guard

bp = Blueprint("voice_pack", __name__)


def _loket():
    return current_app.extensions["loket"]


def _pack() -> VoicePack:
    announcer_pack = getattr(_loket().announcer, "pack", None)
    return announcer_pack if announcer_pack is not None else VoicePack(_loket().data_dir / FOLDER)


def _admin():
    return auth.require_actor(_loket().store, roles=("admin",))


def _refused(exc: PackError, status: int = 400) -> LoketError:
    return LoketError(exc.code, exc.message, status)


def _changed(actor, action: str, target: str, after: dict | None) -> None:
    """Audit the change and let the prefetcher make the next calls with the new pack."""
    loket = _loket()
    with loket.store.write() as conn:
        storage.add_audit(conn, loket.queue.now().timestamp(), actor.username, action, target, None, after)
    loket.prefetch_announcements()


def word_list() -> list[dict]:
    """The words of a complete pack for this office, each with whether the pack covers it."""
    config = _loket().config
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
@guard.requires("admin", page="admin")
def record_page(actor):
    """The "Rekam suara" page; anonymous users sign in first, other roles are refused."""
    return guard.page("voice_record.html")


@bp.get("/api/admin/voice-pack")
def pack_state():
    """The word list with what is recorded, the words the pack lacks, and clips beyond the list."""
    _admin()
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
def clip(name: str):
    """One recording, to play it back."""
    _admin()
    path = _pack().clips().get(name)
    if path is None:
        raise LoketError("clip_not_found", "Rekaman belum ada.", 404)
    response = send_file(path, mimetype="audio/wav", max_age=0)
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.put("/api/admin/voice-pack/clips/<name>")
def save_clip(name: str):
    """Add or replace a recording; the body is the WAV itself."""
    actor = _admin()
    try:
        check_name(name)
        data = request.get_data(cache=False)
        _pack().save(name, data)
    except PackError as exc:
        raise _refused(exc) from None
    _changed(actor, "save_voice_clip", name, {"bytes": len(data)})
    return jsonify({"ok": True, "name": name})


@bp.delete("/api/admin/voice-pack/clips/<name>")
def delete_clip(name: str):
    """Remove a recording (the synthesiser says that word again)."""
    actor = _admin()
    try:
        removed = _pack().delete(name)
    except PackError as exc:
        raise _refused(exc) from None
    if not removed:
        raise LoketError("clip_not_found", "Rekaman belum ada.", 404)
    _changed(actor, "delete_voice_clip", name, None)
    return jsonify({"ok": True})


@bp.post("/api/admin/voice-pack/import")
def import_pack():
    """Take the recordings of a pack .zip (uploaded as the ``pack`` file or as the body)."""
    actor = _admin()
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
def export_pack():
    """The whole pack as a .zip, to share with another office."""
    _admin()
    pack = _pack()
    if not pack.clips():
        raise LoketError("empty_pack", "Paket suara masih kosong.", 404)
    buffer = io.BytesIO()
    pack.export_zip(buffer)
    buffer.seek(0)
    return send_file(buffer, mimetype="application/zip", as_attachment=True, download_name="paket-suara.zip")


def _openapi_paths() -> dict:
    from server.web.openapi import error, json_response

    ok = json_response({"type": "object"})
    denied = {"401": error("Belum masuk (unauthenticated)"), "403": error("Bukan admin (forbidden)")}
    name = {
        "name": "name",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"},
    }
    wav = {"200": {"description": "WAV", "content": {"audio/wav": {}}}}
    refused = error("Rekaman ditolak (invalid_clip_name, invalid_wav, invalid_clip_length, clip_too_large)")
    return {
        "/api/admin/voice-pack": {
            "get": {
                "summary": "Daftar kata paket suara, yang sudah direkam dan yang belum ada",
                "responses": {"200": ok, **denied},
            }
        },
        "/api/admin/voice-pack/clips/{name}.wav": {
            "get": {
                "summary": "Putar satu rekaman",
                "parameters": [name],
                "responses": {**wav, **denied, "404": error("Rekaman belum ada")},
            }
        },
        "/api/admin/voice-pack/clips/{name}": {
            "put": {
                "summary": "Simpan atau ganti satu rekaman (isi: berkas WAV PCM)",
                "parameters": [name],
                "requestBody": {
                    "content": {
                        "application/octet-stream": {"schema": {"type": "string", "format": "binary"}}
                    }
                },
                "responses": {"200": ok, "400": refused, **denied},
            },
            "delete": {
                "summary": "Hapus satu rekaman",
                "parameters": [name],
                "responses": {"200": ok, "400": refused, **denied, "404": error("Rekaman belum ada")},
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
                    "200": ok,
                    "400": error("Zip atau rekaman tidak valid"),
                    **denied,
                    "413": error("Terlalu besar"),
                },
            }
        },
        "/api/admin/voice-pack/export": {
            "get": {
                "summary": "Unduh paket suara (.zip)",
                "responses": {
                    "200": {"description": "zip", "content": {"application/zip": {}}},
                    **denied,
                    "404": error("Paket suara kosong"),
                },
            }
        },
    }


OPENAPI_PATHS = _openapi_paths()
