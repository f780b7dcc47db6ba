"""Real ``loket serve`` processes for tests that need a server on a port (websockets, browsers,
restarts)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlsplit

import requests

ROOT = Path(__file__).resolve().parent.parent

ALWAYS_OPEN = {
    'hours = "07:30-16:00"': 'hours = "00:00-24:00"',
    'days = ["mon", "tue", "wed", "thu", "fri"]': 'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]',
}


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def loket_cli(*args, env=None, timeout=60, input=None) -> subprocess.CompletedProcess:
    """Run ``python -m server ARGS`` (the ``loket`` command) from the checkout; text output."""
    full_env = {**os.environ, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "server", *args],
        cwd=ROOT,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
        input=input,
    )


class Server:
    """``loket serve`` in a child process; with ``--demo`` unless ``demo=False``, so that the
    browsers and clients of a test, all on this machine, count as enrolled devices."""

    def __init__(self, data: Path, port: int, *extra: str, demo: bool = True):
        self.data = data
        self.demo = demo
        extra = tuple(extra) + (("--demo",) if demo and "--demo" not in extra else ())
        self.extra = extra
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "server",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--data",
                str(data),
                *extra,
            ],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.output: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self):
        for line in self.process.stdout:
            self.output.append(line)

    def wait_ready(self, timeout=30.0):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any("Loket siap" in line for line in self.output):
                try:
                    requests.get(self.url + "/api/state", timeout=2)
                    return
                except requests.ConnectionError:
                    pass
            if self.process.poll() is not None:
                raise AssertionError("server exited:\n" + "".join(self.output))
            time.sleep(0.1)
        raise AssertionError("server not ready:\n" + "".join(self.output))

    def stop(self, sig=signal.SIGTERM, timeout=15.0) -> int:
        if self.process.poll() is None:
            self.process.send_signal(sig)
        try:
            return self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            raise

    def kill(self) -> None:
        """kill -9 of the whole server (master and worker), as in a crash or power loss."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(10)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with socket.socket() as sock:
                if sock.connect_ex(("127.0.0.1", self.port)) != 0:
                    return
            time.sleep(0.05)

    def start_again(self) -> None:
        """Start on the same port and data folder (after stop or kill)."""
        self.__init__(self.data, self.port, *self.extra, demo=self.demo)
        self.wait_ready()


class FlaskSession:
    """A Flask test client that answers like a ``requests.Session`` (what HttpOffice uses)."""

    def __init__(self, app):
        self.client = app.test_client()

    class Response:
        def __init__(self, response):
            self.status_code = response.status_code
            self.headers = response.headers
            self.text = response.get_data(as_text=True)
            self._json = response.get_json(silent=True)

        def json(self):
            return self._json

    def post(self, url, json=None, timeout=None):
        return self.Response(self.client.post(urlsplit(url).path, json=json))

    def get(self, url, timeout=None):
        return self.Response(self.client.get(urlsplit(url).path))


# ---- what the tests do against a real server: sign in, take a number, call, watch the TV ----

PASSWORD = "rahasia-123"
DISPLAY_WAIT_MS = 5000


def officer(server, counter: int) -> requests.Session:
    """A signed-in officer at ``counter`` (petugas1 at Loket 1, ...)."""
    session = requests.Session()
    response = session.post(
        server.url + "/api/login",
        timeout=5,
        json={"username": f"petugas{counter}", "password": PASSWORD, "counter": counter},
    )
    assert response.status_code == 200, response.text
    return session


def take(server, service: str, priority: bool = False) -> dict:
    """A visitor takes a number at the kiosk (a priority one for an elderly visitor if asked)."""
    body = {"service": service, "priority": priority, **({"priority_reason": "lansia"} if priority else {})}
    response = requests.post(server.url + "/api/tickets", json=body, timeout=5)
    assert response.status_code == 201, response.text
    return response.json()["ticket"]


def call_next(session: requests.Session, server, counter: int) -> dict:
    """The officer's "Panggil berikutnya" at ``counter``; someone must be waiting."""
    response = session.post(f"{server.url}/api/counters/{counter}/call-next", timeout=5)
    assert response.status_code == 200, response.text
    ticket = response.json()["ticket"]
    assert ticket is not None, "nobody waiting"
    return ticket


def ticket_action(session: requests.Session, server, ticket_id: int, action: str) -> dict:
    """recall, skip, start or finish a ticket as the officer holding it."""
    response = session.post(f"{server.url}/api/tickets/{ticket_id}/{action}", timeout=5)
    assert response.status_code == 200, response.text
    return response.json()["ticket"]


def open_display(page, server):
    """Load /display and wait until it holds the server's state snapshot."""
    page.goto(server.url + "/display")
    page.wait_for_function(
        "() => window.loketDisplay && window.loketDisplay.online && window.loketDisplay.states > 0",
        timeout=DISPLAY_WAIT_MS,
    )
    return page


def wait_for_hero(page, number: str, timeout: float = DISPLAY_WAIT_MS, recall: bool | None = None):
    """Wait until the display's current call is ``number`` (and a recall or not, if given)."""
    expression = (
        "([n, r]) => { const h = document.getElementById('hero');"
        " return h.dataset.number === n && (r === null || h.dataset.recall === String(r)); }"
    )
    page.wait_for_function(expression, arg=[number, recall], timeout=timeout, polling="raf")


# ---- a server whose clock is not the PC's --------------------------------------------------

CLOCKED_SERVER = """
import sys, time
from datetime import datetime, timedelta, timezone

from server.assembly import create_app
from server.live import socketio

data, port, start = sys.argv[1], int(sys.argv[2]), datetime.fromisoformat(sys.argv[3])
began = time.monotonic()


def clock():
    # The injected clock: it starts at `start` and runs at the normal pace from there.
    return start + timedelta(seconds=time.monotonic() - began)


app = create_app(data, clock=clock, demo=True)
print("Loket siap", flush=True)
socketio.run(app, host="127.0.0.1", port=port, allow_unsafe_werkzeug=True, use_reloader=False)
"""


class ClockedServer(Server):
    """The app with an injected clock (starting at ``start``, an aware datetime), served by
    Werkzeug in a child process: the office's time is not the PC's, as on a PC whose clock is
    wrong while the server's is right."""

    def __init__(self, data: Path, port: int, start):
        self.data, self.port, self.start = data, port, start
        self.demo, self.extra = True, ()
        self.url = f"http://127.0.0.1:{port}"
        self.process = subprocess.Popen(
            [sys.executable, "-c", CLOCKED_SERVER, str(data), str(port), start.isoformat()],
            cwd=ROOT,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self.output = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()
