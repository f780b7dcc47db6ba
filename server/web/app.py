"""The application factory: the Flask app of one office, its hooks, blueprints and error pages."""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from datetime import datetime, timedelta
from importlib import resources
from pathlib import Path

from flask import Flask, jsonify, request
from jinja2 import ChoiceLoader, FileSystemLoader
from werkzeug.exceptions import HTTPException

from server.core import rules
from server.core.errors import LoketError
from server.office import Loket, default_data_dir, prepare_data_dir, secret_key
from server.web.guard import current_loket

log = logging.getLogger(__name__)


def create_app(
    data_dir: Path | str | None = None,
    test_config: dict | None = None,
    clock: Callable[[], datetime] = rules.utc_now,
    announcer=None,
    printer=None,
    background: bool = True,
    demo: bool = False,
) -> Flask:
    """Build the Flask app for the office in ``data_dir`` (created on first use).

    ``demo``: browsers on this machine are enrolled as devices by themselves (``loket serve
    --demo``). Under gevent (``loket serve``) plain requests run in real threads, off the loop.
    """
    # Absolute: Flask's send_file takes a relative path as relative to the package, not the
    # working folder (`loket serve` from a clone runs on ./loket-data).
    data_dir = (Path(data_dir) if data_dir else default_data_dir()).resolve()
    config = prepare_data_dir(data_dir, demo)
    app = Flask("server")  # templates and static files of the server package
    app.config.update(
        SECRET_KEY=secret_key(data_dir),
        SESSION_COOKIE_NAME="loket_session",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Strict",
        PERMANENT_SESSION_LIFETIME=timedelta(hours=9),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_SORT_KEYS=False,
    )
    app.config["LOKET_DEMO"] = demo
    if test_config:
        app.config.update(test_config)
    loket = Loket(data_dir, config, clock, announcer, printer)
    loket.app = app
    loket.queue.estimator.staffing = loket.staffed_counters
    app.extensions["loket"] = loket
    app.extensions["loket_announcer"] = loket.announcer
    _register(app)
    from server.eventloop import loop
    from server.live import hub

    loop.init()
    hub.init_app(app, loket)  # Socket.IO, behind the cap on anonymous sockets
    app.wsgi_app = loop.OffLoopRequests(app.wsgi_app, app.config["MAX_CONTENT_LENGTH"])
    from server.web import proxy

    proxy.wrap(app, config.security)
    loket.queue.expire_stale()
    if background:
        loket.start_background()
    return app


def _register(app: Flask) -> None:
    from server.devices import routes as devices_api
    from server.reports import routes as reporting
    from server.unattended import routes as system
    from server.voice.pack_routes import bp as voice_pack_bp
    from server.voice.routes import bp as sounds_bp
    from server.web import admin, api, console, openapi, pages
    from server.web.guide import bp as guide_bp

    app.jinja_loader = ChoiceLoader(
        [
            FileSystemLoader(str(resources.files(package) / "templates"))
            for package in ("server", "kiosk", "display")
        ]
    )
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
    from server.web.labels import context as labels_context

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
    from server.unattended.health import why_writes_fail

    log.error(
        "database error on %s %s: %s (%s)",
        request.method,
        request.path,
        error,
        why_writes_fail(current_loket().data_dir, error),
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
