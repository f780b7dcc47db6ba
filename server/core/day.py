"""The office's day: whether a service takes numbers now (working days, opening hours, the daily
quota), and the day change at local midnight, which closes earlier days' open tickets."""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from server.config.loader import Config
from server.config.services import Service
from server.core import tickets
from server.core.outcome import Outcome
from server.core.rules import Status


@dataclass(frozen=True)
class Availability:
    """Whether a service takes new tickets now, and why not."""

    open: bool
    code: str | None = None
    reason: str | None = None


def availability(config: Config, service: Service, now: datetime, issued_today: int) -> Availability:
    """Whether ``service`` takes new tickets at ``now``."""
    office = config.office
    local = now.astimezone(office.tz)
    hours = config.hours_for(service)
    if not service.enabled:
        return Availability(False, "service_closed", "Layanan sedang ditutup.")
    if not any(service.code in c.services for c in config.counters):
        return Availability(False, "service_closed", "Belum ada loket yang melayani layanan ini.")
    if local.weekday() not in office.days:
        return Availability(False, "service_closed", "Kantor tutup hari ini.")
    if local.time() < hours.opens:
        return Availability(False, "service_closed", f"Layanan dibuka pukul {hours.label_opens}.")
    if not hours.contains(local.time()):
        closes = hours.closes.strftime("%H.%M") if hours.closes else ""
        return Availability(False, "service_closed", f"Pengambilan nomor sudah ditutup pukul {closes}.")
    if service.daily_quota and issued_today >= service.daily_quota:
        return Availability(False, "quota_reached", "Kuota hari ini sudah habis.")
    return Availability(True)


def close_earlier_days(conn: sqlite3.Connection, today: str, tz: ZoneInfo, now: datetime) -> Outcome:
    """Close tickets of days before ``today`` at their day's end (local midnight): still waiting →
    expired; still called or being served → unfinished (no service time, out of the averages).
    Call inside a write transaction."""
    closed = []
    for ticket in tickets.stale_open_tickets(conn, today):
        day_end = datetime.combine(date.fromisoformat(ticket.day) + timedelta(days=1), time(), tz)
        at = min(now, day_end).timestamp()
        if ticket.status == Status.WAITING:
            tickets.update_ticket(conn, ticket.id, status=Status.EXPIRED, closed_at=at)
            tickets.add_event(conn, ticket.id, "expired", at, detail={"day": ticket.day})
        else:
            tickets.update_ticket(conn, ticket.id, status=Status.UNFINISHED, closed_at=at)
            tickets.add_event(
                conn,
                ticket.id,
                "unfinished",
                at,
                ticket.counter_id,
                detail={"day": ticket.day, "was": ticket.status},
            )
        closed.append(tickets.get_ticket(conn, ticket.id))
    return Outcome(changed=closed, queue_changed=bool(closed))
