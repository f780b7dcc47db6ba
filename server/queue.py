"""The queue's rules, free of Flask and SQL: numbering, the next ticket, legal transitions.

Every function takes the moment it reasons about (``now``) as an argument, so the rules can be
tested with any clock.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo

from server.errors import Conflict


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    TRANSFERRED = "transferred"
    EXPIRED = "expired"


ACTIVE = frozenset({Status.WAITING, Status.CALLED, Status.SERVING})
AT_COUNTER = frozenset({Status.CALLED, Status.SERVING})

STATUS_LABELS = {
    Status.WAITING: "menunggu",
    Status.CALLED: "dipanggil",
    Status.SERVING: "sedang dilayani",
    Status.DONE: "selesai",
    Status.NO_SHOW: "tidak hadir",
    Status.CANCELLED: "dibatalkan",
    Status.TRANSFERRED: "dialihkan",
    Status.EXPIRED: "kedaluwarsa",
}

# action -> the statuses it may start from
TRANSITIONS: dict[str, frozenset[Status]] = {
    "call": frozenset({Status.WAITING}),
    "recall": frozenset({Status.CALLED}),
    "start": frozenset({Status.CALLED}),
    "finish": frozenset({Status.SERVING}),
    "skip": frozenset({Status.CALLED}),
    "transfer": frozenset({Status.CALLED, Status.SERVING}),
    "cancel": frozenset({Status.WAITING, Status.CALLED}),
    "expire": frozenset({Status.WAITING, Status.CALLED}),
}

ACTION_LABELS = {
    "call": "dipanggil",
    "recall": "dipanggil ulang",
    "start": "mulai dilayani",
    "finish": "diselesaikan",
    "skip": "dilewati",
    "transfer": "dialihkan",
    "cancel": "dibatalkan",
    "expire": "ditutup",
}

PRIORITY_REASONS = {
    "lansia": "Lansia",
    "disabilitas": "Disabilitas",
    "ibu_hamil": "Ibu hamil",
    "ibu_bayi": "Ibu dengan bayi",
}


def check_transition(action: str, status: Status | str, number: str = "") -> None:
    """Raise Conflict (invalid_state) unless ``action`` may be applied to a ticket in ``status``."""
    status = Status(status)
    if status not in TRANSITIONS[action]:
        subject = f"Tiket {number}" if number else "Tiket ini"
        raise Conflict(
            "invalid_state",
            f"{subject} berstatus {STATUS_LABELS[status]} dan tidak dapat {ACTION_LABELS[action]}.",
        )


def local_day(moment: datetime, tz: ZoneInfo) -> date:
    """The office's calendar day at ``moment`` (an aware datetime)."""
    return moment.astimezone(tz).date()


def format_number(prefix: str, sequence: int, digits: int = 3) -> str:
    """A001, A002 …; a day past 999 tickets keeps going as A1000."""
    return f"{prefix}{sequence:0{digits}d}"


@dataclass(frozen=True)
class Candidate:
    """A waiting ticket as the next-ticket rule sees it."""

    id: int
    priority: bool
    queued_at: float


def pick_next(
    candidates: Iterable[Candidate], priority_streak: int, max_priority_in_row: int
) -> Candidate | None:
    """The ticket a counter should call next.

    Priority tickets go first, oldest first — unless this counter has already called
    ``max_priority_in_row`` priority tickets in a row while regular visitors wait; then the oldest
    regular ticket goes. ``max_priority_in_row = 0`` means no cap.
    """
    ordered = sorted(candidates, key=lambda c: (c.queued_at, c.id))
    priority = next((c for c in ordered if c.priority), None)
    regular = next((c for c in ordered if not c.priority), None)
    if priority is None:
        return regular
    capped = max_priority_in_row > 0 and priority_streak >= max_priority_in_row
    if regular is not None and capped:
        return regular
    return priority


def next_priority_streak(streak: int, called_priority: bool) -> int:
    """The counter's count of consecutive priority calls after one more call."""
    return streak + 1 if called_priority else 0


def after_skip(skip_count: int, skip_returns: int) -> Status:
    """A skipped ticket returns to the queue while it has returns left, else it is a no-show.

    ``skip_count`` counts earlier skips of this ticket.
    """
    return Status.WAITING if skip_count < skip_returns else Status.NO_SHOW


def ahead_of(ticket: Candidate, waiting: Sequence[Candidate]) -> int:
    """How many waiting tickets of the same service are called before ``ticket``.

    Priority tickets are all counted ahead of a regular one; among equals, older goes first.
    """
    def key(c: Candidate):
        return (not c.priority, c.queued_at, c.id)

    mine = key(ticket)
    return sum(1 for other in waiting if other.id != ticket.id and key(other) < mine)


@dataclass(frozen=True)
class CounterLoad:
    """A counter that serves a service, and how many services with visitors share it."""

    counter_id: int
    busy_services: int


def effective_counters(counters: Sequence[CounterLoad]) -> float:
    """Counter capacity for one service: a counter shared by k busy services gives 1/k."""
    return sum(1.0 / max(1, c.busy_services) for c in counters)


def estimate_wait_minutes(
    ahead: int, counters: Sequence[CounterLoad], recent_service_minutes: Sequence[float],
    standard_service_minutes: float,
) -> int | None:
    """Estimated minutes until a ticket with ``ahead`` people in front of it is called.

    estimate = ceil(ahead × S / C), where S is the median of recent service times for the service
    (the SOP standard when there is no history) and C the effective counters serving it (see
    :func:`effective_counters`). None when no counter serves the service.
    """
    capacity = effective_counters(counters)
    if capacity <= 0:
        return None
    if recent_service_minutes:
        ordered = sorted(recent_service_minutes)
        middle = len(ordered) // 2
        per_visitor = (
            ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2
        )
    else:
        per_visitor = standard_service_minutes
    return math.ceil(ahead * per_visitor / capacity)


def is_open_day(now: datetime, tz: ZoneInfo, days: Iterable[int]) -> bool:
    """True when the office opens on ``now``'s local weekday (0 = Monday)."""
    return now.astimezone(tz).weekday() in set(days)


def utc_now() -> datetime:
    """The real clock; the app takes a callable so tests can inject another."""
    return datetime.now(timezone.utc)
