"""The discrete-event day: visitors arrive and take numbers, officers call, serve, skip and
transfer, in simulated time. The office it acts on is given (:class:`~.http_office.HttpOffice`,
a running server; :class:`~.memory_office.MemoryOffice`, the rules in memory); so is the pace
(:class:`Pacer` sleeps so that a live run keeps to ``--speed``)."""

from __future__ import annotations

import heapq
import itertools
import random
import time
from dataclasses import replace

from .model import Model, Visitor, service_duration


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
            duration=service_duration(self.model, service, self.rng),
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
