"""``loket backup`` copies the database consistently while tickets are being written; the copy
restores."""

import sqlite3
import threading

from conftest import FakeClock, make_app, write_config
from servers import loket_cli

from server.unattended.backup import backup


def test_backup_while_writing_then_restore(tmp_path):
    data = tmp_path / "data"
    write_config(data)
    app = make_app(data, clock=FakeClock(), background=False)
    queue = app.extensions["runtime"].queue
    for _ in range(200):
        queue.issue("A")
    stop = threading.Event()
    written = []

    def kiosk():
        while not stop.is_set():
            written.append(queue.issue("B").ticket.id)

    writer = threading.Thread(target=kiosk)
    writer.start()
    try:
        copied = backup(data, tmp_path / "backup", pages_per_step=1)
    finally:
        stop.set()
        writer.join()
    app.extensions["runtime"].close()

    conn = sqlite3.connect(copied)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    count_a = conn.execute("SELECT COUNT(*) FROM tickets WHERE service = 'A'").fetchone()[0]
    numbers_b = [r[0] for r in conn.execute("SELECT seq FROM tickets WHERE service = 'B' ORDER BY seq")]
    events = conn.execute("SELECT COUNT(*) FROM events").fetchone()[0]
    conn.close()
    assert count_a == 200
    assert numbers_b == list(range(1, len(numbers_b) + 1)), "a consistent snapshot has no gaps"
    assert events == 200 + len(numbers_b), "tickets and their events were copied together"
    assert oct(copied.stat().st_mode)[-3:] == "600"

    # Restore: the copy is a working data folder.
    restored = make_app(tmp_path / "backup", clock=FakeClock(), background=False)
    assert restored.extensions["runtime"].queue.issue("A").ticket.number == "A201"
    restored.extensions["runtime"].close()


def test_backup_command(tmp_path):
    data = tmp_path / "data"
    write_config(data)
    make_app(data, clock=FakeClock(), background=False).extensions["runtime"].close()
    done = loket_cli("backup", str(tmp_path / "copy"), "--data", str(data))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "copy" / "loket.db").exists() and (tmp_path / "copy" / "loket.toml").exists()
    missing = loket_cli("backup", str(tmp_path / "copy2"), "--data", str(tmp_path / "nothing"))
    assert missing.returncode == 1 and "no database" in missing.stderr
