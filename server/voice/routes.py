"""Serving the chime and the announcement WAVs to the display."""

from __future__ import annotations

import re

from flask import Blueprint, jsonify, send_file

from server.webbase.guard import current_runtime

bp = Blueprint("sounds", __name__, url_prefix="/sounds")

_KEY_RE = re.compile(r"^[0-9a-f]{16,64}$")
WAIT_SECONDS = 3.0
MAX_AGE = 365 * 24 * 3600  # a key names its content: it never changes


def _not_found():
    response = jsonify({"error": {"code": "audio_not_found", "message": "Berkas suara tidak ditemukan."}})
    response.status_code = 404
    response.headers["Cache-Control"] = "no-store"
    return response


def _wav(path, immutable: bool = True):
    response = send_file(path, mimetype="audio/wav", conditional=True, max_age=MAX_AGE)
    if immutable:
        response.headers["Cache-Control"] = f"public, max-age={MAX_AGE}, immutable"
    return response


@bp.get("/chime.wav")
def chime():
    """The chime played before every announcement."""
    from sounds import CHIME_PATH

    if not CHIME_PATH.exists():
        return _not_found()
    # not immutable: a new release may ship a new chime under the same name
    response = _wav(CHIME_PATH, immutable=False)
    response.headers["Cache-Control"] = "public, max-age=86400"
    return response


@bp.get("/announcements/<key>.wav")
def announcement(key: str):
    """One call's announcement, waiting a moment for it to be synthesised (the chime when the
    voice failed)."""
    if not _KEY_RE.match(key):
        return _not_found()
    path = current_runtime().announcer.wait_for(key, WAIT_SECONDS)
    if path is None or not path.exists():
        return _not_found()
    # the chime stands in when the voice failed: don't let the browser keep that for ever
    return _wav(path, immutable=path.stem == key)
