"""The clock guard: no numbers issued (nor other queue writes) while the PC's clock is wrong.

A PC with a flat CMOS battery boots in the past; an NTP sync may jump the clock. Loket would then
number, expire and report on the wrong day. The guard remembers the latest moment known to be
true — the latest thing recorded in the database, and every moment seen since while the clock
was right — and refuses queue writes while ``now`` is earlier than that by more than
:data:`TOLERANCE`. It resumes by itself as soon as the clock is right again. A forward jump is
accepted (the queue then rolls the day as at any midnight).

A clock once set in the future poisons "the latest": the admin confirms on /admin that the clock
is now right (:meth:`ClockGuard.override`), and the data recorded up to then no longer counts.

The queue (:class:`server.core.ticket_queue.TicketQueue`) checks it in its one write path and
shows every service closed while the clock is wrong.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from babel.dates import format_datetime

from server.core import accounts
from server.core.errors import LoketError

log = logging.getLogger(__name__)

#: How far behind the latest known moment the clock may be before numbers stop: NTP corrections
#: of seconds, or two PCs a minute apart, must not stop an office.
TOLERANCE = timedelta(minutes=5)
#: The latest moment seen is saved at most this often (one tiny write).
PERSIST_EVERY = timedelta(minutes=5)
#: Queue writes refused while the clock is wrong (reads and the admin's pages still work).
#: On each service button of the kiosk (the bar above it says more).
KIOSK_MESSAGE = "Jam komputer tidak benar. Pengambilan nomor dihentikan sementara; silakan hubungi petugas."


class ClockWrong(LoketError):
    """The clock is earlier than what is already recorded."""

    def __init__(self, message: str):
        super().__init__("clock_wrong", message, 503)


def _epoch(row, column: int = 0) -> float | None:
    return row[column] if row and row[column] is not None else None


def latest_recorded(conn: sqlite3.Connection) -> float | None:
    """The latest moment recorded in the database (epoch seconds), the admin's confirmation
    taken into account; None on an empty database."""
    # Each is an index lookup or a short read of the newest rows: cheap on years of data.
    found = [
        _epoch(conn.execute("SELECT MAX(issued_at) FROM tickets").fetchone()),
        _epoch(
            conn.execute("SELECT MAX(at) FROM (SELECT at FROM events ORDER BY id DESC LIMIT 500)").fetchone()
        ),
        _epoch(
            conn.execute(
                "SELECT MAX(at) FROM (SELECT at FROM audit_log ORDER BY id DESC LIMIT 50)"
            ).fetchone()
        ),
    ]
    data = max((t for t in found if t is not None), default=None)
    state = conn.execute("SELECT latest, override_ceiling FROM clock_state WHERE id = 1").fetchone()
    if state is None:
        return data
    latest, ceiling = state
    if data is not None and ceiling is not None and data <= ceiling:
        data = None  # recorded under the clock the admin declared wrong
    return max(t for t in (data, latest) if t is not None)


def _save(conn: sqlite3.Connection, latest: float, **override) -> None:
    conn.execute(
        "INSERT INTO clock_state (id, latest) VALUES (1, ?) "
        "ON CONFLICT (id) DO UPDATE SET latest = excluded.latest",
        (latest,),
    )
    if override:
        conn.execute(
            "UPDATE clock_state SET override_ceiling = ?, override_at = ?, override_by = ? WHERE id = 1",
            (override["ceiling"], latest, override["by"]),
        )


class ClockGuard:
    """Whether the clock can be trusted now; see the module docstring."""

    def __init__(
        self,
        store,
        clock: Callable[[], datetime],
        tz_name: Callable[[], str],
        on_change: Callable[[bool], None] | None = None,
    ):
        self.store = store
        self.clock = clock
        self._tz_name = tz_name
        self._lock = threading.Lock()
        self._latest = latest_recorded(store.read())
        self._saved = self._latest
        self._wrong = False
        #: Called with (now_ok: bool) when the clock turns wrong or right again.
        self.on_change = on_change

    def problem(self, now: datetime | None = None, advance: bool = False) -> str | None:
        """None when the clock may be trusted at ``now`` (default: the clock), else the message
        shown on every screen. ``advance``: a write will record ``now``, which becomes the
        latest known moment."""
        now = now or self.clock()
        at = now.timestamp()
        with self._lock:
            latest = self._latest
            wrong = latest is not None and at < latest - TOLERANCE.total_seconds()
            if advance and not wrong:
                self._latest = max(at, latest or at)
            changed, self._wrong = wrong != self._wrong, wrong
        if changed:
            self._changed(wrong, now, latest)
        return self.message(now, latest) if wrong else None

    def check(self, now: datetime | None = None) -> datetime:
        """``now`` (default: the clock), or :class:`ClockWrong` when the clock cannot be trusted;
        a write will record ``now``."""
        now = now or self.clock()
        message = self.problem(now, advance=True)
        if message:
            raise ClockWrong(message)
        return now

    def _changed(self, wrong: bool, now: datetime, latest: float | None) -> None:
        if wrong:
            log.error(
                "clock is wrong: now %s is earlier than the latest recorded %s; queue writes refused",
                now.isoformat(),
                datetime.fromtimestamp(latest, timezone.utc).isoformat(),
            )
        else:
            log.warning("clock is right again (%s): queue writes resume", now.isoformat())
        if self.on_change:
            try:
                self.on_change(not wrong)
            except Exception:
                log.exception("telling the screens about the clock failed")

    def message(self, now: datetime, latest: float) -> str:
        """The Indonesian message on the kiosk, the consoles and /admin."""
        tz = self._tz_name()
        shown = format_datetime(now, "EEEE, d MMMM y HH.mm", tzinfo=tz, locale="id")
        known = format_datetime(
            datetime.fromtimestamp(latest, timezone.utc), "EEEE, d MMMM y HH.mm", tzinfo=tz, locale="id"
        )
        return (
            f"Jam komputer tidak benar: menunjukkan {shown}, lebih awal dari data terakhir "
            f"({known}). Pengambilan nomor dihentikan sampai jam komputer diperbaiki. "
            "Silakan hubungi admin."
        )

    def status(self) -> dict:
        """For the screens and /admin: ``{"ok", "message", "now", "latest", "tolerance_minutes"}``."""
        now = self.clock()
        message = self.problem(now)
        with self._lock:
            latest = self._latest
        return {
            "ok": message is None,
            "message": message,
            "now": now.isoformat(),
            "latest": datetime.fromtimestamp(latest, timezone.utc).isoformat() if latest else None,
            "tolerance_minutes": int(TOLERANCE.total_seconds() // 60),
        }

    def persist(self) -> None:
        """While the clock is right, its time is the latest known moment, saved every few minutes
        (housekeeping): a restart in the past is caught even after days nothing was recorded."""
        if self.problem(advance=True) is not None:
            return
        with self._lock:
            latest, saved = self._latest, self._saved
        if latest is None or (saved is not None and latest - saved < PERSIST_EVERY.total_seconds()):
            return
        with self.store.write() as conn:
            _save(conn, latest)
        self._saved = latest

    def override(self, username: str) -> dict:
        """The admin confirms the clock is right now: everything recorded up to now stops
        counting as "the latest"; returns the new status."""
        now = self.clock()
        at = now.timestamp()
        with self._lock:
            ceiling = max(self._latest or at, at)
        with self.store.write() as conn:
            _save(conn, at, ceiling=ceiling, by=username)
            accounts.add_audit(
                conn,
                at,
                username,
                "clock_override",
                "clock",
                {"latest": datetime.fromtimestamp(ceiling, timezone.utc).isoformat()},
                {"now": now.isoformat()},
            )
        log.warning(
            "%s confirmed the clock is right at %s (latest recorded was %s)",
            username,
            now.isoformat(),
            datetime.fromtimestamp(ceiling, timezone.utc).isoformat(),
        )
        with self._lock:
            self._latest = at
            self._saved = at
        self.problem(now)
        return self.status()
