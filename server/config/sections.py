"""The office's own tables of loket.toml: ``[office]``, ``[queue]``, ``[survey]``, ``[security]``
and ``[display]``, each declared once (:mod:`server.config.fields`). ``[voice]``, ``[printer]`` and
``[backup]`` are declared the same way in their own packages."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import ClassVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.config.fields import Section, setting

WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
MEDIA_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".mp4", ".webm")
_HOURS_RE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")


@dataclass(frozen=True)
class Hours:
    """Daily opening hours; ``closes`` may be 24:00 (represented as ``None``)."""

    opens: time
    closes: time | None

    def contains(self, moment: time) -> bool:
        """True when ``moment`` (local) is inside the hours."""
        if moment < self.opens:
            return False
        return self.closes is None or moment < self.closes

    @property
    def label_opens(self) -> str:
        """Opening time as the office writes it (08.00)."""
        return self.opens.strftime("%H.%M")


def parse_hours(value: str) -> Hours:
    """Opening hours written "07:30-16:00" ("00:00-24:00": all day); ValueError when wrong."""
    match = _HOURS_RE.match(value.strip())
    if not match:
        raise ValueError(f'must look like "07:30-16:00" (got {value!r})')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise ValueError(f"not a valid time range (got {value!r})")
    opens = time(h1, m1)
    closes = None if h2 == 24 else time(h2, m2)
    if closes is not None and closes <= opens:
        raise ValueError(f"closing time must be after opening time (got {value!r})")
    return Hours(opens, closes)


def hours_text(hours: Hours) -> str:
    """Hours back to their "07:30-16:00" form."""
    closes = hours.closes.strftime("%H:%M") if hours.closes else "24:00"
    return f"{hours.opens.strftime('%H:%M')}-{closes}"


def _timezone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


def _days(days: tuple) -> tuple[int, ...]:
    bad = [d for d in days if d not in WEEKDAYS]
    if bad:
        raise ValueError(f"unknown day {bad[0]!r} (use {', '.join(WEEKDAYS)})")
    return tuple(sorted({WEEKDAYS.index(d) for d in days}))


@dataclass(frozen=True)
class Office(Section):
    """The office: its names, time zone, opening hours and days, and its head for reports."""

    TABLE: ClassVar[str] = "office"

    name: str = setting(strip=True, empty=False)
    short_name: str = setting("", derive=lambda values: values["name"], doc_default="same as `name`")
    timezone: str = setting("Asia/Jakarta", check=_timezone)
    hours: Hours = setting(Hours(time(7, 30), time(16)), kind=str, check=parse_hours, dump=hours_text)
    days: tuple[int, ...] = setting(
        (0, 1, 2, 3, 4), kind=list, check=_days, dump=lambda days: [WEEKDAYS[d] for d in days]
    )
    running_text: str = setting("", longest=500)
    head_name: str = setting("")
    head_nip: str = setting("")

    @property
    def tz(self) -> ZoneInfo:
        """The office's time zone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class QueueSettings(Section):
    """How the queue is called: the priority cap, skipped tickets, the TV's highlight, the kiosk's
    flood guard."""

    TABLE: ClassVar[str] = "queue"

    max_priority_in_row: int = setting(3, low=0, high=100)
    skip_returns: int = setting(1, low=0, high=10)
    highlight_seconds: int = setting(30, low=0, high=3600)
    kiosk_limit_per_minute: int = setting(30, low=0, high=100000)


@dataclass(frozen=True)
class SurveySettings(Section):
    """The satisfaction survey: "ikm" (nine elements, 1–4), "smiley" (one four-face rating), or
    "" for the usual split (nine elements on the phone, smileys on the counter tablet)."""

    TABLE: ClassVar[str] = "survey"

    mode: str = setting("", choices=("ikm", "smiley", ""))


def _hosts(hosts: tuple) -> tuple[str, ...]:
    if not all(isinstance(h, str) and h and len(h) <= 253 for h in hosts):
        raise ValueError('must be a list of host names, e.g. ["loket.kantor.go.id"]')
    return tuple(h.lower() for h in hosts)


@dataclass(frozen=True)
class SecuritySettings(Section):
    """Sessions: a signed-in user who does nothing for ``idle_minutes`` must sign in again.
    Anonymous clients (visitors' phones; not enrolled devices, not staff): at most
    ``sockets_per_address`` open Socket.IO connections from one address and
    ``anonymous_sockets`` in all; any client at most ``connections_per_address`` TCP connections
    and the server ``max_connections`` for anyone, with 200 more kept for enrolled devices and
    staff."""

    TABLE: ClassVar[str] = "security"

    idle_minutes: int = setting(30, low=1)
    sockets_per_address: int = setting(200, low=1)
    anonymous_sockets: int = setting(3000, low=1)
    connections_per_address: int = setting(400, low=1)
    max_connections: int = setting(5000, low=1)
    trusted_proxies: int = setting(0, low=0)
    secure_cookies: bool = setting(False)
    allowed_hosts: tuple[str, ...] = setting((), check=_hosts)


def _media(names: tuple) -> tuple:
    for name in names:
        if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
            raise ValueError(f"{name!r} must be a file name inside the data folder's media/")
        if not name.lower().endswith(MEDIA_SUFFIXES):
            raise ValueError(f"{name!r} is not an image or video ({', '.join(MEDIA_SUFFIXES)})")
    return names


@dataclass(frozen=True)
class DisplaySettings(Section):
    """The waiting-room TV: optional media (files in the data folder's ``media/``)."""

    TABLE: ClassVar[str] = "display"

    media: tuple[str, ...] = setting((), check=_media)
    slide_seconds: int = setting(10, low=3)

    @property
    def media_urls(self) -> list[str]:
        """Where the display fetches each media file."""
        return [f"/media/{name}" for name in self.media]
