"""The ``loket`` command line, and one real server process with a websocket client."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
import requests
import socketio
from conftest import write_config
from servers import Server, free_port, loket_cli

ROOT = Path(__file__).resolve().parent.parent


def test_user_add_and_duplicate(tmp_path):
    data = tmp_path / "data"
    done = loket_cli(
        "user", "add", "siti", "--role", "officer", "--data", str(data), env={"LOKET_PASSWORD": "rahasia-123"}
    )
    assert done.returncode == 0, done.stderr
    assert "siti" in done.stdout
    again = loket_cli(
        "user", "add", "siti", "--role", "admin", "--data", str(data), env={"LOKET_PASSWORD": "rahasia-123"}
    )
    assert again.returncode == 1 and "sudah ada" in again.stderr and "Traceback" not in again.stderr
    weak = loket_cli(
        "user", "add", "budi", "--role", "officer", "--data", str(data), env={"LOKET_PASSWORD": "123"}
    )
    assert weak.returncode == 1 and "minimal 8" in weak.stderr
    assert (data / "loket.toml").exists()
    for name in ("loket.db", "loket.db-wal", "loket.db-shm"):  # the database, owner-only from the start
        if (data / name).exists():
            assert oct((data / name).stat().st_mode)[-3:] == "600", name
    assert oct((data / "loket.db").stat().st_mode)[-3:] == "600"
    assert oct(data.stat().st_mode)[-3:] == "700"


def test_user_add_without_password_and_terminal(tmp_path):
    env = {k: v for k, v in os.environ.items() if k != "LOKET_PASSWORD"}
    done = subprocess.run(
        [sys.executable, "-m", "server", "user", "add", "x", "--role", "admin", "--data", str(tmp_path)],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=60,
    )
    assert done.returncode == 1 and "LOKET_PASSWORD" in done.stderr


def test_a_wrong_config_stops_with_the_key_named(tmp_path):
    data = tmp_path / "data"
    write_config(data, {'services = ["B"]': 'services = ["Q"]'})
    done = loket_cli("serve", "--data", str(data), "--port", str(free_port()))
    assert done.returncode == 2
    assert "counters[1].services: unknown service 'Q'" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.slow
def test_real_server_issue_call_and_websocket(tmp_path):
    data = tmp_path / "data"
    write_config(
        data,
        {
            'hours = "07:30-16:00"': 'hours = "00:00-24:00"',
            'days = ["mon", "tue", "wed", "thu", "fri"]': 'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]',
        },
    )
    added = loket_cli(
        "user", "add", "siti", "--role", "officer", "--data", str(data), env={"LOKET_PASSWORD": "rahasia-123"}
    )
    assert added.returncode == 0, added.stderr
    kiosk = loket_cli("device", "add", "Kiosk lobi", "--kind", "kiosk", "--data", str(data))
    assert kiosk.returncode == 0, kiosk.stderr
    token = kiosk.stdout.splitlines()[1]
    server = Server(data, free_port(), demo=False)
    try:
        server.wait_ready()
        out = "".join(server.output)
        assert "/kiosk" in out and "/display" in out and "/officer" in out and "/admin" in out

        second = loket_cli("serve", "--data", str(data), "--port", str(free_port()), timeout=30)
        assert second.returncode == 1 and "already serving" in second.stderr

        received = []
        got_call = threading.Event()
        client = socketio.Client(reconnection=False)

        @client.on("ticket_called")
        def on_call(data):
            received.append(data)
            got_call.set()

        client.connect(server.url, transports=["websocket"], wait_timeout=10)
        assert client.transport() == "websocket"

        phone = requests.post(server.url + "/api/tickets", json={"service": "A"}, timeout=5)
        assert phone.status_code == 403 and phone.json()["error"]["code"] == "device_not_enrolled"
        ticket = requests.post(
            server.url + "/api/tickets",
            json={"service": "A"},
            timeout=5,
            headers={"Authorization": f"Device {token}"},
        )
        assert ticket.status_code == 201
        session = requests.Session()
        login = session.post(
            server.url + "/api/login",
            json={"username": "siti", "password": "rahasia-123", "counter": 1},
            timeout=5,
        )
        assert login.status_code == 200
        called = session.post(server.url + "/api/counters/1/call-next", timeout=5).json()["ticket"]
        assert called["number"] == "A001"
        assert got_call.wait(5), "ticket_called did not arrive over the websocket"
        assert received[0]["ticket"]["number"] == "A001" and received[0]["counter"]["id"] == 1
        threading.Thread(target=client.disconnect, daemon=True).start()
    finally:
        code = server.stop()  # a server that does not stop fails here (stop() waits 15 s at most)
    assert code == 0, "".join(server.output)
    assert "Traceback" not in "".join(server.output)


@pytest.mark.slow
def test_first_start_creates_an_admin_and_prints_the_password(tmp_path):
    data = tmp_path / "fresh"
    server = Server(data, free_port(), demo=False)
    try:
        server.wait_ready()
    finally:
        assert server.stop() == 0
    out = "".join(server.output)
    line = next(line for line in out.splitlines() if line.strip().startswith("admin "))
    password = line.split()[-1]
    assert len(password) >= 8
    assert (data / "loket.toml").exists() and (data / "loket.db").exists()
    assert oct((data / "secret.key").stat().st_mode)[-3:] == "600"
    # The printed password works (checked against the database without a server).
    from server.core.storage import Store
    from server.webbase.auth import authenticate

    store = Store(data / "loket.db")
    assert authenticate(store, "admin", password)["role"] == "admin"
    store.close()
