"""The daily backup schedule with an injected clock: start-up catch-up, a copy at closing, `keep`,
a failing folder shown on /admin (never stopping the server), and the warning when no copy was
made after the last day the office served visitors."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta, timezone

import pytest
from conftest import START, FakeClock, issue, write_config
from conftest import make_app as enrolled_app

MONDAY_CLOSING = datetime(2026, 11, 30, 9, 0, 30, tzinfo=timezone.utc)  # 16:00:30 WIB


def make_app(data_dir, clock, folder="backups", keep=14):
    write_config(data_dir, {'folder = "backups"': f'folder = "{folder}"', "keep = 14": f"keep = {keep}"})
    app = enrolled_app(data_dir, clock=clock, background=False)
    app.config["TESTING"] = True
    return app


@pytest.fixture
def apps():
    started = []
    yield started
    for app in started:
        app.extensions["runtime"].close()


def copies(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("loket-")) if folder.exists() else []


def admin_client(app):
    from server.webbase.auth import create_user

    create_user(app.extensions["runtime"].store, "admin", "rahasia-123", "admin", START)
    client = app.test_client()
    assert client.post("/api/login", json={"username": "admin", "password": "rahasia-123"}).status_code == 200
    return client


def test_start_up_catches_up_then_copies_at_closing_and_not_on_weekends(tmp_path, apps):
    data = tmp_path / "data"
    clock = FakeClock()
    app = make_app(data, clock)
    apps.append(app)
    loket = app.extensions["runtime"]
    issue(app.test_client(), "A")
    loket.unattended.tick()
    folder = data / "backups"
    assert copies(folder) == ["loket-2026-11-30-090000"], "no copy yet: one at start-up"
    copy = folder / "loket-2026-11-30-090000" / "loket.db"
    assert sqlite3.connect(copy).execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert sqlite3.connect(copy).execute("SELECT COUNT(*) FROM tickets").fetchone()[0] == 1

    clock.set(MONDAY_CLOSING - timedelta(minutes=2))
    loket.unattended.tick()
    assert len(copies(folder)) == 1, "not before closing"
    clock.set(MONDAY_CLOSING)
    loket.unattended.tick()
    loket.unattended.tick()
    assert copies(folder)[-1] == "loket-2026-11-30-160030" and len(copies(folder)) == 2, "one at closing"

    clock.set(MONDAY_CLOSING + timedelta(days=5, hours=1))  # Saturday after 16:00
    loket.unattended.tick()
    assert len(copies(folder)) == 2, "the office is closed on Saturdays"


def test_a_restart_makes_a_copy_only_when_the_newest_is_older_than_a_day(tmp_path, apps):
    data = tmp_path / "data"
    first = make_app(data, FakeClock())
    first.extensions["runtime"].unattended.tick()
    first.extensions["runtime"].close()
    again = make_app(data, FakeClock(START + timedelta(hours=5)))
    apps.append(again)
    again.extensions["runtime"].unattended.tick()
    assert len(copies(data / "backups")) == 1, "the newest is recent: no copy at start-up"
    later = make_app(data, FakeClock(START + timedelta(days=1, hours=2)))
    apps.append(later)
    later.extensions["runtime"].unattended.tick()
    assert copies(data / "backups")[-1] == "loket-2026-12-01-110000", "a day later: caught up"


def test_only_keep_copies_are_kept_the_newest(tmp_path, apps):
    data = tmp_path / "data"
    clock = FakeClock()
    app = make_app(data, clock, keep=3)
    apps.append(app)
    loket = app.extensions["runtime"]
    loket.unattended.tick()  # start-up copy
    for day in range(5):  # Monday to Friday at closing
        clock.set(MONDAY_CLOSING + timedelta(days=day))
        loket.unattended.tick()
    assert copies(data / "backups") == [
        "loket-2026-12-02-160030",
        "loket-2026-12-03-160030",
        "loket-2026-12-04-160030",
    ]


def test_an_unplugged_folder_is_a_red_warning_never_a_failed_start(tmp_path, apps):
    data = tmp_path / "data"
    unplugged = tmp_path / "media" / "usb" / "loket"
    clock = FakeClock()
    app = make_app(data, clock, folder=str(unplugged))
    apps.append(app)
    loket = app.extensions["runtime"]
    client = app.test_client()
    loket.unattended.tick()
    assert issue(client, "A")["number"] == "A001", "the office keeps working"
    backup = admin_client(app).get("/api/admin/system").get_json()["backup"]
    assert backup["last_backup"] is None and backup["error"]
    assert "tidak ditemukan" in backup["warning"] and str(unplugged) in backup["warning"]
    (tmp_path / "media" / "usb").mkdir(parents=True)  # the empty mount point of the unplugged disk
    clock.advance(minutes=16)
    loket.unattended.tick()
    assert not unplugged.exists(), "nothing is written onto the empty mount point"
    assert "tidak ditemukan" in loket.unattended.backups.status()["warning"]

    unplugged.mkdir()  # plugged back in: the disk has its loket folder
    clock.advance(minutes=16)  # retried every quarter of an hour
    loket.unattended.tick()
    backup = admin_client_again(app).get("/api/admin/system").get_json()["backup"]
    assert backup["warning"] is None and backup["last_backup"].startswith("2026-11-30T09:32")


def admin_client_again(app):
    client = app.test_client()
    assert client.post("/api/login", json={"username": "admin", "password": "rahasia-123"}).status_code == 200
    return client


def test_a_folder_that_cannot_be_written_is_shown_and_retried(tmp_path, apps):
    data = tmp_path / "data"
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the folder should be")
    app = make_app(data, FakeClock(), folder=str(blocked))
    apps.append(app)
    loket = app.extensions["runtime"]
    loket.unattended.tick()
    status = loket.unattended.backups.status()
    assert status["warning"].startswith("Cadangan terakhir gagal")
    response = admin_client(app).post("/api/admin/backup")
    assert response.status_code == 503 and response.get_json()["error"]["code"] == "backup_failed"


def test_no_copy_after_the_last_open_day_is_warned_but_weekends_are_not(tmp_path, apps):
    data = tmp_path / "data"
    clock = FakeClock(datetime(2026, 11, 27, 2, 0, tzinfo=timezone.utc))  # Friday 09:00 WIB
    app = make_app(data, clock)
    apps.append(app)
    loket = app.extensions["runtime"]
    schedule = loket.unattended.backups
    schedule._started = True  # this test is about the warning, not the start-up copy
    issue(app.test_client(), "A")
    assert schedule.status()["missing"] is False, "today is not over"

    clock.set(datetime(2026, 11, 30, 1, 0, tzinfo=timezone.utc))  # Monday 08:00: no copy since Friday
    status = schedule.status()
    assert status["missing"] is True and "2026-11-27" in status["warning"]

    schedule.make("test")  # a copy now is after Friday's closing
    assert schedule.status()["warning"] is None

    # A copy made at Friday's closing covers the weekend.
    for path in (data / "backups").iterdir():
        path.rename(path.with_name("loket-2026-11-27-160100"))
    assert schedule.status()["missing"] is False
    for path in (data / "backups").iterdir():
        path.rename(path.with_name("loket-2026-11-27-120000"))
    assert schedule.status()["missing"] is True, "a copy from before Friday's closing misses Friday"


def test_settings_saved_on_admin_keep_the_backup_table(tmp_path, apps):
    import tomllib

    data = tmp_path / "data"
    app = make_app(data, FakeClock(), folder="/media/usb/loket", keep=30)
    apps.append(app)
    admin = admin_client(app)
    response = admin.put("/api/admin/settings/queue", json={"skip_returns": 2})
    assert response.status_code == 200, response.get_json()
    saved = tomllib.loads((data / "loket.toml").read_text(encoding="utf-8"))
    assert saved["backup"]["folder"] == "/media/usb/loket" and saved["backup"]["keep"] == 30


def test_a_wrong_backup_table_names_the_key(tmp_path):
    from server.config.errors import ConfigError

    data = tmp_path / "data"
    with pytest.raises(ConfigError, match="backup.keep"):
        make_app(data, FakeClock(), keep=0)
