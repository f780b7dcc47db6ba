"""Live over-time alerts: once per ticket and kind, and only past the standard (FakeClock)."""

from __future__ import annotations

import threading

import pytest
from conftest import issue


@pytest.fixture
def listener(socket_client):
    """A screen connected to the office's Socket.IO server."""
    screen = socket_client()
    screen.get_received()
    return screen


@pytest.fixture
def sent(listener):
    """What the screens have received as ``ticket_overtime`` so far (read when called)."""
    received: list = []

    def read():
        received.extend(
            ("ticket_overtime", m["args"][0])
            for m in listener.get_received()
            if m["name"] == "ticket_overtime"
        )
        return received

    return read


@pytest.fixture
def check(loket, clock):
    return lambda: loket.check_overtime(clock())


def test_wait_alert_fires_once_and_only_past_the_standard(client, check, clock, sent):
    ticket = issue(client, "A")  # standard wait 15 minutes
    clock.advance(minutes=14, seconds=59)
    assert check() == []
    clock.advance(seconds=1)  # exactly on the standard is still within it
    assert check() == []
    clock.advance(seconds=1)
    fired = check()
    assert [(p["ticket"]["id"], p["kind"], p["minutes"], p["standard_minutes"]) for p in fired] == [
        (ticket["id"], "wait", 15, 15)
    ]
    assert sent() == [("ticket_overtime", fired[0])]
    clock.advance(minutes=30)
    assert check() == []
    assert len(sent()) == 1


def test_service_alert_after_the_standard_service_time(client, login, check, clock, sent):
    officer = login("officer", counter=2)  # counter 2 serves B: wait 15, service 25 minutes
    ticket = issue(client, "B")
    clock.advance(minutes=3)
    officer.post("/api/counters/2/call-next")
    officer.post(f"/api/tickets/{ticket['id']}/start")
    clock.advance(minutes=25)
    assert check() == []
    clock.advance(seconds=30)
    fired = check()
    assert [(p["kind"], p["minutes"]) for p in fired] == [("service", 25)]
    assert fired[0]["ticket"]["status"] == "serving"
    clock.advance(minutes=10)
    assert check() == []


def test_called_tickets_and_other_services_keep_their_own_standard(client, login, check, clock):
    officer = login("officer", counter=3)  # serves D (15 min) and E (10 min)
    e_ticket = issue(client, "E")
    d_ticket = issue(client, "D")
    clock.advance(minutes=11)
    assert [p["ticket"]["id"] for p in check()] == [e_ticket["id"]]
    officer.post("/api/counters/3/call-next")  # E is called: its wait has ended
    clock.advance(minutes=5)
    assert [p["ticket"]["id"] for p in check()] == [d_ticket["id"]]


def test_alert_reaches_socket_clients(client, loket, clock, listener):
    issue(client, "E")
    clock.advance(minutes=10, seconds=1)
    loket.check_overtime()  # the office's clock by default
    events = [m for m in listener.get_received() if m["name"] == "ticket_overtime"]
    assert len(events) == 1 and events[0]["args"][0]["kind"] == "wait"


def test_background_job_stops_with_the_office(data_dir, clock):
    from conftest import make_app

    app = make_app(data_dir, clock=clock, background=True)
    runtime = app.extensions["runtime"]
    job = next(t for t in threading.enumerate() if t.name == "loket-overtime-alerts")
    assert job.daemon and job.is_alive()
    runtime.close()
    job.join(20)
    assert not job.is_alive()
