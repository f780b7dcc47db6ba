"""Slowing down guessing and floods from the office Wi-Fi: password guesses per name and address
(:class:`LoginLimit`), and requests per minute from one client (:class:`FloodLimit`, the kiosk's
numbers and the devices' enrollment requests) or for one thing (one ticket's picture)."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from server.core.errors import LoketError

BUSY_SECONDS = 5.0  # how long a login waits for its turn to have its password checked


class LoginLimit:
    """Slows password guessing: after ``limit`` failures for a name *from one address* within
    ``window`` seconds, that name is refused from that address for ``lockout`` seconds; after four
    times as many from one address, whatever the names, the address is refused.

    A name is never locked for everyone: a visitor guessing "admin" on the Wi-Fi would otherwise
    lock the real admin out at the office PC. Names compare case-insensitively ("Admin" is "admin").
    """

    def __init__(self, clock, limit: int = 5, window: float = 600, lockout: float = 300):
        self.clock = clock
        self.limit = limit
        self.window = window
        self.lockout = lockout
        self._failures: dict[str, list[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()
        self._checking = threading.BoundedSemaphore(1)

    def _keys(self, username: str, address: str) -> tuple[str, str]:
        return (f"user:{username.strip().lower()}@{address}", f"addr:{address}")

    def check(self, username: str, address: str) -> None:
        """Raise 429 while the name or the address is locked out."""
        with self._lock:
            self._refuse_if_locked(username, address, self.clock().timestamp())

    def _refuse_if_locked(self, username: str, address: str, now: float) -> None:
        until = max(self._locked_until.get(k, 0) for k in self._keys(username, address))
        if until > now:
            minutes = max(1, round((until - now) / 60))
            raise LoketError(
                "too_many_attempts",
                f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.",
                429,
            )

    @contextmanager
    def attempt(self, username: str, address: str) -> Iterator[None]:
        """Around checking a password: refused while locked out; counted as a failure from the
        start, in the same step as the check, so that guesses sent all at once cannot slip past
        the limit (a success takes it back, see :meth:`succeeded`); and one password is checked
        at a time in the whole server, so a flood of guesses from many addresses costs one core,
        never the kiosk's."""
        now = self.clock().timestamp()
        with self._lock:
            self._refuse_if_locked(username, address, now)
            self._count(username, address, now)
        if not self._checking.acquire(timeout=BUSY_SECONDS):
            raise LoketError(
                "login_busy", "Terlalu banyak percobaan masuk saat ini. Coba lagi sebentar.", 429
            )
        try:
            yield
        finally:
            self._checking.release()

    def failed(self, username: str, address: str) -> None:
        """Count a failed attempt."""
        with self._lock:
            self._count(username, address, self.clock().timestamp())

    def _count(self, username: str, address: str, now: float) -> None:
        for key in self._keys(username, address):
            recent = [t for t in self._failures.get(key, []) if now - t < self.window]
            recent.append(now)
            self._failures[key] = recent
            # One address (an office PC) may carry several users' typos: allow it more.
            limit = self.limit if key.startswith("user:") else self.limit * 4
            if len(recent) >= limit:
                self._locked_until[key] = now + self.lockout
                self._failures[key] = []

    def succeeded(self, username: str, address: str) -> None:
        """Forget the name's failures after a good login, and take back the address's count of
        the attempt that turned out right."""
        user_key, address_key = self._keys(username, address)
        with self._lock:
            self._failures.pop(user_key, None)
            recent = self._failures.get(address_key)
            if recent:
                recent.pop()


TOO_MANY_TICKETS = "Terlalu banyak pengambilan nomor dalam satu menit. Mohon tunggu sebentar, lalu coba lagi."
TOO_MANY_ENROLMENTS = (
    "Terlalu banyak permintaan pendaftaran layar dalam satu menit. Mohon tunggu sebentar, lalu coba lagi."
)

TOO_MANY_PICTURES = (
    "Gambar tiket ini terlalu sering diminta dalam satu menit. Mohon tunggu sebentar, lalu coba lagi."
)
PICTURES_PER_MINUTE = 6  # one ticket's picture: the kiosk shows it once, a visitor may save it
#: The WSGI environ key through which a route asks for its answer to be held back (seconds), on
#: the event loop (:class:`server.eventloop.loop.OffLoopRequests`): no thread waits meanwhile.
HOLD_ANSWER = "loket.hold_answer_seconds"
#: How long a refused picture is held: a client asking in a loop gets about one answer a second.
REFUSED_PICTURE_HOLD_SECONDS = 1.0


def hold_answer(environ: dict, seconds: float) -> None:
    """Have this request answered ``seconds`` later (under ``loket serve``; at once elsewhere).
    The server puts a dict under :data:`HOLD_ANSWER` (see ``OffLoopRequests``); without one the
    request is answered at once, and the wish is only recorded."""
    environ.setdefault(HOLD_ANSWER, {})["seconds"] = seconds


class FloodLimit:
    """Refuses more than ``limit`` requests a minute for one key — an address, a device, a
    ticket's token (0 = no limit)."""

    def __init__(self, clock, limit_per_minute: Callable[[], int], message: str = TOO_MANY_TICKETS):
        self.clock = clock
        self.limit = limit_per_minute
        self.message = message  # says what is being refused
        self._hits: dict[str, deque] = {}
        self._lock = threading.Lock()

    def check(self, address: str) -> None:
        """Count one request; raise 429 when the address is over its limit."""
        limit = self.limit()
        if limit <= 0:
            return
        now = self.clock().timestamp()
        with self._lock:
            hits = self._hits.setdefault(address, deque())
            while hits and now - hits[0] >= 60:
                hits.popleft()
            if len(hits) >= limit:
                raise LoketError(
                    "rate_limited",
                    self.message,
                    429,
                )
            hits.append(now)
            if len(self._hits) > 10_000:  # bound memory against address floods
                self._hits = {k: v for k, v in self._hits.items() if v and now - v[-1] < 60}
