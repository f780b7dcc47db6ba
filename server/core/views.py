"""Views of the queue: stored rows turned into the JSON shapes of the public API (documented in
docs/api.md), and :class:`IssuedTicket`, the one value a kiosk tap produces for the kiosk's
answer, the printed ticket and its preview."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from server.core.estimate import Estimate
from server.core.outcome import Call
from server.core.rules import PRIORITY_REASONS, STATUS_LABELS, Status
from server.core.ticket_queue import TicketQueue
from server.core.tickets import TicketRow


def iso(at: float | None, tz: ZoneInfo) -> str | None:
    """Epoch seconds → ISO 8601 with the office's UTC offset."""
    if at is None:
        return None
    return datetime.fromtimestamp(at, tz).isoformat(timespec="seconds")


_UNSET = object()


def ticket_json(ticket: TicketRow, queue: TicketQueue, reason: bool = False, live=_UNSET) -> dict:
    """The public ticket object. The status-page token is never part of it; the priority
    *reason* only when ``reason`` (staff, the issuing kiosk, the visitor's own page) — screens
    and anything anonymous see only that a ticket is a priority one. ``live``: the ticket's live
    estimate when the caller has already worked it out."""
    config = queue.config
    tz = config.office.tz
    service = config.service(ticket.service)
    counter = config.counter(ticket.counter_id) if ticket.counter_id else None
    wait = ticket.called_at - ticket.issued_at if ticket.called_at else None
    if live is _UNSET:
        live = queue.estimator.now_for(ticket)
    served = (
        ticket.finished_at - ticket.started_at
        if ticket.finished_at is not None and ticket.started_at is not None
        else None
    )
    return {
        "id": ticket.id,
        "number": ticket.number,
        "service": ticket.service,
        "service_name": service.name if service else ticket.service,
        "status": ticket.status,
        "status_label": STATUS_LABELS[Status(ticket.status)],
        "priority": ticket.priority,
        "priority_reason": ticket.priority_reason if reason else None,
        "priority_label": PRIORITY_REASONS.get(ticket.priority_reason or "", "") if reason else "",
        "issued_at": iso(ticket.issued_at, tz),
        "arrived_at": iso(ticket.arrived_at, tz),
        "called_at": iso(ticket.called_at, tz),
        "last_called_at": iso(ticket.last_called_at, tz),
        "started_at": iso(ticket.started_at, tz),
        "finished_at": iso(ticket.finished_at, tz),
        "counter": {"id": counter.id, "name": counter.name} if counter else None,
        "call_count": ticket.call_count,
        "skip_count": ticket.skip_count,
        "wait_seconds": round(wait) if wait is not None else None,
        "service_seconds": round(served) if served is not None else None,
        "transferred_from": ticket.transferred_from,
        "transferred_to": ticket.transferred_to,
        "estimate": told_estimate(ticket),
        "estimate_now": live.as_json() if live else None,
    }


def told_estimate(ticket: TicketRow) -> dict | None:
    """The estimate the visitor was given at issue (seconds), as stored; None for tickets issued
    when no staffed counter served the service."""
    if ticket.estimate_seconds is None:
        return None
    return {
        "seconds": round(ticket.estimate_seconds),
        "low_seconds": round(ticket.estimate_low_seconds),
        "high_seconds": round(ticket.estimate_high_seconds),
    }


def stored_estimate(ticket: TicketRow) -> Estimate | None:
    """The estimate stored with a ticket at issue (None when no staffed counter served it)."""
    if ticket.estimate_seconds is None:
        return None
    return Estimate(
        round(ticket.estimate_seconds),
        round(ticket.estimate_low_seconds),
        round(ticket.estimate_high_seconds),
        ticket.estimate_forward_seconds or 0.0,
        ticket.estimate_spread_seconds or 0.0,
    )


def ticket_with_position(
    ticket: TicketRow, queue: TicketQueue, at_issue: bool = False, reason: bool = True
) -> dict:
    """The ticket plus people ahead and the wait estimate in words while it waits: the live one,
    or (``at_issue``) the one just stored with it, which the kiosk shows and prints. For its
    holder or staff, so with the priority reason unless told otherwise."""
    if at_issue:
        # Worked out once, when the ticket was issued: the answer, the print and the preview
        # all say the estimate stored with it, on the line as it stood then.
        ahead = queue.ahead(ticket) if ticket.status == Status.WAITING else 0
        live = stored_estimate(ticket) if ticket.status == Status.WAITING else None
    else:
        ahead, live = queue.position(ticket)
    body = ticket_json(ticket, queue, reason, live=live)
    shown = body["estimate"] if at_issue else body["estimate_now"]
    words = None
    if ticket.status == Status.WAITING:
        estimate = (
            None
            if shown is None
            else Estimate(shown["seconds"], shown["low_seconds"], shown["high_seconds"], 0.0, 0.0)
        )
        words = queue.estimator.describe(ticket.service, estimate, ticket.issued_at if at_issue else None)
    return {**body, "ahead": ahead, "estimate_minutes": _minutes(shown), "estimate_text": words}


@dataclass(frozen=True)
class IssuedTicket:
    """A ticket as a kiosk tap issued it, built once: the kiosk's answer (:attr:`json`), the
    printed ticket and its on-screen preview all read it."""

    ticket: TicketRow
    office_name: str
    service_name: str
    issued_at: datetime  # aware, office local time
    ahead: int
    estimate_minutes: int | None
    estimate_text: str | None
    priority_label: str
    status_url: str
    json: dict  # the public ticket with the people ahead and the estimate given at issue


def issued_ticket(ticket: TicketRow, queue: TicketQueue, status_url: str) -> IssuedTicket:
    """The :class:`IssuedTicket` of a ticket the kiosk has just issued (or, for a preview drawn
    again later, as it was issued)."""
    body = ticket_with_position(ticket, queue, at_issue=True)
    body["status_url"] = status_url
    config = queue.config
    return IssuedTicket(
        ticket=ticket,
        office_name=config.office.name,
        service_name=body["service_name"],
        issued_at=datetime.fromtimestamp(ticket.issued_at, config.office.tz),
        ahead=body["ahead"],
        estimate_minutes=body["estimate_minutes"],
        estimate_text=body["estimate_text"],
        priority_label=PRIORITY_REASONS.get(ticket.priority_reason or "", "Prioritas"),
        status_url=status_url,
        json=body,
    )


def _minutes(estimate: dict | None) -> int | None:
    return None if estimate is None else math.ceil(estimate["seconds"] / 60)


def services_json(queue: TicketQueue) -> list[dict]:
    """``GET /api/services`` items."""
    items = []
    for entry in queue.services_overview():
        service, available = entry["service"], entry["availability"]
        items.append(
            {
                "code": service.code,
                "name": service.name,
                "description": service.description,
                "waiting": entry["waiting"],
                "open": available.open,
                "closed_reason": available.reason,
                "closed_code": available.code,
                "estimate_minutes": _minutes(entry["estimate"].as_json() if entry["estimate"] else None),
                "estimate": entry["estimate"].as_json() if entry["estimate"] else None,
                "estimate_text": entry["estimate_text"],
                "standard_wait_minutes": service.standard_wait_minutes,
                "standard_service_minutes": service.standard_service_minutes,
                "daily_quota": service.daily_quota,
                "counters": [c.id for c in queue.config.counters if service.code in c.services],
            }
        )
    return items


def call_json(call: Call, queue: TicketQueue, announcement: dict) -> dict:
    """The ``ticket_called`` payload."""
    return {
        "ticket": ticket_json(call.ticket, queue),
        "counter": {"id": call.counter.id, "name": call.counter.name},
        "recall": call.recall,
        "called_at": iso(call.called_at, queue.config.office.tz),
        "announcement": announcement,
    }


def state_json(queue: TicketQueue) -> dict:
    """``GET /api/state`` and the socket ``state`` event: what every screen needs to redraw."""
    tz = queue.config.office.tz
    counters = [
        {
            "id": counter.id,
            "name": counter.name,
            "services": list(counter.services),
            "current": ticket_json(ticket, queue) if ticket else None,
        }
        for counter, ticket in queue.counters_overview()
    ]
    recent = []
    for call, ticket in queue.recent_calls(10):
        counter = queue.config.counter(call["counter_id"]) if call["counter_id"] else None
        recent.append(
            {
                "ticket": ticket_json(ticket, queue),
                "number": ticket.number,
                "counter": {"id": counter.id, "name": counter.name} if counter else None,
                "recall": call["kind"] == "recalled",
                "called_at": iso(call["at"], tz),
            }
        )
    office = queue.config.office
    return {
        "office": {
            "name": office.name,
            "short_name": office.short_name,
            "timezone": office.timezone,
            "running_text": office.running_text,
        },
        "services": [{"code": s.code, "name": s.name} for s in queue.config.services],
        "counters": counters,
        "recent_calls": recent,
        "waiting": queue.waiting_counts(),
        "highlight_seconds": queue.config.queue.highlight_seconds,
        "voice": {"enabled": queue.config.voice.enabled, "output": queue.config.voice.output},
        # The TV's media area follows the admin's changes without a reload.
        "display": {
            "media": queue.config.display.media_urls,
            "slide_seconds": queue.config.display.slide_seconds,
        },
        "server_time": queue.now().astimezone(tz).isoformat(timespec="seconds"),
    }
