"""The data folder on the command line: where it is (``--data``, else ``$LOKET_DATA``, else
``./loket-data``), and the lock that lets one process at a time serve or restore it."""

from __future__ import annotations

import errno
import fcntl
import os
from pathlib import Path

from server.config.data_dir import default_data_dir

DATA_HELP = "data folder (default $LOKET_DATA, else ./loket-data)"


def add_data_argument(parser) -> None:
    """The ``--data DIR`` option of a ``loket`` subcommand."""
    parser.add_argument("--data", help=DATA_HELP)


def add_action(commands, command: str, action: str, help: str, action_help: str):
    """A two-word subcommand working on a data folder (``loket user add``, ``loket device
    add``): its parser, with ``--data`` already added."""
    parser = commands.add_parser(command, help=help)
    actions = parser.add_subparsers(dest=f"{command}_command", required=True)
    sub = actions.add_parser(action, help=action_help)
    add_data_argument(sub)
    return sub


def data_dir(value: str | None) -> Path:
    """The data folder a command works on: ``value`` (its ``--data``), else the default."""
    return Path(value) if value else default_data_dir()


LOCK_NAME = "loket.lock"


class DataDirLocked(Exception):
    """Another server already serves this data folder."""


class DataDirLock:
    """An exclusive lock on the data folder, held for the life of the server."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / LOCK_NAME
        self._handle = None

    def acquire(self) -> None:
        """Take the lock or raise DataDirLocked naming the running process."""
        handle = open(self.path, "a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.EACCES):
                raise
            handle.seek(0)
            pid = handle.read().strip() or "?"
            handle.close()
            raise DataDirLocked(
                f"Loket is already serving the data folder {self.path.parent} (process {pid}). "
                "Stop that server first, or use another --data folder."
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self._handle = handle

    def release(self) -> None:
        """Give the lock back."""
        if self._handle:
            fcntl.flock(self._handle, fcntl.LOCK_UN)
            self._handle.close()
            self._handle = None

    def __enter__(self) -> DataDirLock:
        self.acquire()
        return self

    def __exit__(self, *exc_info) -> None:
        self.release()
