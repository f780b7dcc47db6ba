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
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from server.core.rules import Candidate, next_priority_streak, pick_next

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


class _Lanes:
    """The waiting tickets of one service in the dispatcher's three lanes, oldest first."""

    __slots__ = ("priority", "regular", "returned")

    def __init__(self):
        self.priority: deque[Candidate] = deque()
        self.regular: deque[Candidate] = deque()
        self.returned: deque[Candidate] = deque()

    def lane(self, candidate: Candidate) -> deque[Candidate]:
        if candidate.returned:
            return self.returned
        return self.priority if candidate.priority else self.regular


def _oldest(lanes: Iterable[deque[Candidate]]) -> Candidate | None:
    best = None
    for lane in lanes:
        if lane and (best is None or (lane[0].order, lane[0].id) < (best.order, best.id)):
            best = lane[0]
    return best


def play_forward(
    waiting: Sequence[Waiting],
    counters: Sequence[CounterNow],
    times: Mapping[str, ServiceTime],
    gap: float,
    max_priority_in_row: int,
) -> dict[int, CallTime]:
    """Every waiting ticket's expected call time (seconds from now), by ticket id.

    Tickets of services no staffed counter serves are left out. ``gap`` is the usual pause
    between a finish and the next call at a counter.
    """
    by_service: dict[str, _Lanes] = {}
    service_of: dict[int, str] = {}
    for item in sorted(waiting, key=lambda w: (w.candidate.order, w.candidate.id)):
        lanes = by_service.setdefault(item.service, _Lanes())
        lanes.lane(item.candidate).append(item.candidate)
        service_of[item.candidate.id] = item.service
    heap: list[tuple[float, int, float]] = []
    streaks, state = {}, {}
    for index, counter in enumerate(counters):
        served = [by_service[s] for s in counter.services if s in by_service]
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
    while heap and len(result) < len(service_of):
        free, index, variance = heapq.heappop(heap)
        served = state[index]
        heads = [
            c
            for c in (
                _oldest(s.priority for s in served),
                _oldest(s.regular for s in served),
                _oldest(s.returned for s in served),
            )
            if c is not None
        ]
        chosen = pick_next(heads, streaks[index], max_priority_in_row)
        if chosen is None:
            continue  # nothing left for this counter
        service = service_of[chosen.id]
        by_service[service].lane(chosen).popleft()
        regular_left = any(s.regular for s in served)
        streaks[index] = next_priority_streak(streaks[index], chosen.priority, regular_left)
        result[chosen.id] = CallTime(free, math.sqrt(variance))
        time = times.get(service)
        if time is not None:
            pace = counters[index].pace
            heapq.heappush(heap, (free + time.mean * pace + gap, index, variance + (time.sd * pace) ** 2))
    return result


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
