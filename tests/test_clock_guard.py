"""The clock guard with an injected clock: a PC that boots in the past, a clock that jumps back
while serving, the right clock resuming, a forward jump over midnight, the admin's override."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from conftest import START, FakeClock, issue, make_app

from server.webbase.auth import create_user

MESSAGE = "Jam komputer tidak benar"


@pytest.fixture
def open_app(data_dir):
    """Start (and later close) more apps on the same data folder, each with its own clock."""
    apps = []

    def start(clock):
        app = make_app(data_dir, clock=clock, background=False)
        app.config["TESTING"] = True
        apps.append(app)
        return app

    yield start
    for app in apps:
        app.extensions["runtime"].close()


def ticket_count(loket) -> int:
    return loket.store.read().execute("SELECT COUNT(*) FROM tickets").fetchone()[0]


def refused(response):
    assert response.status_code == 503, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "clock_wrong" and error["message"].startswith(MESSAGE)
    return error["message"]


def signed_in(app, role="officer", counter=1, name=None):
    name = name or f"{role}{counter}"
    create_user(app.extensions["runtime"].store, name, "rahasia-123", role, START)
    client = app.test_client()
    body = {"username": name, "password": "rahasia-123"}
    if counter:
        body["counter"] = counter
    assert client.post("/api/login", json=body).status_code == 200
    return client


def test_a_start_with_the_clock_a_year_behind_refuses_numbers_and_issues_nothing(app, client, open_app):
    issue(client, "A")
    issue(client, "B")
    app.extensions["runtime"].close()

    behind = open_app(FakeClock(START - timedelta(days=365)))
    kiosk = behind.test_client()
    message = refused(kiosk.post("/api/tickets", json={"service": "A"}))
    assert "2025" in message and "2026" in message, "names the wrong and the recorded date"
    services = kiosk.get("/api/services").get_json()["services"]
    assert all(not s["open"] and s["closed_code"] == "clock_wrong" for s in services)
    assert services[0]["closed_reason"].startswith(MESSAGE), "each button says why"
    assert kiosk.get("/api/system/status").get_json()["clock"]["ok"] is False
    officer = signed_in(behind)
    refused(officer.post("/api/counters/1/call-next"))
    assert ticket_count(behind.extensions["runtime"]) == 2, "nothing was written"


def test_a_backwards_jump_while_serving_refuses_and_the_right_clock_resumes(client, clock, login, loket):
    assert issue(client, "A")["number"] == "A001"
    officer = login("officer", 1)
    clock.set(START - timedelta(hours=3))  # NTP or a person set the clock back
    refused(client.post("/api/tickets", json={"service": "A"}))
    refused(officer.post("/api/counters/1/call-next"))
    assert ticket_count(loket) == 1

    clock.set(START + timedelta(minutes=1))
    assert issue(client, "A")["number"] == "A002", "resumes by itself, numbering continues"
    assert client.get("/api/system/status").get_json()["clock"] == {"ok": True, "message": None}
    assert officer.post("/api/counters/1/call-next").get_json()["ticket"]["number"] == "A001"


def test_small_corrections_within_the_tolerance_are_accepted(client, clock):
    issue(client, "A")
    clock.set(START - timedelta(minutes=4))
    assert issue(client, "A")["number"] == "A002"
    clock.set(START - timedelta(minutes=6))
    refused(client.post("/api/tickets", json={"service": "A"}))


def test_a_forward_jump_over_midnight_is_a_day_change(client, clock, loket):
    first = issue(client, "A")
    issue(client, "A")
    clock.set(START + timedelta(days=1, minutes=30))  # Tuesday 09:30: the PC slept, or NTP jumped
    ticket = issue(client, "A")
    assert ticket["number"] == "A001", "a new day restarts the numbers"
    assert ticket["issued_at"].startswith("2026-12-01")
    rows = loket.store.read().execute("SELECT status FROM tickets WHERE id = ?", (first["id"],)).fetchone()
    assert rows[0] == "expired", "yesterday's waiting tickets are closed"


def test_the_screens_are_told_when_the_clock_turns_wrong_and_right(app, client, clock, loket, socket_client):
    issue(client, "A")
    screen = socket_client()
    screen.get_received()
    clock.set(START - timedelta(days=2))
    loket.unattended.tick()
    names = [m["name"] for m in screen.get_received()]
    deadline = time.monotonic() + 3  # waiting counts go to the screens merged, a moment later
    while "queue_changed" not in names and time.monotonic() < deadline:
        time.sleep(0.05)
        names += [m["name"] for m in screen.get_received()]
    assert "system_status" in names and "queue_changed" in names, "kiosks reload and show why"
    clock.set(START + timedelta(minutes=2))
    loket.unattended.tick()
    received = [m for m in screen.get_received() if m["name"] == "system_status"]
    assert received and received[-1]["args"][0]["clock"]["ok"] is True


def test_the_admin_confirms_a_clock_that_was_once_in_the_future(app, client, open_app):
    future = open_app(FakeClock(START + timedelta(days=365)))
    issue(future.test_client(), "A")  # a number recorded a year ahead
    future.extensions["runtime"].close()
    app.extensions["runtime"].close()

    today = open_app(FakeClock(START))
    kiosk = today.test_client()
    refused(kiosk.post("/api/tickets", json={"service": "A"}))
    officer = signed_in(today)
    assert officer.post("/api/admin/clock/confirm", json={"confirm": True}).status_code == 403
    admin = signed_in(today, "admin", None, "admin")
    error = admin.post("/api/admin/clock/confirm", json={}).get_json()["error"]
    assert error["code"] == "confirmation_required"
    assert admin.get("/api/admin/system").get_json()["clock"]["ok"] is False
    confirmed = admin.post("/api/admin/clock/confirm", json={"confirm": True})
    assert confirmed.status_code == 200 and confirmed.get_json()["clock"]["ok"] is True
    assert issue(kiosk, "A")["number"] == "A001"
    audit = admin.get("/api/admin/audit").get_json()
    assert any(entry["action"] == "clock_override" for entry in audit["entries"])
    today.extensions["runtime"].close()

    later = open_app(FakeClock(START + timedelta(hours=2)))
    assert issue(later.test_client(), "A")["number"] == "A002", "the confirmation survives a restart"
    # …and the guard still knows today: a boot in the past is refused again.
    later.extensions["runtime"].close()
    past = open_app(FakeClock(START - timedelta(days=30)))
    refused(past.test_client().post("/api/tickets", json={"service": "A"}))


def test_the_time_seen_while_idle_is_remembered_across_a_restart(app, clock, loket, open_app):
    loket.unattended.tick()
    clock.advance(hours=3)  # a quiet afternoon: nothing recorded, the guard saves the time
    loket.unattended.tick()
    stored = loket.store.read().execute("SELECT latest FROM clock_state").fetchone()[0]
    assert stored == (START + timedelta(hours=3)).timestamp()
    loket.close()
    reboot = open_app(FakeClock(START + timedelta(hours=1)))  # the CMOS clock lost two hours
    refused(reboot.test_client().post("/api/tickets", json={"service": "A"}))


def test_no_survey_answer_is_recorded_on_a_wrong_day(client, clock, login):
    ticket = issue(client, "A")
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    officer.post(f"/api/tickets/{ticket['id']}/start")
    officer.post(f"/api/tickets/{ticket['id']}/finish")
    token = ticket["status_url"].rsplit("/t/", 1)[1]
    clock.set(START - timedelta(days=1))
    refused(client.post(f"/api/survey/{token}", json={"rating": 4}))
    clock.set(START + timedelta(minutes=5))
    assert client.post(f"/api/survey/{token}", json={"rating": 4}).status_code == 201
