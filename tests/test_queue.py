"""The pure queue rules, as tables."""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from server import queue as rules
from server.errors import Conflict
from server.queue import Candidate, CounterLoad, Status

JAKARTA = ZoneInfo("Asia/Jakarta")


@pytest.mark.parametrize("prefix, seq, expected", [
    ("A", 1, "A001"), ("B", 12, "B012"), ("F", 999, "F999"), ("A", 1000, "A1000"),
])
def test_format_number(prefix, seq, expected):
    assert rules.format_number(prefix, seq) == expected


@pytest.mark.parametrize("utc, day", [
    (datetime(2026, 11, 27, 16, 59, tzinfo=timezone.utc), "2026-11-27"),  # 23:59 WIB
    (datetime(2026, 11, 27, 17, 0, tzinfo=timezone.utc), "2026-11-28"),   # 00:00 WIB
    (datetime(2026, 11, 28, 0, 30, tzinfo=timezone.utc), "2026-11-28"),
])
def test_local_day_is_the_offices_day(utc, day):
    assert rules.local_day(utc, JAKARTA).isoformat() == day


R1, R2, R3 = Candidate(1, False, 10.0), Candidate(2, False, 20.0), Candidate(3, False, 30.0)
P1, P2 = Candidate(11, True, 15.0), Candidate(12, True, 25.0)


@pytest.mark.parametrize("candidates, streak, cap, expected", [
    ([], 0, 3, None),
    ([R2, R1, R3], 0, 3, R1),              # oldest first
    ([R1, P1], 0, 3, P1),                  # priority before regular
    ([R1, P2, P1], 0, 3, P1),              # oldest priority first
    ([R1, P1], 2, 3, P1),                  # below the cap
    ([R1, P1], 3, 3, R1),                  # cap reached: a regular visitor goes
    ([P1, P2], 3, 3, P1),                  # cap reached but nobody regular waits
    ([R1, P1], 10, 0, P1),                 # cap 0 = no cap
    ([Candidate(5, False, 10.0), Candidate(4, False, 10.0)], 0, 3, Candidate(4, False, 10.0)),  # tie → id
])
def test_pick_next(candidates, streak, cap, expected):
    assert rules.pick_next(candidates, streak, cap) == expected


@pytest.mark.parametrize("streak, priority, expected", [(0, True, 1), (2, True, 3), (3, False, 0)])
def test_priority_streak(streak, priority, expected):
    assert rules.next_priority_streak(streak, priority) == expected


@pytest.mark.parametrize("skip_count, returns, expected", [
    (0, 1, Status.WAITING), (1, 1, Status.NO_SHOW), (0, 0, Status.NO_SHOW), (1, 2, Status.WAITING),
])
def test_after_skip(skip_count, returns, expected):
    assert rules.after_skip(skip_count, returns) == expected


LEGAL = [
    ("call", "waiting"), ("recall", "called"), ("start", "called"), ("finish", "serving"),
    ("skip", "called"), ("transfer", "called"), ("transfer", "serving"), ("cancel", "waiting"),
    ("cancel", "called"), ("expire", "waiting"), ("expire", "called"),
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


@pytest.mark.parametrize("ticket, waiting, expected", [
    (R3, [R1, R2, R3], 2),
    (R1, [R1, R2, R3], 0),
    (R2, [R1, R2, P2], 2),   # a later priority ticket still goes first
    (P2, [R1, P1, P2], 1),   # a priority ticket waits only behind older priority tickets
])
def test_ahead_of(ticket, waiting, expected):
    assert rules.ahead_of(ticket, waiting) == expected


@pytest.mark.parametrize("ahead, loads, recent, standard, expected", [
    (0, [CounterLoad(1, 1)], [], 15, 0),
    (3, [CounterLoad(1, 1)], [], 15, 45),                      # no history: SOP standard
    (3, [CounterLoad(1, 1), CounterLoad(2, 1)], [], 15, 23),   # two counters
    (3, [CounterLoad(1, 2)], [], 15, 90),                      # one counter shared by two busy services
    (4, [CounterLoad(1, 1)], [4, 6, 100], 15, 24),             # median of recent times (6)
    (4, [CounterLoad(1, 1)], [4, 6], 15, 20),                  # even count: mean of the middle two
    (2, [], [], 15, None),                                     # nobody serves it
])
def test_estimate(ahead, loads, recent, standard, expected):
    assert rules.estimate_wait_minutes(ahead, loads, recent, standard) == expected
