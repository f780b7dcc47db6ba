"""Each client gets only what it needs: phones their own ticket, screens the office's events with
the waiting counts coalesced, nobody anonymous the priority reason."""

from __future__ import annotations

import time

from conftest import issue

from server.live.events import socketio


def names(received):
    return [event["name"] for event in received]


def phone(app, client):
    return socketio.test_client(
        app, flask_test_client=app.test_client(anonymous=True), query_string="screen=status"
    )


def test_a_phone_gets_only_its_own_tickets_changes(app, client, login, socket_client):
    mine = issue(client, "A")
    other = issue(client, "A")
    visitor = phone(app, client)
    assert visitor.get_received() == []  # no state of the whole office
    visitor.emit("watch_ticket", {"token": mine["status_url"].rsplit("/", 1)[-1]})
    visitor.get_received()
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")  # calls mine
    officer.post(f"/api/tickets/{mine['id']}/finish")
    issue(client, "B")
    received = visitor.get_received()
    assert set(names(received)) == {"ticket_status"}
    assert {event["args"][0]["ticket"]["id"] for event in received} == {mine["id"]}
    assert other["id"] not in {event["args"][0]["ticket"]["id"] for event in received}
    visitor.disconnect()


def test_a_waiting_phone_learns_its_new_place_without_asking(app, client, login, monkeypatch):
    # 15 s in the office; the rule, not the wait
    monkeypatch.setattr(app.extensions["runtime"].live._positions, "interval", 0.5)
    first = issue(client, "A")
    mine = issue(client, "A")
    visitor = phone(app, client)
    visitor.emit("watch_ticket", {"token": mine["status_url"].rsplit("/", 1)[-1]})
    [status] = [e["args"][0] for e in visitor.get_received() if e["name"] == "ticket_status"]
    assert status["ticket"]["ahead"] == 1
    login("officer", 1).post("/api/counters/1/call-next")  # calls the first one
    deadline = time.monotonic() + 5
    updates = []
    # A push already due when the call lands may still carry the old place; the next one
    # (within PHONE_INTERVAL) carries the new one.
    while time.monotonic() < deadline and not (updates and updates[-1]["ahead"] == 0):
        updates += [e["args"][0]["ticket"] for e in visitor.get_received() if e["name"] == "ticket_status"]
        time.sleep(0.05)
    assert updates and updates[-1]["id"] == mine["id"] and updates[-1]["ahead"] == 0
    # With it, the live wait estimate (counter 1 is staffed now) and the one told at issue.
    assert updates[-1]["estimate_now"] is not None and "estimate" in updates[-1]
    assert first["id"] != mine["id"]
    visitor.disconnect()


def test_a_burst_of_tickets_reaches_screens_as_few_waiting_counts_ending_with_the_latest(
    client, socket_client
):
    screen = socket_client()
    screen.get_received()
    for _ in range(20):
        issue(client, "C")
    received = screen.get_received()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        counts = [e["args"][0]["waiting"]["C"] for e in received if e["name"] == "queue_changed"]
        if counts and counts[-1] == 20:
            break
        time.sleep(0.05)
        received += screen.get_received()
    counts = [e["args"][0]["waiting"]["C"] for e in received if e["name"] == "queue_changed"]
    assert counts[-1] == 20
    assert len(counts) < 20  # merged, not one per ticket


def test_every_call_reaches_the_screens_at_once_and_in_order(client, login, socket_client):
    screen = socket_client()
    tickets = [issue(client, "A") for _ in range(5)]
    screen.get_received()
    officer = login("officer", 1)
    for _ in tickets:
        officer.post("/api/counters/1/call-next")
    called = [e["args"][0]["ticket"]["id"] for e in screen.get_received() if e["name"] == "ticket_called"]
    assert called == [t["id"] for t in tickets]


def test_no_priority_reason_for_screens_or_anonymous_readers(client, anonymous, login, socket_client):
    issue(client, "A", priority=True, priority_reason="disabilitas")
    screen = socket_client()
    state = [e["args"][0] for e in screen.get_received() if e["name"] == "state"][0]
    login("officer", 1).post("/api/counters/1/call-next")
    [called] = [e["args"][0] for e in screen.get_received() if e["name"] == "ticket_called"]
    assert called["ticket"]["priority"] is True
    for text in (str(state), str(called), anonymous.get("/api/state").get_data(as_text=True)):
        assert "disabilitas" not in text and "Disabilitas" not in text


def test_the_printers_result_goes_to_the_kiosks_only(app):
    """One ``ticket_printed`` per ticket would otherwise go to every TV, console and board."""
    from server.live.events import ticket_printed
    from server.printing.spool import PrintResult

    kiosk = socketio.test_client(app, flask_test_client=app.test_client(), query_string="screen=kiosk")
    tv = socketio.test_client(app, flask_test_client=app.test_client())
    assert kiosk.is_connected() and tv.is_connected()
    assert "state" in names(tv.get_received()) and "state" in names(kiosk.get_received())
    ticket_printed(PrintResult("7", False, "Printer tidak menjawab."))
    deadline = time.monotonic() + 5
    got = []
    while time.monotonic() < deadline and not got:
        got = [e["args"][0] for e in kiosk.get_received() if e["name"] == "ticket_printed"]
        time.sleep(0.02)
    assert got == [{"ticket_id": 7, "ok": False, "message": "Printer tidak menjawab."}]
    assert "ticket_printed" not in names(tv.get_received())
    kiosk.disconnect()
    tv.disconnect()
