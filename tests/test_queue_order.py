"""The queue's one order: a sequence given each time a ticket enters the queue, never the clock."""

from __future__ import annotations

import sqlite_utils
from conftest import issue

from server.core.migrations import migrations
from server.core.storage import Store
from server.core.tickets import get_ticket


def _call_all(officer, count: int) -> list[str]:
    return [officer.post("/api/counters/1/call-next").get_json()["ticket"]["number"] for _ in range(count)]


def test_a_clock_stepped_back_within_the_tolerance_keeps_the_order(client, login, clock):
    first = [issue(client, "A")["number"] for _ in range(5)]
    clock.advance(minutes=-4)  # an NTP correction: inside the clock guard's 5 minutes
    late = issue(client, "A")
    assert late["ahead"] == 5
    assert _call_all(login("officer", 1), 6) == [*first, late["number"]]


def test_a_skipped_ticket_goes_behind_the_ones_queued_before_it_returned(client, login, clock):
    numbers = [issue(client, "A")["number"] for _ in range(3)]
    officer = login("officer", 1)
    called = officer.post("/api/counters/1/call-next").get_json()["ticket"]
    clock.advance(minutes=-3)  # the clock steps back before the skip: the return still goes last
    officer.post(f"/api/tickets/{called['id']}/skip")
    assert _call_all(officer, 3) == [numbers[1], numbers[2], numbers[0]]


def test_upgrading_keeps_the_waiting_order_by_queue_time_then_id(tmp_path):
    path = tmp_path / "loket.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m022_queue_order")
    rows = [  # (number, status, queued_at): A003 was queued first, A001 and A002 tie on time
        ("A001", "waiting", 20.0),
        ("A002", "waiting", 20.0),
        ("A003", "waiting", 10.0),
        ("A004", "done", 5.0),
    ]
    for seq, (number, status, queued_at) in enumerate(rows, 1):
        db.execute(
            "INSERT INTO tickets (token, number, service, day, seq, status, issued_at, arrived_at, queued_at) "
            "VALUES (?, ?, 'A', '2026-11-30', ?, ?, ?, ?, ?)",
            (f"t{seq}", number, seq, status, queued_at, queued_at, queued_at),
        )
    db.conn.commit()
    db.close()
    store = Store(path)
    try:
        conn = store.read()
        places = {get_ticket(conn, i).number: get_ticket(conn, i).queue_seq for i in range(1, 5)}
    finally:
        store.close()
    assert places == {"A003": 1, "A001": 2, "A002": 3, "A004": None}
