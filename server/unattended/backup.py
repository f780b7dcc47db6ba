"""Consistent backups of a data folder while the server runs (SQLite's online backup API)."""

from __future__ import annotations

import os
import shutil
import sqlite3
from datetime import datetime
from pathlib import Path

from server.config.loader import CONFIG_NAME

DB_NAME = "loket.db"
KEPT = (CONFIG_NAME, "secret.key", "logo.png")


def backup(data_dir: Path, dest: Path, pages_per_step: int = 1024) -> Path:
    """Copy the database (consistently, while it is being written), loket.toml, the secret key
    and the logo into the folder ``dest``; return the copied database's path.

    The copy is checked with ``PRAGMA integrity_check`` before this returns.
    """
    source_path = data_dir / DB_NAME
    if not source_path.exists():
        raise FileNotFoundError(f"no database at {source_path}")
    dest.mkdir(parents=True, exist_ok=True)
    _owner_only(dest, 0o700)
    target_path = dest / DB_NAME
    partial = dest / (DB_NAME + ".partial")
    partial.unlink(missing_ok=True)
    source = sqlite3.connect(f"file:{source_path}?mode=ro", uri=True, timeout=30)
    target = sqlite3.connect(partial)
    try:
        # Small steps let the server keep writing between them.
        source.backup(target, pages=pages_per_step, sleep=0.005)
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise RuntimeError(f"the backup copy failed its integrity check: {result}")
    finally:
        target.close()
        source.close()
    _owner_only(partial, 0o600)
    os.replace(partial, target_path)
    for name in KEPT:
        if (data_dir / name).exists():
            shutil.copyfile(data_dir / name, dest / name)
            _owner_only(dest / name, 0o600)
    (dest / "BACKUP.txt").write_text(
        f"Loket backup of {data_dir.resolve()} made {datetime.now().astimezone().isoformat(timespec='seconds')}.\n"
        f"Restore: loket restore {dest.resolve()} --data {data_dir.resolve()}\n",
        encoding="utf-8",
    )
    return target_path


def _owner_only(path: Path, mode: int) -> None:
    """Owner-only permissions where the file system has them: a FAT USB disk has none, and
    refuses chmod; the copy is still good."""
    try:
        os.chmod(path, mode)
    except OSError:
        pass


RESTORED = (DB_NAME, CONFIG_NAME, "secret.key", "logo.png")


def check_copy(source: Path) -> Path:
    """The database of a backup folder, checked with ``integrity_check``; raises otherwise."""
    database = source / DB_NAME
    if not database.is_file():
        raise FileNotFoundError(f"no {DB_NAME} in {source}")
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        result = conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()
    if result != "ok":
        raise RuntimeError(f"the copy in {source} failed its integrity check: {result}")
    return database


def restore(source: Path, data_dir: Path) -> Path | None:
    """Put a backup folder's files back into ``data_dir`` (the server must be stopped).

    The files they replace are moved into ``replaced-<time>/`` in the data folder, never deleted;
    returns that folder (None when there was nothing to replace).
    """
    check_copy(source)
    data_dir.mkdir(parents=True, exist_ok=True)
    _owner_only(data_dir, 0o700)
    aside = data_dir / f"replaced-{datetime.now().strftime('%Y%m%d-%H%M%S')}"
    moved = False
    # Only what the copy brings is replaced (a copy made before an upgrade has no secret.key);
    # the database's -wal and -shm belong to the database they replace.
    brought = [name for name in RESTORED if (source / name).exists()]
    for name in (*brought, DB_NAME + "-wal", DB_NAME + "-shm"):
        if (data_dir / name).exists():
            aside.mkdir(exist_ok=True)
            os.replace(data_dir / name, aside / name)
            moved = True
    for name in brought:
        shutil.copyfile(source / name, data_dir / name)
        os.chmod(data_dir / name, 0o600)
    return aside if moved else None
