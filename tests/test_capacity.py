"""Open screens and visitors' phones never take every server thread: the kiosk always gets one."""

from __future__ import annotations

import json
import threading
import time

import pytest
import requests
import socketio
from conftest import write_config
from servers import ALWAYS_OPEN, Server, free_port

from server.capacity import SocketLimit, limits_for


def test_limits_keep_a_fifth_of_the_threads_free():
    assert limits_for(200) == (160, 100)
    assert limits_for(20) == (12, 10)
    assert limits_for(8) == (1, 1)


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


def _call(app, path, query=""):
    answer = {}

    def start_response(status, headers):
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app({"PATH_INFO": path, "QUERY_STRING": query}, start_response))
    return answer["status"], answer["headers"], body


def test_socket_requests_past_the_limit_are_refused_at_once():
    inner = _Held()
    limit = SocketLimit(inner, sockets=3, phones=2)
    threads = [threading.Thread(target=_call, args=(limit, "/socket.io/", q))
               for q in ("EIO=4&screen=status", "EIO=4&screen=status", "EIO=4")]
    for thread in threads:
        thread.start()
    for _ in threads:
        assert inner.entered.acquire(timeout=5)
    assert limit.status()["open"] == 3 and limit.status()["open_phones"] == 2

    began = time.monotonic()
    status, headers, body = _call(limit, "/socket.io/", "EIO=4&transport=websocket")
    assert status.startswith("503") and headers["Retry-After"] == "5"
    assert json.loads(body)["error"]["code"] == "server_busy"
    assert "Server sedang" in json.loads(body)["error"]["message"]
    assert time.monotonic() - began < 0.5
    assert _call(limit, "/api/tickets")[0] == "200 OK"  # everything else goes through

    inner.release.set()
    for thread in threads:
        thread.join(5)
    assert limit.status()["open"] == 0 and limit.status()["open_phones"] == 0
    assert limit.status()["refused"] == 1


def test_phones_have_a_share_of_their_own():
    inner = _Held()
    limit = SocketLimit(inner, sockets=3, phones=1)
    phone = threading.Thread(target=_call, args=(limit, "/socket.io/", "screen=status"))
    phone.start()
    assert inner.entered.acquire(timeout=5)
    assert _call(limit, "/socket.io/", "screen=status")[0].startswith("503")  # a second phone waits
    display = threading.Thread(target=_call, args=(limit, "/socket.io/", ""))
    display.start()  # the TV still gets in
    assert inner.entered.acquire(timeout=5)
    assert limit.status()["open"] == 2
    inner.release.set()
    phone.join(5)
    display.join(5)


@pytest.mark.slow
def test_a_server_full_of_screens_still_serves_the_kiosk(tmp_path):
    """`loket serve --threads 20`: 12 websockets fill the Socket.IO share; the 13th is refused at
    once and gets in when one closes; the kiosk answers quickly throughout."""
    data = tmp_path / "data"
    write_config(data, ALWAYS_OPEN)
    server = Server(data, free_port(), "--threads", "20")
    server.wait_ready()
    screens = []
    try:
        for _ in range(12):
            client = socketio.Client(reconnection=False)
            client.connect(server.url, transports=["websocket"], wait_timeout=10)
            screens.append(client)
        extra = socketio.Client(reconnection=False)
        began = time.monotonic()
        with pytest.raises(socketio.exceptions.ConnectionError):
            extra.connect(server.url, transports=["websocket"], wait_timeout=5)
        assert time.monotonic() - began < 2

        began = time.monotonic()
        response = requests.post(f"{server.url}/api/tickets", json={"service": "A"}, timeout=5)
        assert response.status_code == 201 and time.monotonic() - began < 1
        assert requests.get(f"{server.url}/kiosk", timeout=5).status_code == 200

        screens.pop().disconnect()
        deadline = time.monotonic() + 5
        while True:
            try:
                extra = socketio.Client(reconnection=False)
                extra.connect(server.url, transports=["websocket"], wait_timeout=5)
                break
            except socketio.exceptions.ConnectionError:
                assert time.monotonic() < deadline, "a freed place was not given to the next screen"
                time.sleep(0.2)
        screens.append(extra)
        assert "socket limit reached" in "".join(server.output)
    finally:
        for client in screens:
            client.disconnect()
        server.stop()
