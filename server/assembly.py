"""The one place that builds the parts of a running office and gives each what it needs.

:func:`build_runtime` makes the store, the queue (with its clock guard), the live side, the
devices, the unattended chores, the voice, the print queue and the rate limits, and hands them
to :class:`server.runtime.Runtime`; :func:`create_app` builds the Flask app around it (its
blueprints from :func:`server.web.app.register`, Socket.IO from :func:`server.live.attach`).
Nothing outside this module sets an attribute on another object.

May import: config, core, devices, eventloop, live, printing, runtime, server, unattended, voice, web, webbase.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from pathlib import Path

from flask import Flask

from server import live
from server.config.data_dir import DB_NAME, default_data_dir, prepare_data_dir, printer_settings, secret_key
from server.config.loader import Config
from server.core import rules
from server.core.accounts import SESSION_HOURS
from server.core.storage import Store
from server.core.ticket_queue import TicketQueue
from server.devices.registry import Devices
from server.eventloop import loop
from server.live.events import Live, ticket_printed
from server.printing import NullPrintQueue, PrintQueue, RenderService
from server.runtime import Runtime
from server.unattended.watch import Unattended
from server.voice import Announcer, NullAnnouncer
from server.voice.pack import FOLDER as VOICE_PACK
from server.web import app as web_app
from server.webbase import proxy
from server.webbase.limits import (
    HOLD_ANSWER,
    PICTURES_PER_MINUTE,
    TOO_MANY_ENROLMENTS,
    TOO_MANY_PICTURES,
    FloodLimit,
    LoginLimit,
)

#: Screens that may ask to be enrolled per minute, from one address.
ENROLMENTS_PER_MINUTE = 5


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
        PERMANENT_SESSION_LIFETIME=timedelta(hours=SESSION_HOURS),
        MAX_CONTENT_LENGTH=2 * 1024 * 1024,
        JSON_SORT_KEYS=False,
        LOKET_DEMO=demo,
        SESSION_COOKIE_SECURE=config.security.secure_cookies,
    )
    if test_config:
        app.config.update(test_config)
    runtime = build_runtime(data_dir, config, clock, announcer, printer)
    app.extensions["runtime"] = runtime
    app.jinja_loader = web_app.templates()
    web_app.register(app)
    loop.init()

    def socket_limits() -> tuple[int, int]:  # read at each request: a changed configuration applies at once
        security = runtime.config.security
        return security.sockets_per_address, security.anonymous_sockets

    gate = live.attach(app, runtime.live, web_app.trusted_client(app, runtime), socket_limits)
    app.extensions["loket_sockets"] = gate  # the admin's figures
    requests = loop.OffLoopRequests(gate, app.config["MAX_CONTENT_LENGTH"], HOLD_ANSWER)
    app.wsgi_app = proxy.wrap(requests, config.security, lambda: runtime.config.security.allowed_hosts)
    runtime.queue.expire_stale()
    if background:
        runtime.start_background()
    return app


def build_runtime(
    data_dir: Path,
    config: Config,
    clock: Callable[[], datetime] = rules.utc_now,
    announcer=None,
    print_queue=None,
) -> Runtime:
    """The running office on ``data_dir`` (already prepared: see
    :func:`server.config.data_dir.prepare_data_dir`). ``announcer`` and ``print_queue`` replace
    the ones the configuration asks for (tests, benchmarks)."""
    store = Store(data_dir / DB_NAME)  # owner-only, with its -wal and -shm

    def clock_changed(ok: bool) -> None:
        unattended.clock_changed(ok)  # bound below, before the clock can change

    queue = TicketQueue(store, config, clock, on_clock_change=clock_changed)
    live = Live(queue)
    unattended = Unattended(data_dir, queue, live)  # clock, daily backups, disk space, log file
    renderer = RenderService()  # the ticket's picture, for the preview and the print queue

    def make_announcer(settings: Config):
        return voice_announcer(data_dir, settings)

    def make_print_queue(settings: Config):
        return ticket_print_queue(data_dir, settings, renderer)

    return Runtime(
        data_dir=data_dir,
        store=store,
        queue=queue,
        live=live,
        devices=Devices(store),
        unattended=unattended,
        announcer=announcer or make_announcer(config),
        print_queue=print_queue or make_print_queue(config),
        make_announcer=make_announcer,
        make_print_queue=make_print_queue,
        login_limit=LoginLimit(clock),
        kiosk_limit=FloodLimit(clock, lambda: queue.config.queue.kiosk_limit_per_minute),
        enroll_limit=FloodLimit(clock, lambda: ENROLMENTS_PER_MINUTE, TOO_MANY_ENROLMENTS),
        renderer=renderer,
        picture_limit=FloodLimit(clock, lambda: PICTURES_PER_MINUTE, TOO_MANY_PICTURES),
    )


def voice_announcer(data_dir: Path, config: Config):
    """The announcer ``[voice]`` asks for (silent when the voice is off)."""
    cache = data_dir / "sounds"
    cache.mkdir(exist_ok=True)
    if not config.voice.enabled:
        return NullAnnouncer(config.voice, cache)
    return Announcer(config.voice, cache, pack_dir=data_dir / VOICE_PACK)


def ticket_print_queue(data_dir: Path, config: Config, renderer=None):
    """The print queue ``[printer]`` asks for, drawing its tickets with ``renderer``."""
    if config.printer.kind == "none":
        return NullPrintQueue(config.printer)
    return PrintQueue(printer_settings(config, data_dir), on_result=ticket_printed, renderer=renderer)
