"""Socket.IO events through Flask-SocketIO's test client (the events docs/api.md documents)."""

from conftest import issue


def events_named(socket, name):
    return [e["args"][0] for e in socket.get_received() if e["name"] == name]


def test_state_on_connect_and_on_request(socket_client, client):
    issue(client, "A")
    screen = socket_client()
    [state] = events_named(screen, "state")
    assert state["waiting"]["A"] == 1 and len(state["counters"]) == 4
    screen.emit("state")
    assert events_named(screen, "state")[0]["waiting"]["A"] == 1


def test_a_call_reaches_every_screen(socket_client, client, login):
    screens = [socket_client(), socket_client()]
    for screen in screens:
        screen.get_received()
    ticket = issue(client, "A")
    login("officer", 1).post("/api/counters/1/call-next")
    for screen in screens:
        received = screen.get_received()
        names = [e["name"] for e in received]
        assert "queue_changed" in names and "ticket_updated" in names
        [called] = [e["args"][0] for e in received if e["name"] == "ticket_called"]
        assert called["ticket"]["id"] == ticket["id"] and called["ticket"]["number"] == "A001"
        assert called["counter"] == {"id": 1, "name": "Loket 1"}
        assert called["recall"] is False and called["called_at"].endswith("+07:00")
        assert called["announcement"]["text"].startswith("Nomor antrian")
        assert "audio_url" in called["announcement"]


def test_recall_is_announced_again(socket_client, client, login):
    ticket = issue(client, "A")
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    screen = socket_client()
    screen.get_received()
    officer.post(f"/api/tickets/{ticket['id']}/recall")
    [called] = events_named(screen, "ticket_called")
    assert called["recall"] is True


def test_queue_changed_on_issue(socket_client, client):
    screen = socket_client()
    screen.get_received()
    issue(client, "B")
    [changed] = events_named(screen, "queue_changed")
    assert changed == {"waiting": {"A": 0, "B": 1, "C": 0, "D": 0, "E": 0, "F": 0}}


def test_status_page_follows_only_its_ticket(socket_client, client, login):
    mine, other = issue(client, "A"), issue(client, "A")
    phone = socket_client()
    phone.emit("watch_ticket", {"token": mine["status_url"].rsplit("/", 1)[-1]})
    [status] = events_named(phone, "ticket_status")
    assert status["ticket"]["id"] == mine["id"] and status["ticket"]["ahead"] == 0
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    statuses = events_named(phone, "ticket_status")
    assert [s["ticket"]["id"] for s in statuses] == [mine["id"]]
    assert statuses[0]["ticket"]["status"] == "called"
    assert statuses[0]["ticket"]["counter"]["name"] == "Loket 1"
    assert other["id"] not in [s["ticket"]["id"] for s in statuses]


def test_watching_an_unknown_ticket_answers_an_error(socket_client):
    phone = socket_client()
    phone.get_received()
    phone.emit("watch_ticket", {"token": "tidak-ada"})
    [error] = events_named(phone, "error")
    assert error["code"] == "unknown_ticket"
    phone.emit("watch_ticket", "rusak")
    assert events_named(phone, "error")[0]["code"] == "invalid_token"
