"""The officer console's page and its JSON reads: the counter's queue and the officer's figures."""

from conftest import issue

from server.core.queries import call_order
from server.core.tickets import TicketRow


def error_code(response, status):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["error"]["message"]
    return body["error"]["code"]


def numbers(client, counter=1):
    body = client.get(f"/api/counters/{counter}/queue").get_json()
    return [t["number"] for t in body["tickets"]]


# ---- the page ------------------------------------------------------------------------------


def test_console_shows_the_login_form_until_signed_in_at_a_counter(client, login):
    page = client.get("/officer")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "data-login-form" in html and 'name="counter"' in html and "Loket 4" in html
    assert "data-console" not in html

    supervisor = login("supervisor", None)  # signed in, but at no counter: choose one first
    assert "data-login-form" in supervisor.get("/officer").get_data(as_text=True)

    html = login("officer", 4).get("/officer").get_data(as_text=True)
    assert 'data-counter="4"' in html
    for label in ("Panggil Berikutnya", "Panggil Ulang", "Mulai Layani", "Selesai", "Tidak Hadir", "Alihkan"):
        assert label in html
    assert "<script>" not in html and "style=" not in html  # the CSP allows neither


# ---- the counter's queue -------------------------------------------------------------------


def test_queue_needs_a_session_and_the_right_counter(client, login):
    assert error_code(client.get("/api/counters/1/queue"), 401) == "unauthenticated"
    officer = login("officer", 1)
    assert error_code(officer.get("/api/counters/2/queue"), 403) == "forbidden"
    assert officer.get("/api/counters/1/queue").status_code == 200
    supervisor = login("supervisor", None)
    assert supervisor.get("/api/counters/2/queue").status_code == 200
    assert error_code(supervisor.get("/api/counters/99/queue"), 404) == "unknown_counter"


def test_queue_lists_the_counters_services_in_call_order(client, login):
    issue(client, "A")
    issue(client, "D")  # Loket 1 serves A and C only
    issue(client, "C")
    issue(client, "A", priority=True, priority_reason="lansia")
    officer = login("officer", 1)
    body = officer.get("/api/counters/1/queue").get_json()
    assert body["total"] == 3 and body["counter"]["services"] == ["A", "C"]
    first = body["tickets"][0]
    assert (first["number"], first["priority"], first["priority_label"], first["position"]) == (
        "A002",
        True,
        "Lansia",
        1,
    )
    assert [t["number"] for t in body["tickets"]] == ["A002", "A001", "C001"]
    assert first["waiting_since"] == first["issued_at"] and body["server_time"].endswith("+07:00")


def test_queue_order_is_the_order_the_counter_calls(client, login):
    # Five priority visitors and two regular: the cap (3 in a row) lets a regular one through.
    for priority in (True, False, True, True, True, False, True):
        issue(client, "A", priority=priority, priority_reason="lansia" if priority else None)
    officer = login("officer", 1)
    listed = numbers(officer)
    called = []
    while True:
        ticket = officer.post("/api/counters/1/call-next").get_json()["ticket"]
        if ticket is None:
            break
        called.append(ticket["number"])
    assert listed == called
    assert called == ["A001", "A003", "A004", "A002", "A005", "A007", "A006"]


def test_another_counters_call_removes_the_ticket(client, login):
    issue(client, "A")
    issue(client, "A")
    loket_1, loket_4 = login("officer", 1), login("officer", 4)
    assert numbers(loket_1) == ["A001", "A002"]
    loket_4.post("/api/counters/4/call-next")
    assert numbers(loket_1) == ["A002"]


def test_a_skipped_ticket_waits_again_from_its_return(client, login, clock):
    issue(client, "A")
    officer = login("officer", 1)
    ticket = officer.post("/api/counters/1/call-next").get_json()["ticket"]
    clock.advance(minutes=3)
    officer.post(f"/api/tickets/{ticket['id']}/skip")
    listed = officer.get("/api/counters/1/queue").get_json()["tickets"][0]
    assert listed["number"] == "A001" and listed["skip_count"] == 1
    assert listed["waiting_since"] == "2026-11-30T09:03:00+07:00"


def ticket(id, priority, queued_at):
    return TicketRow(
        id,
        "t",
        f"A{id:03d}",
        "A",
        "2026-11-30",
        id,
        priority,
        None,
        "waiting",
        queued_at,
        queued_at,
        queued_at,
        None,
        None,
        None,
        None,
        None,
        None,
        None,
        0,
        0,
        None,
        None,
        False,
        None,
    )


def test_call_order_respects_an_existing_streak_and_no_cap():
    waiting = [ticket(1, False, 1.0), ticket(2, True, 2.0), ticket(3, True, 3.0)]
    assert [t.id for t in call_order(waiting, streak=3, max_priority_in_row=3)] == [1, 2, 3]
    assert [t.id for t in call_order(waiting, streak=3, max_priority_in_row=0)] == [2, 3, 1]
    assert call_order([], 0, 3) == []


# ---- the officer's own figures -------------------------------------------------------------


def test_summary_counts_the_officers_own_tickets_today(client, login, clock):
    assert error_code(client.get("/api/officer/summary"), 401) == "unauthenticated"
    for _ in range(4):
        issue(client, "A")
    me, other = login("officer", 1), login("officer", 4)
    clock.advance(minutes=2)
    first = me.post("/api/counters/1/call-next").get_json()["ticket"]  # waited 2 min
    me.post(f"/api/tickets/{first['id']}/start")
    clock.advance(minutes=5)
    me.post(f"/api/tickets/{first['id']}/finish")  # served 5 min
    other.post("/api/counters/4/call-next")  # someone else's ticket
    absent = me.post("/api/counters/1/call-next").get_json()["ticket"]  # waited 7 min
    me.post(f"/api/tickets/{absent['id']}/skip")
    again = me.post("/api/counters/1/call-next").get_json()["ticket"]
    assert again["number"] != absent["number"]  # a skipped ticket goes to the end of the queue
    me.post(f"/api/tickets/{again['id']}/transfer", json={"service": "B"})  # waited 7 min

    body = me.get("/api/officer/summary").get_json()
    assert body["user"]["counter"] == 1
    today = body["today"]
    assert (today["served"], today["no_shows"], today["transferred"]) == (1, 0, 1)
    assert today["avg_service_seconds"] == 300
    assert today["avg_wait_seconds"] == round((120 + 420 + 420) / 3)

    # Skipped a second time, the visitor is a no-show.
    absent = me.post("/api/counters/1/call-next").get_json()["ticket"]
    assert absent["skip_count"] == 1
    me.post(f"/api/tickets/{absent['id']}/skip")
    assert me.get("/api/officer/summary").get_json()["today"]["no_shows"] == 1


def test_summary_starts_empty(login):
    today = login("officer", 2).get("/api/officer/summary").get_json()["today"]
    assert today == {
        "served": 0,
        "no_shows": 0,
        "transferred": 0,
        "avg_wait_seconds": None,
        "avg_service_seconds": None,
    }
