"""The pure queue rules, as tables."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from server.core import rules
from server.core.errors import Conflict
from server.core.rules import Candidate, Status

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize(
    "prefix, seq, expected",
    [
        ("A", 1, "A001"),
        ("B", 12, "B012"),
        ("F", 999, "F999"),
        ("A", 1000, "A1000"),
    ],
)
def test_format_number(prefix, seq, expected):
    assert rules.format_number(prefix, seq) == expected


@pytest.mark.parametrize(
    "utc, day",
    [
        (datetime(2026, 11, 27, 16, 59, tzinfo=timezone.utc), "2026-11-27"),  # 23:59 WIB
        (datetime(2026, 11, 27, 17, 0, tzinfo=timezone.utc), "2026-11-28"),  # 00:00 WIB
        (datetime(2026, 11, 28, 0, 30, tzinfo=timezone.utc), "2026-11-28"),
    ],
)
def test_local_day_is_the_offices_day(utc, day):
    assert rules.local_day(utc, JAKARTA).isoformat() == day


R1, R2, R3 = Candidate(1, False, 10.0), Candidate(2, False, 20.0), Candidate(3, False, 30.0)
P1, P2 = Candidate(11, True, 15.0), Candidate(12, True, 25.0)


@pytest.mark.parametrize(
    "candidates, streak, cap, expected",
    [
        ([], 0, 3, None),
        ([R2, R1, R3], 0, 3, R1),  # oldest first
        ([R1, P1], 0, 3, P1),  # priority before regular
        ([R1, P2, P1], 0, 3, P1),  # oldest priority first
        ([R1, P1], 2, 3, P1),  # below the cap
        ([R1, P1], 3, 3, R1),  # cap reached: a regular visitor goes
        ([P1, P2], 3, 3, P1),  # cap reached but nobody regular waits
        ([R1, P1], 10, 0, P1),  # cap 0 = no cap
        ([Candidate(5, False, 10.0), Candidate(4, False, 10.0)], 0, 3, Candidate(4, False, 10.0)),  # tie → id
    ],
)
def test_pick_next(candidates, streak, cap, expected):
    assert rules.pick_next(candidates, streak, cap) == expected


@pytest.mark.parametrize(
    "streak, priority, regular_waiting, expected",
    [
        (0, True, True, 1),
        (2, True, True, 3),
        (3, False, True, 0),
        (2, True, False, 2),  # nobody regular waited: the call does not count towards the cap
        (2, False, False, 0),
    ],
)
def test_priority_streak(streak, priority, regular_waiting, expected):
    assert rules.next_priority_streak(streak, priority, regular_waiting) == expected


def ids(order):
    return [c.id for c in order]


def test_priority_calls_to_an_empty_regular_queue_do_not_use_up_the_cap():
    # Four priority visitors called while nobody regular waited, then a disabled visitor and a
    # regular visitor (who came later) wait: the disabled visitor goes first.
    streak = 0
    for _ in range(4):
        streak = rules.next_priority_streak(streak, True, regular_waiting=False)
    disabled, regular = Candidate(21, True, 100.0), Candidate(22, False, 110.0)
    assert rules.pick_next([regular, disabled], streak, 3) == disabled


def test_dispatch_order_applies_the_cap_only_while_regular_visitors_wait():
    p = [Candidate(30 + i, True, float(i)) for i in range(6)]
    r = Candidate(40, False, 2.5)
    # cap 3: three priority calls while r waits, then r, then the rest of the priority lane
    assert ids(rules.dispatch_order([*p, r], 0, 3)) == [30, 31, 32, 40, 33, 34, 35]
    assert ahead_of(r, [*p, r], 0, 3) == 3


def test_a_skipped_priority_ticket_goes_behind_everyone_waiting_then():
    # P1 was skipped at t=50 (queued again at 50): R1 and R2 waited then and go first; R3 and P3
    # came after the skip and do not pass it.
    r1, r2 = Candidate(1, False, 10.0), Candidate(2, False, 20.0)
    skipped = Candidate(11, True, 50.0, returned=True)
    r3, p3 = Candidate(3, False, 60.0), Candidate(13, True, 70.0)
    assert ids(rules.dispatch_order([r1, r2, skipped, r3, p3], 0, 3)) == [1, 2, 11, 13, 3]
    assert rules.pick_next([r1, skipped], 0, 3) == r1
    assert ahead_of(skipped, [r1, r2, skipped, r3, p3]) == 2


@pytest.mark.parametrize(
    "skip_count, returns, expected",
    [
        (0, 1, Status.WAITING),
        (1, 1, Status.NO_SHOW),
        (0, 0, Status.NO_SHOW),
        (1, 2, Status.WAITING),
    ],
)
def test_after_skip(skip_count, returns, expected):
    assert rules.after_skip(skip_count, returns) == expected


LEGAL = [
    ("call", "waiting"),
    ("recall", "called"),
    ("start", "called"),
    ("finish", "serving"),
    ("skip", "called"),
    ("transfer", "called"),
    ("transfer", "serving"),
    ("cancel", "waiting"),
    ("cancel", "called"),
    ("expire", "waiting"),
    ("leave_unfinished", "called"),
    ("leave_unfinished", "serving"),
]


@pytest.mark.parametrize("action", sorted(rules.TRANSITIONS))
@pytest.mark.parametrize("status", [s.value for s in Status])
def test_transitions(action, status):
    if (action, status) in LEGAL:
        rules.check_transition(action, status)
    else:
        with pytest.raises(Conflict) as info:
            rules.check_transition(action, status, "A001")
        assert info.value.code == "invalid_state"
        assert "A001" in info.value.message and "tidak dapat" in info.value.message


@pytest.mark.parametrize(
    "ticket, waiting, expected",
    [
        (R3, [R1, R2, R3], 2),
        (R1, [R1, R2, R3], 0),
        (R2, [R1, R2, P2], 2),  # a later priority ticket still goes first
        (P2, [R1, P1, P2], 1),  # a priority ticket waits only behind older priority tickets
    ],
)
def test_ahead_of(ticket, waiting, expected):
    assert ahead_of(ticket, waiting) == expected


def ahead_of(ticket, waiting, streak=0, cap=0):
    """People ahead of ``ticket`` at one counter serving its one service."""
    return rules.ahead_at_counters(ticket, [(c, "A") for c in waiting], [(("A",), streak)], cap)
