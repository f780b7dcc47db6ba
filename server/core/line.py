"""The waiting line in memory: every waiting ticket by service and lane, in queue order, kept in
step with the database by following its event log.

Every change to a ticket is logged in ``events`` in the same transaction (issued, called, skipped,
transferred, cancelled, expired …), whatever process made it. :meth:`Line.sync` reads the events
after the last one it has seen, re-reads only the tickets they name, and moves those tickets in or
out of their lanes. So the kiosk, the dispatcher's "ahead" and the wait estimate read the line at
a cost that follows the change, not the length of the queue; a write by another process (the
simulator, a clock confirmation) is picked up the same way at the next read. The database stays
the truth: :meth:`Line.rebuild` reads it whole (at start, and when more than :data:`REBUILD_AFTER`
events arrived at once), and a test compares the two after random action sequences.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager

from server.core.rules import Candidate

#: Past this many new events, read the waiting tickets again instead of following each.
REBUILD_AFTER = 500

#: Lane kinds, as :func:`server.core.rules.ahead_in_lanes` and the estimate read them.
PRIORITY, REGULAR, RETURNED = 0, 1, 2


def kind_of(candidate: Candidate) -> int:
    """The lane a waiting ticket stands in: returned (sent back by a skip), priority or regular."""
    if candidate.returned:
        return RETURNED
    return PRIORITY if candidate.priority else REGULAR


class Lanes:
    """One service's waiting tickets: three lanes (:data:`PRIORITY`, :data:`REGULAR`,
    :data:`RETURNED`), each ``{ticket id: Candidate}`` in queue order."""

    __slots__ = ("lanes", "regulars")

    def __init__(self):
        self.lanes: tuple[dict[int, Candidate], dict[int, Candidate], dict[int, Candidate]] = ({}, {}, {})
        #: Waiting tickets that are not priority (the cap on priority calls counts only while
        #: one of these waits).
        self.regulars = 0

    def __len__(self) -> int:
        return sum(len(lane) for lane in self.lanes)

    def queues(self) -> tuple:
        """The three lanes' tickets, each in queue order (live views: read under the line's lock)."""
        return tuple(lane.values() for lane in self.lanes)

    def add(self, candidate: Candidate) -> None:
        lane = self.lanes[kind_of(candidate)]
        if lane and candidate.order < next(reversed(lane.values())).order:
            # Only a rebuild from an unordered source lands here; keep the lane in queue order.
            items = sorted([*lane.values(), candidate], key=lambda c: (c.order, c.id))
            lane.clear()
            lane.update((c.id, c) for c in items)
        else:
            lane[candidate.id] = candidate
        if not candidate.priority:
            self.regulars += 1

    def remove(self, candidate: Candidate) -> None:
        del self.lanes[kind_of(candidate)][candidate.id]
        if not candidate.priority:
            self.regulars -= 1


class Line:
    """Every waiting ticket of the office, in memory, by service (see the module's docstring).

    Readers hold :meth:`reading` while they walk the lanes; :meth:`sync` first brings the line up
    to the database's latest event.
    """

    def __init__(self):
        self._lock = threading.RLock()
        self._services: dict[str, Lanes] = {}
        self._where: dict[int, tuple[str, Candidate]] = {}
        self._last_event: int | None = None
        #: Goes up with every change to the line: a key for what is computed from it.
        self.version = 0

    def __len__(self) -> int:
        return len(self._where)

    # ---- following the database ---------------------------------------------------------------

    def sync(self, conn: sqlite3.Connection) -> None:
        """Catch up with the events committed since the last sync (any process's)."""
        latest = conn.execute("SELECT MAX(id) FROM events").fetchone()[0] or 0
        if self._last_event is not None and latest <= self._last_event:
            return
        with self._lock:
            if self._last_event is None or latest - self._last_event > REBUILD_AFTER:
                self.rebuild(conn)
                return
            if latest <= self._last_event:
                return  # another thread, reading a newer snapshot, has caught up already
            rows = conn.execute(
                "SELECT t.id, t.status, t.priority, t.queue_seq, t.skip_count, t.service FROM tickets t "
                "WHERE t.id IN (SELECT ticket_id FROM events WHERE id > ? AND id <= ?) ORDER BY t.queue_seq, t.id",
                (self._last_event, latest),
            ).fetchall()
            for ticket_id, status, priority, order, skips, service in map(tuple, rows):
                now = Candidate(ticket_id, bool(priority), order, skips > 0) if status == "waiting" else None
                if now is not None and self._where.get(ticket_id) == (service, now):
                    continue  # read again unchanged (a later commit already seen)
                self._drop(ticket_id)
                if now is not None:
                    self._add(service, now)
            self._last_event = latest
            self.version += 1

    def rebuild(self, conn: sqlite3.Connection) -> None:
        """Read every waiting ticket again, up to the latest event."""
        with self._lock:
            latest = conn.execute("SELECT MAX(id) FROM events").fetchone()[0] or 0
            rows = conn.execute(
                "SELECT id, priority, queue_seq, skip_count, service FROM tickets "
                "WHERE status = 'waiting' ORDER BY queue_seq, id"
            ).fetchall()
            self._services.clear()
            self._where.clear()
            for ticket_id, priority, order, skips, service in map(tuple, rows):
                self._add(service, Candidate(ticket_id, bool(priority), order, skips > 0))
            self._last_event = latest
            self.version += 1

    def _add(self, service: str, candidate: Candidate) -> None:
        lanes = self._services.get(service)
        if lanes is None:
            lanes = self._services[service] = Lanes()
        lanes.add(candidate)
        self._where[candidate.id] = (service, candidate)

    def _drop(self, ticket_id: int) -> None:
        found = self._where.pop(ticket_id, None)
        if found is not None:
            service, candidate = found
            self._services[service].remove(candidate)

    # ---- reading -------------------------------------------------------------------------------

    @contextmanager
    def reading(self) -> Iterator[Line]:
        """Hold the line still while walking its lanes."""
        with self._lock:
            yield self

    def service(self, code: str) -> Lanes | None:
        """One service's lanes (None: nobody waits for it)."""
        return self._services.get(code)

    def services(self) -> dict[str, Lanes]:
        """Every service somebody waits for, with its lanes."""
        return self._services

    def find(self, ticket_id: int) -> tuple[str, Candidate] | None:
        """A waiting ticket's service and candidate (None: it does not wait)."""
        return self._where.get(ticket_id)

    def snapshot(self) -> list[tuple[Candidate, str]]:
        """Every waiting ticket with its service, in queue order (for tests and rebuild checks)."""
        with self._lock:
            items = [(c, s) for s, c in self._where.values()]
        return sorted(items, key=lambda item: (item[0].order, item[0].id))
