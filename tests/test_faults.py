"""Faults: a broken printer, a full or read-only database (a crash while kiosks issue and TVs
watch: test_faults_browser.py)."""

from __future__ import annotations

import socket
import sqlite3
import threading

import pytest
from conftest import FakeClock, issue, make_app, wait_until, write_config
from servers import free_port


class SilentPrinter:
    """A LAN 'printer' that accepts connections and never reads a byte."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(8)
        self.port = self.sock.getsockname()[1]
        self.accepted = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted.append(conn)

    def close(self):
        try:  # wakes the blocked accept(); a plain close() would leave the port listening
            self.sock.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        self.sock.close()
        self._thread.join(5)
        for conn in self.accepted:
            conn.close()


@pytest.mark.parametrize("printer", ["refusing", "never_reads"])
def test_a_broken_printer_never_blocks_the_kiosk(tmp_path, printer):
    """The kiosk's answers do not wait for the printer: with one that never reads, all three come
    while the printer's worker is still stuck in the first ticket (nothing printed, nothing failed
    yet; its deadline is a minute). Once the printer has failed, the kiosk warns at once."""
    listener = SilentPrinter() if printer == "never_reads" else None
    port = listener.port if listener else free_port()
    data = tmp_path / "data"
    write_config(
        data, {'kind = "none"': f'kind = "network"\nhost = "127.0.0.1"\nport = {port}\ntimeout_seconds = 60'}
    )
    app = make_app(data, clock=FakeClock())
    client = app.test_client()
    printing = app.extensions["runtime"].print_queue
    try:
        tickets = [issue(client, "A")]
        if listener:
            wait_until(lambda: listener.accepted, what="the printer got the first ticket's connection")
        tickets += [issue(client, "A") for _ in range(2)]
        assert [t["number"] for t in tickets] == ["A001", "A002", "A003"]
        if listener:
            status = printing.status()
            assert (status["printed"], status["failed"], status["pending"]) == (0, 0, 3), status
            listener.close()  # the printer hangs up: the stuck ticket fails now, not at its deadline
        wait_until(lambda: printing.status()["failed"] >= 1, what="the printer's failure")
        assert printing.status()["ok"] is False
        # The kiosk now warns at once that the ticket will not be printed.
        warned = issue(client, "A")
        assert warned["print"]["ok"] is False
        assert warned["print"]["message"] == "Tiket tidak tercetak — silakan catat/foto nomor Anda"
    finally:
        app.extensions["runtime"].close()
        if listener:
            listener.close()


def test_disk_full_gives_a_clear_error_and_recovers(app, client, login, loket):
    issue(client, "A")
    officer = login("officer", 2)
    # Ten kiosks, so that the per-kiosk limit (30 a minute) is not what stops them.
    kiosks = [loket.devices.add(f"Kiosk {n}", "kiosk", loket.queue.now().timestamp())[1] for n in range(10)]
    writer = loket.store._writer
    pages = writer.execute("PRAGMA page_count").fetchone()[0]
    writer.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full" (SQLITE_FULL)
    refused = 0
    for _ in range(200):  # fill the last free pages, then every write must be refused cleanly
        response = client.post(
            "/api/tickets", json={"service": "B"}, headers={"Authorization": f"Device {kiosks[_ // 20]}"}
        )
        if response.status_code == 503:
            refused += 1
            body = response.get_json()["error"]
            assert body["code"] == "database_unavailable" and "admin" in body["message"]
            break
        assert response.status_code == 201
    assert refused == 1
    assert officer.post("/api/counters/2/call-next").status_code in (200, 503)
    writer.execute("PRAGMA max_page_count = 1073741823")
    assert loket.store.read().execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert client.post("/api/tickets", json={"service": "C"}).status_code == 201


def test_read_only_database_gives_a_clear_error_and_recovers(app, client, loket, data_dir):
    issue(client, "A")
    original = loket.store._writer
    read_only = sqlite3.connect(
        f"file:{data_dir / 'loket.db'}?mode=ro", uri=True, check_same_thread=False, isolation_level=None
    )
    read_only.row_factory = sqlite3.Row
    loket.store._writer = read_only
    try:
        response = client.post("/api/tickets", json={"service": "A"})
        assert response.status_code == 503
        assert response.get_json()["error"]["code"] == "database_unavailable"
        assert client.get("/api/state").status_code == 200, "reading still works"
    finally:
        loket.store._writer = original
        read_only.close()
    assert issue(client, "A")["number"] == "A002", "nothing half-written, numbering continues"
