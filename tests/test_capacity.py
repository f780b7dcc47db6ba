"""One visitor's phone on the office Wi-Fi cannot take the office down: anonymous sockets are
capped per address (enrolled screens are not), slow clients are cut, floods and big messages
end the connection — all against a real ``loket serve`` (gunicorn's gevent worker)."""

from __future__ import annotations

import json
import socket
import threading
import time

import pytest
import requests
import socketio
import websocket
from conftest import write_config
from servers import ALWAYS_OPEN, Server, free_port

from server.live.capacity import SocketGate


def _call(app, path, address="10.0.0.5", query=""):
    answer = {}

    def start_response(status, headers):
        answer["status"] = status

    body = b"".join(app({"PATH_INFO": path, "QUERY_STRING": query, "REMOTE_ADDR": address}, start_response))
    return answer["status"], body


class _Held:
    """A WSGI app that holds every Socket.IO request open until released, like a websocket."""

    def __init__(self):
        self.release = threading.Event()
        self.entered = threading.Semaphore(0)

    def __call__(self, environ, start_response):
        self.entered.release()
        if environ["PATH_INFO"].startswith("/socket.io"):
            self.release.wait(10)
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]


def test_anonymous_sockets_are_capped_per_address_and_in_all_but_trusted_ones_are_not():
    inner = _Held()
    gate = SocketGate(
        inner, trusted=lambda environ: environ["REMOTE_ADDR"] == "10.0.0.9", limits=lambda: (2, 3)
    )
    held = [
        threading.Thread(target=_call, args=(gate, "/socket.io/", address))
        for address in ("10.0.0.5", "10.0.0.5", "10.0.0.6")
    ]
    for thread in held:
        thread.start()
    for _ in held:
        assert inner.entered.acquire(timeout=5)
    status, body = _call(gate, "/socket.io/", "10.0.0.5")  # a third from one address
    assert status.startswith("503") and json.loads(body)["error"]["code"] == "server_busy"
    assert _call(gate, "/socket.io/", "10.0.0.7")[0].startswith("503")  # three in all
    trusted = threading.Thread(target=_call, args=(gate, "/socket.io/", "10.0.0.9"))
    trusted.start()  # the enrolled TV still gets in
    assert inner.entered.acquire(timeout=5)
    inner.release.set()
    for thread in [*held, trusted]:
        thread.join(5)
    assert gate.status()["open"] == 0 and gate.status()["refused"] == 2


class _Engine:
    """Engine.IO's answers as the gate sees them: a handshake opens a session (its sid in the
    body), a request with a known sid is served, and ``close(sid)`` ends a session."""

    def __init__(self):
        self.sessions: set[str] = set()
        self.closed: list[str] = []

    def __call__(self, environ, start_response):
        query = environ.get("QUERY_STRING", "")
        if "sid=" not in query:
            sid = f"s{len(self.sessions) + len(self.closed)}"
            self.sessions.add(sid)
            start_response("200 OK", [("Content-Type", "text/plain")])
            return [b'0{"sid":"' + sid.encode() + b'","upgrades":["websocket"],"pingInterval":25000}']
        sid = query.split("sid=", 1)[1].split("&", 1)[0]
        if sid not in self.sessions:
            start_response("400 BAD REQUEST", [])
            return [b'"Invalid session"']
        start_response("200 OK", [])
        return [b"2"]

    def close(self, sid: str) -> None:
        self.sessions.discard(sid)
        self.closed.append(sid)


class _Clock:
    def __init__(self):
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


POLL = "EIO=4&transport=polling"


def test_long_polling_sessions_count_from_their_handshake_until_they_close():
    """A polling session holds its slot between requests (where the old count saw nothing), the
    limits apply to it as to a websocket, and an idle one is closed to free its slot."""
    engine, clock = _Engine(), _Clock()
    gate = SocketGate(
        engine,
        trusted=lambda environ: environ["REMOTE_ADDR"] == "10.0.0.9",
        limits=lambda: (2, 3),
        close=engine.close,
        clock=clock,
    )
    first = _call(gate, "/socket.io/", "10.0.0.5", POLL)
    second = _call(gate, "/socket.io/", "10.0.0.5", POLL)
    assert first[0].startswith("200") and second[0].startswith("200")
    assert gate.status()["open"] == 2 and gate.status()["polling_sessions"] == 2
    # No request in progress, yet both sessions still count: a third from that address is refused.
    status, body = _call(gate, "/socket.io/", "10.0.0.5", POLL)
    assert status.startswith("503") and json.loads(body)["error"]["code"] == "server_busy"
    assert _call(gate, "/socket.io/", "10.0.0.6", POLL)[0].startswith("200")
    assert _call(gate, "/socket.io/", "10.0.0.7", POLL)[0].startswith("503")  # three in all
    assert _call(gate, "/socket.io/", "10.0.0.9", POLL)[0].startswith("200")  # trusted: never counted
    # A session's own requests pass, whatever the limits.
    assert _call(gate, "/socket.io/", "10.0.0.5", POLL + "&sid=s0")[0].startswith("200")
    # Walked away: after the idle time the sessions are closed and their slots free again.
    clock.now += 11
    assert _call(gate, "/socket.io/", "10.0.0.7", POLL)[0].startswith("200")
    assert {"s0", "s1", "s2"} <= set(engine.closed) and "s3" not in engine.closed  # the TV's stays
    assert gate.status()["open"] == 1 and gate.status()["reaped"] == 3


def test_a_polling_session_that_keeps_polling_is_never_closed():
    engine, clock = _Engine(), _Clock()
    gate = SocketGate(
        engine, trusted=lambda environ: False, limits=lambda: (1, 10), close=engine.close, clock=clock
    )
    assert _call(gate, "/socket.io/", "10.0.0.5", POLL)[0].startswith("200")
    for _ in range(10):
        clock.now += 5  # a poll every 5 s (a long-poll answered by a ping, then the next one)
        assert _call(gate, "/socket.io/", "10.0.0.5", POLL + "&sid=s0")[0].startswith("200")
    assert engine.closed == [] and gate.status()["polling_sessions"] == 1


def test_through_the_app_a_polling_flood_from_one_address_is_capped(app):
    """The real Engine.IO behind the real gate: one address opening long-polling sessions and
    never polling again gets its per-address number of them, then 503 in Indonesian."""
    limit = app.extensions["runtime"].config.security.sockets_per_address
    phone = app.test_client(anonymous=True)
    answers = [
        phone.get("/socket.io/?EIO=4&transport=polling", environ_base={"REMOTE_ADDR": "10.1.2.3"})
        for _ in range(limit + 5)
    ]
    assert [a.status_code for a in answers] == [200] * limit + [503] * 5
    assert "Server sedang melayani" in answers[-1].get_json()["error"]["message"]
    other = app.test_client(anonymous=True).get(
        "/socket.io/?EIO=4&transport=polling", environ_base={"REMOTE_ADDR": "10.1.2.4"}
    )
    assert other.status_code == 200
    assert app.test_client().get("/socket.io/?EIO=4&transport=polling").status_code == 200  # the kiosk


def test_a_too_big_long_polling_message_is_refused_and_frees_its_place(app):
    """Engine.IO would end the session and leave the request waiting for ever, its place taken:
    the gate answers 413 in Indonesian before reading it, and the place is free again."""
    gate = app.extensions["loket_sockets"]
    phone = app.test_client(anonymous=True)
    where = {"REMOTE_ADDR": "10.1.2.5"}
    handshake = phone.get("/socket.io/?EIO=4&transport=polling", environ_base=where)
    sid = json.loads(handshake.get_data(as_text=True)[1:])["sid"]
    assert gate.status()["open"] == 1
    big = "42" + json.dumps(["watch_ticket", {"token": "A" * 20_000}])
    answer = phone.post(f"/socket.io/?EIO=4&transport=polling&sid={sid}", data=big, environ_base=where)
    assert answer.status_code == 413
    assert answer.get_json()["error"] == {
        "code": "message_too_large",
        "message": "Pesan terlalu besar. Muat ulang halaman.",
    }
    assert gate.status()["open"] == 0
    again = phone.get("/socket.io/?EIO=4&transport=polling", environ_base=where)
    assert again.status_code == 200


def _office_with_devices(tmp_path, security: str) -> Server:
    """``loket serve`` (not demo: nobody is trusted by address) with ``security`` added to its
    ``[security]`` table, an enrolled TV (``server.tv``) and an enrolled kiosk (``server.kiosk``)."""
    from server.core.rules import utc_now
    from server.core.storage import Store
    from server.devices.registry import Devices

    data = tmp_path / "data"
    write_config(data, {**ALWAYS_OPEN, "idle_minutes = 30": "idle_minutes = 30\n" + security})
    store = Store(data / "loket.db")
    devices = Devices(store)
    _tv, tv = devices.add("TV lobi", "display", utc_now().timestamp())
    _kiosk, kiosk = devices.add("Kiosk lobi", "kiosk", utc_now().timestamp())
    store.close()
    server = Server(data, free_port(), demo=False)
    server.wait_ready()
    server.tv, server.kiosk = tv, kiosk
    return server


@pytest.fixture
def guarded_server(tmp_path):
    """The office with 5 anonymous sockets per address."""
    server = _office_with_devices(tmp_path, "sockets_per_address = 5")
    yield server
    if server.process.poll() is None:
        server.kill()  # the end of a test: every commit is on disk already


def _kiosk_issues(server) -> None:
    """The enrolled kiosk gets its ticket (how fast under attack: bench/hostile.py)."""
    response = requests.post(
        f"{server.url}/api/tickets",
        json={"service": "A"},
        timeout=5,
        headers={"Authorization": f"Device {server.kiosk}"},
    )
    assert response.status_code == 201, response.text


def _raw_websocket(server):
    ws = websocket.create_connection(
        server.url.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket", timeout=5
    )
    assert ws.recv().startswith("0")  # Engine.IO open
    ws.send("40")  # Socket.IO connect
    return ws


@pytest.mark.slow
def test_a_phone_full_of_sockets_never_keeps_out_the_enrolled_tv_or_the_kiosk(guarded_server):
    server = guarded_server
    phones = [_raw_websocket(server) for _ in range(5)]
    try:
        with pytest.raises(websocket.WebSocketBadStatusException) as refused:
            _raw_websocket(server)
        assert refused.value.status_code == 503
        tv = socketio.Client(reconnection=False)
        tv.connect(
            server.url,
            transports=["websocket"],
            wait_timeout=10,
            headers={"Authorization": f"Device {server.tv}"},
        )
        assert tv.connected
        _kiosk_issues(server)
        tv.disconnect()
        phone = requests.post(f"{server.url}/api/tickets", json={"service": "A"}, timeout=5)
        assert phone.status_code == 403 and phone.json()["error"]["code"] == "device_not_enrolled"
    finally:
        for ws in phones:
            ws.close()


@pytest.mark.slow
def test_a_long_polling_flood_never_keeps_out_the_enrolled_tv_on_either_transport(guarded_server):
    """One address opens long-polling sessions, joins the screens' room and never polls again:
    past 5 it is refused; the enrolled TV still connects (long-polling and websocket) and gets
    its ``state``, and the kiosk issues."""
    server = guarded_server
    answers = []
    for _ in range(40):
        handshake = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=5)
        answers.append(handshake.status_code)
        if handshake.status_code == 200:
            sid = json.loads(handshake.text[1:])["sid"]
            requests.post(f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}", data="40", timeout=5)
    assert answers.count(200) == 5 and answers.count(503) == 35
    for transport in ("polling", "websocket"):
        tv = socketio.Client(reconnection=False)
        got_state = threading.Event()
        tv.on("state", lambda _data, done=got_state: done.set())
        tv.connect(
            server.url,
            transports=[transport],
            wait_timeout=10,
            headers={"Authorization": f"Device {server.tv}"},
        )
        assert got_state.wait(10), transport
        tv.disconnect()
    _kiosk_issues(server)


@pytest.mark.slow
def test_too_big_long_polling_messages_do_not_use_up_the_addresss_places(guarded_server):
    """Against the real server: 20 sessions each sent a 20 KB message get 413 at once, and the
    address still opens sessions afterwards (the places were given back)."""
    server = guarded_server
    for _ in range(20):
        handshake = requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=5)
        assert handshake.status_code == 200
        sid = json.loads(handshake.text[1:])["sid"]
        url = f"{server.url}/socket.io/?EIO=4&transport=polling&sid={sid}"
        requests.post(url, data="40", timeout=5)
        refused = requests.post(
            url, data="42" + json.dumps(["watch_ticket", {"token": "A" * 20_000}]), timeout=10
        )
        assert refused.status_code == 413
    assert requests.get(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=5).status_code == 200


@pytest.mark.slow
def test_an_event_flood_is_dropped_then_closed(guarded_server):
    ws = _raw_websocket(guarded_server)
    for _ in range(60):
        try:
            ws.send('42["state"]')
        except (websocket.WebSocketConnectionClosedException, BrokenPipeError, ConnectionResetError):
            break
    answered, closed = 0, False
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            message = ws.recv()
        except (websocket.WebSocketConnectionClosedException, ConnectionResetError):
            closed = True
            break
        if not message:
            closed = True
            break
        answered += message.startswith('42["state"')
    assert closed
    assert answered <= 21  # the connect's state and at most the budget of 20
    _kiosk_issues(guarded_server)


@pytest.mark.slow
def test_a_big_websocket_message_is_refused_by_its_header(guarded_server):
    ws = _raw_websocket(guarded_server)
    # Declare a 200 MB frame and send only its header and a few bytes: the server hangs up
    # without waiting for (or storing) the rest.
    header = bytes([0x81, 0xFF]) + (200 * 1024 * 1024).to_bytes(8, "big") + b"\x00\x00\x00\x00"
    ws.sock.sendall(header + b"4" * 1000)
    ws.sock.settimeout(5)
    closed = False
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline:
        try:
            if not ws.sock.recv(65536):
                closed = True
                break
        except (ConnectionResetError, OSError):
            closed = True
            break
    assert closed
    _kiosk_issues(guarded_server)


@pytest.mark.slow
def test_slow_header_clients_do_not_delay_the_kiosk_and_are_cut(guarded_server):
    server = guarded_server
    slow = []
    for _ in range(100):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(b"GET /api/state HTTP/1.1\r\nHost: x\r\n")  # and never the rest
        slow.append(sock)
    try:
        _kiosk_issues(server)
        # The header deadline (10 s) answers 400 and closes them.
        sock = slow[0]
        sock.settimeout(20)
        answer = b""
        while chunk := sock.recv(1000):
            answer += chunk
        assert answer == b"" or answer.startswith(b"HTTP/1.1 400")
    finally:
        for sock in slow:
            sock.close()


@pytest.mark.slow
def test_a_trickled_body_is_answered_408_and_its_connection_cut(guarded_server):
    """A body announced as 1 MB and sent a byte at a time: after the body deadline (15 s) the
    server answers 408 and closes the connection, however long the client goes on trickling."""
    server = guarded_server
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    sock.sendall(
        b"POST /api/login HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Content-Length: 1000000\r\n\r\n{"
    )
    began, answer, closed = time.monotonic(), b"", False
    try:
        sock.settimeout(0.5)
        while time.monotonic() - began < 30:
            try:
                sock.sendall(b" ")
            except OSError:
                closed = True
                break
            try:
                chunk = sock.recv(4096)
            except TimeoutError:
                continue
            if not chunk:
                closed = True
                break
            answer += chunk
        assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
        assert closed, "the connection stayed open while the client trickled"
    finally:
        sock.close()


@pytest.mark.slow
def test_socket_io_refuses_another_sites_origin(guarded_server):
    url = guarded_server.url + "/socket.io/?EIO=4&transport=polling"
    assert requests.get(url, headers={"Origin": "http://jahat.example"}, timeout=5).status_code == 400
    assert requests.get(url, headers={"Origin": guarded_server.url}, timeout=5).status_code == 200


@pytest.mark.slow
def test_the_last_connections_are_kept_for_enrolled_devices_and_staff(tmp_path):
    """``max_connections = 30``, 20 per address: two addresses hold 30 silent connections (a
    slot-hold attack). A third address's anonymous request then lands on a connection kept for
    devices and staff and is refused with 503 ``server_full`` (and its connection closed), while
    the enrolled kiosk and TV, on the same kind of connection, are served."""
    server = _office_with_devices(tmp_path, "connections_per_address = 20\nmax_connections = 30")
    held = []
    try:
        for source in ("127.0.0.61", "127.0.0.62"):
            for _ in range(15):
                held.append(socket.create_connection(("127.0.0.1", server.port), 5, (source, 0)))
        time.sleep(0.5)  # the worker has accepted them all
        anonymous = requests.get(f"{server.url}/api/services", timeout=5)
        assert anonymous.status_code == 503
        assert anonymous.json()["error"] == {
            "code": "server_full",
            "message": "Server sedang penuh. Coba lagi sebentar lagi.",
        }
        assert anonymous.headers["Connection"] == "close"
        _kiosk_issues(server)
        screen = requests.get(
            f"{server.url}/api/state", headers={"Authorization": f"Device {server.tv}"}, timeout=5
        )
        assert screen.status_code == 200
    finally:
        for sock in held:
            sock.close()
        server.kill()  # the end of a test: every commit is on disk already
    assert "connections full" in "".join(server.output)


@pytest.mark.slow
def test_a_client_sending_garbage_costs_one_line_in_the_log(guarded_server):
    """Unreadable Socket.IO packets and random bytes on a websocket: no traceback in the log,
    one warning line per unreadable message, and the server goes on serving."""
    server = guarded_server
    before = len(server.output)
    ws = _raw_websocket(server)
    ws.send("42[broken")  # an event whose JSON does not parse
    ws.send("4" + "\x00" * 10)
    ws.close()
    raw = socket.create_connection(("127.0.0.1", server.port), timeout=5)
    raw.sendall(
        b"GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n"
    )
    raw.recv(4096)
    raw.sendall(bytes(range(256)))  # not websocket frames at all
    raw.close()
    _kiosk_issues(server)
    time.sleep(1)
    log = "".join(server.output[before:])
    assert "Traceback" not in log, log
    assert 1 <= log.count("could not be read and was dropped") <= 2, log
