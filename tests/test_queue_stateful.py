"""Random sequences of queue actions keep the invariants (Hypothesis stateful testing), on a
real SQLite file with an injected clock."""

import shutil
import tempfile
from pathlib import Path

from conftest import FakeClock, make_app, write_config
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule

from server.core.actor import Actor
from server.core.errors import LoketError

SERVICES = list("ABCDEF")
COUNTERS = [1, 2, 3, 4]


class QueueMachine(RuleBasedStateMachine):
    def __init__(self):
        super().__init__()
        self.folder = Path(tempfile.mkdtemp(prefix="loket-stateful-"))
        write_config(self.folder)
        self.clock = FakeClock()
        self.app = make_app(self.folder, clock=self.clock, background=False)
        self.loket = self.app.extensions["runtime"]
        self.queue = self.loket.queue
        self.issued_ids: set[int] = set()
        self.supervisor = Actor("kepala", "supervisor")

    def teardown(self):
        self.loket.close()
        shutil.rmtree(self.folder, ignore_errors=True)

    def _ticket_ids(self):
        return sorted(self.issued_ids)

    @rule(service=st.sampled_from(SERVICES), priority=st.booleans())
    def issue(self, service, priority):
        try:
            ticket = self.queue.issue(service, priority, "lansia" if priority else None).ticket
        except LoketError as exc:
            assert exc.code in ("service_closed", "quota_reached")
            return
        self.issued_ids.add(ticket.id)

    @rule(counter=st.sampled_from(COUNTERS))
    def call_next(self, counter):
        outcome = self.queue.call_next(counter, Actor(f"p{counter}", "officer", counter))
        if outcome.ticket is not None:
            served = self.loket.config.counter(counter).services
            assert outcome.ticket.service in served

    @rule(index=st.integers(0, 500), action=st.sampled_from(["recall", "skip", "start", "finish", "cancel"]))
    def act(self, index, action):
        ids = self._ticket_ids()
        if not ids:
            return
        ticket_id = ids[index % len(ids)]
        try:
            getattr(self.queue, action)(ticket_id, self.supervisor)
        except LoketError as exc:
            assert exc.code == "invalid_state", exc.code

    @rule(index=st.integers(0, 500), service=st.sampled_from(SERVICES))
    def transfer(self, index, service):
        ids = self._ticket_ids()
        if not ids:
            return
        try:
            new = self.queue.transfer(ids[index % len(ids)], service, self.supervisor).ticket
        except LoketError as exc:
            assert exc.code in ("invalid_state", "same_service"), exc.code
            return
        self.issued_ids.add(new.id)

    @rule(minutes=st.integers(1, 120))
    def time_passes(self, minutes):
        self.clock.advance(minutes=minutes)

    @rule()
    def next_day(self):
        self.clock.advance(days=1)
        self.queue.expire_stale()

    def _rows(self):
        return [dict(r) for r in self.loket.store.read().execute("SELECT * FROM tickets")]

    @invariant()
    def numbers_are_unique_per_service_and_day(self):
        seen = set()
        for row in self._rows():
            if row["seq"] is None:
                continue
            key = (row["day"], row["service"], row["seq"])
            assert key not in seen
            seen.add(key)

    @invariant()
    def numbers_have_no_gaps(self):
        by_day = {}
        for row in self._rows():
            if row["seq"] is not None:
                by_day.setdefault((row["day"], row["service"]), []).append(row["seq"])
        for seqs in by_day.values():
            assert sorted(seqs) == list(range(1, len(seqs) + 1))

    @invariant()
    def a_ticket_is_at_one_counter_and_a_counter_holds_one_ticket(self):
        held = {}
        for row in self._rows():
            if row["status"] in ("called", "serving"):
                assert row["counter_id"] is not None
                assert row["counter_id"] not in held, "a counter holds two tickets"
                held[row["counter_id"]] = row["id"]

    @invariant()
    def times_never_run_backwards(self):
        for row in self._rows():
            chain = [row["issued_at"], row["called_at"], row["started_at"], row["finished_at"]]
            present = [t for t in chain if t is not None]
            assert present == sorted(present), row
            assert row["arrived_at"] <= row["issued_at"]

    @invariant()
    def nothing_is_lost(self):
        rows = self._rows()
        assert {r["id"] for r in rows} == self.issued_ids
        events = (
            self.loket.store.read()
            .execute("SELECT ticket_id, kind FROM events WHERE kind = 'issued'")
            .fetchall()
        )
        assert {e[0] for e in events} == self.issued_ids


QueueMachine.TestCase.settings = settings(
    max_examples=40,
    stateful_step_count=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)
TestQueueMachine = QueueMachine.TestCase
