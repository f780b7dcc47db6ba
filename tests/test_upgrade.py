"""Upgrades: a copy before a migration changes the database; a database newer than the code is
refused, untouched, with a clear message (also by `loket serve`)."""

from __future__ import annotations

import hashlib
import sqlite3

import pytest
import sqlite_utils
from conftest import write_config

from server.cli import main
from server.core.migrations import migrations
from server.core.storage import Store
from server.core.upgrade import DatabaseTooNew


def old_database(path):
    """A database as the release before m015 left it, with one ticket."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m015_clock_state")
    db.execute(
        "INSERT INTO tickets (token, number, service, day, seq, status, issued_at, arrived_at, queued_at) "
        "VALUES ('t', 'A001', 'A', '2026-11-30', 1, 'done', 1, 1, 1)"
    )
    db.conn.commit()
    db.close()


def applied(path) -> set[str]:
    conn = sqlite3.connect(path)
    try:
        return {row[0] for row in conn.execute("SELECT name FROM _sqlite_migrations")}
    finally:
        conn.close()


def test_a_migration_is_preceded_by_a_checked_copy(tmp_path):
    data = tmp_path / "data"
    write_config(data)
    old_database(data / "loket.db")
    store = Store(data / "loket.db")
    store.close()
    assert "m015_clock_state" in applied(data / "loket.db")
    copies = list((data / "backups").glob("pre-upgrade-*/loket.db"))
    assert len(copies) == 1
    copy = copies[0]
    assert "m015_clock_state" not in applied(copy), "the copy is the database as it was"
    conn = sqlite3.connect(copy)
    assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert conn.execute("SELECT number FROM tickets").fetchall() == [("A001",)]
    conn.close()
    assert (copy.parent / "loket.toml").exists()

    Store(data / "loket.db").close()
    assert len(list((data / "backups").glob("pre-upgrade-*"))) == 1, "nothing to migrate: no copy"


def test_a_new_database_needs_no_copy(tmp_path):
    Store(tmp_path / "loket.db").close()
    assert not (tmp_path / "backups").exists()


def test_a_database_newer_than_the_code_is_refused_untouched(tmp_path, capsys):
    data = tmp_path / "data"
    write_config(data)
    Store(data / "loket.db").close()
    conn = sqlite3.connect(data / "loket.db")
    conn.execute(
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
        "VALUES ('loket', 'm099_from_the_future', '2027-01-01')"
    )
    conn.commit()
    conn.close()
    before = hashlib.sha256((data / "loket.db").read_bytes()).hexdigest()
    with pytest.raises(DatabaseTooNew) as refused:
        Store(data / "loket.db")
    assert "m099_from_the_future" in refused.value.message and "lebih baru" in refused.value.message
    assert hashlib.sha256((data / "loket.db").read_bytes()).hexdigest() == before

    # --dev: the production server would first put gevent's patches into this test process.
    assert main(["serve", "--dev", "--data", str(data), "--port", "1"]) == 1
    error = capsys.readouterr().err
    assert "versi Loket yang lebih baru" in error and "m099_from_the_future" in error
    assert hashlib.sha256((data / "loket.db").read_bytes()).hexdigest() == before


def test_the_copy_before_an_upgrade_restores_with_one_command(tmp_path, capsys):
    data = tmp_path / "data"
    write_config(data)
    old_database(data / "loket.db")
    (data / "secret.key").write_text("the office's key")
    Store(data / "loket.db").close()  # the upgrade
    copy = next((data / "backups").glob("pre-upgrade-*"))
    assert main(["restore", str(copy), "--data", str(data), "--yes"]) == 0
    assert "m015_clock_state" not in applied(data / "loket.db"), "the database before the upgrade"
    assert (data / "secret.key").read_text() == "the office's key", "what the copy lacks is kept"
