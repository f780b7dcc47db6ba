"""The SQLite file: migrations, WAL, daily sequences and the append-only event log."""

import sqlite3

import pytest
from event_log import ticket_events

from server.core import tickets, waiting
from server.core.storage import Store


@pytest.fixture
def store(tmp_path):
    store = Store(tmp_path / "loket.db")
    yield store
    store.close()


def test_migrations_create_the_schema_once(tmp_path):
    first = Store(tmp_path / "loket.db")
    first.close()
    again = Store(tmp_path / "loket.db")  # re-opening applies nothing twice
    names = {r[0] for r in again.read().execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"tickets", "events", "day_sequences", "counter_state", "users"} <= names
    applied = again.read().execute("SELECT name FROM _sqlite_migrations").fetchall()
    names = [r[0] for r in applied]
    assert names[0] == "m001_initial" and len(names) == len(set(names))
    assert again.read().execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    again.close()


def test_sequences_are_per_service_and_day(store):
    with store.write() as conn:
        got = [
            tickets.next_sequence(conn, s, d)
            for s, d in [("A", "2026-11-30"), ("A", "2026-11-30"), ("B", "2026-11-30"), ("A", "2026-12-01")]
        ]
    assert got == [1, 2, 1, 1]
    assert tickets.issued_count(store.read(), "A", "2026-11-30") == 2


def _ticket(conn, seq=1, **extra):
    values = dict(
        token=f"t{seq}",
        number=f"A{seq:03d}",
        service="A",
        day="2026-11-30",
        seq=seq,
        priority=0,
        status="waiting",
        issued_at=1.0,
        arrived_at=1.0,
        queued_at=1.0,
        queue_seq=seq,
    )
    values.update(extra)
    return tickets.insert_ticket(conn, **values)


def test_a_number_cannot_be_stored_twice(store):
    with store.write() as conn:
        _ticket(conn, 1)
    with pytest.raises(sqlite3.IntegrityError):
        with store.write() as conn:
            _ticket(conn, 1, token="other")
    assert store.read().execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 1


def test_event_log_is_append_only(store):
    with store.write() as conn:
        ticket_id = _ticket(conn)
        tickets.add_event(conn, ticket_id, "issued", 1.0, detail={"priority": False})
    for statement in ("UPDATE events SET kind = 'x'", "DELETE FROM events"):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            with store.write() as conn:
                conn.execute(statement)
    assert ticket_events(store.read(), ticket_id)[0]["detail"] == {"priority": False}


def test_a_failed_transaction_leaves_nothing(store):
    with pytest.raises(RuntimeError):
        with store.write() as conn:
            _ticket(conn)
            raise RuntimeError("boom")
    assert store.read().execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 0


def test_update_refuses_unknown_columns(store):
    with store.write() as conn:
        ticket_id = _ticket(conn)
        with pytest.raises(ValueError):
            tickets.update_ticket(conn, ticket_id, **{"status = 'done' --": 1})


def test_the_dispatch_heads_choose_what_the_whole_queue_would(store):
    """call-next reads only three tickets per service; the dispatcher over the whole queue must
    agree with it, for any streak, with skipped (returned) tickets among them."""
    import random

    from server.core import rules

    rng = random.Random(7)
    places = rng.sample(range(1, 1000), 119)  # the queue order, shuffled against the numbers
    with store.write() as conn:
        for seq in range(1, 120):
            ticket_id = _ticket(
                conn,
                seq,
                service=rng.choice("AB"),
                priority=int(rng.random() < 0.3),
                queued_at=float(rng.randint(1, 40)),
                queue_seq=places[seq - 1],
                status=rng.choice(["waiting", "waiting", "waiting", "done"]),
            )
            if rng.random() < 0.1:
                tickets.update_ticket(conn, ticket_id, skip_count=1)
    conn = store.read()
    for services in (("A",), ("B",), ("A", "B")):
        candidates = [t.candidate() for t in waiting.waiting_tickets(conn, services)]
        heads = [t.candidate() for t in waiting.dispatch_heads(conn, services)]
        for streak in range(5):
            assert rules.pick_next(heads, streak, 3) == rules.dispatch_order(candidates, streak, 3)[0]
    for service in "AB":
        candidates = [t.candidate() for t in waiting.waiting_tickets(conn, (service,))]
        order = sorted(candidates, key=lambda c: (not c.priority, c.order))
        assert [t.id for t in waiting.next_waiting(conn, (service,), 5)] == [c.id for c in order[:5]]
