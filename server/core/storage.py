"""The SQLite database: the connection, its pragmas and the transactions.

One :class:`Store` owns the file. Writes go through :meth:`Store.write`, which holds a process
lock and runs inside ``BEGIN IMMEDIATE`` (so another process — the CLI adding a user while the
server runs — waits instead of failing); reads use one connection per thread, which WAL lets run
beside the writer. Times are stored as UTC epoch seconds (REAL); the API formats them.

The queue's SQL lives beside this module, by subject, each function imported from its own module: :mod:`server.core.tickets` (one ticket and
its event log), :mod:`server.core.waiting` (the line and the counters), :mod:`server.core.learning`
(what the wait estimate learns from), :mod:`server.core.accounts` (users and the audit log) and
:mod:`server.core.queries` (the console's and the board's figures); the schema is in
:mod:`server.core.migrations`.
Other packages keep their own SQL in their own modules: the reports' and the survey's in their
``queries`` modules, the devices', the sessions', the clock guard's and the backups' beside the
code that uses them.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from server.core.migrations import migrations
from server.core.upgrade import prepare_schema, synchronous_mode


def _owner_only(path: Path) -> None:
    """Create the database file readable by its owner only, before SQLite opens it (SQLite gives
    the -wal and -shm files the database's permissions), and tighten an existing one."""
    if not path.exists():
        os.close(os.open(path, os.O_WRONLY | os.O_CREAT, 0o600))
    for name in (path.name, path.name + "-wal", path.name + "-shm"):
        try:
            os.chmod(path.with_name(name), 0o600)
        except OSError:  # not there yet, or not ours: SQLite says so if it cannot use the file
            pass


class Store:
    """Owns the SQLite file: connections, the write lock, migrations."""

    def __init__(self, path: Path | str):
        self.path = str(path)
        _owner_only(Path(self.path))
        self._lock = threading.RLock()
        self._local = threading.local()
        #: Goes up with every committed write of this process: a key for caching what is read.
        self.generation = 0
        self._writer = self._connect()
        # Refuses a database newer than this code; copies the file before a migration changes it.
        prepare_schema(self._writer, Path(self.path), migrations)

    def _connect(self) -> sqlite3.Connection:
        conn = sqlite3.connect(self.path, timeout=10, check_same_thread=False, isolation_level=None)
        conn.row_factory = sqlite3.Row
        conn.execute("PRAGMA journal_mode=WAL")
        # FULL syncs the WAL at every commit: a number on paper survives a power cut (NORMAL
        # would only survive a crash of the process). bench/run.py measures what it costs.
        conn.execute(f"PRAGMA synchronous={synchronous_mode()}")
        conn.execute("PRAGMA foreign_keys=ON")
        conn.execute("PRAGMA busy_timeout=10000")
        # After a checkpoint resets the WAL, shrink the file back to this size: a bulk write
        # (a year of simulated history) does not leave a file of hundreds of MB behind.
        conn.execute("PRAGMA journal_size_limit=16777216")
        return conn

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """A write transaction (BEGIN IMMEDIATE), serialised within the process."""
        with self._lock:
            conn = self._writer
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
                self.generation += 1
            except BaseException:
                # SQLite may already have rolled back by itself (e.g. on a full disk).
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    def read(self) -> sqlite3.Connection:
        """This thread's read connection."""
        conn = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._connect()
            self._local.conn = conn
        return conn

    def checkpoint(self) -> None:
        """Copy the WAL into the database without waiting for readers (PASSIVE), so the WAL
        does not keep growing during a long series of writes."""
        with self._lock:
            self._writer.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def close(self) -> None:
        """Close the writer; thread-local readers close with their threads."""
        with self._lock:
            self._writer.close()
