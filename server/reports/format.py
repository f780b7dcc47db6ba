"""How the reports write numbers, dates, times and durations: Indonesian conventions via Babel
(``12,5%``, ``1.234``, ``Senin, 30 November 2026``, ``09.15``), for the pages, the printable
report, the XLSX summary and the charts' labels."""

from __future__ import annotations

from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal

from server.reports.periods import Period

LOCALE = "id"


class Formats:
    """Number, time and date formatting for the templates (Indonesian conventions, via Babel)."""

    def __init__(self, config, names: dict[str, str] | None = None):
        self.config = config
        self.tz = config.office.tz
        self.names = names or {}

    def duration(self, seconds) -> str:
        """12:05 (minutes:seconds), 1.02:05 past an hour; – when unknown."""
        if seconds is None:
            return "–"
        seconds = int(round(seconds))
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}.{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

    def percent(self, value) -> str:
        return "–" if value is None else format_decimal(value, "#,##0.0", locale=LOCALE) + "%"

    def number(self, value) -> str:
        return "–" if value is None else format_decimal(value, locale=LOCALE)

    def decimal(self, value, digits: int = 2) -> str:
        return "–" if value is None else format_decimal(value, "#,##0." + "0" * digits, locale=LOCALE)

    def month_name(self, month: int) -> str:
        """Januari … Desember."""
        return format_date(date(2000, month, 1), "MMMM", locale=LOCALE)

    def date(self, value, pattern: str = "d MMMM y") -> str:
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return format_date(value, pattern, locale=LOCALE)

    def time(self, at) -> str:
        return "–" if at is None else datetime.fromtimestamp(at, self.tz).strftime("%H.%M")

    def moment(self, at) -> str:
        if at is None:
            return "–"
        local = datetime.fromtimestamp(at, self.tz)
        return format_date(local.date(), "d MMM y", locale=LOCALE) + local.strftime(" %H.%M")

    def service(self, code) -> str:
        service = self.config.service(code)
        return service.name if service else str(code)

    def officer(self, username) -> str:
        """An officer by full name when the admin gave one, else by sign-in name."""
        if not username:
            return "–"
        return self.names.get(username) or str(username)

    def counter(self, counter_id) -> str:
        counter = self.config.counter(counter_id) if counter_id is not None else None
        return counter.name if counter else ("–" if counter_id is None else f"Loket {counter_id}")

    def hour(self, hour) -> str:
        return f"{int(hour):02d}.00–{(int(hour) + 1) % 24:02d}.00"

    def period(self, period: Period) -> str:
        """How a period is named in a title."""
        if period.view == "day":
            return format_date(period.start, "EEEE, d MMMM y", locale=LOCALE)
        if period.view == "month":
            return format_date(period.start, "MMMM y", locale=LOCALE)
        if period.view == "year":
            return f"Tahun {period.start.year}"
        return f"{self.date(period.start)} – {self.date(period.end)}"


def bucket_label(bucket: str) -> str:
    """A compliance chart's x label: a month (``2026-11``: "Nov 2026") or a day ("30 Nov")."""
    if len(bucket) == 7:
        return format_date(date.fromisoformat(bucket + "-01"), "MMM y", locale=LOCALE)
    return format_date(date.fromisoformat(bucket), "d MMM", locale=LOCALE)


def chart_data(config, figures: dict) -> dict:
    """What reports.js draws, as JSON."""
    charts = figures["report"].charts
    return {
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "standard_wait_minutes": s.standard_wait_minutes,
                "standard_service_minutes": s.standard_service_minutes,
            }
            for s in config.all_services
        ],
        **charts,
        "bucket_labels": [bucket_label(b) for b in charts["buckets"]],
    }
