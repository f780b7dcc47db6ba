"""Upgrades of the database: a copy before a migration changes it, and no database newer than
the code.

An office upgrades Loket by installing a new version and starting it. The new version's
migrations then change the file; if one goes wrong (or the new version misbehaves), the copy made
just before is what ``loket restore`` brings back. An older Loket started on a newer database
(a downgrade, or a copied file) refuses it instead of writing to a schema it does not know.
"""

from __future__ import annotations

import logging
import os
import sqlite3
from datetime import datetime, timezone
from pathlib import Path

import sqlite_utils

from server.core.errors import LoketError

log = logging.getLogger(__name__)

#: Where the copies made before an upgrade go, inside the data folder.
PRE_UPGRADE_FOLDER = "backups"
PRE_UPGRADE_PREFIX = "pre-upgrade-"
PRE_UPGRADE_KEEP = 5
SYNCHRONOUS_MODES = ("FULL", "EXTRA", "NORMAL")


def synchronous_mode() -> str:
    """SQLite's ``synchronous`` setting: FULL (durable across a power cut) unless
    ``$LOKET_SQLITE_SYNCHRONOUS`` says otherwise (the benchmark compares NORMAL with it)."""
    mode = os.environ.get("LOKET_SQLITE_SYNCHRONOUS", "FULL").upper()
    return mode if mode in SYNCHRONOUS_MODES else "FULL"


class DatabaseTooNew(LoketError):
    """The database was migrated by a newer Loket than this one."""

    def __init__(self, path: Path, unknown: list[str]):
        super().__init__(
            "database_too_new",
            f"Basis data {path} dibuat oleh versi Loket yang lebih baru (perubahan "
            f"{', '.join(unknown)} tidak dikenal versi ini). Basis data tidak diubah. Pasang versi "
            "Loket yang sama atau lebih baru, atau pulihkan cadangan dengan 'loket restore'.",
            409,
        )


def prepare_schema(conn: sqlite3.Connection, path: Path, migrations) -> Path | None:
    """Check the database against the code's migrations, copy it if a migration is pending on
    an existing database, then migrate. Returns the copy's path, if one was made."""
    db = sqlite_utils.Database(conn)
    applied = [m.name for m in migrations.applied(db)]
    known = {m.name for m in migrations._migrations}
    unknown = [name for name in applied if name not in known]
    if unknown:
        log.error("database %s has migrations this code does not know: %s", path, unknown)
        raise DatabaseTooNew(path, unknown)
    pending = [m.name for m in migrations.pending(db)]
    copy = None
    if pending and applied:
        copy = copy_before_upgrade(conn, path, pending)
    migrations.apply(db)
    return copy


def copy_before_upgrade(conn: sqlite3.Connection, path: Path, pending: list[str]) -> Path:
    """A consistent, checked copy of the database in ``backups/pre-upgrade-<UTC time>/``."""
    stamp = datetime.now(timezone.utc).strftime("%Y%m%d-%H%M%S")
    folder = path.parent / PRE_UPGRADE_FOLDER / f"{PRE_UPGRADE_PREFIX}{stamp}"
    folder.mkdir(parents=True, exist_ok=True)
    target_path = folder / path.name
    target = sqlite3.connect(target_path)
    try:
        conn.backup(target)
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        target.close()
    if result != "ok":
        raise RuntimeError(f"the copy before the upgrade failed its integrity check: {result}")
    os.chmod(target_path, 0o600)
    config = path.parent / "loket.toml"
    if config.exists():
        (folder / config.name).write_bytes(config.read_bytes())
    (folder / "BACKUP.txt").write_text(
        f"Copy of {path} made before the migrations {', '.join(pending)}.\n"
        "Restore with: loket restore " + str(folder) + "\n",
        encoding="utf-8",
    )
    log.warning("copied the database to %s before migrating (%s)", folder, ", ".join(pending))
    _prune(folder.parent)
    return target_path


def _prune(parent: Path) -> None:
    """Keep the last few copies made before upgrades."""
    copies = sorted(p for p in parent.iterdir() if p.is_dir() and p.name.startswith(PRE_UPGRADE_PREFIX))
    for old in copies[:-PRE_UPGRADE_KEEP]:
        for file in old.iterdir():
            file.unlink()
        old.rmdir()
