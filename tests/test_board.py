"""The supervisor's board: who may see it, and what it says about counters and services."""

import pytest
from conftest import issue


def test_board_page_is_for_supervisors_and_admins(client, login):
    anonymous = client.get("/board")
    assert anonymous.status_code == 401 and "data-login-form" in anonymous.get_data(as_text=True)
    assert 'name="counter"' not in anonymous.get_data(as_text=True)

    officer = login("officer", 1).get("/board")
    assert officer.status_code == 403
    html = officer.get_data(as_text=True)
    assert "Akses ditolak" in html and "data-board" not in html

    for role in ("supervisor", "admin"):
        page = login(role, None).get("/board")
        assert page.status_code == 200 and "data-board" in page.get_data(as_text=True)


@pytest.mark.parametrize("role, status", [(None, 401), ("officer", 403), ("supervisor", 200), ("admin", 200)])
def test_board_api_roles(client, login, role, status):
    user = login(role, 1 if role == "officer" else None) if role else client
    response = user.get("/api/board")
    assert response.status_code == status
    if status != 200:
        assert response.get_json()["error"]["code"] == ("unauthenticated" if status == 401 else "forbidden")


def test_board_shows_counters_officers_and_the_longest_wait(client, login, clock):
    issue(client, "A")
    clock.advance(minutes=10)
    issue(client, "A")
    issue(client, "B")
    officer = login("officer", 1)
    supervisor = login("supervisor", None)

    board = supervisor.get("/api/board").get_json()
    counters = {c["id"]: c for c in board["counters"]}
    assert [o["username"] for o in counters[1]["officers"]] == ["officer1"]
    assert counters[2]["officers"] == [] and counters[1]["current"] is None
    services = {s["code"]: s for s in board["services"]}
    assert (
        services["A"]["waiting"] == 2 and services["A"]["oldest_waiting_since"] == "2026-11-30T09:00:00+07:00"
    )
    assert services["A"]["standard_wait_minutes"] == 15 and services["A"]["counters"] == [1, 4]
    assert services["C"]["waiting"] == 0 and services["C"]["oldest_waiting_since"] is None
    assert board["server_time"].startswith("2026-11-30T09:10:00")

    ticket = officer.post("/api/counters/1/call-next").get_json()["ticket"]
    officer.post(f"/api/tickets/{ticket['id']}/start")
    clock.advance(minutes=4)
    officer.post(f"/api/tickets/{ticket['id']}/finish")
    officer.post("/api/counters/1/call-next")
    board = supervisor.get("/api/board").get_json()
    counter = board["counters"][0]
    assert counter["current"]["number"] == "A002" and counter["current"]["status"] == "called"
    assert counter["today"] == {"served": 1, "no_shows": 0, "avg_service_seconds": 240}
    assert counter["last_caller"] == "officer1"
    service_a = board["services"][0]
    assert service_a["waiting"] == 0 and service_a["today"]["served"] == 1
    assert service_a["today"]["avg_wait_seconds"] == (600 + 240) // 2  # A001 waited 10 min, A002 4 min

    officer.post("/api/logout")
    board = supervisor.get("/api/board").get_json()
    assert board["counters"][0]["officers"] == [] and board["counters"][0]["last_caller"] == "officer1"


def officers_by_counter(supervisor) -> dict[int, list[str]]:
    """The board's answer: who is signed in at each counter."""
    board = supervisor.get("/api/board").get_json()
    return {c["id"]: [o["username"] for o in c["officers"]] for c in board["counters"]}


def test_logging_in_elsewhere_moves_the_officer(app, make_user, login):
    supervisor = login("supervisor", None)
    make_user("siti")
    client = app.test_client()
    for counter in (1, 3):
        answer = client.post(
            "/api/login", json={"username": "siti", "password": "rahasia-123", "counter": counter}
        )
        assert answer.status_code == 200
        officers = officers_by_counter(supervisor)
        assert {c: names for c, names in officers.items() if names} == {counter: ["siti"]}


def test_logins_and_logouts_are_announced_without_names(app, login, socket_client):
    watcher = socket_client()
    watcher.get_received()
    officer = login("officer", 2)
    officer.post("/api/logout")
    events = [m for m in watcher.get_received() if m["name"] == "presence_changed"]
    assert len(events) == 2 and all(m["args"] == [{}] for m in events)


def test_a_failed_login_changes_nobody(app, make_user, login, socket_client):
    supervisor = login("supervisor", None)
    make_user("siti")
    watcher = socket_client()
    watcher.get_received()
    refused = app.test_client().post(
        "/api/login", json={"username": "siti", "password": "salah-sekali", "counter": 1}
    )
    assert refused.status_code == 401
    assert not [m for m in watcher.get_received() if m["name"] == "presence_changed"]
    assert not any(officers_by_counter(supervisor).values())
