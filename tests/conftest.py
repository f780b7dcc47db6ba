"""Shared fixtures: a real data folder with a real SQLite file, an injectable clock, the app,
signed-in clients and Socket.IO test clients."""

from __future__ import annotations

import os

# Test-only: one round of PBKDF2 instead of scrypt for every password the tests create, here and
# in the servers they start (they inherit the environment). Set before server.webbase.auth is
# imported, which hashes its dummy password at import. Production keeps scrypt
# (test_security.py::test_passwords_are_hashed_with_scrypt_outside_the_tests).
os.environ["LOKET_TEST_FAST_PASSWORD_HASH"] = "1"

import io
import math
import random
import threading
import time
import wave
from contextlib import contextmanager
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from server.assembly import create_app
from server.config.loader import default_toml
from server.config.printer import PrinterSettings
from server.config.voice import VoiceSettings
from server.devices.registry import COOKIE
from server.live.events import socketio
from server.printing.devices import escpos_printer_module
from server.voice import Announcer
from server.webbase.auth import create_user

# Monday 30 November 2026, 09:00 WIB (UTC+7).
START = datetime(2026, 11, 30, 2, 0, tzinfo=timezone.utc)


class FakeClock:
    """A clock the test moves by hand; thread-safe."""

    def __init__(self, start: datetime = START):
        self._now = start
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        with self._lock:
            return self._now

    def advance(self, **delta) -> None:
        """Move forward, e.g. advance(minutes=5)."""
        with self._lock:
            self._now += timedelta(**delta)

    def set(self, moment: datetime) -> None:
        with self._lock:
            self._now = moment


def write_config(data_dir: Path, replace: dict[str, str] | None = None, voice: bool = False) -> Path:
    """The default office with real opening hours (07:30-16:00, Mon-Fri), voice off unless asked."""
    text = default_toml(demo=False)
    if not voice:
        text = text.replace("[voice]\nenabled = true", "[voice]\nenabled = false")
    for old, new in (replace or {}).items():
        assert old in text, old
        text = text.replace(old, new)
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / "loket.toml"
    path.write_text(text, encoding="utf-8")
    return path


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def data_dir(tmp_path):
    path = tmp_path / "data"
    write_config(path)
    return path


class KioskClient(FlaskClient):
    """A test client that is the office's enrolled kiosk (its device cookie), unless made with
    ``app.test_client(anonymous=True)``."""

    def __init__(self, *args, anonymous: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if not anonymous:
            self.set_cookie(COOKIE, self.application.config["TEST_KIOSK_TOKEN"])


def make_app(data_dir, **kwargs):
    """``create_app`` whose test clients are an enrolled kiosk (see :class:`KioskClient`)."""
    app = create_app(data_dir, **kwargs)
    loket = app.extensions["runtime"]
    _device, app.config["TEST_KIOSK_TOKEN"] = loket.devices.add(
        "Kiosk tes", "kiosk", loket.queue.now().timestamp()
    )
    app.test_client_class = KioskClient
    return app


@pytest.fixture
def app(data_dir, clock):
    app = make_app(data_dir, clock=clock, background=False)
    app.config["TESTING"] = True
    yield app
    app.extensions["runtime"].close()


@pytest.fixture
def loket(app):
    return app.extensions["runtime"]


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def anonymous(app):
    """A client that is neither an enrolled device nor signed in (a visitor's phone)."""
    return app.test_client(anonymous=True)


@pytest.fixture
def make_user(loket, clock):
    def make(username: str, role: str = "officer", password: str = "rahasia-123") -> str:
        create_user(loket.store, username, password, role, clock())
        return password

    return make


@pytest.fixture
def login(app, make_user):
    """A new test client signed in as a fresh user: login(role, counter=None)."""
    count = {"n": 0}

    def sign_in(role: str = "officer", counter: int | None = 1):
        count["n"] += 1
        username = f"{role}{count['n']}"
        password = make_user(username, role)
        client = app.test_client()
        body = {"username": username, "password": password}
        if counter is not None:
            body["counter"] = counter
        response = client.post("/api/login", json=body)
        assert response.status_code == 200, response.get_json()
        return client

    return sign_in


@pytest.fixture
def socket_client(app):
    clients = []

    def connect(flask_client=None):
        sc = socketio.test_client(app, flask_test_client=flask_client or app.test_client())
        clients.append(sc)
        return sc

    yield connect
    for sc in clients:
        if sc.is_connected():
            sc.disconnect()


def issue(client, service: str = "A", priority: bool = False, **extra):
    """Take a number through the API; return the ticket JSON."""
    response = client.post("/api/tickets", json={"service": service, "priority": priority, **extra})
    assert response.status_code == 201, response.get_json()
    return response.get_json()["ticket"]


def wait_until(condition, timeout: float = 10.0, what: str = "the condition") -> None:
    """Poll ``condition()`` until it is true. ``timeout`` only turns a hang into a failure: it is
    no measure of speed, and the tests assert none."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"{what} still false after {timeout} s"
        time.sleep(0.02)


def dummy_printer(profile: str = PrinterSettings.profile):
    """python-escpos's Dummy printer: it keeps the bytes it receives in ``.output``."""
    return escpos_printer_module().Dummy(profile=profile)


@contextmanager
def voiced_app(data: Path, clock, background: bool):
    """The whole Loket app on ``data`` with the voice on."""
    write_config(data, voice=True)
    app = make_app(data, clock=clock, background=background)
    try:
        yield app
    finally:
        app.extensions["runtime"].close()


@pytest.fixture
def announcer(tmp_path):
    """A started :class:`Announcer` with the default voice settings, its files in tmp_path/sounds."""
    made = Announcer(VoiceSettings(), tmp_path / "sounds")
    made.start()
    yield made
    made.close()


def tone_wav(
    hz: float,
    seconds: float,
    peak: float,
    rate: int,
    channels: int,
    width: int,
    lead: float = 0.3,
    tail: float = 0.45,
    seed: int = 1,
) -> bytes:
    """Room hiss, a tone with 5 ms fades, room hiss; as a WAV of the given format."""
    rng = random.Random(seed)
    values = [rng.uniform(-25, 25) for _ in range(int(lead * rate))]
    count = int(seconds * rate)
    fade = int(0.005 * rate)
    for i in range(count):
        envelope = min(1.0, i / fade, (count - i) / fade)
        values.append(peak * 32767 * envelope * math.sin(2 * math.pi * hz * i / rate))
    values += [rng.uniform(-25, 25) for _ in range(int(tail * rate))]
    raw = bytearray()
    for value in values:
        for _channel in range(channels):
            if width == 1:
                raw.append(max(0, min(255, int(value / 256) + 128)))
            else:
                wide = int(value) << (8 * (width - 2))
                raw += wide.to_bytes(width, "little", signed=True)
    out = io.BytesIO()
    with wave.open(out, "wb") as wav:
        wav.setnchannels(channels)
        wav.setsampwidth(width)
        wav.setframerate(rate)
        wav.writeframes(bytes(raw))
    return out.getvalue()


# ---- real servers and real Chromium --------------------------------------------------------

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--autoplay-policy=no-user-gesture-required",
]


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    """Debian's Chromium (Playwright cannot download its own here)."""
    return {**browser_type_launch_args, "executable_path": "/usr/bin/chromium", "args": CHROMIUM_ARGS}


@pytest.fixture
def artifacts():
    """Folder for screenshots kept after the run (test-artifacts/)."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture
def live_server(tmp_path):
    """A real ``loket serve --demo`` process on a free port, open all day, with users:
    admin/supervisor ``kepala`` and officers ``petugas1``..``petugas4`` (password rahasia-123)."""
    from servers import ALWAYS_OPEN, Server, free_port

    from server.cli import DEMO_USERS
    from server.core.rules import utc_now
    from server.core.storage import Store

    data = tmp_path / "live"
    write_config(data, ALWAYS_OPEN, voice=True)
    store = Store(data / "loket.db")
    for username, role in DEMO_USERS:
        create_user(store, username, "rahasia-123", role, utc_now())
    store.close()
    server = Server(data, free_port())  # --demo: this machine's browsers count as enrolled
    server.wait_ready()
    yield server
    if server.process.poll() is None:
        server.kill()  # the end of a test: every commit is on disk already
