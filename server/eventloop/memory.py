"""The server process's memory after a burst."""

from __future__ import annotations

import ctypes
import gc


def give_memory_back() -> None:
    """After a burst (a flood of connections that are gone now), hand freed memory back to the
    system: glibc keeps it otherwise, and the server's size would stay at its peak."""
    gc.collect()
    try:
        ctypes.CDLL("libc.so.6").malloc_trim(0)
    except (OSError, AttributeError):  # not glibc (Windows, musl): nothing to do
        pass
