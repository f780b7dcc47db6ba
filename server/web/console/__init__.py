"""The staff's live screens: the officer's console at a counter (``/officer``), the supervisor's
board (``/board``) and the JSON reads they need — one blueprint, ``console``. The queue actions the console takes are the public API of
:mod:`server.web.api`; this package only reads (through :mod:`server.core.queries`), shapes pages
and JSON, and tells the screens of sign-ins through :mod:`server.live.staff`: no SQL, no emits."""

from __future__ import annotations

from flask import Blueprint

bp = Blueprint("console", __name__)

# The modules add their routes to ``bp``, so they are imported once it exists.
from server.web.console import board, officer  # noqa: E402, F401

OPENAPI_PATHS = {**officer.OPENAPI_PATHS, **board.OPENAPI_PATHS}
