"""Who may see what: the one page guard of Loket, and the running office of this request.

Every view that needs a signed-in person says so with :func:`requires`:

    @bp.get("/board")
    @requires("supervisor", "admin", page="board")
    def board(actor): ...

    @bp.get("/api/admin/services")
    @requires("admin")
    def services(actor): ...

A JSON endpoint answers 401 without a session and 403 for another role, with the error body of
the API. A page (``page=`` names what the login form is for) answers 401 with the one login page
and 403 with the one forbidden page, so no staff page ever passes for a public one. The view gets
the signed-in :class:`~server.core.actor.Actor` as its ``actor`` argument.
"""

from __future__ import annotations

import functools

from flask import current_app, render_template

from server.core.actor import ROLES, Actor
from server.core.errors import LoketError
from server.webbase import auth

SUPERVISORS = ("supervisor", "admin")

MESSAGE_SIGN_IN = "Silakan masuk terlebih dahulu."
MESSAGE_FORBIDDEN = "Anda tidak berhak melakukan tindakan ini."


def current_runtime():
    """The running office (:class:`server.runtime.Runtime`) of the app serving this request."""
    return current_app.extensions["runtime"]


def signed_in() -> Actor | None:
    """The signed-in actor of this request, or None."""
    runtime = current_runtime()
    return auth.current_actor(
        runtime.store, runtime.queue.now().timestamp(), runtime.config.security.idle_minutes
    )


def require(*roles: str) -> Actor:
    """The signed-in actor with one of ``roles`` (any role when none are named), else the API's
    401 (not signed in) or 403 (another role) as a :class:`LoketError`."""
    actor = signed_in()
    if actor is None:
        raise LoketError("unauthenticated", MESSAGE_SIGN_IN, 401)
    if actor.role not in (roles or ROLES):
        raise LoketError("forbidden", MESSAGE_FORBIDDEN, 403)
    return actor


def page(template: str, status: int = 200, **context):
    """Render a staff page with the office and its configuration in the context."""
    config = current_runtime().config
    return render_template(template, office=config.office, config=config, **context), status


def login_page(purpose: str, status: int = 401, actor: Actor | None = None):
    """The one login page; ``purpose`` says what signing in opens (officer, board, admin,
    reports, survey)."""
    return page("login.html", status, purpose=purpose, actor=actor)


def forbidden_page(actor: Actor | None = None, purpose: str | None = None):
    """The one forbidden page: signed in, but not with a role this page is for; ``purpose`` (as
    for :func:`login_page`) lets it say which page is refused."""
    return page("forbidden.html", 403, actor=actor, purpose=purpose)


def requires(*roles: str, page: str | None = None):
    """Let the view run only for a signed-in actor with one of ``roles`` (any role when none are
    named); the actor is passed as the view's ``actor`` keyword argument.

    ``page``: the view is an HTML page, and ``page`` is the login page's purpose; anonymous users
    get the login page (401) and other roles the forbidden page (403). Without it the view is a
    JSON endpoint and gets the API's 401/403 errors.
    """

    def decorate(view):
        @functools.wraps(view)
        def guarded(*args, **kwargs):
            if page is None:
                kwargs["actor"] = require(*roles)
                return view(*args, **kwargs)
            actor = signed_in()
            if actor is None:
                return login_page(page)
            if actor.role not in (roles or ROLES):
                return forbidden_page(actor, page)
            kwargs["actor"] = actor
            return view(*args, **kwargs)

        return guarded

    return decorate
