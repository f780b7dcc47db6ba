"""The admin's TV media files: upload, remove (their order and slide time are the [display]
settings).

Uploads are checked by content, not only by name: images must open in Pillow as JPEG, PNG or
WebP (at most 5 MB), videos must start like an MP4 or WebM file (at most 200 MB). Files go to the
data folder's media/ under a safe name; the list in loket.toml is what the TVs show.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from pathlib import Path

from flask import jsonify, request
from PIL import Image, UnidentifiedImageError

from server.core.errors import LoketError
from server.web.admin import bp
from server.web.admin.changes import DENIED, OK, apply_change, upload_body
from server.webbase import openapi
from server.webbase.guard import current_runtime, requires

IMAGE_MAX_BYTES = 5 * 1024 * 1024
VIDEO_MAX_BYTES = 200 * 1024 * 1024
MAX_FILES = 30
IMAGE_FORMATS = {"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}


def _video_suffix(head: bytes) -> str | None:
    """.mp4 or .webm from the first bytes of the file, else None."""
    if head[4:8] == b"ftyp":
        return ".mp4"
    if head[:4] == b"\x1a\x45\xdf\xa3":  # EBML: Matroska / WebM
        return ".webm"
    return None


def _safe_stem(filename: str) -> str:
    text = unicodedata.normalize("NFKD", filename.rsplit(".", 1)[0]).encode("ascii", "ignore").decode()
    stem = re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40]
    return stem or "media"


def _save_checked_upload(temp: Path) -> str:
    """Copy the upload to ``temp`` in chunks (never whole in memory), within its kind's size
    limit; return the file's suffix once its content is known to be a picture or a video."""
    upload = request.files.get("media")
    if upload is None or not upload.filename:
        raise LoketError("missing_file", "Pilih berkas gambar atau video.", 422)
    head = upload.stream.read(16)
    suffix = _video_suffix(head)
    limit = VIDEO_MAX_BYTES if suffix else IMAGE_MAX_BYTES
    size = len(head)
    with temp.open("wb") as out:
        out.write(head)
        while chunk := upload.stream.read(1024 * 1024):
            size += len(chunk)
            if size > limit:
                break
            out.write(chunk)
    if size > limit:
        temp.unlink(missing_ok=True)
        what = "200 MB untuk video" if suffix else "5 MB untuk gambar"
        raise LoketError("file_too_large", f"Berkas terlalu besar; maksimal {what}.", 413)
    if suffix:
        return suffix
    try:
        with Image.open(temp) as image:
            image.verify()
            kind = image.format
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        kind = None
    if kind not in IMAGE_FORMATS:
        temp.unlink(missing_ok=True)
        raise LoketError(
            "invalid_media", "Berkas harus gambar JPEG, PNG atau WebP, atau video MP4 atau WebM.", 415
        )
    return IMAGE_FORMATS[kind]


@bp.post("/api/admin/media")
@requires("admin")
def upload_media(actor):
    """Add an image or video at the end of the TV's media."""
    runtime = current_runtime()
    if len(runtime.config.display.media) >= MAX_FILES:
        raise LoketError(
            "too_many_media", f"Paling banyak {MAX_FILES} media; hapus yang tidak dipakai lagi.", 409
        )
    # This route alone takes more than the app's 2 MB request limit (Flask 3.1: per request).
    request.max_content_length = VIDEO_MAX_BYTES + 1024 * 1024
    folder = runtime.data_dir / "media"
    folder.mkdir(exist_ok=True)
    temp = folder / f".upload-{secrets.token_hex(8)}.tmp"
    try:
        suffix = _save_checked_upload(temp)
    except BaseException:
        temp.unlink(missing_ok=True)
        raise
    stem = _safe_stem(request.files["media"].filename)
    name, number = f"{stem}{suffix}", 1
    while (folder / name).exists() or name in runtime.config.display.media:
        number += 1
        name = f"{stem}-{number}{suffix}"
    temp.replace(folder / name)
    try:
        settings = _edit_media(actor, "upload_media", name, lambda media: [*media, name])
    except LoketError:
        (folder / name).unlink(missing_ok=True)
        raise
    return jsonify({"settings": settings, "name": name}), 201


@bp.delete("/api/admin/media/<name>")
@requires("admin")
def delete_media(name: str, actor):
    """Take a file off the TV and delete it."""
    runtime = current_runtime()
    if name not in runtime.config.display.media:
        raise LoketError("unknown_media", f"Media {name} tidak ditemukan.", 404)
    settings = _edit_media(actor, "delete_media", name, lambda media: [m for m in media if m != name])
    (runtime.data_dir / "media" / name).unlink(missing_ok=True)
    return jsonify({"settings": settings})


def _edit_media(actor, action: str, name: str, edit) -> dict:
    """Change [display] media to ``edit(media)`` as one audited admin change."""

    def change(raw):
        before = list(raw["display"]["media"])
        raw["display"]["media"] = edit(before)
        return {"media": before}, {"media": raw["display"]["media"]}

    return apply_change(actor, action, name, change)


OPENAPI_PATHS = {
    "/api/admin/media": {
        "post": {
            "summary": "Unggah gambar/video layar TV",
            "requestBody": upload_body("media"),
            "responses": {
                "201": OK,
                **DENIED,
                "409": openapi.error("Terlalu banyak media"),
                "413": openapi.error("Terlalu besar"),
                "415": openapi.error("Jenis berkas salah"),
                "422": openapi.error("Tidak ada berkas"),
            },
        }
    },
    "/api/admin/media/{name}": {
        "delete": {
            "summary": "Hapus media layar TV",
            "parameters": [{"name": "name", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": OK, **DENIED, "404": openapi.error("Tidak ditemukan")},
        }
    },
}
