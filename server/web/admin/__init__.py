"""The admin: the ``/admin`` page and its JSON API under ``/api/admin/`` — settings (office
profile, queue, printer, voice, display, security, survey), services and counters, users, the logo,
the TV's media and the audit log — as one blueprint, ``admin``, with a module per section that adds
its routes and its ``OPENAPI_PATHS``. Every change to loket.toml goes through
:func:`~server.web.admin.changes.apply_change` (validated by the loket.toml loader, saved, applied
live, audited); the package holds no SQL (it calls :mod:`server.core.storage`), emits nothing
itself (the screens are told through :mod:`server.live.staff`) and leaves the queue's rules and the
other blueprints alone."""

from __future__ import annotations

from flask import Blueprint

from server.webbase.guard import page, requires

bp = Blueprint("admin", __name__)


@bp.get("/admin")
@requires("admin", page="admin")
def admin_page(actor):
    """The admin page; anonymous users sign in first, other roles are refused."""
    return page("admin.html")


# The sections add their routes to ``bp``, so they are imported once it exists.
from server.web.admin import audit, logo, media, services, settings, users  # noqa: E402

OPENAPI_PATHS = {
    **settings.OPENAPI_PATHS,
    **services.OPENAPI_PATHS,
    **logo.OPENAPI_PATHS,
    **media.OPENAPI_PATHS,
    **users.OPENAPI_PATHS,
    **audit.OPENAPI_PATHS,
}
