"""``--history``: whole past days simulated in memory and written into the database in short
batches, beside a server that may be issuing numbers meanwhile. The SQL is
:mod:`server.simulate.records`'; the rules of a day are :class:`~.memory_office.MemoryOffice`'s."""

from __future__ import annotations

import itertools
import random
import time
from datetime import date, timedelta

from server.config.loader import Config
from server.simulate import records
from server.simulate.records import HISTORY_TICKET_COLUMNS

from .day import Simulation
from .memory_office import MemoryOffice
from .model import Model, plan_day, staff_per_counter


def history_days(until: date, days: int, open_weekdays: tuple[int, ...]) -> list[date]:
    """The office days among the ``days`` calendar days ending on ``until``."""
    candidates = (until - timedelta(days=offset) for offset in range(days))
    return sorted(d for d in candidates if d.weekday() in open_weekdays)


def simulate_history_day(
    config: Config, model: Model, day: date, seed: int, officers: list[tuple[str, int]]
) -> MemoryOffice:
    """One past office day, played in memory."""
    rng = random.Random(f"{seed}:{day.isoformat()}")
    office = MemoryOffice(config, day, rng)
    visitors = plan_day(model, rng)
    Simulation(office, model, officers, rng, lambda officer: config.counter(officer[1]).services).run(
        visitors
    )
    office.close_day()
    return office


def write_history(
    store, config: Config, days: list[date], seed: int, visitors: float, progress=lambda message: None
) -> int:
    """Simulate ``days`` and insert them (days that already have tickets are skipped).

    Each day is simulated outside any transaction and written in one short transaction of its
    own, with a passive checkpoint after it, so a running server's kiosk waits at most for one
    day's insert and the WAL file stays small. Returns the number of tickets written.
    """
    model = Model.for_config(config, visitors)
    staff = staff_per_counter(config, model)
    officers, n = [], itertools.count(1)
    for counter in config.counters:
        officers += [(f"petugas{next(n)}", counter.id) for _ in range(staff[counter.id])]
    if not days:
        return 0
    taken = records.days_with_tickets(store.read(), days[0].isoformat(), days[-1].isoformat())
    written = 0
    for index, day in enumerate(d for d in days if d.isoformat() not in taken):
        office = simulate_history_day(config, model, day, seed, officers)
        written += _write_day(store, office)
        store.checkpoint()
        if index % 30 == 29:
            progress(f"{day.isoformat()}: {written} tiket")
    progress(f"{days[-1].isoformat()}: {written} tiket")
    return written


HISTORY_CHUNK = 100  # tickets per transaction: a few milliseconds of holding the write lock


def _write_day(store, office: MemoryOffice) -> int:
    """Insert one simulated day in short transactions of :data:`HISTORY_CHUNK` tickets with their
    events and survey answers, beside a server that may be issuing numbers meanwhile: SQLite
    gives each ticket its id, and the simulated ids are mapped to them. Transfers are linked and
    the day's sequences set in the last transaction. Returns the number of tickets written."""
    tickets, events, sequences, surveys = _history_rows(office)
    linked = [HISTORY_TICKET_COLUMNS.index(c) for c in ("transferred_from", "transferred_to")]
    ids: dict[int, int] = {}
    for start in range(0, len(tickets), HISTORY_CHUNK):
        chunk = tickets[start : start + HISTORY_CHUNK]
        time.sleep(
            0.02
        )  # a waiting kiosk gets the lock in between (SQLite's waiters poll, they do not queue)
        with store.write() as conn:
            rows = [tuple(ids.get(v) if i in linked else v for i, v in enumerate(t)) for t in chunk]
            for simulated, real in zip(chunk, records.insert_history_tickets(conn, rows), strict=True):
                ids[simulated[0]] = real
            mine = {t[0] for t in chunk}
            records.insert_history(
                conn,
                [],
                [(ids[e[0]], *e[1:]) for e in events if e[0] in mine],
                [],
                [(ids[r[0]], *r[1:]) for r in surveys if r[0] in mine],
            )
    later = linked[1]
    with store.write() as conn:
        records.insert_history(conn, [], [], sequences, [])
        records.link_transfers(conn, [(ids[t[later]], ids[t[0]]) for t in tickets if t[later] is not None])
    return len(tickets)


def _history_rows(office: MemoryOffice) -> tuple[list, list, list, list]:
    """A simulated day's ticket rows (HISTORY_TICKET_COLUMNS order), events, day sequences and
    survey answers, with the simulated ticket ids."""
    tickets = [tuple(t[c] for c in HISTORY_TICKET_COLUMNS) for t in office.tickets.values()]
    events = sorted(office.events, key=lambda e: e[2])
    sequences = [(office.day, code, last) for code, last in office.sequences.items()]
    return tickets, events, sequences, office.surveys()
