"""The queue's rules, free of Flask and SQL: numbering, the next ticket, legal transitions.

Every function takes the moment it reasons about (``now``) as an argument, so the rules can be
tested with any clock.
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import StrEnum
from zoneinfo import ZoneInfo

from server.core.errors import Conflict


class Status(StrEnum):
    WAITING = "waiting"
    CALLED = "called"
    SERVING = "serving"
    DONE = "done"
    NO_SHOW = "no_show"
    CANCELLED = "cancelled"
    TRANSFERRED = "transferred"
    EXPIRED = "expired"
    UNFINISHED = "unfinished"


STATUS_LABELS = {
    Status.WAITING: "menunggu",
    Status.CALLED: "dipanggil",
    Status.SERVING: "sedang dilayani",
    Status.DONE: "selesai",
    Status.NO_SHOW: "tidak hadir",
    Status.CANCELLED: "dibatalkan",
    Status.TRANSFERRED: "dialihkan",
    Status.EXPIRED: "kedaluwarsa",
    Status.UNFINISHED: "tidak selesai",
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
    "expire": frozenset({Status.WAITING}),
    "leave_unfinished": frozenset({Status.CALLED, Status.SERVING}),
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
    "leave_unfinished": "ditutup sebagai tidak selesai",
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
    """A waiting ticket as the dispatcher sees it.

    ``order``: its place in the office's queue order (a sequence given when it entered the queue,
    never a clock time, so a clock stepped back cannot put a new ticket first).
    ``returned``: sent back to the queue by a skip; it then waits behind every ticket queued
    before it, whatever their lane, and no ticket queued after it passes it.
    """

    id: int
    priority: bool
    order: int
    returned: bool = False


def dispatch_order(
    candidates: Iterable[Candidate], priority_streak: int, max_priority_in_row: int
) -> list[Candidate]:
    """The order in which one counter calls these waiting tickets: the queue's one dispatcher.

    - Priority tickets go first, oldest first; regular tickets oldest first.
    - After ``max_priority_in_row`` priority calls made *while a regular visitor waited*
      (``priority_streak`` counts those so far), the oldest regular ticket goes; 0 = no cap.
    - A returned (skipped) ticket is a barrier: the tickets queued before it are called first,
      by the two rules above, then it, then the tickets queued after it.

    Call-next takes the first element, "people ahead" the index and the wait estimate plays the
    whole order forward, so all three always agree.
    """
    ordered = sorted(candidates, key=lambda c: (c.order, c.id))
    regular_left = sum(1 for c in ordered if not c.priority)
    streak = priority_streak
    result: list[Candidate] = []
    segment: list[Candidate] = []

    def take(chosen: Candidate) -> None:
        nonlocal streak, regular_left
        if not chosen.priority:
            regular_left -= 1
        result.append(chosen)
        streak = next_priority_streak(streak, chosen.priority, regular_left > 0)

    def drain() -> None:
        priority = deque(c for c in segment if c.priority)
        regular = deque(c for c in segment if not c.priority)
        while priority or regular:
            capped = max_priority_in_row > 0 and streak >= max_priority_in_row
            take(priority.popleft() if priority and (not regular or not capped) else regular.popleft())
        segment.clear()

    for candidate in ordered:
        if candidate.returned:
            drain()
            take(candidate)
        else:
            segment.append(candidate)
    drain()
    return result


def pick_next(
    candidates: Iterable[Candidate], priority_streak: int, max_priority_in_row: int
) -> Candidate | None:
    """The ticket a counter should call next: the head of :func:`dispatch_order`.

    It only ever needs the oldest priority, the oldest regular and the oldest returned ticket of
    the counter's services.
    """
    order = dispatch_order(candidates, priority_streak, max_priority_in_row)
    return order[0] if order else None


def first_choice(
    priority: Candidate | None,
    regular: Candidate | None,
    returned: Candidate | None,
    priority_streak: int,
    max_priority_in_row: int,
) -> Candidate | None:
    """What :func:`pick_next` chooses, from the three heads it needs (the oldest priority, regular
    and returned ticket of the counter's services, each None when there is none), in constant
    time: the tickets queued before the first returned one go first, priority unless the cap is
    reached while a regular one waits among them; else the returned one."""
    if returned is not None:
        barrier = (returned.order, returned.id)
        if priority is not None and (priority.order, priority.id) > barrier:
            priority = None
        if regular is not None and (regular.order, regular.id) > barrier:
            regular = None
    if priority is not None and (
        regular is None or not (max_priority_in_row > 0 and priority_streak >= max_priority_in_row)
    ):
        return priority
    return regular if regular is not None else returned


def next_priority_streak(streak: int, called_priority: bool, regular_waiting: bool = True) -> int:
    """The counter's count of priority calls in a row after one more call.

    The cap protects regular visitors who *are* waiting: a priority call made while none waits
    does not count, and a regular call resets the count.
    """
    if not called_priority:
        return 0
    return streak + 1 if regular_waiting else streak


def after_skip(skip_count: int, skip_returns: int) -> Status:
    """A skipped ticket returns to the queue while it has returns left, else it is a no-show.

    ``skip_count`` counts earlier skips of this ticket.
    """
    return Status.WAITING if skip_count < skip_returns else Status.NO_SHOW


def ahead_at_counters(
    ticket: Candidate,
    waiting: Sequence[tuple[Candidate, str]],
    counters: Sequence[tuple[tuple[str, ...], int]],
    max_priority_in_row: int = 0,
) -> int:
    """:func:`ahead_in_lanes` for a plain list of waiting tickets (each with its service), in
    any order."""
    lanes: dict[str, tuple[tuple[list, list, list], int]] = {}
    for candidate, service in sorted(waiting, key=lambda item: (item[0].order, item[0].id)):
        three, regulars = lanes.get(service, (([], [], []), 0))
        three[2 if candidate.returned else 0 if candidate.priority else 1].append(candidate)
        lanes[service] = (three, regulars + (not candidate.priority))
    return ahead_in_lanes(ticket, lanes, counters, max_priority_in_row)


def ahead_in_lanes(
    ticket: Candidate,
    lanes: Mapping[str, tuple[Sequence[Iterable[Candidate]], int]],
    counters: Sequence[tuple[tuple[str, ...], int]],
    max_priority_in_row: int = 0,
) -> int:
    """The one "people ahead": how many tickets the counters that serve ``ticket`` call before it,
    if nobody else arrives and those counters call in turn, in the order given (the lowest
    loket number first).

    ``lanes``: per service, its waiting tickets in queue order by kind (priority, regular,
    returned) and how many of them are not priority; ``counters``: (services, priority streak) of
    each counter that serves the ticket's service. Each call is the dispatcher's
    (:func:`pick_next`, which needs only the first priority, the first regular and the first
    returned ticket of the counter's services), so a ticket of another service called at a shared
    counter counts, and a returned ticket holds back the tickets queued after it, exactly as
    call-next does. Each call costs a look at the counter's services' lane heads, and the lanes
    are walked, never copied: the whole count is linear in the answer, not in the queue.
    """
    # Per (service, kind) a cursor: [its first ticket not yet called, the rest].
    cursors: dict[str, list[list]] = {}
    regulars: dict[str, int] = {}
    for services, _streak in counters:
        for service in services:
            if service in lanes and service not in cursors:
                three, regular_count = lanes[service]
                cursors[service] = [[next(it, None), it] for it in map(iter, three)]
                regulars[service] = regular_count
    counter_lanes = [[(s, cursors[s]) for s in services if s in cursors] for services, _streak in counters]
    streaks = [streak for _services, streak in counters]
    capped_at = max_priority_in_row
    target = ticket.id
    called = 0
    # The common kiosk case in constant time per round: the newest regular ticket, at counters
    # that all serve the same services. Once no priority or returned ticket is left in their
    # lanes, every ticket still waiting there is older and goes first, whichever counter calls it.
    total = sum(len(lane) for three, _count in (lanes[s] for s in cursors) for lane in three)
    newest = not ticket.priority and not ticket.returned
    newest = newest and all(
        not lane or _last(lane).order < ticket.order or _last(lane).id == target
        for three, _count in (lanes[s] for s in cursors)
        for lane in three
    )
    one_pool = len({frozenset(s for s, _own in mine) for mine in counter_lanes}) == 1
    others = [own[kind] for own in cursors.values() for kind in (0, 2)]  # priority and returned lanes
    while True:
        if all(cursor[0] is None for cursor in others):
            if newest and one_pool:
                return total - 1
            return _regular_turns([[own[1] for _s, own in mine] for mine in counter_lanes], target, called)
        progressed = False
        for index, mine in enumerate(counter_lanes):
            heads = [None, None, None]  # (first ticket, its cursor, service) of each kind
            for service, own in mine:
                for kind in (0, 1, 2):
                    first = own[kind][0]
                    if first is not None:
                        head = heads[kind]
                        if head is None or (first.order, first.id) < (head[0].order, head[0].id):
                            heads[kind] = (first, own[kind], service)
            picked = first_choice(*(h[0] if h else None for h in heads), streaks[index], capped_at)
            if picked is None:
                continue
            chosen = next(h for h in heads if h is not None and h[0] is picked)
            candidate, cursor, service = chosen
            if candidate.id == target:
                return called
            regular_waits = any(regulars[s] for s, _own in mine)
            streaks[index] = next_priority_streak(streaks[index], candidate.priority, regular_waits)
            cursor[0] = next(cursor[1], None)
            if not candidate.priority:
                regulars[service] -= 1
            called += 1
            progressed = True
        if not progressed:  # no counter serves it: nobody is ahead of it that a counter would call
            return called


def _regular_turns(counters: list[list[list]], target: int, called: int) -> int:
    """The rest of :func:`ahead_in_lanes` once only regular tickets are left: no priority lane,
    cap or returned barrier to weigh, so each turn takes the oldest head of the counter's
    services (``counters``: per counter, the cursors of its services' regular lanes)."""
    while True:
        progressed = False
        for mine in counters:
            best = None
            for cursor in mine:
                first = cursor[0]
                if first is not None and (
                    best is None
                    or first.order < best[0].order
                    or (first.order == best[0].order and first.id < best[0].id)
                ):
                    best = cursor
            if best is None:
                continue
            if best[0].id == target:
                return called
            best[0] = next(best[1], None)
            called += 1
            progressed = True
        if not progressed:
            return called


def _last(lane):
    """The last ticket of a lane (a list or a dict's values, both reversible)."""
    return next(reversed(lane))


def utc_now() -> datetime:
    """The real clock; the app takes a callable so tests can inject another."""
    return datetime.now(timezone.utc)
