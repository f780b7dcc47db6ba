"""Who is signed in at which counter, followed from the logins and logouts of the API."""

from __future__ import annotations

import threading

from flask import current_app, g, request, session

from server.live import staff
from server.web.console import bp
from server.web.guard import current_loket


class Presence:
    """Who signed in at which counter, seen from logins and logouts since the server started.

    Sessions live in signed cookies, so the server cannot list them; this is the board's best
    knowledge, completed there by the officer who last called at each counter.
    """

    def __init__(self):
        self._lock = threading.Lock()
        self._users: dict[str, tuple[int, float]] = {}
        self._left: dict[int, float] = {}  # counter -> when its last officer signed out

    def signed_in(self, username: str, counter_id: int | None, at: float) -> None:
        """Remember a login (one counter per user; a login elsewhere moves them)."""
        with self._lock:
            self._users.pop(username, None)
            if counter_id is not None:
                self._users[username] = (counter_id, at)

    def signed_out(self, username: str, at: float | None = None) -> None:
        """Forget a user who logged out (and remember when their counter was left)."""
        with self._lock:
            counter = self._users.pop(username, None)
            if counter is not None and at is not None:
                self._left[counter[0]] = at

    def left_at(self) -> dict[int, float]:
        """When each counter's officer last signed out."""
        with self._lock:
            return dict(self._left)

    def by_counter(self, not_before: float) -> dict[int, list[tuple[str, float]]]:
        """Signed-in usernames and login times per counter, dropping logins older than a session."""
        result: dict[int, list[tuple[str, float]]] = {}
        with self._lock:
            for username, (counter_id, at) in sorted(self._users.items(), key=lambda kv: kv[1][1]):
                if at >= not_before:
                    result.setdefault(counter_id, []).append((username, at))
        return result


@bp.record_once
def _setup(state) -> None:
    # The running office reads it too (who staffs a counter, for the wait estimate).
    state.app.extensions["console_presence"] = Presence()


def presence() -> Presence:
    """The presence of the app serving this request."""
    return current_app.extensions["console_presence"]


@bp.before_app_request
def _remember_who_signs_out() -> None:
    if request.endpoint == "api.logout":
        g.console_signing_out = session.get("username")


@bp.after_app_request
def _track_presence(response):
    """Follow successful logins and logouts so the board can say who sits where."""
    if response.status_code != 200 or request.endpoint not in ("api.login", "api.logout"):
        return response
    now = current_loket().queue.now().timestamp()
    if request.endpoint == "api.login" and session.get("username"):
        presence().signed_in(session["username"], session.get("counter_id"), now)
    elif request.endpoint == "api.logout" and g.get("console_signing_out"):
        presence().signed_out(g.console_signing_out, now)
    else:
        return response
    staff.presence_changed()
    return response
