"""HTML pages: kiosk, display, officer console and the visitor's status page."""

from __future__ import annotations

from importlib import resources

from flask import Blueprint, Response, abort, request, send_from_directory, url_for

from server.core.errors import LoketError
from server.core.rules import PRIORITY_REASONS
from server.core.views import ticket_with_position
from server.webbase.guard import current_runtime, page
from server.webbase.limits import REFUSED_PICTURE_HOLD_SECONDS, hold_answer

bp = Blueprint("pages", __name__)

STATIC_PACKAGES = {"kiosk": "kiosk", "display": "display", "common": "server"}


def _page(template: str, status: int = 200, **context):
    """A public page: with the office's logo and the priority reasons the kiosk offers."""
    has_logo = (current_runtime().data_dir / "logo.png").exists()
    logo_url = url_for("admin.logo") if has_logo else None
    return page(template, status, logo_url=logo_url, priority_reasons=PRIORITY_REASONS, **context)


@bp.get("/")
def index():
    """A start page linking every screen of the office."""
    return _page("index.html")


@bp.get("/kiosk")
def kiosk():
    """The touchscreen where visitors take a number."""
    return _page("kiosk.html")


@bp.get("/display")
def display():
    """The waiting-room TV."""
    return _page("display.html")


@bp.get("/t/<token>")
def ticket_status(token: str):
    """The visitor's status page, reached from the QR code on the ticket."""
    queue = current_runtime().queue
    try:
        ticket = queue.get_by_token(token)
    except LoketError:
        return _page("status_missing.html", 404)
    server_time = queue.now().astimezone(queue.config.office.tz).isoformat(timespec="seconds")
    return _page(
        "status.html", token=token, ticket=ticket_with_position(ticket, queue), server_time=server_time
    )


@bp.get("/t/<token>/ticket.png")
def ticket_image(token: str):
    """The ticket as printed: the same image the printer receives. A few a minute per ticket
    (429 past that, held back a second so that a client asking in a loop slows down): the
    picture is kept, but nobody needs it more often."""
    runtime = current_runtime()
    try:
        ticket = runtime.queue.get_by_token(token)
    except LoketError:
        abort(404)
    # After the look-up, so guessed tokens cost no room in the limit's table.
    try:
        runtime.picture_limit.check(ticket.token)
    except LoketError:
        hold_answer(request.environ, REFUSED_PICTURE_HOLD_SECONDS)
        raise
    status_url = url_for("pages.ticket_status", token=token, _external=True)
    png = runtime.preview_png(ticket, status_url)
    return Response(png, mimetype="image/png", headers={"Cache-Control": "no-store"})


@bp.get("/media/<name>")
def media(name: str):
    """An image or video for the TV, from the data folder's media/ (only files in [display] media)."""
    runtime = current_runtime()
    if name not in runtime.config.display.media:
        abort(404)
    return send_from_directory(str(runtime.data_dir / "media"), name, max_age=3600)


@bp.get("/favicon.ico")
def favicon():
    """The browser tab icon."""
    return send_from_directory(
        str(resources.files("server") / "static"), "favicon.svg", mimetype="image/svg+xml", max_age=86400
    )


@bp.get("/assets/<package>/<path:filename>")
def asset(package: str, filename: str):
    """Static files of the kiosk, display and shared pages, from the installed packages."""
    if package not in STATIC_PACKAGES:
        abort(404)
    folder = resources.files(STATIC_PACKAGES[package]) / "static"
    return send_from_directory(str(folder), filename, max_age=300)
