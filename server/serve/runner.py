"""Serving all day: gunicorn with one gevent worker, clean exit.

Why gunicorn with gevent (one worker): an open or slow connection costs a greenlet (tens of KB)
instead of a thread, so screens, phones and slow clients cannot starve the kiosk; blocking work
runs in gevent's real OS threads (server/eventloop/loop.py). Flask-SocketIO serves websockets under it
through simple-websocket; one worker keeps all Socket.IO clients in one process (no message
queue needed); the master restarts a worker that dies; SIGTERM and SIGINT stop it gracefully.
Werkzeug is a development server and is used only where gunicorn cannot run (Windows) or when
asked for with ``--dev``.
"""

from __future__ import annotations

import socket
import sys
from pathlib import Path

from server.assembly import create_app
from server.config.data_dir import prepare_data_dir
from server.live import socketio


def page_urls(host: str, port: int) -> list[tuple[str, str]]:
    """The addresses of the office's pages, for the console."""
    shown = "127.0.0.1" if host in ("0.0.0.0", "::", "") else host
    base = f"http://{shown}:{port}"
    pages = [
        ("Kiosk (ambil nomor)", "/kiosk"),
        ("Layar TV (display)", "/display"),
        ("Petugas loket", "/officer"),
        ("Papan pemantauan", "/board"),
        ("Admin", "/admin"),
        ("Laporan", "/reports"),
        ("Panduan (bantuan)", "/bantuan"),
        ("API (OpenAPI)", "/api/openapi.json"),
    ]
    urls = [(label, base + path) for label, path in pages]
    if host in ("0.0.0.0", "::"):
        try:
            lan = socket.gethostbyname(socket.gethostname())
            if not lan.startswith("127."):
                urls.append(("Dari PC lain di jaringan kantor", f"http://{lan}:{port}/"))
        except OSError:
            pass
    return urls


def serve(data_dir: Path, host: str, port: int, dev: bool = False, demo: bool = False) -> int:
    """Serve until SIGINT/SIGTERM; return the exit code."""

    def ready():
        print("Loket siap. Buka:", flush=True)
        for label, url in page_urls(host, port):
            print(f"  {label:32} {url}", flush=True)

    if dev or sys.platform == "win32":
        return _serve_werkzeug(data_dir, host, port, demo, ready)
    return _serve_gunicorn(data_dir, host, port, demo, ready)


def _serve_werkzeug(data_dir, host, port, demo, ready) -> int:
    app = create_app(data_dir, demo=demo)
    ready()
    try:
        socketio.run(app, host=host, port=port, allow_unsafe_werkzeug=True, use_reloader=False)
    finally:
        app.extensions["runtime"].close()
    return 0


def _serve_gunicorn(data_dir, host, port, demo, ready) -> int:
    from gunicorn.app.base import BaseApplication  # not on Windows: only where gunicorn serves

    from server.serve import gworker  # gevent and gunicorn: not installed on Windows

    security = prepare_data_dir(data_dir).security
    gworker.CONNECTIONS_PER_ADDRESS["limit"] = security.connections_per_address
    gworker.MAX_CONNECTIONS["limit"] = security.max_connections

    class LoketApplication(BaseApplication):
        def load_config(self):
            options = {
                "bind": f"[{host}]:{port}" if ":" in host else f"{host}:{port}",
                "workers": 1,
                "worker_class": "server.serve.gworker.LoketWorker",
                "worker_connections": security.max_connections + gworker.RESERVED_CONNECTIONS,
                "timeout": 60,
                "graceful_timeout": 5,
                "keepalive": 5,
                "accesslog": None,
                "errorlog": "-",
                "loglevel": "warning",
                "when_ready": lambda server: ready(),
                "worker_exit": _close_worker,
            }
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            # Runs in the worker after the fork: database, voice and printer threads live there.
            return create_app(data_dir, demo=demo)

    LoketApplication().run()
    return 0


def _close_worker(server, worker) -> None:
    app = getattr(worker, "wsgi", None)
    runtime = getattr(app, "extensions", {}).get("runtime") if app is not None else None
    if runtime is not None:
        runtime.close()
