"""The simulated office's people, pure: visitors arriving by the hour, what each wants and how long
it takes at the counter, and how many officers a day of them needs. Nothing here does I/O; every
draw comes from the ``random.Random`` it is given."""

from __future__ import annotations

import math
import random
from dataclasses import dataclass, field

from server.config.loader import Config

# Share of a day's visitors arriving in each local hour (a district office: a morning peak).
DEFAULT_PROFILE = {7: 0.05, 8: 0.15, 9: 0.18, 10: 0.16, 11: 0.12, 12: 0.06, 13: 0.11, 14: 0.10, 15: 0.07}
# Share of visitors per service code (services not listed get an equal share of the rest).
DEFAULT_MIX = {"A": 0.28, "B": 0.16, "C": 0.14, "D": 0.12, "E": 0.18, "F": 0.12}


@dataclass(frozen=True)
class Model:
    """What a simulated day looks like. Times are seconds since local midnight."""

    visitors: float  # expected arrivals in a day
    opens: int
    closes: int
    mix: dict[str, float]
    service_minutes: dict[str, float]  # median service time per service
    profile: dict[int, float] = field(default_factory=lambda: dict(DEFAULT_PROFILE))
    spread: float = 0.5  # sigma of the log-normal service time
    no_show: float = 0.04
    transfer: float = 0.03
    priority: float = 0.06
    forgot: float = 0.002  # an officer forgets "Selesai" until the next morning (history only)
    overtime_minutes: int = 60  # officers keep serving this long after the kiosk closes

    @classmethod
    def for_config(cls, config: Config, visitors: float) -> "Model":
        """The default model for an office: its services, hours and standards."""
        hours = config.office.hours
        opens = hours.opens.hour * 3600 + hours.opens.minute * 60
        closes = 24 * 3600 if hours.closes is None else hours.closes.hour * 3600 + hours.closes.minute * 60
        if opens == 0 and closes == 24 * 3600:  # an office open all day (demo): a usual day
            opens, closes = 7 * 3600 + 30 * 60, 16 * 3600
        codes = [s.code for s in config.services if s.enabled]
        rest = [c for c in codes if c not in DEFAULT_MIX]
        spare = max(0.0, 1.0 - sum(DEFAULT_MIX.get(c, 0) for c in codes))
        mix = {c: DEFAULT_MIX.get(c) or (spare / len(rest) if spare else 0.1) for c in codes}
        # Most visitors take a little less than the standard; the long tail goes over it.
        minutes = {s.code: max(1.0, s.standard_service_minutes * 0.7) for s in config.services}
        return cls(visitors=visitors, opens=opens, closes=closes, mix=mix, service_minutes=minutes)


@dataclass
class Visitor:
    """One simulated visitor, drawn when the day is planned."""

    arrival: float
    service: str
    priority: bool
    duration: float  # seconds at the counter
    walk_up: float  # seconds from the call to the counter
    no_show: bool
    transfer_to: str | None
    transfer_duration: float
    forgot: bool
    number: str | None = None


def plan_day(model: Model, rng: random.Random) -> list[Visitor]:
    """The day's visitors in order of arrival: a Poisson process per hour of the profile."""
    codes = list(model.mix)
    weights = [model.mix[c] for c in codes]
    visitors = []
    for hour, share in sorted(model.profile.items()):
        start, end = max(hour * 3600, model.opens), min((hour + 1) * 3600, model.closes)
        rate = model.visitors * share / 3600.0
        t = start
        while rate > 0:
            t += rng.expovariate(rate)
            if t >= end:
                break
            service = rng.choices(codes, weights)[0]
            others = [c for c in codes if c != service]
            visitors.append(
                Visitor(
                    arrival=t,
                    service=service,
                    priority=rng.random() < model.priority,
                    duration=service_duration(model, service, rng),
                    walk_up=rng.uniform(15, 90),
                    no_show=rng.random() < model.no_show,
                    transfer_to=rng.choice(others) if others and rng.random() < model.transfer else None,
                    transfer_duration=0.0,
                    forgot=rng.random() < model.forgot,
                )
            )
            if visitors[-1].transfer_to:
                visitors[-1].transfer_duration = service_duration(model, visitors[-1].transfer_to, rng)
    return visitors


def service_duration(model: Model, service: str, rng: random.Random) -> float:
    """Seconds one visitor of ``service`` spends at the counter (log-normal, at least a minute)."""
    median = model.service_minutes.get(service, 10.0) * 60
    return max(60.0, rng.lognormvariate(math.log(median), model.spread))


def staff_per_counter(config: Config, model: Model) -> dict[int, int]:
    """Officers each counter needs for a day of ``model``: as many as the day's work fills, so
    that queues build up in the morning peak and clear in the afternoon, as in a real office."""
    minutes_open = (model.closes - model.opens) / 60
    load = {c.id: 0.0 for c in config.counters}
    for code, share in model.mix.items():
        counters = [c.id for c in config.counters if code in c.services]
        work = model.visitors * share * (model.service_minutes.get(code, 10) * 1.25 + 1.5)
        for counter_id in counters:
            load[counter_id] += work / len(counters)
    return {cid: max(1, math.ceil(work / (minutes_open * 1.05))) for cid, work in load.items()}


def live_model(services: list[dict], visitors: float | None, hours: str | None) -> Model:
    """The model of a live run, from the running server's services (``/api/services``) and the
    ``--visitors`` and ``--hours HH:MM-HH:MM`` options."""
    mix = {s["code"]: DEFAULT_MIX.get(s["code"], 0.1) for s in services}
    minutes = {s["code"]: max(1.0, s["standard_service_minutes"] * 0.7) for s in services}
    opens, closes = 7 * 3600 + 30 * 60, 16 * 3600
    if hours:
        first, _, last = hours.partition("-")
        opens, closes = _clock(first), _clock(last)
    return Model(visitors=visitors or 200, opens=opens, closes=closes, mix=mix, service_minutes=minutes)


def _clock(value: str) -> int:
    hours, _, minutes = value.strip().partition(":")
    return int(hours) * 3600 + int(minutes or 0) * 60
