"""The waiting-time estimate, free of Flask and SQL: the queue played forward.

The estimate is what Loket promises every visitor, so it is computed the way the queue really
moves: each counter that is staffed now becomes free when its current visitor is done (the
expected *rest* of a service already under way), takes the next ticket by the queue's own
dispatcher (:func:`server.core.rules.pick_next`: the priority lane, its cap, returned tickets, shared
counters), is busy for that service's expected time, and so on until every waiting ticket has a
call time. One run gives every waiting ticket its estimate.

Service times are learned per service from what counters really spent per call (call → finish,
the walk to the counter included) with the SOP standard as the prior; an officer's own pace
scales them. Along each counter's timeline the variances add up: the spread of a call time grows
with the number of visitors before it. The range shown to visitors is the point ± calibrated
multiples of that spread; the multiples are learned from how past promises turned out
(:func:`calibrate`), so that about 80 % of actual waits fall inside it.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from server.core.rules import Candidate, dispatch_order, first_choice, next_priority_streak

# The spread never drops below this (seconds): walking to the counter, a question at the door.
SPREAD_FLOOR = 60.0
PRIOR_WEIGHT = 8  # the standard counts as this many observed visitors
SERVICE_SIGMA = 0.5  # log-normal spread assumed until the history says otherwise
LOW_QUANTILE, HIGH_QUANTILE = 0.10, 0.90
PRIOR_CALIBRATION = (-1.0, 0.0, 1.5)  # z of the 10th, 50th and 90th percentile before any history
MIN_CALIBRATION_SAMPLES = 60


@dataclass(frozen=True)
class ServiceTime:
    """How long a counter is taken by one call of a service (seconds): log-normal."""

    mean: float
    sd: float

    @classmethod
    def learned(
        cls, standard_seconds: float, count: int, mean: float | None, sd: float | None
    ) -> ServiceTime:
        """Observed ``count`` calls with ``mean`` and ``sd``, shrunk towards the standard (with a
        usual spread) when there are few."""
        prior_sd = standard_seconds * math.sqrt(math.exp(SERVICE_SIGMA**2) - 1)
        if not count or mean is None:
            return cls(standard_seconds, prior_sd)
        weight = count / (count + PRIOR_WEIGHT)
        blended_mean = weight * mean + (1 - weight) * standard_seconds
        observed_sd = sd if sd is not None and sd > 0 else prior_sd
        return cls(blended_mean, weight * observed_sd + (1 - weight) * prior_sd)

    def rest(self, elapsed: float) -> tuple[float, float]:
        """Expected rest (mean, sd) of a call already ``elapsed`` seconds under way."""
        if elapsed <= 0:
            return self.mean, self.sd
        sigma2 = math.log(1 + (self.sd / self.mean) ** 2) if self.mean > 0 else SERVICE_SIGMA**2
        sigma = math.sqrt(sigma2)
        mu = math.log(max(self.mean, 1.0)) - sigma2 / 2
        z = (math.log(elapsed) - mu) / sigma
        survival = 0.5 * math.erfc(z / math.sqrt(2))
        if survival < 1e-6:  # far past anything usual: assume about a tenth more
            return max(30.0, 0.1 * elapsed), self.sd * 0.5
        tail = 0.5 * math.erfc((z - sigma) / math.sqrt(2))
        expected_total = math.exp(mu + sigma2 / 2) * tail / survival
        rest = max(expected_total - elapsed, 15.0)
        return rest, min(self.sd, rest)


@dataclass(frozen=True)
class CounterNow:
    """A staffed counter as it stands now."""

    id: int
    services: tuple[str, ...]
    streak: int = 0
    busy_service: str | None = None  # the service of the visitor it holds, if any
    busy_elapsed: float = 0.0  # seconds since that visitor was called
    pace: float = 1.0  # the officer's time relative to the usual (1.2 = a fifth slower)


class Waiting(NamedTuple):
    """A waiting ticket: its place in the dispatcher and its service."""

    candidate: Candidate
    service: str


@dataclass(frozen=True)
class CallTime:
    """When a ticket is expected to be called, in seconds from now: mean and spread."""

    mean: float
    spread: float


#: Calls played one by one; past them the rest of the queue drains at the counters' pace
#: (:class:`ForwardRun`), so a run costs the same with 300 waiting as with 3,000.
HORIZON = 100


class _Lanes:
    """The waiting tickets of one service in the dispatcher's three lanes, oldest first."""

    __slots__ = ("priority", "regular", "returned")

    def __init__(self, priority=(), regular=(), returned=(), copy: bool = True):
        """``copy``: into deques the run may take from; else the sequences given, read only."""
        self.priority = deque(priority) if copy else priority
        self.regular = deque(regular) if copy else regular
        self.returned = deque(returned) if copy else returned

    def lane(self, candidate: Candidate) -> deque[Candidate]:
        if candidate.returned:
            return self.returned
        return self.priority if candidate.priority else self.regular

    def __len__(self) -> int:
        return len(self.priority) + len(self.regular) + len(self.returned)

    def tickets(self) -> Iterator[Candidate]:
        yield from self.priority
        yield from self.regular
        yield from self.returned


class _Pool:
    """Counters still working past the horizon, joined by the services they share, and the
    tickets left for them. As a flow: counter *i* is free at ``f_i`` and works at ``1 / pace_i``,
    so work ``W`` (seconds at the usual pace) is done by ``(W + Σ f_i / pace_i) / Σ 1 / pace_i``.
    Tickets are taken in the dispatcher's order across the pool's services
    (:func:`server.core.rules.dispatch_order`: priority first, within the cap)."""

    def __init__(
        self,
        services: list[tuple[str, _Lanes]],
        counters: list[tuple[float, float, float]],
        max_priority_in_row: int,
    ):
        self.services = services
        self.cap = max_priority_in_row
        capacity = sum(1 / pace for _free, pace, _variance in counters)
        self.capacity = capacity
        self.offset = sum(free / pace for free, pace, _variance in counters)
        self.variance = sum(variance for _free, _pace, variance in counters) / len(counters)
        self.width = len(counters)
        self._at: dict[int, tuple[float, float]] | None = None

    def call(self, work_before: float, variance_before: float) -> CallTime:
        return CallTime(
            (work_before + self.offset) / self.capacity,
            math.sqrt(self.variance + variance_before / self.width),
        )

    def find(self, ticket_id: int, times: Mapping[str, ServiceTime], gap: float) -> CallTime | None:
        """One ticket's call time; the pool's order is worked out once, when first asked."""
        if self._at is None:
            order = dispatch_order((c for _service, own in self.services for c in own.tickets()), 0, self.cap)
            service_of = {c.id: service for service, own in self.services for c in own.tickets()}
            self._at, work, variance = {}, 0.0, 0.0
            for ticket in order:
                self._at[ticket.id] = (work, variance)
                time = times.get(service_of[ticket.id])
                if time is not None:
                    work += time.mean + gap
                    variance += time.sd * time.sd
        found = self._at.get(ticket_id)
        return None if found is None else self.call(*found)

    def before_last(
        self, priority: bool, times: Mapping[str, ServiceTime], gap: float
    ) -> tuple[float, float]:
        """The work (and its variance) called before a ticket that is last in the queue (the
        visitor taking a number now, counted in the lanes): every other ticket left; for a
        priority one, every other priority ticket and the regular ones the cap lets in between."""
        counts = [
            (times[s], len(own.priority), len(own) - len(own.priority))
            for s, own in self.services
            if s in times
        ]
        priority_work = sum(p * (t.mean + gap) for t, p, _r in counts)
        priority_variance = sum(p * t.sd * t.sd for t, p, _r in counts)
        regulars = sum(r for _t, _p, r in counts)
        regular_work = sum(r * (t.mean + gap) for t, _p, r in counts)
        regular_variance = sum(r * t.sd * t.sd for t, _p, r in counts)
        if not priority:
            return priority_work + regular_work, priority_variance + regular_variance
        ahead = sum(p for _t, p, _r in counts) - 1
        share = min(regulars, ahead // self.cap) / regulars if self.cap and regulars else 0.0
        return priority_work + share * regular_work, priority_variance + share * regular_variance


class ForwardRun:
    """Every waiting ticket's expected call time (seconds from now), by ticket id: the first
    :data:`HORIZON` calls played one by one, the rest as a flow through the counters (:class:`_Pool`)."""

    def __init__(
        self,
        calls: dict[int, CallTime],
        pools: dict[str, _Pool],
        times: Mapping[str, ServiceTime],
        gap: float,
        extra: Waiting | None = None,
    ):
        self.calls = calls
        self._pools = pools
        self._times = times
        self._gap = gap
        self._extra = extra

    def get(self, ticket_id: int, service: str) -> CallTime | None:
        """The call time of a ticket of ``service`` (None: no staffed counter serves it)."""
        call = self.calls.get(ticket_id)
        pool = self._pools.get(service)
        if call is not None or pool is None:
            return call
        extra = self._extra
        if extra is not None and extra.candidate.id == ticket_id:
            # Last in the queue (or last of the priority lane): after the work of what is left.
            work, variance = pool.before_last(extra.candidate.priority, self._times, self._gap)
            mine = self._times.get(service)
            if mine is not None:  # the work counted includes its own
                work, variance = work - mine.mean - self._gap, variance - mine.sd * mine.sd
            return pool.call(work, max(0.0, variance))
        return pool.find(ticket_id, self._times, self._gap)

    def as_dict(self) -> dict[int, CallTime]:
        """Every ticket's call time (for tests and checks)."""
        result = dict(self.calls)
        for service, pool in self._pools.items():
            for _code, own in pool.services:
                for ticket in own.tickets():
                    if ticket.id not in result:
                        result[ticket.id] = self.get(ticket.id, service)
        return result


def play_forward(
    waiting: Sequence[Waiting],
    counters: Sequence[CounterNow],
    times: Mapping[str, ServiceTime],
    gap: float,
    max_priority_in_row: int,
    horizon: int = HORIZON,
) -> dict[int, CallTime]:
    """:func:`play_lanes` for a plain list of waiting tickets (any order), every ticket's call
    time by id."""
    lanes: dict[str, tuple[list, list, list]] = {}
    for item in sorted(waiting, key=lambda w: (w.candidate.order, w.candidate.id)):
        three = lanes.setdefault(item.service, ([], [], []))
        three[2 if item.candidate.returned else 0 if item.candidate.priority else 1].append(item.candidate)
    return play_lanes(lanes, counters, times, gap, max_priority_in_row, horizon=horizon).as_dict()


def play_lanes(
    lanes: Mapping[str, Sequence[Iterable[Candidate]]],
    counters: Sequence[CounterNow],
    times: Mapping[str, ServiceTime],
    gap: float,
    max_priority_in_row: int,
    extra: Waiting | None = None,
    horizon: int = HORIZON,
) -> ForwardRun:
    """Every waiting ticket's expected call time.

    ``lanes``: per service, its waiting tickets in queue order by kind (priority, regular,
    returned); ``extra``: one more ticket, last in the queue (the visitor taking a number now).
    Tickets of services no staffed counter serves are left out. ``gap`` is the usual pause
    between a finish and the next call at a counter.
    """
    total = sum(len(lane) for three in lanes.values() for lane in three) + (extra is not None)
    # A regular visitor behind more than the horizon is called past it whatever happens first:
    # the flow from now gives its time, without playing the first calls or copying the lanes.
    behind = extra is not None and not extra.candidate.priority and total > horizon
    by_service = {service: _Lanes(*three, copy=not behind) for service, three in lanes.items()}
    if extra is not None and not behind:
        by_service.setdefault(extra.service, _Lanes()).lane(extra.candidate).append(extra.candidate)
    heap: list[tuple[float, int, float]] = []
    streaks, state = {}, {}
    for index, counter in enumerate(counters):
        served = [(s, by_service[s]) for s in counter.services if s in by_service]
        if not served:
            continue
        free, variance = 0.0, 0.0
        if counter.busy_service is not None:
            rest, spread = (
                times[counter.busy_service].rest(counter.busy_elapsed)
                if counter.busy_service in times
                else (0.0, 0.0)
            )
            free, variance = rest * counter.pace + gap, (spread * counter.pace) ** 2
        state[index] = served
        streaks[index] = counter.streak
        heapq.heappush(heap, (free, index, variance))
    result: dict[int, CallTime] = {}
    if behind:
        pool = _pools(by_service, heap, state, counters, max_priority_in_row).get(extra.service)
        calls = {} if pool is None else {extra.candidate.id: pool.call(*pool.before_last(False, times, gap))}
        return ForwardRun(calls, {}, times, gap)
    limit = min(total, horizon)
    while heap and len(result) < limit:
        free, index, variance = heapq.heappop(heap)
        served = state[index]
        heads: list[tuple[Candidate, str] | None] = [None, None, None]
        for service, own in served:
            for kind, lane in enumerate((own.priority, own.regular, own.returned)):
                if lane:
                    first, head = lane[0], heads[kind]
                    if head is None or (first.order, first.id) < (head[0].order, head[0].id):
                        heads[kind] = (first, service)
        chosen = first_choice(*(h[0] if h else None for h in heads), streaks[index], max_priority_in_row)
        if chosen is None:
            continue  # nothing left for this counter
        service = next(h[1] for h in heads if h is not None and h[0] is chosen)
        by_service[service].lane(chosen).popleft()
        regular_left = any(own.regular for _s, own in served)
        streaks[index] = next_priority_streak(streaks[index], chosen.priority, regular_left)
        result[chosen.id] = CallTime(free, math.sqrt(variance))
        time = times.get(service)
        if time is not None:
            pace = counters[index].pace
            heapq.heappush(heap, (free + time.mean * pace + gap, index, variance + (time.sd * pace) ** 2))
    if len(result) >= total or not heap:
        return ForwardRun(result, {}, times, gap)
    pools = _pools(by_service, heap, state, counters, max_priority_in_row)
    return ForwardRun(result, pools, times, gap, extra)


def _pools(
    by_service: dict[str, _Lanes],
    heap: list[tuple[float, int, float]],
    state: dict[int, list[tuple[str, _Lanes]]],
    counters: Sequence[CounterNow],
    max_priority_in_row: int,
) -> dict[str, _Pool]:
    """The counters still working, grouped by the services they share with tickets left (each
    group a :class:`_Pool`), by service. Costs one pass over the counters and services."""
    left = {service for service, own in by_service.items() if len(own)}
    group: dict[str, int] = {}  # service -> its group; groups merge when a counter joins them
    members: dict[int, tuple[set[str], list[tuple[float, float, float]]]] = {}
    for free, index, variance in heap:
        mine = {service for service, _own in state[index] if service in left}
        if not mine:
            continue
        joined = {group[s] for s in mine if s in group}
        target = min(joined) if joined else index
        services, working = members.setdefault(target, (set(), []))
        for other in joined - {target}:
            more_services, more_counters = members.pop(other)
            services |= more_services
            working.extend(more_counters)
        services |= mine
        working.append((free, counters[index].pace, variance))
        for service in services:
            group[service] = target
    pools = {}
    for services, working in members.values():
        pool = _Pool([(s, by_service[s]) for s in sorted(services)], working, max_priority_in_row)
        for service in services:
            pools[service] = pool
    return pools


@dataclass(frozen=True)
class Calibration:
    """How past promises turned out: quantiles of (actual − point) / spread."""

    low: float
    middle: float
    high: float
    samples: int = 0


def calibrate(residuals: Sequence[float]) -> Calibration:
    """The 10th, 50th and 90th percentile of normalised residuals (actual wait − forward
    estimate, over its spread), or the prior when there are too few."""
    if len(residuals) < MIN_CALIBRATION_SAMPLES:
        return Calibration(*PRIOR_CALIBRATION, samples=len(residuals))
    ordered = sorted(residuals)

    def at(q: float) -> float:
        rank = (len(ordered) - 1) * q
        low = math.floor(rank)
        high = min(low + 1, len(ordered) - 1)
        return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)

    return Calibration(at(LOW_QUANTILE), at(0.5), at(HIGH_QUANTILE), len(ordered))


@dataclass(frozen=True)
class Estimate:
    """The promise to a visitor, in seconds: a point, a range, and the forward run's own figures
    (kept with the ticket so that later promises can be calibrated against what happened)."""

    seconds: int
    low_seconds: int
    high_seconds: int
    forward_seconds: float
    spread_seconds: float

    def as_json(self) -> dict:
        return {"seconds": self.seconds, "low_seconds": self.low_seconds, "high_seconds": self.high_seconds}


def promise(call: CallTime, calibration: Calibration) -> Estimate:
    """The range told to a visitor for a forward call time."""
    spread = math.hypot(call.spread, SPREAD_FLOOR)
    point = max(0.0, call.mean + calibration.middle * spread)
    low = max(0.0, min(point, call.mean + calibration.low * spread))
    high = max(point, call.mean + calibration.high * spread)
    return Estimate(round(point), round(low), round(high), call.mean, spread)


def describe(estimate: Estimate | None, past_closing: bool = False) -> str:
    """The estimate in the office's words, as the kiosk, the ticket and the phone say it."""
    if estimate is None:
        return "Belum ada petugas yang melayani"
    if past_closing:
        return "Mungkin tidak terlayani hari ini"
    if estimate.high_seconds < 120:
        return "Segera dilayani"
    if estimate.high_seconds <= 5 * 60:
        return "Kurang dari 5 menit"
    low = max(0, round(estimate.low_seconds / 60))
    high = max(low + 1, math.ceil(estimate.high_seconds / 60))
    if low < 2:
        return f"Hingga sekitar {high} menit" if high < 120 else f"Hingga sekitar {_hours(high)} jam"
    if high < 120:
        return f"Sekitar {low}–{high} menit"
    if low >= 60:
        return f"Sekitar {_hours(low)}–{_hours(high)} jam"
    return f"Sekitar {low} menit sampai {_hours(high)} jam"


def _hours(minutes: int) -> str:
    return f"{minutes / 60:.1f}".replace(".", ",").replace(",0", "")
