"""The ``[backup]`` table of loket.toml (names fixed by the public contract), declared like every
table (:mod:`server.config.fields`)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from server.config.fields import Section, setting

#: Free space under this on the data folder's disk is warned about on /admin and the board.
DEFAULT_MIN_FREE_MB = 1024


@dataclass(frozen=True)
class BackupSettings(Section):
    """Where the daily copies go and how many are kept.

    ``folder``: absolute (a USB disk, a second drive) or relative to the data folder.
    ``keep``: daily copies kept; older ones are deleted after each new copy.
    ``min_free_mb``: warn when the data folder's disk has less free space than this.
    """

    TABLE: ClassVar[str] = "backup"

    folder: str = setting(
        "backups",
        strip=True,
        empty=False,
        longest=4096,
        must='a folder path (a string), e.g. "/media/usb/loket"',
    )
    keep: int = setting(14, low=1, high=3650)
    min_free_mb: int = setting(DEFAULT_MIN_FREE_MB, low=0)
