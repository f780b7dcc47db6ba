"""The ``[backup]`` table of loket.toml, validated (names fixed by the public contract)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

#: Free space under this on the data folder's disk is warned about on /admin and the board.
DEFAULT_MIN_FREE_MB = 1024


@dataclass(frozen=True)
class BackupSettings:
    """Where the daily copies go and how many are kept.

    ``folder``: absolute (a USB disk, a second drive) or relative to the data folder.
    ``keep``: daily copies kept; older ones are deleted after each new copy.
    ``min_free_mb``: warn when the data folder's disk has less free space than this.
    """

    folder: str = "backups"
    keep: int = 14
    min_free_mb: int = DEFAULT_MIN_FREE_MB

    @classmethod
    def from_mapping(cls, raw: dict[str, Any]) -> BackupSettings:
        """Build settings from the ``[backup]`` table; ``ValueError("backup.<key>: ...")``."""
        known = {f.name for f in fields(cls)}
        for key in raw:
            if key not in known:
                raise ValueError(f"backup.{key}: unknown key (known: {', '.join(sorted(known))})")
        folder = raw.get("folder", cls.folder)
        if not isinstance(folder, str) or not folder.strip():
            raise ValueError('backup.folder: must be a folder path (a string), e.g. "/media/usb/loket"')
        keep = raw.get("keep", cls.keep)
        if not isinstance(keep, int) or isinstance(keep, bool) or not 1 <= keep <= 3650:
            raise ValueError(f"backup.keep: must be a whole number from 1 to 3650 (got {keep!r})")
        min_free = raw.get("min_free_mb", cls.min_free_mb)
        if not isinstance(min_free, int) or isinstance(min_free, bool) or min_free < 0:
            raise ValueError(
                f"backup.min_free_mb: must be a whole number of megabytes, 0 or more (got {min_free!r})"
            )
        return cls(folder=folder.strip(), keep=keep, min_free_mb=min_free)
