"""The one "people ahead", checked against what call-next then does (Hypothesis).

Random histories of one office with shared counters (Loket 1 serves A and C, Loket 4 serves F,
E and A, Loket 3 serves D and E): numbers taken, called, skipped and finished at random. Then,
for a waiting ticket, the counters that serve its service call in turn, in loket order, with
nobody else arriving: the number of tickets they call before it must be the "ahead" that the
ticket, the phone, the kiosk and the printed ticket were told.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from conftest import FakeClock, issue, write_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.config.loader import load_config
from server.core.actor import Actor
from server.core.errors import LoketError
from server.core.rules import Status
from server.core.storage import Store
from server.core.ticket_queue import TicketQueue
from server.core.waiting import waiting_tickets

SERVICES = "ABCDEF"
COUNTERS = (1, 2, 3, 4)

actions = st.lists(
    st.one_of(
        st.tuples(st.just("issue"), st.sampled_from(SERVICES), st.booleans()),
        st.tuples(st.just("call"), st.sampled_from(COUNTERS), st.just(None)),
        st.tuples(st.just("skip"), st.sampled_from(COUNTERS), st.just(None)),
        st.tuples(st.just("finish"), st.sampled_from(COUNTERS), st.just(None)),
    ),
    min_size=1,
    max_size=40,
)


def _officer(counter: int) -> Actor:
    return Actor(f"petugas{counter}", "officer", counter)


def _held(queue: TicketQueue, counter: int):
    return dict(queue.counters_overview()).get(queue.counter(counter))


def _play(queue: TicketQueue, clock: FakeClock, history) -> None:
    for kind, what, priority in history:
        clock.advance(seconds=7)
        if kind == "issue":
            queue.issue(what, priority, "lansia" if priority else None)
            continue
        if kind == "call":
            queue.call_next(what, _officer(what))
            continue
        held = _held(queue, what)
        if held is None:
            continue
        try:
            if kind == "skip" and held.status == Status.CALLED:
                queue.skip(held.id, _officer(what))
            elif kind == "finish":
                queue.finish(held.id, _officer(what))
        except LoketError:  # e.g. finishing a ticket that was only called: not a step we test
            pass


def _calls_before(queue: TicketQueue, clock: FakeClock, ticket) -> int:
    """Counters serving the ticket's service call in turn, in loket order, until it is called."""
    serving = [c.id for c in queue.config.counters if ticket.service in c.services]
    called = 0
    while True:
        for counter in serving:
            clock.advance(seconds=5)
            outcome = queue.call_next(counter, _officer(counter))
            if outcome.ticket is None:
                continue
            if outcome.ticket.id == ticket.id:
                return called
            called += 1


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(history=actions, pick=st.integers(min_value=0, max_value=10_000))
def test_people_ahead_is_what_call_next_then_does(history, pick):
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder)
        config = load_config(write_config(data))  # the clock starts on a weekday, in opening hours
        clock = FakeClock()
        store = Store(data / "loket.db")
        try:
            queue = TicketQueue(store, config, clock)
            _play(queue, clock, history)
            waiting = _waiting(queue)
            if not waiting:
                return
            ticket = waiting[pick % len(waiting)]
            told = queue.ahead(ticket)
            assert _calls_before(queue, clock, ticket) == told
        finally:
            store.close()


def _waiting(queue: TicketQueue):
    return waiting_tickets(queue.store.read())


def test_the_shared_counter_case_from_the_report(app, client, login):
    """Loket 1 serves A and C: A001 and C001 issued, A001 called and skipped (it returns behind
    C001), then a priority C002 is taken: C001 and A001 are called before it, so 2 ahead."""
    issue(client, "A")
    issue(client, "C")
    officer = login("officer", 1)
    first = officer.post("/api/counters/1/call-next").get_json()["ticket"]
    assert first["number"] == "A001"
    officer.post(f"/api/tickets/{first['id']}/skip")
    priority = issue(client, "C", priority=True, priority_reason="lansia")
    assert priority["ahead"] == 2
    status = client.get(priority["status_url"].replace("/t/", "/api/status/")).get_json()["ticket"]
    assert status["ahead"] == 2
    called = [officer.post("/api/counters/1/call-next").get_json()["ticket"]["number"] for _ in range(3)]
    assert called == ["C001", "A001", "C002"]
