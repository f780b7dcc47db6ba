"""What a queue action did: the ticket it returns, the calls to announce and the tickets that
changed. The caller hands it to :mod:`server.live.events`, which tells the screens."""

from __future__ import annotations

from dataclasses import dataclass, field

from server.config.loader import Counter
from server.core.tickets import TicketRow


@dataclass(frozen=True)
class Call:
    """A ticket was called to a counter. Every screen receives it as ``ticket_called``."""

    ticket: TicketRow
    counter: Counter
    recall: bool
    called_at: float


@dataclass
class Outcome:
    """What one action did: the ticket it returns, calls to announce and tickets that changed."""

    ticket: TicketRow | None = None
    calls: list[Call] = field(default_factory=list)
    changed: list[TicketRow] = field(default_factory=list)
    queue_changed: bool = False

    def then(self, other: "Outcome") -> "Outcome":
        """This outcome (tickets closed by the day change) followed by an action's own."""
        return Outcome(
            other.ticket,
            self.calls + other.calls,
            self.changed + other.changed,
            self.queue_changed or other.queue_changed,
        )
