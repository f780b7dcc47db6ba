"""What the staff's own screens change, told to every screen: the admin's settings and users, and
who signs in at which counter.

The payloads are small on purpose: every screen hears these events, visitors' screens included,
so they carry no names; a screen that needs more asks the API again (the board asks
``/api/board``, the admin page ``/api/admin/settings``).
"""

from __future__ import annotations

from server.core.present import state_json
from server.live.events import broadcast, queue_changed


def settings_changed(loket) -> None:
    """The office's configuration changed (loket.toml, the logo, the TV's media): kiosks, displays
    and consoles redraw from the new configuration without a reload."""
    broadcast("config_changed", {})
    broadcast("state", state_json(loket.queue))
    queue_changed(loket)


def users_changed() -> None:
    """A user was changed by the admin: an open board shows the new full name at once."""
    broadcast("config_changed", {})


def presence_changed() -> None:
    """Someone signed in at a counter or signed out: the board asks who sits where."""
    broadcast("presence_changed", {})
