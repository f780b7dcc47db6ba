"""The PC's health on /admin and the board: free disk space, the log file and the latest errors
in Indonesian, why writes fail; `loket restore` and `loket service install`."""

from __future__ import annotations

import logging
import sqlite3

from conftest import issue, make_app, write_config

from server.cli import main
from server.config.data_folder import DataDirLock
from server.unattended.service_unit import install


def test_low_disk_space_is_warned_on_admin_and_for_staff_only(tmp_path, clock):
    data = tmp_path / "data"
    write_config(data, {"keep = 14": "keep = 14\nmin_free_mb = 999999999"})
    app = make_app(data, clock=clock, background=False)
    try:
        from server.webbase.auth import create_user

        loket = app.extensions["runtime"]
        create_user(loket.store, "admin", "rahasia-123", "admin", clock())
        create_user(loket.store, "kepala", "rahasia-123", "supervisor", clock())
        admin, boss, kiosk = app.test_client(), app.test_client(), app.test_client()
        admin.post("/api/login", json={"username": "admin", "password": "rahasia-123"})
        boss.post("/api/login", json={"username": "kepala", "password": "rahasia-123"})
        disk = admin.get("/api/admin/system").get_json()["disk"]
        assert disk["low"] is True and disk["message"].startswith("Ruang disk hampir penuh")
        assert boss.get("/api/system/status").get_json()["disk"]["ok"] is False, "the board warns"
        assert "disk" not in kiosk.get("/api/system/status").get_json(), "visitors are not told"
        assert boss.get("/api/admin/system").status_code == 403
        assert kiosk.get("/api/admin/system").status_code == 401
        assert issue(kiosk, "A")["number"] == "A001", "a warning, not a stop"
    finally:
        app.extensions["runtime"].close()


def test_plenty_of_space_is_no_warning(client, login):
    admin = login("admin", None)
    disk = admin.get("/api/admin/system").get_json()["disk"]
    assert disk["low"] is False and disk["free_mb"] > 0 and disk["message"] is None


def test_errors_go_to_the_log_file_and_to_admin_in_indonesian(login, data_dir):
    admin = login("admin", None)
    logging.getLogger("server.printing.spool").error("printer at 10.0.0.9:9100 refused the connection")
    logging.getLogger("server.web.app").error("database error on POST /api/tickets: database or disk is full")
    errors = admin.get("/api/admin/system").get_json()["errors"]
    assert errors[0]["summary"] == "Basis data tidak dapat ditulis (disk penuh atau rusak?)."
    assert errors[1]["summary"] == "Printer tiket bermasalah."
    assert "10.0.0.9" in errors[1]["detail"]
    log_file = data_dir / "logs" / "loket.log"
    assert "printer at 10.0.0.9:9100 refused the connection" in log_file.read_text(encoding="utf-8")


def test_the_log_says_why_a_write_failed(app, client, loket, caplog):
    from dataclasses import replace

    # The kiosk's flood guard counts per device: lifted here, so the kiosk fills the disk.
    loket.queue.config = replace(loket.config, queue=replace(loket.config.queue, kiosk_limit_per_minute=0))
    issue(client, "A")
    writer = loket.store._writer
    pages = writer.execute("PRAGMA page_count").fetchone()[0]
    writer.execute(f"PRAGMA max_page_count = {pages}")  # SQLite's own "disk full"
    try:
        for _ in range(300):
            response = client.post("/api/tickets", json={"service": "B"})
            if response.status_code == 503:
                break
        assert response.status_code == 503
    finally:
        writer.execute("PRAGMA max_page_count = 1073741823")
    failure = next(r.getMessage() for r in caplog.records if r.getMessage().startswith("database error"))
    assert "the disk is full" in failure and "MB free on the data folder's disk" in failure


def test_restore_puts_a_backup_back_and_keeps_what_it_replaced(app, client, data_dir, tmp_path, capsys):
    issue(client, "A")
    app.extensions["runtime"].unattended.backups.make("test")
    issue(client, "A")
    issue(client, "A")
    app.extensions["runtime"].close()

    lock = DataDirLock(data_dir)
    lock.acquire()
    try:
        assert main(["restore", "--data", str(data_dir), "--yes"]) == 1
        assert "hentikan server dulu" in capsys.readouterr().err
    finally:
        lock.release()

    assert main(["restore", "--data", str(data_dir), "--yes"]) == 0, "the newest copy of [backup]"
    out = capsys.readouterr().out
    assert "dipulihkan" in out
    conn = sqlite3.connect(data_dir / "loket.db")
    assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 1
    conn.close()
    replaced = list(data_dir.glob("replaced-*/loket.db"))
    assert len(replaced) == 1
    conn = sqlite3.connect(replaced[0])
    assert conn.execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 3, "nothing is lost"
    conn.close()

    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "loket.db").write_bytes(b"not a database at all" * 100)
    assert main(["restore", str(broken), "--data", str(data_dir), "--yes"]) == 1
    assert "tidak dapat dipakai" in capsys.readouterr().err


def test_service_install_writes_a_unit_that_starts_at_boot_and_restarts(tmp_path, data_dir, capsys):
    unit_dir = tmp_path / "systemd"
    assert (
        main(
            [
                "service",
                "install",
                "--data",
                str(data_dir),
                "--unit-dir",
                str(unit_dir),
                "--port",
                "8080",
                "--user",
                "loket",
                "--no-enable",
            ]
        )
        == 0
    )
    text = (unit_dir / "loket.service").read_text()
    assert f"--data {data_dir.resolve()}" in text and "--port 8080" in text
    assert "User=loket" in text and "Restart=always" in text and "WantedBy=multi-user.target" in text
    assert "-m server serve" in text
    assert "systemctl enable --now loket" in capsys.readouterr().out

    ran = []
    install(data_dir, "0.0.0.0", 8000, "loket", unit_dir, enable=True, run=ran.append)
    assert ran == [["systemctl", "daemon-reload"], ["systemctl", "enable", "--now", "loket.service"]]


def test_every_screen_that_shows_the_clock_loads_the_system_bar(client, login):
    assert b"system.js" in client.get("/kiosk").data
    assert b"system.js" in login("officer", 1).get("/officer").data
    boss = login("supervisor", None)
    assert b"system.js" in boss.get("/board").data
    admin = login("admin", None)
    page = admin.get("/admin").data
    assert b"system.js" in page and b"admin.system.js" in page and b'id="tab-system"' in page
