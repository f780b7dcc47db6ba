"""The office logo: uploaded by the admin, shown on the kiosk, the TV, the ticket and the reports."""

from __future__ import annotations

import io
from pathlib import Path

from flask import jsonify, request, send_file, url_for
from PIL import Image, UnidentifiedImageError

from server.core.errors import LoketError
from server.web.admin import audit, bp
from server.web.admin.changes import DENIED, OK, upload_body
from server.webbase import openapi
from server.webbase.guard import current_runtime, requires

LOGO_NAME = "logo.png"
LOGO_MAX_PIXELS_SIDE = 4000
LOGO_MAX_BYTES = 1024 * 1024
LOGO_MAX_SIDE = 800


def has_logo() -> bool:
    """Whether the admin has uploaded a logo."""
    return (current_runtime().data_dir / LOGO_NAME).exists()


@bp.get("/logo.png")
def logo():
    """The office logo uploaded by the admin (404 when there is none)."""
    if not has_logo():
        raise LoketError("no_logo", "Logo kantor belum diunggah.", 404)
    return send_file(current_runtime().data_dir / LOGO_NAME, mimetype="image/png", max_age=60)


@bp.post("/api/admin/logo")
@requires("admin")
def upload_logo(actor):
    """Upload the office logo: PNG or JPEG, at most 1 MB; stored re-encoded as PNG."""
    upload = request.files.get("logo")
    if upload is None:
        raise LoketError("missing_file", "Pilih berkas logo (PNG atau JPEG).", 422)
    data = upload.read(LOGO_MAX_BYTES + 1)
    if len(data) > LOGO_MAX_BYTES:
        raise LoketError("file_too_large", "Logo terlalu besar; maksimal 1 MB.", 413)
    image = _decoded(data)
    image.thumbnail((LOGO_MAX_SIDE, LOGO_MAX_SIDE))
    runtime = current_runtime()
    target: Path = runtime.data_dir / LOGO_NAME
    temp = target.with_suffix(".tmp")
    image.convert("RGBA").save(temp, "PNG")
    temp.replace(target)
    with runtime.store.write() as conn:
        audit.record(conn, actor, "upload_logo", "logo", None, {"width": image.width, "height": image.height})
    runtime.live.settings_changed()
    return jsonify({"ok": True, "url": url_for("admin.logo")})


def _decoded(data: bytes) -> Image.Image:
    """The uploaded PNG or JPEG, decoded; 415 for anything else, 422 when it is too many pixels."""
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
    return image


OPENAPI_PATHS = {
    "/api/admin/logo": {
        "post": {
            "summary": "Unggah logo (PNG/JPEG, maks. 1 MB)",
            "requestBody": upload_body("logo"),
            "responses": {
                "200": OK,
                **DENIED,
                "413": openapi.error("Terlalu besar"),
                "415": openapi.error("Bukan PNG/JPEG"),
                "422": openapi.error("Tidak ada berkas"),
            },
        }
    },
}
