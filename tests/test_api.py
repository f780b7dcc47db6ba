"""Every endpoint of the JSON API, with each of its error paths."""

from datetime import datetime, timezone

import pytest
from conftest import issue, make_app, write_config
from event_log import ticket_events


def error_of(response, status, code):
    assert response.status_code == status, response.get_json()
    body = response.get_json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]
    return body["error"]["message"]


# ---- kiosk ---------------------------------------------------------------------------------


def test_services_lists_every_service_with_waiting_and_open(client):
    issue(client, "A")
    services = client.get("/api/services").get_json()["services"]
    assert [s["code"] for s in services] == list("ABCDEF")
    first = services[0]
    assert first["name"] == "Perizinan & Rekomendasi"
    assert first["waiting"] == 1 and first["open"] is True and first["closed_reason"] is None


def test_issue_numbers_from_001_per_service(client):
    a1, a2, b1 = issue(client, "A"), issue(client, "A"), issue(client, "B")
    assert (a1["number"], a2["number"], b1["number"]) == ("A001", "A002", "B001")
    assert a2["ahead"] == 1 and a1["ahead"] == 0
    assert a1["status"] == "waiting" and a1["priority"] is False
    assert a1["issued_at"].startswith("2026-11-30T09:00:00") and a1["issued_at"].endswith("+07:00")
    token = a1["status_url"].rsplit("/", 1)[-1]
    assert "/t/" in a1["status_url"] and len(token) >= 20 and token != str(a1["id"])
    # Nobody is at a counter yet: no number of minutes is promised, and the visitor is told why.
    assert a2["estimate"] is None and a2["estimate_now"] is None
    assert a2["estimate_text"] == "Belum ada petugas yang melayani"


def test_ticket_by_id_is_for_staff_and_the_visitor_reads_theirs_by_token(client, anonymous, login):
    ticket = issue(client, "C", priority=True, priority_reason="lansia")
    refused = anonymous.get(f"/api/tickets/{ticket['id']}")
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "unauthenticated"
    got = login("officer").get(f"/api/tickets/{ticket['id']}").get_json()["ticket"]
    assert got["number"] == "C001" and got["priority"] is True and got["priority_label"] == "Lansia"
    assert "status_url" not in got and "token" not in got
    token = ticket["status_url"].rsplit("/", 1)[-1]
    assert anonymous.get(f"/api/status/{token}").get_json()["ticket"]["id"] == ticket["id"]


@pytest.mark.parametrize(
    "kwargs, status, code",
    [
        ({"data": "service=A", "content_type": "application/x-www-form-urlencoded"}, 400, "invalid_json"),
        ({"data": "{not json", "content_type": "application/json"}, 400, "invalid_json"),
        ({"json": ["A"]}, 400, "invalid_json"),
        ({}, 400, "invalid_json"),
        ({"json": {}}, 422, "missing_field"),
        ({"json": {"service": 1}}, 422, "invalid_field"),
        ({"json": {"service": "A", "priority": "ya"}}, 422, "invalid_field"),
        (
            {"json": {"service": "A", "priority": True, "priority_reason": "vip"}},
            422,
            "invalid_priority_reason",
        ),
        ({"json": {"service": "Z"}}, 404, "unknown_service"),
    ],
)
def test_issue_rejects_bad_input(client, kwargs, status, code):
    message = error_of(client.post("/api/tickets", **kwargs), status, code)
    assert message.endswith(".")
    assert client.get("/api/services").get_json()["services"][0]["waiting"] == 0


@pytest.mark.parametrize(
    "utc, reason",
    [
        (datetime(2026, 11, 30, 0, 0, tzinfo=timezone.utc), "Layanan dibuka pukul 07.30."),  # 07:00 WIB
        (datetime(2026, 11, 30, 9, 30, tzinfo=timezone.utc), "Pengambilan nomor sudah ditutup pukul 16.00."),
        (datetime(2026, 11, 28, 3, 0, tzinfo=timezone.utc), "Kantor tutup hari ini."),  # Saturday
    ],
)
def test_closed_service_is_refused_with_the_reason(client, clock, utc, reason):
    clock.set(utc)
    service = client.get("/api/services").get_json()["services"][0]
    assert service["open"] is False and service["closed_reason"] == reason
    assert error_of(client.post("/api/tickets", json={"service": "A"}), 409, "service_closed") == reason


def test_quota_reached(tmp_path, clock):
    data = tmp_path / "quota"
    write_config(data, {"daily_quota = 0": "daily_quota = 2"})
    app = make_app(data, clock=clock, background=False)
    client = app.test_client()
    issue(client, "A"), issue(client, "A")
    message = error_of(client.post("/api/tickets", json={"service": "A"}), 409, "quota_reached")
    assert message == "Kuota hari ini sudah habis."
    assert client.get("/api/services").get_json()["services"][0]["closed_code"] == "quota_reached"
    app.extensions["runtime"].close()


def test_unknown_ticket(client, login):
    error_of(login("supervisor", None).get("/api/tickets/999"), 404, "unknown_ticket")
    error_of(client.get("/api/status/nope"), 404, "unknown_ticket")


# ---- signing in ----------------------------------------------------------------------------


def test_login_and_me(client, make_user):
    password = make_user("siti", "officer")
    response = client.post("/api/login", json={"username": "siti", "password": password, "counter": 2})
    assert response.get_json() == {"user": {"username": "siti", "role": "officer", "counter": 2}}
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert client.get("/api/me").get_json()["user"]["counter"] == 2
    client.post("/api/logout")
    error_of(client.get("/api/me"), 401, "unauthenticated")


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"username": "siti", "password": "salah-sekali"}, 401, "invalid_credentials"),
        ({"username": "budi", "password": "rahasia-123"}, 401, "invalid_credentials"),
        ({"username": "siti"}, 422, "missing_field"),
        ({"username": "siti", "password": "rahasia-123", "counter": 9}, 422, "unknown_counter"),
        ({"username": "siti", "password": "rahasia-123", "counter": "1"}, 422, "invalid_field"),
    ],
)
def test_login_errors(client, make_user, body, status, code):
    make_user("siti", "officer")
    error_of(client.post("/api/login", json=body), status, code)


def test_repeated_bad_logins_lock_the_name_for_a_while(client, make_user, clock):
    make_user("siti", "officer")
    for _ in range(5):
        error_of(
            client.post("/api/login", json={"username": "siti", "password": "x" * 8}),
            401,
            "invalid_credentials",
        )
    message = error_of(
        client.post("/api/login", json={"username": "siti", "password": "rahasia-123"}),
        429,
        "too_many_attempts",
    )
    assert "Coba lagi" in message
    clock.advance(minutes=6)
    assert client.post("/api/login", json={"username": "siti", "password": "rahasia-123"}).status_code == 200


# ---- at the counter ------------------------------------------------------------------------


def test_officer_actions_need_a_session(client):
    ticket = issue(client, "A")
    error_of(client.post("/api/counters/1/call-next"), 401, "unauthenticated")
    for action in ("recall", "skip", "start", "finish", "cancel"):
        error_of(client.post(f"/api/tickets/{ticket['id']}/{action}"), 401, "unauthenticated")
    error_of(
        client.post(f"/api/tickets/{ticket['id']}/transfer", json={"service": "B"}), 401, "unauthenticated"
    )


def test_officer_may_only_act_at_their_counter(client, login):
    ticket = issue(client, "A")
    at_one, at_four = login("officer", 1), login("officer", 4)
    error_of(at_four.post("/api/counters/1/call-next"), 403, "forbidden")
    assert at_one.post("/api/counters/1/call-next").get_json()["ticket"]["id"] == ticket["id"]
    for action in ("recall", "skip", "start", "finish"):
        error_of(at_four.post(f"/api/tickets/{ticket['id']}/{action}"), 403, "forbidden")
    supervisor = login("supervisor", None)
    assert supervisor.post(f"/api/tickets/{ticket['id']}/recall").status_code == 200


def test_a_full_visit(client, login, clock):
    ticket = issue(client, "A")
    officer = login("officer", 1)
    clock.advance(minutes=7)
    called = officer.post("/api/counters/1/call-next").get_json()["ticket"]
    assert called["status"] == "called" and called["counter"] == {"id": 1, "name": "Loket 1"}
    assert called["wait_seconds"] == 420
    assert officer.post(f"/api/tickets/{ticket['id']}/recall").get_json()["ticket"]["call_count"] == 2
    clock.advance(minutes=1)
    assert officer.post(f"/api/tickets/{ticket['id']}/start").get_json()["ticket"]["status"] == "serving"
    clock.advance(minutes=12)
    done = officer.post(f"/api/tickets/{ticket['id']}/finish").get_json()["ticket"]
    assert done["status"] == "done" and done["service_seconds"] == 720 and done["wait_seconds"] == 420
    assert officer.post("/api/counters/1/call-next").get_json() == {"ticket": None}


def test_wrong_state_is_refused_in_indonesian(client, login):
    ticket = issue(client, "A")
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    message = error_of(officer.post(f"/api/tickets/{ticket['id']}/finish"), 409, "invalid_state")
    assert message == "Tiket A001 berstatus dipanggil dan tidak dapat diselesaikan."
    officer.post(f"/api/tickets/{ticket['id']}/start")
    officer.post(f"/api/tickets/{ticket['id']}/finish")
    error_of(officer.post(f"/api/tickets/{ticket['id']}/recall"), 409, "invalid_state")
    error_of(officer.post("/api/tickets/999/start"), 404, "unknown_ticket")
    error_of(officer.post("/api/counters/9/call-next"), 404, "unknown_counter")


def test_priority_first_but_regular_visitors_do_not_starve(client, login):
    regular = issue(client, "A")
    for _ in range(4):
        issue(client, "A", priority=True, priority_reason="ibu_hamil")
    officer = login("officer", 1)
    order = []
    for _ in range(5):
        ticket = officer.post("/api/counters/1/call-next").get_json()["ticket"]
        order.append((ticket["number"], ticket["priority"]))
    assert order == [("A002", True), ("A003", True), ("A004", True), ("A001", False), ("A005", True)]
    assert regular["number"] == "A001"


def test_calling_next_finishes_the_current_ticket(client, login):
    first, second = issue(client, "A"), issue(client, "A")
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    officer.post("/api/counters/1/call-next")
    closed = login("supervisor", None).get(f"/api/tickets/{first['id']}").get_json()["ticket"]
    assert closed["status"] == "done" and closed["service_seconds"] == 0
    assert (
        login("supervisor", None).get(f"/api/tickets/{second['id']}").get_json()["ticket"]["status"]
        == "called"
    )


def test_skip_returns_once_then_no_show(client, login, clock):
    ticket, other = issue(client, "A"), issue(client, "A")
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    clock.advance(minutes=1)
    back = officer.post(f"/api/tickets/{ticket['id']}/skip").get_json()["ticket"]
    assert back["status"] == "waiting" and back["skip_count"] == 1 and back["counter"] is None
    assert officer.post("/api/counters/1/call-next").get_json()["ticket"]["id"] == other["id"]
    assert officer.post("/api/counters/1/call-next").get_json()["ticket"]["id"] == ticket["id"]
    gone = officer.post(f"/api/tickets/{ticket['id']}/skip").get_json()["ticket"]
    assert gone["status"] == "no_show"
    assert client.get("/api/state").get_json()["waiting"]["A"] == 0


def test_transfer_keeps_number_and_arrival(client, login, clock):
    ticket = issue(client, "A")
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    officer.post(f"/api/tickets/{ticket['id']}/start")
    clock.advance(minutes=5)
    new = officer.post(f"/api/tickets/{ticket['id']}/transfer", json={"service": "B"}).get_json()["ticket"]
    assert new["service"] == "B" and new["number"] == "A001" and new["status"] == "waiting"
    assert new["arrived_at"] == ticket["issued_at"] and new["issued_at"] != ticket["issued_at"]
    assert new["transferred_from"] == ticket["id"]
    old = login("supervisor", None).get(f"/api/tickets/{ticket['id']}").get_json()["ticket"]
    assert old["status"] == "transferred" and old["transferred_to"] == new["id"]
    token = ticket["status_url"].rsplit("/", 1)[-1]
    assert client.get(f"/api/status/{token}").get_json()["ticket"]["id"] == new["id"]
    at_two = login("officer", 2)
    assert at_two.post("/api/counters/2/call-next").get_json()["ticket"]["id"] == new["id"]


@pytest.mark.parametrize(
    "body, status, code",
    [
        ({"service": "Z"}, 404, "unknown_service"),
        ({"service": "A"}, 422, "same_service"),
        ({}, 422, "missing_field"),
        ({"service": ["B"]}, 422, "invalid_field"),
    ],
)
def test_transfer_errors(client, login, body, status, code):
    ticket = issue(client, "A")
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    error_of(officer.post(f"/api/tickets/{ticket['id']}/transfer", json=body), status, code)
    assert (
        login("supervisor", None).get(f"/api/tickets/{ticket['id']}").get_json()["ticket"]["status"]
        == "called"
    )


def test_cancel_a_waiting_ticket(client, login):
    ticket = issue(client, "A")
    error_of(login("officer", 2).post(f"/api/tickets/{ticket['id']}/cancel"), 403, "forbidden")
    assert (
        login("officer", 1).post(f"/api/tickets/{ticket['id']}/cancel").get_json()["ticket"]["status"]
        == "cancelled"
    )


def test_tickets_left_at_closing_expire_and_numbering_restarts(client, login, clock, loket):
    old = issue(client, "A")
    issue(client, "A")
    clock.advance(days=1)  # Tuesday 09:00
    fresh = issue(client, "A")
    assert fresh["number"] == "A001"
    expired = login("supervisor", None).get(f"/api/tickets/{old['id']}").get_json()["ticket"]
    assert expired["status"] == "expired"
    assert client.get("/api/state").get_json()["waiting"]["A"] == 1
    kinds = [e["kind"] for e in ticket_events(loket.store.read(), old["id"])]
    assert kinds == ["issued", "expired"]


# ---- state, errors, documentation ----------------------------------------------------------


def test_state(client, login):
    ticket = issue(client, "A")
    login("officer", 1).post("/api/counters/1/call-next")
    state = client.get("/api/state").get_json()
    assert [c["id"] for c in state["counters"]] == [1, 2, 3, 4]
    assert state["counters"][0]["current"]["id"] == ticket["id"]
    assert state["counters"][1]["current"] is None
    assert state["recent_calls"][0]["ticket"]["number"] == "A001"
    assert state["waiting"] == {c: 0 for c in "ABCDEF"}


def test_cross_site_post_is_rejected(client):
    response = client.post("/api/tickets", json={"service": "A"}, headers={"Origin": "http://evil.example"})
    error_of(response, 403, "csrf_rejected")
    same = client.post("/api/tickets", json={"service": "A"}, headers={"Origin": "http://localhost"})
    assert same.status_code == 201


def test_unknown_api_paths_and_methods_answer_json(client):
    error_of(client.get("/api/nothing"), 404, "not_found")
    error_of(client.get("/api/tickets"), 405, "method_not_allowed")


def test_openapi_describes_every_api_route(app, client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    documented = {(path, method) for path, ops in spec["paths"].items() for method in ops}
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/") or rule.rule == "/api/openapi.json":
            continue
        path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert (path, method.lower()) in documented, (path, method)
    for path, ops in spec["paths"].items():
        for op in ops.values():
            errors = [code for code in op["responses"] if code.startswith("4")]
            if path not in ("/api/services", "/api/state", "/api/logout", "/api/system/status"):
                assert errors, path


def test_a_stuck_kiosk_button_is_slowed_down(client, clock):
    for _ in range(30):
        issue(client, "A")
    message = error_of(client.post("/api/tickets", json={"service": "A"}), 429, "rate_limited")
    assert "Mohon tunggu" in message
    # Limits are per enrolled device, not per address: a second kiosk (or `loket simulate`)
    # on the same PC still issues.
    loket = client.application.extensions["runtime"]
    _device, token = loket.devices.add("Kiosk 2", "kiosk", clock().timestamp())
    other_kiosk = client.application.test_client(anonymous=True)
    other_kiosk = other_kiosk.post(
        "/api/tickets", json={"service": "A"}, headers={"Authorization": f"Device {token}"}
    )
    assert other_kiosk.status_code == 201
    clock.advance(seconds=61)
    assert issue(client, "A")["number"] == "A032"


def test_an_idle_session_ends(login, clock):
    officer = login("officer", 1)
    clock.advance(minutes=20)
    assert officer.get("/api/me").status_code == 200  # activity keeps it alive
    clock.advance(minutes=29)
    assert officer.get("/api/me").status_code == 200
    clock.advance(minutes=31)
    error_of(officer.get("/api/me"), 401, "unauthenticated")
    error_of(officer.post("/api/counters/1/call-next"), 401, "unauthenticated")


def test_a_priority_reason_is_read_only_at_the_counters_that_serve_it(client, login):
    """Loket 1 serves A and C, Loket 2 serves B: an officer at Loket 2 reading a C ticket by its
    (sequential) id sees that it is a priority one, but not why."""
    ticket = issue(client, "C", priority=True, priority_reason="ibu_hamil")
    path = f"/api/tickets/{ticket['id']}"
    elsewhere = login("officer", 2).get(path).get_json()["ticket"]
    assert elsewhere["priority"] is True
    assert elsewhere["priority_reason"] is None and elsewhere["priority_label"] == ""
    for reader in (login("officer", 1), login("supervisor", None), login("admin", None)):
        seen = reader.get(path).get_json()["ticket"]
        assert seen["priority_reason"] == "ibu_hamil" and seen["priority_label"]
    assert login("officer", None).get(path).get_json()["ticket"]["priority_reason"] is None
