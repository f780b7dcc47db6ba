"""What the staff's own screens change, told to every screen: the admin's users, and who signs
in at which counter (the configuration's change is :meth:`server.live.events.Live.settings_changed`).

The payloads are small on purpose: every screen hears these events, visitors' screens included,
so they carry no names; a screen that needs more asks the API again (the board asks
``/api/board``, the admin page ``/api/admin/settings``).
"""

from __future__ import annotations

from server.live.events import broadcast


def users_changed() -> None:
    """A user was changed by the admin: an open board shows the new full name at once."""
    broadcast("config_changed", {})


def presence_changed() -> None:
    """Someone signed in at a counter or signed out: the board asks who sits where."""
    broadcast("presence_changed", {})
