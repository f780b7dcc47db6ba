"""The Flask app of one office: its blueprints, hooks and error pages (:func:`register`), and who
counts as a trusted Socket.IO client (:func:`trusted_client`). The app itself is built by
:func:`server.assembly.create_app`."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from importlib import resources

from flask import Flask, jsonify, request
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_cookie

from server.core.errors import LoketError
from server.devices import routes as devices_api
from server.devices.registry import is_local, token_from
from server.reports import routes as reporting
from server.unattended import routes as system
from server.unattended.health import why_writes_fail
from server.voice.pack_routes import bp as voice_pack_bp
from server.voice.routes import bp as sounds_bp
from server.web import admin, api, console, openapi, pages
from server.web.guide import bp as guide_bp
from server.web.labels import context as labels_context
from server.webbase.auth import session_alive
from server.webbase.guard import current_runtime

log = logging.getLogger(__name__)


#: Where the pages' templates are: the staff pages, the kiosk's and the TV's.
TEMPLATE_PACKAGES = ("server", "kiosk", "display")


def templates() -> ChoiceLoader:
    """The templates of the staff pages, the kiosk and the TV."""
    return ChoiceLoader(
        [FileSystemLoader(str(resources.files(package) / "templates")) for package in TEMPLATE_PACKAGES]
    )


def register(app: Flask) -> None:
    """Every blueprint, hook and error page of the office's app."""
    app.register_blueprint(api.bp)
    app.register_blueprint(openapi.bp)
    app.register_blueprint(pages.bp)
    app.register_blueprint(console.bp)
    app.register_blueprint(admin.bp)
    app.register_blueprint(reporting.bp)
    app.register_blueprint(sounds_bp)
    app.register_blueprint(voice_pack_bp)
    app.register_blueprint(system.bp)
    app.register_blueprint(guide_bp)  # /bantuan, the office's guide
    app.register_blueprint(devices_api.bp)
    app.before_request(_same_origin_only)
    app.context_processor(labels_context)  # the server's words for the pages' scripts
    app.after_request(_security_headers)
    app.register_error_handler(LoketError, _loket_error)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(sqlite3.OperationalError, _database_error)
    app.register_error_handler(Exception, _unexpected_error)


_HTTP_MESSAGES = {
    400: ("bad_request", "Permintaan tidak valid."),
    404: ("not_found", "Alamat tidak ditemukan."),
    405: ("method_not_allowed", "Metode tidak diizinkan untuk alamat ini."),
    413: ("too_large", "Isi permintaan terlalu besar."),
    415: ("unsupported_media_type", "Isi permintaan harus berupa JSON."),
}


def _same_origin_only():
    """Refuse state-changing requests that a browser sends from another site (CSRF).

    Browsers always send ``Origin`` on cross-site POSTs; the session cookie is also SameSite.
    """
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return None
    origin = request.headers.get("Origin")
    if origin and origin != "null" and origin.split("://", 1)[-1] != request.host:
        raise LoketError("csrf_rejected", "Permintaan dari situs lain ditolak.", 403)
    if origin == "null":
        raise LoketError("csrf_rejected", "Permintaan dari situs lain ditolak.", 403)
    return None


def _security_headers(response):
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; "
        "style-src 'self'; script-src 'self'; connect-src 'self' ws: wss:; frame-ancestors 'none'",
    )
    return response


def _loket_error(error: LoketError):
    return jsonify(error.to_dict()), error.status


def _http_error(error: HTTPException):
    code, message = _HTTP_MESSAGES.get(error.code, ("http_error", "Permintaan tidak dapat diproses."))
    if not request.path.startswith(("/api/", "/sounds/", "/reports/")) and error.code == 404:
        return error
    return jsonify({"error": {"code": code, "message": message}}), error.code


def _database_error(error: sqlite3.OperationalError):
    # A full disk or a read-only file: nothing was written, the caller may retry.
    log.error(
        "database error on %s %s: %s (%s)",
        request.method,
        request.path,
        error,
        why_writes_fail(current_runtime().data_dir, error),
    )
    body = {
        "error": {
            "code": "database_unavailable",
            "message": "Basis data sedang tidak dapat ditulis. Hubungi admin; data yang ada aman.",
        }
    }
    return jsonify(body), 503


def _unexpected_error(error: Exception):
    log.exception("unexpected error on %s %s", request.method, request.path)
    body = {
        "error": {"code": "internal_error", "message": "Terjadi kesalahan pada server. Silakan coba lagi."}
    }
    return jsonify(body), 500


def trusted_client(app: Flask, runtime) -> Callable[[dict], bool]:
    """Whether a Socket.IO request comes from an enrolled device, signed-in staff (their session
    cookie, still open on the server) or, in the demo, this machine's own browser; handed to
    :func:`server.live.attach`."""
    serializer = app.session_interface.get_signing_serializer(app)
    max_age = app.permanent_session_lifetime.total_seconds()

    def trusted(environ) -> bool:
        if runtime.devices.lookup(token_from(environ)) is not None:
            return True
        if app.config["LOKET_DEMO"] and is_local(environ):
            return True
        cookie = parse_cookie(environ.get("HTTP_COOKIE", "")).get(app.config["SESSION_COOKIE_NAME"])
        try:
            data = serializer.loads(cookie, max_age=max_age) if cookie else {}
        except Exception:  # a forged or expired cookie is just anonymous
            return False
        return session_alive(runtime.store, data.get("sid"), data.get("username"))

    return trusted
