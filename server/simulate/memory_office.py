"""One past office day in memory, for ``--history``: the queue's own rules
(:mod:`server.core.rules`) applied to the simulated day, its tickets, events and survey answers
kept as rows ready for a bulk insert. Nothing here touches the database."""

from __future__ import annotations

import random
from datetime import date, datetime

from server.config.loader import Config
from server.core import rules

from .model import Visitor


def local_midnight(day: date, tz) -> float:
    """Epoch seconds of a local day's start."""
    return datetime.combine(day, datetime.min.time(), tz).timestamp()


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

    def __init__(self, config: Config, day: date, rng: random.Random):
        self.rules = rules
        self.config = config
        self.day = day.isoformat()
        self.midnight = local_midnight(day, config.office.tz)
        self.rng = rng
        self.next_id = 1  # simulated ids; the database gives the real ones (history._write_day)
        self.tickets: dict[int, dict] = {}
        self.waiting: dict[int, dict] = {}
        self.events: list[tuple] = []
        self.sequences: dict[str, int] = {}
        self.streaks: dict[int, int] = {}
        self.queue_seq = 0  # the queue order, as the server numbers it

    def _enter_queue(self) -> int:
        """The next place in the queue order (issued, sent back after a skip, transferred)."""
        self.queue_seq += 1
        return self.queue_seq

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
            "queue_seq": self._enter_queue(),
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
                self.rules.Candidate(x["id"], bool(x["priority"]), x["queue_seq"], x["skip_count"] > 0)
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
                status="waiting",
                counter_id=None,
                queued_at=at,
                queue_seq=self._enter_queue(),
                skip_count=ticket["skip_count"] + 1,
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
