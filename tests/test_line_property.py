"""The waiting line kept in memory (server/core/line.py) against the database it follows.

Random action sequences on one office (issue, call, skip, finish, transfer, cancel, a day change,
and writes by a second connection as another process would make them): after each sequence the
line the queue kept must equal a line read whole from SQLite, and the dispatcher's constant-time
first choice must equal :func:`~server.core.rules.pick_next` on any three heads (Hypothesis).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from conftest import FakeClock, write_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.config.loader import load_config
from server.core.actor import Actor
from server.core.errors import LoketError
from server.core.line import Line
from server.core.rules import Candidate, Status, first_choice, pick_next
from server.core.storage import Store
from server.core.ticket_queue import TicketQueue

SERVICES = "ABCDEF"
COUNTERS = (1, 2, 3, 4)

steps = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.sampled_from(SERVICES), st.booleans()),
        st.tuples(st.just("other_issue"), st.sampled_from(SERVICES), st.booleans()),
        st.tuples(st.just("call"), st.sampled_from(COUNTERS), st.just(None)),
        st.tuples(st.just("skip"), st.sampled_from(COUNTERS), st.just(None)),
        st.tuples(st.just("finish"), st.sampled_from(COUNTERS), st.just(None)),
        st.tuples(st.just("transfer"), st.sampled_from(COUNTERS), st.sampled_from(SERVICES)),
        st.tuples(st.just("cancel"), st.integers(min_value=0, max_value=50), st.just(None)),
        st.tuples(st.just("read"), st.just(None), st.just(None)),
        st.tuples(st.just("next_day"), st.just(None), st.just(None)),
    ),
    min_size=1,
    max_size=50,
)


def _officer(counter: int) -> Actor:
    return Actor(f"petugas{counter}", "officer", counter)


def _apply(queue: TicketQueue, other: TicketQueue, clock: FakeClock, step) -> None:
    kind, what, extra = step
    clock.advance(seconds=11)
    supervisor = Actor("kepala", "supervisor")
    try:
        if kind == "issue":
            queue.issue(what, extra, "lansia" if extra else None)
        elif kind == "other_issue":  # another process on the same file (a second Store)
            other.issue(what, extra, "lansia" if extra else None)
        elif kind == "call":
            queue.call_next(what, _officer(what))
        elif kind == "read":
            queue.line()
        elif kind == "next_day":
            clock.advance(days=1)
            queue.expire_stale()
        elif kind == "cancel":
            waiting = queue.line().snapshot()
            if waiting:
                queue.cancel(waiting[what % len(waiting)][0].id, supervisor)
        else:
            held = dict(queue.counters_overview()).get(queue.counter(what))
            if held is None:
                return
            if kind == "skip" and held.status == Status.CALLED:
                queue.skip(held.id, _officer(what))
            elif kind == "finish" and held.status == Status.CALLED:
                queue.start(held.id, _officer(what))
                queue.finish(held.id, _officer(what))
            elif kind == "transfer":
                queue.transfer(held.id, extra, _officer(what))
    except LoketError:  # closed on a weekend, same service: refused steps change nothing
        pass


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=steps)
def test_the_line_in_memory_equals_a_rebuild_from_sqlite(history):
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        config = load_config(write_config(data, {'hours = "07:30-16:00"': 'hours = "00:00-24:00"'}))
        clock = FakeClock()
        store, second = Store(data / "loket.db"), Store(data / "loket.db")
        try:
            queue = TicketQueue(store, config, clock)
            other = TicketQueue(second, config, clock)
            for step in history:
                _apply(queue, other, clock, step)
            kept = queue.line().snapshot()
            rebuilt = Line()
            rebuilt.rebuild(store.read())
            assert kept == rebuilt.snapshot()
            assert [c.id for c, _s in kept] == [
                r[0]
                for r in store.read().execute(
                    "SELECT id FROM tickets WHERE status = 'waiting' ORDER BY queue_seq, id"
                )
            ]
        finally:
            second.close()
            store.close()


heads = st.one_of(
    st.none(),
    st.builds(Candidate, st.integers(1, 30), st.booleans(), st.integers(1, 30), st.booleans()),
)


@settings(max_examples=400, deadline=None)
@given(priority=heads, regular=heads, returned=heads, streak=st.integers(0, 4), cap=st.integers(0, 3))
def test_the_constant_time_choice_is_the_dispatchers(priority, regular, returned, streak, cap):
    # Heads as a counter sees them: each in its own lane, so distinct tickets.
    priority = priority and Candidate(priority.id, True, priority.order, False)
    regular = regular and Candidate(regular.id + 100, False, regular.order, False)
    returned = returned and Candidate(returned.id + 200, returned.priority, returned.order, True)
    present = [c for c in (priority, regular, returned) if c is not None]
    assert first_choice(priority, regular, returned, streak, cap) == pick_next(present, streak, cap)
