"""The wait estimate on the live database: what :mod:`server.core.estimate` needs, read and cached.

Owns the reading of the queue as it stands (waiting tickets, who each counter holds, which
counters are staffed, their priority streaks) and of what the estimate learns from (call
durations per service and officer, the pause between calls, how past promises turned out). The
learned model is cached for a minute; a forward run over the queue for one database generation.
Writes nothing: the action that issues a ticket stores the estimate with it.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from server.config.loader import Config
from server.core import estimate as forecast
from server.core import learning
from server.core.estimate import (
    PRIOR_WEIGHT,
    CallTime,
    CounterNow,
    Estimate,
    ForwardRun,
    ServiceTime,
    Waiting,
)
from server.core.line import Line
from server.core.rules import Candidate, Status
from server.core.staffing import staffed_counters
from server.core.storage import Store
from server.core.tickets import TicketRow
from server.core.waiting import at_counters, priority_streak

LEARN_DAYS = 14
TODAY_ENOUGH = 12  # calls today from which today's pace is learned instead of two weeks'
MODEL_SECONDS = 60.0
DEFAULT_GAP = 20.0
PACE_WEIGHT = 20  # an officer's pace counts fully after about this many calls
NEW_TICKET_ID = 2**62  # the ticket being issued: not in the database yet, and last among equals


@dataclass(frozen=True)
class Model:
    """What the estimate has learned, at one moment."""

    times: dict[str, ServiceTime]
    paces: dict[str, float]
    gap: float
    calibration: forecast.Calibration
    at: float
    priority_load: float = 0.0  # share of the counters' time that priority visitors arriving now take


def _pace(today: list[tuple], usual: list[tuple]) -> float:
    """Today's time per call against the usual one, over the services both have (1.0 if none)."""

    def means(rows):
        sums: dict[str, list[float]] = {}
        for service, _officer, count, mean, _square in rows:
            total = sums.setdefault(service, [0, 0.0])
            total[0] += count
            total[1] += count * mean
        return {service: (count, total / count) for service, (count, total) in sums.items() if count}

    now, before = means(today), means(usual)
    shared = [s for s in now if s in before and before[s][1] > 0]
    spent = sum(now[s][0] * now[s][1] for s in shared)
    expected = sum(now[s][0] * before[s][1] for s in shared)
    return spent / expected if expected else 1.0


class Estimator:
    """Estimates for one office's queue.

    Which counters are staffed now is :func:`server.core.staffing.staffed_counters`.
    """

    def __init__(
        self,
        store: Store,
        config: Callable[[], Config],
        clock: Callable[[], datetime],
        line: Callable[[], Line],
    ):
        self.store = store
        self._line = line  # the waiting line, brought up to date
        self._config = config  # the office's configuration changes live (admin)
        self.clock = clock
        self._lock = threading.Lock()
        self._model: Model | None = None
        self._run: tuple[tuple, ForwardRun] | None = None
        self._previews: tuple[tuple | None, dict[str, Estimate | None]] = (None, {})

    @property
    def config(self) -> Config:
        return self._config()

    # ---- what it has learned -----------------------------------------------------------------

    def model(self) -> Model:
        """The learned model, recomputed at most once a minute (of the office's clock)."""
        now = self.clock().timestamp()
        model = self._model
        if model is not None and 0 <= now - model.at < MODEL_SECONDS:
            return model
        with self._lock:
            if self._model is None or not 0 <= now - self._model.at < MODEL_SECONDS:
                self._model = self._learn(now)
            return self._model

    def _learn(self, now: float) -> Model:
        conn = self.store.read()
        since = now - LEARN_DAYS * 86400
        # The last two weeks; but today's alone once today has enough calls at a pace unlike them
        # (a demo at 60× speed after a history written at real speed, a day of new staff).
        tz = self.config.office.tz
        midnight = datetime.combine(datetime.fromtimestamp(now, tz).date(), time(), tz).timestamp()
        rows = learning.call_durations(conn, since)
        today = learning.call_durations(conn, midnight)
        if sum(row[2] for row in today) >= TODAY_ENOUGH and not 0.5 <= _pace(today, rows) <= 2.0:
            rows = today
        by_service: dict[str, list[float]] = {}  # count, sum, sum of squares
        by_officer: dict[tuple[str, str], tuple[int, float]] = {}
        for service, officer, count, mean, square in rows:
            total = by_service.setdefault(service, [0, 0.0, 0.0])
            total[0] += count
            total[1] += count * mean
            total[2] += count * square
            if officer:
                by_officer[(officer, service)] = (count, mean)
        # The office's own pace against its standards, over every service: the prior of a service
        # with little history of its own (so a demo at 60× speed, or an office that works well
        # under its standards, is consistent across services from the first calls).
        standard = {s.code: s.standard_service_minutes * 60 for s in self.config.services}
        calls = sum(t[0] for code, t in by_service.items() if code in standard)
        spent = sum(t[1] for code, t in by_service.items() if code in standard)
        expected = sum(t[0] * standard[code] for code, t in by_service.items() if code in standard)
        ratio = 1.0 + calls / (calls + PRIOR_WEIGHT) * (spent / expected - 1.0) if expected else 1.0
        times = {}
        for service in self.config.services:
            count, total, square = by_service.get(service.code, (0, 0.0, 0.0))
            mean = total / count if count else None
            sd = math.sqrt(max(0.0, square / count - mean * mean)) if count else None
            times[service.code] = ServiceTime.learned(standard[service.code] * ratio, count, mean, sd)
        paces: dict[str, list[float]] = {}  # calls, their time, the usual time for the same calls
        for (officer, service), (count, mean) in by_officer.items():
            usual = times.get(service)
            if usual is None or usual.mean <= 0:
                continue
            sums = paces.setdefault(officer, [0, 0.0, 0.0])
            sums[0] += count
            sums[1] += count * mean
            sums[2] += count * usual.mean
        pace = {
            officer: 1.0 + calls / (calls + PACE_WEIGHT) * (theirs / usual - 1.0)
            for officer, (calls, theirs, usual) in paces.items()
            if usual > 0
        }
        gap = learning.call_gaps(conn, since)
        residuals = learning.estimate_residuals(conn, since)
        return Model(
            times,
            pace,
            DEFAULT_GAP if gap is None else gap,
            forecast.calibrate(residuals),
            now,
            self._priority_load(conn, now, times),
        )

    def _priority_load(self, conn, now: float, times: dict[str, ServiceTime]) -> float:
        """The share of the staffed counters' time that priority visitors arriving meanwhile
        will take: they pass a regular visitor who waits, so a regular wait is stretched by
        1 / (1 − this). Priority share from the last two weeks, arrival rates from the last three
        hours (long enough that a burst of arrivals does not read as the rate of the day)."""
        history = learning.arrivals(conn, now - LEARN_DAYS * 86400)
        total = sum(count for _, count, _ in history)
        share = (sum(priority for _, _, priority in history) + 1) / (total + 20)
        work = sum(
            count * times[code].mean
            for code, count, _ in learning.arrivals(conn, now - 3 * 3600)
            if code in times
        )  # seconds of counter time that arrived in three hours
        staffed = max(1, len(self.staffing()))
        return min(0.5, share * work / (3 * 3600 * staffed))

    # ---- the queue as it stands --------------------------------------------------------------

    def staffing(self) -> dict[int, str | None]:
        """Counters with an officer now (``{counter_id: username}``)."""
        idle = self.config.security.idle_minutes * 60
        return staffed_counters(self.store.read(), self.clock().timestamp(), idle)

    def _counters(self, conn, model: Model, now: float) -> list[CounterNow]:
        staffed = self.staffing()
        held = at_counters(conn)
        counters = []
        for counter in self.config.counters:
            if counter.id not in staffed:
                continue
            ticket = held.get(counter.id)
            busy = ticket is not None and ticket.status in (Status.CALLED, Status.SERVING)
            counters.append(
                CounterNow(
                    id=counter.id,
                    services=counter.services,
                    streak=priority_streak(conn, counter.id),
                    busy_service=ticket.service if busy else None,
                    busy_elapsed=max(0.0, now - (ticket.last_called_at or now)) if busy else 0.0,
                    pace=model.paces.get(staffed[counter.id] or "", 1.0),
                )
            )
        return counters

    def _forward(self, extra: Waiting | None = None) -> ForwardRun:
        model = self.model()
        now = self.clock().timestamp()
        counters = self._counters(self.store.read(), model, now)
        served = {code for counter in counters for code in counter.services}
        line = self._line()
        with line.reading():
            lanes = {code: own.queues() for code, own in line.services().items() if code in served}
            return forecast.play_lanes(
                lanes,
                counters,
                model.times,
                model.gap,
                self.config.queue.max_priority_in_row,
                extra=extra,
            )

    def _current_run(self) -> ForwardRun:
        """The forward run for the queue as it is, shared by every reader of one state of the
        line and of the database within 15 s of the clock."""
        line = self._line()
        key = (line.version, self.store.generation, int(self.clock().timestamp() // 15), id(self.config))
        run = self._run
        if run is None or run[0] != key:
            run = (key, self._forward())
            self._run = run
        return run[1]

    # ---- estimates ---------------------------------------------------------------------------

    def preview(self, service: str) -> Estimate | None:
        """What the kiosk shows on a service's button: the estimate for a regular visitor taking
        a number now, worked out again at most every 15 s of the clock, and at once when a
        counter is staffed or left."""
        key = (int(self.clock().timestamp() // 15), id(self.config), frozenset(self.staffing()))
        cached = self._previews
        if cached[0] != key:
            cached = self._previews = (key, {})
        if service not in cached[1]:
            cached[1][service] = self.for_new(service, False)
        return cached[1][service]

    def for_new(self, service: str, priority: bool) -> Estimate | None:
        """The estimate for a visitor taking a number of ``service`` now (None: no staffed
        counter serves it)."""
        virtual = Waiting(Candidate(NEW_TICKET_ID, priority, NEW_TICKET_ID), service)
        call = self._forward(virtual).get(NEW_TICKET_ID, service)
        return self._promise(call, priority)

    def now_for(self, ticket: TicketRow) -> Estimate | None:
        """The live estimate of a waiting ticket (None once called, or when no staffed counter
        serves its service)."""
        if ticket.status != Status.WAITING:
            return None
        return self._promise(self._current_run().get(ticket.id, ticket.service), ticket.priority)

    def _promise(self, call: CallTime | None, priority: bool) -> Estimate | None:
        if call is None:
            return None
        model = self.model()
        if not priority and model.priority_load:
            stretch = 1 / (1 - model.priority_load)
            call = CallTime(call.mean * stretch, call.spread * stretch)
        return forecast.promise(call, model.calibration)

    def past_closing(self, service_code: str, seconds: float, at: float | None = None) -> bool:
        """Whether a call ``seconds`` after ``at`` (now by default) falls after the service's
        closing time today."""
        service = self.config.service(service_code)
        if service is None:
            return False
        hours = self.config.hours_for(service)
        if hours.closes is None:
            return False
        moment = self.clock() if at is None else datetime.fromtimestamp(at, self.config.office.tz)
        local = moment.astimezone(self.config.office.tz)
        closes = datetime.combine(local.date(), hours.closes, local.tzinfo)
        return local + timedelta(seconds=seconds) > closes

    def describe(self, service_code: str, estimate: Estimate | None, at: float | None = None) -> str:
        """The estimate in words (see :func:`server.core.estimate.describe`)."""
        late = estimate is not None and self.past_closing(service_code, estimate.seconds, at)
        return forecast.describe(estimate, late)
