"""The day as the office lives it: the first request of a day, midnight, and the queue's order
after skips and priority visitors, seen by the visitor, the officer and the supervisor."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from conftest import issue, make_app, write_config

WIB = ZoneInfo("Asia/Jakarta")


def local(*args) -> datetime:
    return datetime(*args, tzinfo=WIB)


@pytest.fixture
def officer(login):
    return login("officer", counter=2)  # Loket 2 serves B only


def status(client, ticket: dict) -> dict:
    """The visitor's view of their ticket, through the QR code's token."""
    token = ticket["status_url"].rstrip("/").rsplit("/", 1)[-1]
    response = client.get(f"/api/status/{token}")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["ticket"]


def call(client, counter: int = 2) -> dict | None:
    response = client.post(f"/api/counters/{counter}/call-next")
    assert response.status_code == 200, response.get_json()
    return response.get_json()["ticket"]


def test_a_tap_before_opening_does_not_leave_yesterdays_queue_open(client, login, clock, loket):
    clock.set(local(2026, 11, 30, 15, 0))
    yesterday = issue(client, "B")
    assert yesterday["number"] == "B001"
    clock.set(local(2026, 12, 1, 6, 50))  # Tuesday, before 07:30: the kiosk refuses
    refused = client.post("/api/tickets", json={"service": "B"})
    assert refused.status_code == 409 and "07.30" in refused.get_json()["error"]["message"]
    clock.set(local(2026, 12, 1, 7, 31))
    today = issue(client, "B")
    assert today["number"] == "B001" and today["ahead"] == 0
    assert status(client, yesterday)["status"] == "expired"
    assert call(login("officer", counter=2))["id"] == today["id"]


def test_a_visitor_still_being_served_at_midnight_is_closed_unfinished(client, login, clock, loket):
    clock.set(local(2026, 11, 30, 15, 50))
    officer = login("officer", counter=2)
    ticket = issue(client, "B")
    call(officer)
    assert officer.post(f"/api/tickets/{ticket['id']}/start").status_code == 200
    clock.set(local(2026, 12, 1, 0, 0, 30))
    loket.run_housekeeping()  # the background job, every 30 s
    closed = loket.queue.get(ticket["id"])
    assert closed.status == "unfinished"
    assert closed.finished_at is None
    assert closed.closed_at == local(2026, 12, 1).timestamp()  # the cut is midnight itself
    # The next morning's first call does not close it with a night's worth of service time.
    clock.set(local(2026, 12, 1, 8, 0))
    issue(client, "B")
    call(login("officer", counter=2))
    assert loket.queue.get(ticket["id"]).status == "unfinished"
    # The supervisor sees it on the board and in yesterday's report, out of the averages.
    supervisor = login("supervisor", counter=None)
    board = supervisor.get("/api/board").get_json()
    assert [t["number"] for t in board["unfinished"]] == ["B001"]
    figures = supervisor.get("/reports/data.json?view=day&date=2026-11-30").get_json()["total"]
    assert figures["unfinished"] == 1 and figures["service_time"]["count"] == 0
    assert figures["wait"]["count"] == 1  # the wait was real: the visitor was called


def test_a_called_ticket_left_at_midnight_is_unfinished_and_a_waiting_one_expired(
    client, login, clock, loket
):
    clock.set(local(2026, 11, 30, 15, 55))
    called, waiting = issue(client, "B"), issue(client, "B")
    call(login("officer", counter=2))
    clock.set(local(2026, 12, 1, 9, 0))
    fresh = issue(client, "B")  # the first request of the day closes yesterday
    assert loket.queue.get(called["id"]).status == "unfinished"
    assert loket.queue.get(waiting["id"]).status == "expired"
    assert fresh["number"] == "B001" and fresh["ahead"] == 0


def test_numbers_at_one_second_before_and_at_midnight(tmp_path):
    data = tmp_path / "open-all-day"
    write_config(
        data,
        {
            'hours = "07:30-16:00"': 'hours = "00:00-24:00"',
            'days = ["mon", "tue", "wed", "thu", "fri"]': 'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]',
        },
    )
    from conftest import FakeClock

    clock = FakeClock(local(2026, 11, 30, 23, 59, 58))
    app = make_app(data, clock=clock, background=False)
    try:
        kiosk = app.test_client()
        assert issue(kiosk, "A")["number"] == "A001"
        clock.set(local(2026, 11, 30, 23, 59, 59))
        last = issue(kiosk, "A")
        clock.set(local(2026, 12, 1, 0, 0, 0))
        first = issue(kiosk, "A")
        assert (last["number"], first["number"]) == ("A002", "A001")
        assert last["issued_at"].startswith("2026-11-30T23:59:59")
        assert first["issued_at"].startswith("2026-12-01T00:00:00")
        assert status(kiosk, last)["status"] == "expired"  # yesterday's queue closed at midnight
        assert first["ahead"] == 0
    finally:
        app.extensions["runtime"].close()


def test_a_skipped_priority_visitor_goes_to_the_end_of_the_queue(client, officer, clock):
    elderly = issue(client, "B", priority=True, priority_reason="lansia")
    regular = [issue(client, "B") for _ in range(2)]
    assert call(officer)["id"] == elderly["id"]
    clock.advance(minutes=2)
    skipped = officer.post(f"/api/tickets/{elderly['id']}/skip").get_json()["ticket"]
    assert skipped["status"] == "waiting"
    clock.advance(minutes=1)
    later = issue(client, "B", priority=True, priority_reason="ibu_hamil")  # came after the skip
    order = [call(officer)["id"] for _ in range(4)]
    assert order == [regular[0]["id"], regular[1]["id"], elderly["id"], later["id"]]


def test_priority_calls_with_nobody_regular_waiting_do_not_count_towards_the_cap(client, officer):
    for _ in range(4):
        issue(client, "B", priority=True, priority_reason="lansia")
        call(officer)
    disabled = issue(client, "B", priority=True, priority_reason="disabilitas")
    regular = issue(client, "B")
    assert call(officer)["id"] == disabled["id"]
    assert call(officer)["id"] == regular["id"]


def test_people_ahead_follow_the_order_of_the_calls(client, officer):
    priority = [issue(client, "B", priority=True, priority_reason="lansia") for _ in range(6)]
    regular = issue(client, "B")
    assert regular["ahead"] == 3  # three priority visitors, then the cap lets a regular one go
    assert status(client, regular)["ahead"] == 3
    called = [call(officer)["id"] for _ in range(4)]
    assert called == [p["id"] for p in priority[:3]] + [regular["id"]]


def test_after_midnight_the_tv_shows_no_call_of_yesterday(client, login, clock, loket, socket_client):
    clock.set(local(2026, 11, 30, 15, 50))
    issue(client, "B")
    call(login("officer", counter=2))
    assert [c["number"] for c in client.get("/api/state").get_json()["recent_calls"]] == ["B001"]
    screen = socket_client()
    screen.get_received()
    clock.set(local(2026, 12, 1, 0, 0, 30))
    loket.run_housekeeping()
    state = client.get("/api/state").get_json()
    assert state["recent_calls"] == [] and all(c["current"] is None for c in state["counters"])
    pushed = [m["args"][0] for m in screen.get_received() if m["name"] == "state"]
    assert pushed and pushed[-1]["recent_calls"] == []  # open TVs redraw without yesterday's call
