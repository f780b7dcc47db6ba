"""Report periods, free of Flask and SQL: a day, a month, a year or a range of office-local days,
parsed from a reports URL (or the report form's date lists) and bounded to the years reports cover.

The messages of :class:`PeriodError` are for people (Indonesian): the pages and the JSON show them.
"""

from __future__ import annotations

import calendar
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta

MAX_RANGE_DAYS = 400


class PeriodError(ValueError):
    """A date or range the reports cannot use; the message is for people (Indonesian)."""


def parse_date(value: str | None, name: str) -> date:
    """An ISO date (YYYY-MM-DD) or PeriodError naming the parameter."""
    if not value:
        raise PeriodError(f"Parameter '{name}' wajib diisi dengan tanggal (YYYY-MM-DD).")
    try:
        if len(value) != 10:
            raise ValueError(value)
        return date.fromisoformat(value)
    except ValueError:
        raise PeriodError(
            f"Parameter '{name}' bukan tanggal yang valid: {value[:20]!r} (gunakan YYYY-MM-DD)."
        ) from None


def parse_month(value: str | None, name: str = "month") -> date:
    """The first day of a month given as YYYY-MM, or PeriodError."""
    try:
        if not value or len(value) != 7:
            raise ValueError(value)
        year, month = value.split("-")
        return date(int(year), int(month), 1)
    except ValueError:
        raise PeriodError(f"Parameter '{name}' harus berupa bulan (YYYY-MM).") from None


@dataclass(frozen=True)
class Period:
    """A report's date range (office-local days, both ends included) and how it was chosen."""

    view: str  # day | month | year | range
    start: date
    end: date

    @property
    def days(self) -> int:
        """How many calendar days the period spans."""
        return (self.end - self.start).days + 1

    @property
    def daily(self) -> bool:
        """Whether charts over the period go day by day (else month by month)."""
        return self.days <= 62

    def shifted(self, step: int) -> "Period":
        """The previous (-1) or next (+1) period of the same kind."""
        if self.view == "day":
            day = self.start + timedelta(days=step)
            return Period("day", day, day)
        if self.view == "month":
            return month_period(add_months(self.start, step))
        if self.view == "year":
            return year_period(self.start.year + step)
        length = timedelta(days=self.days)
        return Period("range", self.start + step * length, self.end + step * length)

    def query(self) -> dict[str, str]:
        """The URL parameters that select this period."""
        if self.view == "day":
            return {"view": "day", "date": self.start.isoformat()}
        if self.view == "month":
            return {"view": "month", "month": self.start.strftime("%Y-%m")}
        if self.view == "year":
            return {"view": "year", "year": str(self.start.year)}
        return {"view": "range", "from": self.start.isoformat(), "to": self.end.isoformat()}


def add_months(first: date, months: int) -> date:
    """The first day of the month ``months`` after (or before) the month starting on ``first``."""
    index = first.year * 12 + first.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def month_period(first: date) -> Period:
    """The calendar month that starts on ``first``."""
    last = calendar.monthrange(first.year, first.month)[1]
    return Period("month", first.replace(day=1), first.replace(day=last))


def year_period(year: int) -> Period:
    """A calendar year."""
    return Period("year", date(year, 1, 1), date(year, 12, 31))


def range_period(start: date, end: date) -> Period:
    """An explicit range; PeriodError when reversed or longer than :data:`MAX_RANGE_DAYS`."""
    if end < start:
        raise PeriodError("Tanggal akhir ('to') tidak boleh sebelum tanggal awal ('from').")
    if (end - start).days + 1 > MAX_RANGE_DAYS:
        raise PeriodError(f"Rentang tanggal paling panjang {MAX_RANGE_DAYS} hari.")
    return Period("range", start, end)


def combine_picked(args: Mapping[str, str]) -> dict[str, str]:
    """The report form's date lists (``date_d``, ``date_m``, ``date_y``; ``month_m``, ``month_y``;
    the same for ``from`` and ``to``) as the plain parameters ``date``, ``month``, ``from``, ``to``.
    The form uses lists because a browser's own date picker speaks the browser's language."""
    result = dict(args.items())
    for name in ("date", "from", "to", "month"):
        year, month, day = (args.get(f"{name}_{part}", "") for part in "ymd")
        if not (year.isdigit() and month.isdigit()) or result.get(name):
            continue
        if name == "month":
            result[name] = f"{int(year):04d}-{int(month):02d}"
        elif day.isdigit():
            result[name] = f"{int(year):04d}-{int(month):02d}-{int(day):02d}"
    return result


#: Reports cover these years: the previous and next period of any of them is still a date,
#: and times inside them convert to the office's timezone (year 1 and 9999 do not).
FIRST_YEAR, LAST_YEAR = 2000, 2099


def parse_period(args: Mapping[str, str], today: date) -> Period:
    """The period a reports URL asks for: ``view=day|month|year|range``; today by default."""
    return within_years(_parse_period(combine_picked(args), today))


def within_years(period: Period) -> Period:
    """``period`` if it lies in :data:`FIRST_YEAR`–:data:`LAST_YEAR`, else PeriodError."""
    if period.start.year < FIRST_YEAR or period.end.year > LAST_YEAR:
        raise PeriodError(f"Laporan tersedia untuk tahun {FIRST_YEAR}–{LAST_YEAR}.")
    return period


def _parse_period(args: Mapping[str, str], today: date) -> Period:
    view = args.get("view") or ("range" if args.get("from") or args.get("to") else "day")
    if view == "day":
        day = parse_date(args["date"], "date") if args.get("date") else today
        return Period("day", day, day)
    if view == "month":
        return month_period(parse_month(args["month"]) if args.get("month") else today.replace(day=1))
    if view == "year":
        value = args.get("year") or str(today.year)
        if not value.isdigit() or not 2000 <= int(value) <= 9999:
            raise PeriodError("Parameter 'year' harus berupa tahun (YYYY).")
        return year_period(int(value))
    if view == "range":
        return range_period(parse_date(args.get("from"), "from"), parse_date(args.get("to"), "to"))
    raise PeriodError("Parameter 'view' harus day, month, year atau range.")
