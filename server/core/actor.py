"""Who asks for a queue action: the signed-in user, and the roles a user may have."""

from __future__ import annotations

from dataclasses import dataclass

#: Every role a user may have, from the least to the most allowed.
ROLES = ("officer", "supervisor", "admin")


@dataclass(frozen=True)
class Actor:
    """Who asks for an action: a signed-in user, at a counter for officers."""

    username: str
    role: str
    counter_id: int | None = None

    def may_use_counter(self, counter_id: int) -> bool:
        """Officers act only at the counter they signed in at; supervisors and admins anywhere."""
        return self.role in ("supervisor", "admin") or self.counter_id == counter_id
