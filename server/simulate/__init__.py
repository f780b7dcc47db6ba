"""``loket simulate``: a discrete-event simulator of an office day.

The same model of visitors and officers drives two kinds of office:

- :class:`HttpOffice`, a *running* server, through its public HTTP API (kiosk, login,
  call-next, start, finish, skip, transfer), paced by a speed factor: a lively display for a
  demo, or load;
- :class:`MemoryOffice`, which applies the queue's own rules (:mod:`server.core.rules`) in memory
  and writes whole past days straight into the database (``--history DAYS``): a year of
  tickets, events and survey answers in seconds, for reports and benchmarks.

Everything random comes from ``random.Random`` seeded per day from ``--seed``, so a seed gives
the same day every time (status-page tokens excepted: they stay secret).

    loket simulate --url http://127.0.0.1:8000 --password RAHASIA              # a day at 60×
    loket simulate --speed 0 --visitors 400 --officer petugas1:1 --officer kepala:2
    loket simulate --history 365 --data ./loket-data                            # a year, ~300,000 tickets

A live run signs in ``petugas<N>`` at counter N unless ``--officer`` says otherwise; the kiosk's
flood guard (``[queue] kiosk_limit_per_minute``) slows a very fast run down, it never fails it.
"""

from __future__ import annotations

import argparse
import heapq
import itertools
import math
import os
import random
import sys
import time
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta

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
                    duration=_duration(model, service, rng),
                    walk_up=rng.uniform(15, 90),
                    no_show=rng.random() < model.no_show,
                    transfer_to=rng.choice(others) if others and rng.random() < model.transfer else None,
                    transfer_duration=0.0,
                    forgot=rng.random() < model.forgot,
                )
            )
            if visitors[-1].transfer_to:
                visitors[-1].transfer_duration = _duration(model, visitors[-1].transfer_to, rng)
    return visitors


def _duration(model: Model, service: str, rng: random.Random) -> float:
    median = model.service_minutes.get(service, 10.0) * 60
    return max(60.0, rng.lognormvariate(math.log(median), model.spread))


class Simulation:
    """The event loop: visitors arrive and take numbers; each officer calls, serves, calls again.

    ``office`` is a :class:`HttpOffice` or a :class:`MemoryOffice`; ``pace(t)`` is called before
    each event at simulated time ``t`` (a live run sleeps there).
    """

    def __init__(
        self,
        office,
        model: Model,
        officers: list[tuple[str, int]],
        rng: random.Random,
        serves,
        pace=lambda t: None,
    ):
        self.office = office
        self.serves = serves  # officer -> the service codes of their counter
        self.model = model
        self.officers = officers
        self.rng = rng
        self.pace = pace
        self.log: list[tuple] = []
        self._queue: list = []
        self._order = itertools.count()
        self._visitors: dict[object, Visitor] = {}
        self._idle: list[tuple[str, int]] = []

    def _at(self, t: float, kind: str, *args) -> None:
        heapq.heappush(self._queue, (t, next(self._order), kind, args))

    def run(self, visitors: list[Visitor]) -> list[tuple]:
        """Play the day; return the log of (time, action, number, counter)."""
        for visitor in visitors:
            self._at(visitor.arrival, "arrive", visitor)
        for officer in self.officers:
            self._at(self.model.opens, "free", officer)
        end = self.model.closes + self.model.overtime_minutes * 60
        while self._queue:
            t, _, kind, args = heapq.heappop(self._queue)
            if kind == "free" and t > end:
                continue
            self.pace(t)
            getattr(self, "_" + kind)(t, *args)
        return self.log

    def _arrive(self, t: float, visitor: Visitor) -> None:
        ticket = self.office.issue(visitor, t)
        if ticket is not None:
            self._visitors[ticket] = visitor
            self.log.append((round(t), "issue", visitor.number, None))
            self._wake(t, visitor.service)

    def _wake(self, t: float, service: str) -> None:
        """A ticket of ``service`` joined the queue: the longest-idle officer who serves it comes."""
        for officer in self._idle:
            if service in self.serves(officer):
                self._idle.remove(officer)
                self._at(t, "free", officer)
                return

    def _free(self, t: float, officer: tuple[str, int]) -> None:
        ticket = self.office.call_next(officer, t)
        if ticket is None:
            self._idle.append(officer)
            return
        visitor = self._visitors.get(ticket)
        if visitor is None:
            visitor = self._visitors[ticket] = self._stranger(ticket)
        self.log.append((round(t), "call", visitor.number, officer[1]))
        if visitor.no_show:
            self._at(t + 60, "skip", officer, ticket)
        else:
            self._at(t + visitor.walk_up, "start", officer, ticket)

    def _stranger(self, ticket) -> Visitor:
        """A visitor the simulation did not bring (a tap on the real kiosk, a number taken with
        curl, a ticket left by an earlier run): served like any other, for a typical time."""
        number, service = self.office.describe(ticket)
        return Visitor(
            arrival=0.0,
            service=service,
            priority=False,
            duration=_duration(self.model, service, self.rng),
            walk_up=self.rng.uniform(15, 90),
            no_show=False,
            transfer_to=None,
            transfer_duration=0.0,
            forgot=False,
            number=number,
        )

    def _skip(self, t: float, officer, ticket) -> None:
        returned = self.office.skip(officer, ticket, t)
        self.log.append((round(t), "skip", self._visitors[ticket].number, officer[1]))
        self._at(t, "free", officer)
        if returned:
            self._wake(t, self._visitors[ticket].service)

    def _start(self, t: float, officer, ticket) -> None:
        self.office.start(officer, ticket, t)
        visitor = self._visitors[ticket]
        if visitor.transfer_to:
            self._at(t + visitor.duration * 0.4, "transfer", officer, ticket)
        else:
            self._at(t + visitor.duration, "finish", officer, ticket)

    def _finish(self, t: float, officer, ticket) -> None:
        visitor = self._visitors[ticket]
        self.office.finish(officer, ticket, t, visitor.forgot)
        self.log.append((round(t), "finish", visitor.number, officer[1]))
        self._at(t + self.rng.uniform(5, 40), "free", officer)

    def _transfer(self, t: float, officer, ticket) -> None:
        visitor = self._visitors[ticket]
        new = self.office.transfer(officer, ticket, visitor.transfer_to, t)
        self.log.append((round(t), "transfer", visitor.number, officer[1]))
        if new is not None:
            self._visitors[new] = replace(
                visitor, service=visitor.transfer_to, transfer_to=None, duration=visitor.transfer_duration
            )
        self._at(t, "free", officer)
        if new is not None:
            self._wake(t, visitor.transfer_to)


# ---- the command ---------------------------------------------------------------------------


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``loket simulate``."""
    parser.add_argument("--seed", type=int, default=1, help="random seed (the same seed, the same day)")
    parser.add_argument(
        "--visitors",
        type=float,
        help="expected visitors per day (default 200 live, 1150 with --history: about 300,000 a year)",
    )
    parser.add_argument("--data", help="data folder (default $LOKET_DATA, else ./loket-data)")
    live = parser.add_argument_group("live: drive a running server through its HTTP API")
    live.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    live.add_argument(
        "--speed",
        type=float,
        default=60.0,
        help="simulated seconds per real second (default 60; 0 = as fast as possible)",
    )
    live.add_argument(
        "--officer",
        action="append",
        default=[],
        metavar="USER[:COUNTER]",
        help="an officer account and its counter (repeat; default: counters in order)",
    )
    live.add_argument("--password", help="the officers' password (default $LOKET_PASSWORD)")
    live.add_argument(
        "--device",
        help="token of an enrolled kiosk (`loket device add`; default $LOKET_DEVICE; "
        "not needed against a --demo server on this PC)",
    )
    live.add_argument("--hours", metavar="HH:MM-HH:MM", help="the simulated part of the day")
    history = parser.add_argument_group("history: write past days into the database")
    history.add_argument(
        "--history",
        type=int,
        metavar="DAYS",
        help="simulate the DAYS days before --until and write them into --data",
    )
    history.add_argument("--until", help="last day of the history (default yesterday), YYYY-MM-DD")


def run(args: argparse.Namespace) -> int:
    """Run ``loket simulate``; return the exit code."""
    if args.history is not None:
        return run_history(args)
    return run_live(args)


def run_live(args: argparse.Namespace) -> int:
    """Drive a running server for one simulated day at ``--speed``."""
    import requests

    password = args.password or os.environ.get("LOKET_PASSWORD")
    if not password:
        print(
            "loket simulate: give the officers' password with --password or $LOKET_PASSWORD", file=sys.stderr
        )
        return 1
    try:
        office = HttpOffice(args.url, device=args.device or os.environ.get("LOKET_DEVICE"))
        config_services, counters = office.layout()
        officers = []
        for username, counter in _officers(args.officer, [c["id"] for c in counters]):
            try:
                office.login(username, password, counter)
                officers.append((username, counter))
            except SimulationError as exc:  # e.g. an officer the admin added with another password
                print(f"loket simulate: {username} at counter {counter} left out: {exc}", file=sys.stderr)
        if not officers:
            raise SimulationError("no officer could sign in (check --password and --officer)")
    except (requests.RequestException, SimulationError) as exc:
        print(f"loket simulate: {exc}", file=sys.stderr)
        return 1
    model = _live_model(args, config_services)
    rng = random.Random(f"{args.seed}:live")
    visitors = plan_day(model, rng)
    pace = Pacer(args.speed, model.opens)
    print(
        f"Simulasi: {len(visitors)} pengunjung, {len(officers)} petugas, kecepatan {args.speed:g}x "
        f"→ {args.url}",
        flush=True,
    )
    serves = {c["id"]: set(c["services"]) for c in counters}
    simulation = Simulation(office, model, officers, rng, lambda officer: serves[officer[1]], pace)
    try:
        log = simulation.run(visitors)
    except (requests.RequestException, SimulationError) as exc:
        print(f"loket simulate: stopped: {exc}", file=sys.stderr)
        return 1
    counts = {
        action: sum(1 for entry in log if entry[1] == action)
        for action in ("issue", "call", "finish", "skip", "transfer")
    }
    print(
        "Selesai: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + (f", ditolak {office.refused}" if office.refused else ""),
        flush=True,
    )
    return 0


class SimulationError(Exception):
    """The running server refused the simulation (message for the operator)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


def _officers(given: list[str], counters: list[int]) -> list[tuple[str, int]]:
    if not given:
        return [(f"petugas{c}", c) for c in counters]
    officers = []
    for index, entry in enumerate(given):
        username, _, counter = entry.partition(":")
        if counter and not counter.isdigit():
            raise SimulationError(f"--officer {entry}: the counter must be a number")
        officers.append((username, int(counter) if counter else counters[index % len(counters)]))
    return officers


def _live_model(args, services: list[dict]) -> Model:
    mix = {s["code"]: DEFAULT_MIX.get(s["code"], 0.1) for s in services}
    minutes = {s["code"]: max(1.0, s["standard_service_minutes"] * 0.7) for s in services}
    opens, closes = 7 * 3600 + 30 * 60, 16 * 3600
    if args.hours:
        first, _, last = args.hours.partition("-")
        opens, closes = _clock(first), _clock(last)
    return Model(visitors=args.visitors or 200, opens=opens, closes=closes, mix=mix, service_minutes=minutes)


def _clock(value: str) -> int:
    hours, _, minutes = value.strip().partition(":")
    return int(hours) * 3600 + int(minutes or 0) * 60


class Pacer:
    """Sleeps so that simulated time runs ``speed`` times faster than the wall clock."""

    def __init__(self, speed: float, start: float, sleep=time.sleep, monotonic=time.monotonic):
        self.speed = speed
        self.start = start
        self.sleep = sleep
        self.monotonic = monotonic
        self.began = monotonic()

    def __call__(self, t: float) -> None:
        if self.speed <= 0:
            return
        due = self.began + (t - self.start) / self.speed
        delay = due - self.monotonic()
        if delay > 0:
            self.sleep(delay)


class HttpOffice:
    """A running Loket server, driven through the public JSON API (documented in the README)."""

    def __init__(self, url: str, session_factory=None, device: str | None = None):
        import requests

        self.url = url.rstrip("/")
        self._new_session = session_factory or requests.Session
        self.kiosk = self._new_session()
        if device:  # the simulated visitors take numbers as this enrolled kiosk
            self.kiosk.headers["Authorization"] = f"Device {device}"
        self.sessions: dict[str, object] = {}
        self.credentials: dict[str, tuple[str, int]] = {}
        self.refused = 0
        self.called: dict[int, tuple[str, str]] = {}  # ticket id -> (number, service)

    def _post(self, session, path: str, body: dict | None = None, username: str | None = None) -> dict:
        for _ in range(30):
            response = session.post(self.url + path, json=body or {}, timeout=30)
            if response.status_code == 401 and username in self.credentials:
                # The session ended (idle too long): sign in again, as the officer would.
                self.login(username, *self.credentials[username])
                session, username = self.sessions[username], None
                continue
            if response.status_code != 429:
                break
            time.sleep(2)  # the kiosk's flood guard: wait like a patient visitor
        if response.status_code >= 400:
            error = (response.json() or {}).get("error", {}) if _is_json(response) else {}
            raise SimulationError(
                f"{path}: {response.status_code} {error.get('message', response.text[:200])}",
                response.status_code,
            )
        return response.json()

    def layout(self) -> tuple[list[dict], list[dict]]:
        """The services and the counters (``id``, ``services``) of the office."""
        services = self.kiosk.get(self.url + "/api/services", timeout=30).json()["services"]
        state = self.kiosk.get(self.url + "/api/state", timeout=30).json()
        return services, state["counters"]

    def login(self, username: str, password: str, counter: int) -> None:
        """Sign an officer in at a counter (one HTTP session each)."""
        session = self._new_session()
        self._post(session, "/api/login", {"username": username, "password": password, "counter": counter})
        self.sessions[username] = session
        self.credentials[username] = (password, counter)

    def issue(self, visitor: Visitor, t: float):
        body = {"service": visitor.service, "priority": visitor.priority}
        if visitor.priority:
            body["priority_reason"] = "lansia"
        try:
            ticket = self._post(self.kiosk, "/api/tickets", body)["ticket"]
        except SimulationError:
            self.refused += 1
            return None
        visitor.number = ticket["number"]
        return ticket["id"]

    def call_next(self, officer: tuple[str, int], t: float):
        ticket = self._post(
            self.sessions[officer[0]], f"/api/counters/{officer[1]}/call-next", username=officer[0]
        )["ticket"]
        if not ticket:
            return None
        self.called[ticket["id"]] = (ticket["number"], ticket["service"])
        return ticket["id"]

    def describe(self, ticket_id) -> tuple[str, str]:
        """The number and service of a ticket this office called."""
        return self.called[ticket_id]

    def _act(self, officer, ticket_id, action: str, body: dict | None = None) -> dict:
        """An officer's action on a ticket. Someone else may have acted on it meanwhile (a real
        officer at the same counter, a supervisor): the simulated officer then moves on."""
        try:
            return self._post(
                self.sessions[officer[0]], f"/api/tickets/{ticket_id}/{action}", body, username=officer[0]
            )["ticket"]
        except SimulationError as exc:
            if exc.status not in (403, 404, 409, 422):
                raise
            print(f"loket simulate: {officer[0]} {action}: {exc}", file=sys.stderr, flush=True)
            return {}

    def start(self, officer, ticket_id, t: float) -> None:
        self._act(officer, ticket_id, "start")

    def finish(self, officer, ticket_id, t: float, forgot: bool = False) -> None:
        self._act(officer, ticket_id, "finish")

    def skip(self, officer, ticket_id, t: float) -> bool:
        return self._act(officer, ticket_id, "skip").get("status") == "waiting"

    def transfer(self, officer, ticket_id, service: str, t: float):
        return self._act(officer, ticket_id, "transfer", {"service": service}).get("id")


def _is_json(response) -> bool:
    return response.headers.get("Content-Type", "").startswith("application/json")


def history_days(until: date, days: int, open_weekdays: tuple[int, ...]) -> list[date]:
    """The office days among the ``days`` calendar days ending on ``until``."""
    candidates = (until - timedelta(days=offset) for offset in range(days))
    return sorted(d for d in candidates if d.weekday() in open_weekdays)


def local_midnight(day: date, tz) -> float:
    """Epoch seconds of a local day's start."""
    return datetime.combine(day, datetime.min.time(), tz).timestamp()


# ---- history: whole past days written into the database ------------------------------------

FLAG_REASON = "Petugas lupa menekan Selesai; waktu layanan tidak akurat."
COMMENTS = (
    "Pelayanan cepat dan ramah, terima kasih.",
    "Ruang tunggu kurang sejuk saat siang.",
    "Mohon tambah kursi di ruang tunggu.",
    "Petugas menjelaskan persyaratan dengan jelas.",
    "Antrian agak lama di jam sembilan pagi.",
    "Informasi persyaratan sebaiknya dipasang di papan pengumuman.",
)


class MemoryOffice:
    """One office day in memory, with the queue's own rules; rows ready for a bulk insert."""

    def __init__(self, config: Config, day: date, next_id: int, rng: random.Random):
        from server.core import rules

        self.rules = rules
        self.config = config
        self.day = day.isoformat()
        self.midnight = local_midnight(day, config.office.tz)
        self.rng = rng
        self.next_id = next_id
        self.tickets: dict[int, dict] = {}
        self.waiting: dict[int, dict] = {}
        self.events: list[tuple] = []
        self.sequences: dict[str, int] = {}
        self.streaks: dict[int, int] = {}

    def describe(self, ticket_id: int) -> tuple[str, str]:
        """The number and service of a ticket."""
        ticket = self.tickets[ticket_id]
        return ticket["number"], ticket["service"]

    def _event(self, ticket_id: int, kind: str, t: float, counter=None, username=None, detail=None):
        self.events.append((ticket_id, kind, self.midnight + t, counter, username, detail))

    def _new(self, t: float, service: str, number: str, seq, priority: bool, **extra) -> dict:
        ticket_id, self.next_id = self.next_id, self.next_id + 1
        at = self.midnight + t
        ticket = {
            "id": ticket_id,
            "token": _token(),
            "number": number,
            "service": service,
            "day": self.day,
            "seq": seq,
            "priority": int(priority),
            "priority_reason": "lansia" if priority else None,
            "status": "waiting",
            "issued_at": at,
            "arrived_at": at,
            "queued_at": at,
            "called_at": None,
            "last_called_at": None,
            "started_at": None,
            "finished_at": None,
            "closed_at": None,
            "counter_id": None,
            "called_by": None,
            "call_count": 0,
            "skip_count": 0,
            "transferred_from": None,
            "transferred_to": None,
            "flagged": 0,
            "flag_reason": None,
            "flagged_by": None,
            "flagged_at": None,
            **extra,
        }
        self.tickets[ticket_id] = ticket
        self.waiting[ticket_id] = ticket
        return ticket

    def issue(self, visitor: Visitor, t: float):
        seq = self.sequences.get(visitor.service, 0) + 1
        self.sequences[visitor.service] = seq
        visitor.number = self.rules.format_number(visitor.service, seq)
        ticket = self._new(t, visitor.service, visitor.number, seq, visitor.priority)
        self._event(ticket["id"], "issued", t, detail={"priority": visitor.priority})
        return ticket["id"]

    def call_next(self, officer: tuple[str, int], t: float):
        username, counter_id = officer
        services = self.config.counter(counter_id).services
        waiting = [x for x in self.waiting.values() if x["service"] in services]
        streak = self.streaks.get(counter_id, 0)
        chosen = self.rules.pick_next(
            [
                self.rules.Candidate(x["id"], bool(x["priority"]), x["queued_at"], x["skip_count"] > 0)
                for x in waiting
            ],
            streak,
            self.config.queue.max_priority_in_row,
        )
        if chosen is None:
            return None
        ticket = self.waiting.pop(chosen.id)
        regular_waiting = any(not x["priority"] for x in waiting if x["id"] != chosen.id)
        self.streaks[counter_id] = self.rules.next_priority_streak(
            streak, bool(ticket["priority"]), regular_waiting
        )
        at = self.midnight + t
        ticket.update(
            status="called",
            counter_id=counter_id,
            called_by=username,
            called_at=ticket["called_at"] or at,
            last_called_at=at,
            call_count=ticket["call_count"] + 1,
        )
        self._event(ticket["id"], "called", t, counter_id, username)
        return ticket["id"]

    def start(self, officer, ticket_id: int, t: float) -> None:
        self.tickets[ticket_id].update(status="serving", started_at=self.midnight + t)
        self._event(ticket_id, "started", t, officer[1], officer[0])

    def finish(self, officer, ticket_id: int, t: float, forgot: bool = False) -> None:
        if forgot:  # pressed the next morning, at the start of the day
            t = 24 * 3600 + 7 * 3600 + 30 * 60 + self.rng.uniform(0, 1800)
        self.tickets[ticket_id].update(
            status="done", finished_at=self.midnight + t, closed_at=self.midnight + t
        )
        self._event(ticket_id, "finished", t, officer[1], officer[0])
        if forgot and self.rng.random() < 0.7:  # the supervisor noticed and flagged it
            at = t + 2 * 3600
            self.tickets[ticket_id].update(
                flagged=1, flag_reason=FLAG_REASON, flagged_by="kepala", flagged_at=self.midnight + at
            )
            self._event(ticket_id, "flagged", at, None, "kepala", {"reason": FLAG_REASON})

    def skip(self, officer, ticket_id: int, t: float) -> bool:
        ticket = self.tickets[ticket_id]
        returned = self.rules.after_skip(ticket["skip_count"], self.config.queue.skip_returns) == "waiting"
        at = self.midnight + t
        if returned:
            ticket.update(
                status="waiting", counter_id=None, queued_at=at, skip_count=ticket["skip_count"] + 1
            )
            self.waiting[ticket_id] = ticket
        else:
            ticket.update(status="no_show", closed_at=at, skip_count=ticket["skip_count"] + 1)
        self._event(ticket_id, "skipped", t, officer[1], officer[0], {"returned": returned})
        return returned

    def transfer(self, officer, ticket_id: int, service: str, t: float):
        old = self.tickets[ticket_id]
        new = self._new(
            t,
            service,
            old["number"],
            None,
            bool(old["priority"]),
            arrived_at=old["arrived_at"],
            transferred_from=old["id"],
        )
        new["token"] = old["token"] + "." + _token()[:8]
        at = self.midnight + t
        old.update(
            status="transferred",
            closed_at=at,
            transferred_to=new["id"],
            finished_at=at if old["status"] == "serving" else old["finished_at"],
        )
        self._event(
            old["id"],
            "transferred",
            t,
            officer[1],
            officer[0],
            {"to_ticket": new["id"], "to_service": service},
        )
        self._event(
            new["id"],
            "issued",
            t,
            None,
            officer[0],
            {"transferred_from": old["id"], "from_service": old["service"]},
        )
        return new["id"]

    def close_day(self) -> None:
        """At the next local midnight, tickets still waiting expire; tickets still called or
        being served are closed as unfinished (the server's day change)."""
        for ticket in self.tickets.values():
            if ticket["status"] == "waiting":
                ticket.update(status="expired", closed_at=self.midnight + 24 * 3600)
                self._event(ticket["id"], "expired", 24 * 3600, detail={"day": self.day})
            elif ticket["status"] in ("called", "serving"):
                was = ticket["status"]
                ticket.update(status="unfinished", closed_at=self.midnight + 24 * 3600)
                self._event(
                    ticket["id"],
                    "unfinished",
                    24 * 3600,
                    ticket["counter_id"],
                    detail={"day": self.day, "was": was},
                )

    def surveys(self, share: float = 0.35) -> list[tuple]:
        """Survey answers of some visitors served today (a long wait lowers the scores)."""
        rows = []
        for ticket in self.tickets.values():
            if ticket["status"] != "done" or self.rng.random() >= share:
                continue
            service = self.config.service(ticket["service"])
            waited = (ticket["called_at"] - ticket["issued_at"]) / 60
            mood = 0.3 if service and waited <= service.standard_wait_minutes else -0.4
            kind = "ikm" if self.rng.random() < 0.7 else "smiley"
            scores = [_score(self.rng, mood) for _ in range(9 if kind == "ikm" else 1)]
            comment = self.rng.choice(COMMENTS) if self.rng.random() < 0.08 else None
            rows.append(
                (
                    ticket["id"],
                    kind,
                    self.rng.choice(("status_page", "tablet")),
                    ticket["finished_at"] + self.rng.uniform(30, 600),
                    ticket["day"],
                    ticket["service"],
                    ticket["counter_id"],
                    ticket["called_by"],
                    *(scores if kind == "ikm" else [None] * 9),
                    scores[0] if kind == "smiley" else None,
                    comment,
                )
            )
        return rows


def _token() -> str:
    import secrets

    return secrets.token_urlsafe(16)


def _score(rng: random.Random, mood: float) -> int:
    value = rng.gauss(3.3 + mood, 0.6)
    return min(4, max(1, round(value)))


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


def simulate_history_day(
    config: Config, model: Model, day: date, seed: int, next_id: int, officers: list[tuple[str, int]]
) -> MemoryOffice:
    """One past office day, played in memory."""
    rng = random.Random(f"{seed}:{day.isoformat()}")
    office = MemoryOffice(config, day, next_id, rng)
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
    from server.reports import queries

    model = Model.for_config(config, visitors)
    staff = staff_per_counter(config, model)
    officers, n = [], itertools.count(1)
    for counter in config.counters:
        officers += [(f"petugas{next(n)}", counter.id) for _ in range(staff[counter.id])]
    if not days:
        return 0
    taken = queries.days_with_tickets(store.read(), days[0].isoformat(), days[-1].isoformat())
    written = 0
    for index, day in enumerate(d for d in days if d.isoformat() not in taken):
        office = simulate_history_day(config, model, day, seed, 1, officers)
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
    from server.reports import queries
    from server.reports.queries import HISTORY_TICKET_COLUMNS

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
            for simulated, real in zip(chunk, queries.insert_history_tickets(conn, rows), strict=True):
                ids[simulated[0]] = real
            mine = {t[0] for t in chunk}
            queries.insert_history(
                conn,
                [],
                [(ids[e[0]], *e[1:]) for e in events if e[0] in mine],
                [],
                [(ids[r[0]], *r[1:]) for r in surveys if r[0] in mine],
            )
    later = linked[1]
    with store.write() as conn:
        queries.insert_history(conn, [], [], sequences, [])
        queries.link_transfers(conn, [(ids[t[later]], ids[t[0]]) for t in tickets if t[later] is not None])
    return len(tickets)


def _history_rows(office: MemoryOffice) -> tuple[list, list, list, list]:
    """A simulated day's ticket rows (HISTORY_TICKET_COLUMNS order), events, day sequences and
    survey answers, with the simulated ticket ids."""
    from server.reports.queries import HISTORY_TICKET_COLUMNS

    tickets = [tuple(t[c] for c in HISTORY_TICKET_COLUMNS) for t in office.tickets.values()]
    events = sorted(office.events, key=lambda e: e[2])
    sequences = [(office.day, code, last) for code, last in office.sequences.items()]
    return tickets, events, sequences, office.surveys()


def run_history(args: argparse.Namespace) -> int:
    """``loket simulate --history DAYS``: write past days into the data folder's database."""
    from server.core.rules import utc_now
    from server.core.storage import Store
    from server.office import DB_NAME, default_data_dir, prepare_data_dir

    if hasattr(os, "nice"):
        os.nice(10)  # a batch job beside a live office: the server's requests go first
    data_dir = default_data_dir() if not args.data else __import__("pathlib").Path(args.data)
    config = prepare_data_dir(data_dir)
    tz = config.office.tz
    until = (
        date.fromisoformat(args.until) if args.until else utc_now().astimezone(tz).date() - timedelta(days=1)
    )
    days = history_days(until, args.history, config.office.days)
    store = Store(data_dir / DB_NAME)
    began = time.monotonic()
    try:
        written = write_history(
            store, config, days, args.seed, args.visitors or 1150, lambda message: print(message, flush=True)
        )
    finally:
        store.close()
    print(f"Riwayat: {written} tiket dalam {len(days)} hari kerja, {time.monotonic() - began:.1f} detik.")
    return 0
