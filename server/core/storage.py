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

#: At most this many writes share one commit, however many writers keep coming.
GROUP_LIMIT = 32


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
        self._lock = threading.Lock()
        self._local = threading.local()
        # Group commit (see write): the writers waiting for the lock, the number of the open
        # group, the last group committed, and the error of each group that failed.
        self._state = threading.Condition(threading.Lock())
        self._queued = 0
        self._batch = 0
        self._members = 0
        self._committed = 0
        self._failures: dict[int, BaseException] = {}
        #: Goes up with every committed write of this process: a key for caching what is read.
        self.generation = 0
        self._writer = self._connect()
        self._open = True
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
        """A write transaction, serialised within the process, that returns only once it is
        committed (durably: ``synchronous=FULL``).

        Group commit: the write runs in a savepoint of the open ``BEGIN IMMEDIATE`` transaction.
        If another thread is already waiting to write, the transaction is left open for it and
        this one waits until the last writer of the group commits all of them with one sync;
        otherwise it commits at once. A write that fails is rolled back to its savepoint and
        leaves the others be; a commit that fails fails every write of its group, and none of
        them was acknowledged. So one kiosk alone waits for one sync, and twenty at once share
        them.
        """
        with self._state:
            self._queued += 1
        self._lock.acquire()
        with self._state:
            self._queued -= 1
        conn = self._writer
        failed: BaseException | None = None
        error: BaseException | None = None
        batch = None
        try:
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")
                with self._state:
                    self._batch += 1
                    self._members = 0
            batch = self._batch
            self._members += 1
            conn.execute("SAVEPOINT write")
            try:
                yield conn
                conn.execute("RELEASE write")
            except BaseException as exc:
                failed = exc
                if conn.in_transaction:
                    conn.execute("ROLLBACK TO write")
                    conn.execute("RELEASE write")
                else:  # SQLite rolled the whole group back by itself (e.g. on a full disk)
                    self._settle(batch, exc)
        except BaseException as exc:  # BEGIN or SAVEPOINT refused (a locked or full disk)
            failed = failed or exc
        finally:
            try:
                with self._state:
                    last = self._queued == 0 or self._members >= GROUP_LIMIT
                if conn.in_transaction and last:
                    self._commit(conn, self._batch)
            finally:
                self._lock.release()
        if batch is not None:
            with self._state:
                while self._committed < batch and batch not in self._failures:
                    self._state.wait()
                error = self._failures.get(batch)
        if failed is not None:
            raise failed
        if error is not None:
            raise error

    def _commit(self, conn: sqlite3.Connection, batch: int) -> None:
        """Commit the open group (under the write lock), then wake its writers."""
        try:
            conn.execute("COMMIT")
        except BaseException as exc:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            self._settle(batch, exc)
            return
        with self._state:
            self.generation += 1
            self._committed = batch
            self._state.notify_all()

    def _settle(self, batch: int, error: BaseException) -> None:
        with self._state:
            self._failures[batch] = error
            # Only the latest groups can still have writers waiting.
            for old in [b for b in self._failures if b < batch - 100]:
                del self._failures[old]
            self._state.notify_all()

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
            self._flush()
            self._writer.execute("PRAGMA wal_checkpoint(PASSIVE)")

    def _flush(self) -> None:
        """Commit a group left open for a writer that has not come (under the write lock)."""
        if self._writer.in_transaction:
            self._commit(self._writer, self._batch)

    def close(self) -> None:
        """Close the writer; thread-local readers close with their threads."""
        with self._lock:
            if self._open:
                self._flush()
                self._writer.close()
                self._open = False
