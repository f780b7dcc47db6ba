"""Report arithmetic, free of Flask and SQL: periods, percentiles, compliance, the IKM score.

Everything here takes plain values (rows as tuples, standards in seconds, dates) so it can be
checked by hand. Times are seconds.

Definitions used by every report, export and test:

- waiting time = first call − issue; service time = finish − start of service;
- a ticket is *within the standard* when its time is at most the service's standard
  (exactly on the standard counts as within);
- flagged tickets (times marked inaccurate) and expired tickets are left out of averages,
  percentiles and compliance, and are counted on their own; an unfinished ticket (still at a
  counter at midnight) keeps its waiting time, which was real, but has no service time;
- percentiles interpolate linearly between the closest ranks (numpy's default, Excel's
  PERCENTILE.INC); the median is the 50th percentile.
"""

from __future__ import annotations

import calendar
import math
import re
from bisect import bisect_left, bisect_right
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal
from operator import add

# ---- periods -------------------------------------------------------------------------------

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
            return month_period(_add_months(self.start, step))
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


def _add_months(first: date, months: int) -> date:
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


# ---- statistics ----------------------------------------------------------------------------


def percentile(ordered: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0–100) of an already sorted sequence; linear interpolation.

    None for an empty sequence.
    """
    if not ordered:
        return None
    rank = (len(ordered) - 1) * p / 100.0
    low = math.floor(rank)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class SortedRuns:
    """Several sorted sequences of whole seconds, read as one sorted sequence without merging them
    (a year is read as twelve months: no 300,000-value merge for a median).

    The i-th smallest value is found by bisecting the value range and counting with ``bisect`` in
    each run — exact, since the values are integers.
    """

    def __init__(self, runs: Iterable[Sequence[int]], totals: Iterable[int] | None = None):
        self.runs = [run for run in runs if len(run)]
        self.count = sum(len(run) for run in self.runs)
        self.total = sum(totals) if totals is not None else sum(sum(run) for run in self.runs)

    def __len__(self) -> int:
        return self.count

    def below(self, value: float) -> int:
        """How many values are smaller than ``value``."""
        return sum(bisect_left(run, value) for run in self.runs)

    def at(self, index: int) -> int:
        """The ``index``-th smallest value (0-based)."""
        if len(self.runs) == 1:
            return self.runs[0][index]
        low, high = min(run[0] for run in self.runs), max(run[-1] for run in self.runs)
        while low < high:  # the smallest v with more than ``index`` values <= v
            middle = (low + high) // 2
            if sum(bisect_right(run, middle) for run in self.runs) > index:
                high = middle
            else:
                low = middle + 1
        return low

    def percentile(self, p: float) -> float | None:
        """As :func:`percentile` on the merged values."""
        if not self.count:
            return None
        rank = (self.count - 1) * p / 100.0
        low = math.floor(rank)
        high = min(low + 1, self.count - 1)
        low_value = self.at(low)
        high_value = self.at(high) if high != low else low_value
        return low_value + (high_value - low_value) * (rank - low)


def _as_runs(values) -> SortedRuns:
    if isinstance(values, SortedRuns):
        return values
    values.sort()  # waits come sorted from the query: Timsort only checks them
    return SortedRuns([values])


def share(part: int, whole: int) -> float | None:
    """part / whole as a percentage, None when there is nothing to divide."""
    return 100.0 * part / whole if whole else None


@dataclass(frozen=True)
class Spread:
    """Count, mean, median, 90th percentile and compliance of one kind of time in one group."""

    count: int
    average: float | None
    median: float | None
    p90: float | None
    within: int

    @property
    def within_percent(self) -> float | None:
        """Share of measured tickets within the standard, in percent."""
        return share(self.within, self.count)

    @classmethod
    def of(cls, values: list[float], within: int) -> "Spread":
        """Summarise ``values`` (sorted here, in place)."""
        values.sort()
        average = sum(values) / len(values) if values else None
        return cls(len(values), average, percentile(values, 50), percentile(values, 90), within)

    def as_dict(self) -> dict:
        return {
            "count": self.count,
            "average": self.average,
            "median": self.median,
            "p90": self.p90,
            "within": self.within,
            "within_percent": self.within_percent,
        }


# ---- the report ----------------------------------------------------------------------------

# The counts of every group, in this order (built from report_queries.group_counts, which counts
# per service, counter, officer, hour and status). "called" counts tickets that reached a counter; "wait_within" and
# "service_within" count measured times within the ticket's own service standard; "exceeded"
# counts tickets over either standard.
COUNT_FIELDS = (
    "tickets",
    "issued",
    "called",
    "done",
    "no_show",
    "expired",
    "unfinished",
    "transferred",
    "cancelled",
    "open",
    "flagged",
    "wait_within",
    "service_within",
    "exceeded",
)
DIMENSIONS = ("service", "counter", "officer", "hour")
HISTOGRAM_BINS = 31  # whole minutes 0..29 and "30 or more"


@dataclass(frozen=True)
class Standard:
    """A service's published standards, in seconds."""

    wait: float
    service: float


@dataclass
class Report:
    """Every figure of one period: a row per group of each dimension, the totals, chart series,
    and the ids of the counted tickets that exceeded a standard (worst first)."""

    total: dict
    groups: dict[str, list[dict]]
    charts: dict
    exceeded_ids: list[int]
    exceeded_count: int


def times_by_dimension(group_rows: Iterable[tuple]) -> tuple[list[dict], list[dict]]:
    """The waiting and service times of report_queries.group_counts rows (their last two columns,
    comma-separated whole seconds) per key of each dimension — service, counter, officer, hour,
    then the whole ("all") — each list sorted."""
    waits = [defaultdict(list) for _ in range(5)]
    served = [defaultdict(list) for _ in range(5)]
    for row in group_rows:
        keys = (*row[:4], "all")
        for side, text in ((waits, row[-2]), (served, row[-1])):
            if not text:
                continue
            values = list(map(int, text.split(",")))
            for by_key, key in zip(side, keys, strict=True):
                if key is not None:  # (no report row has a None key)
                    by_key[key].extend(values)
    for by_key in (*waits, *served):
        for values in by_key.values():
            values.sort()
    return [dict(d) for d in waits], [dict(d) for d in served]


def _row(counts: list, waits: list, served: list) -> dict:
    row = dict(zip(COUNT_FIELDS, (int(c) for c in counts), strict=True))
    for name in ("wait", "service_time"):
        values = _as_runs(waits if name == "wait" else served)
        within = row.pop("wait_within" if name == "wait" else "service_within")
        row[name] = Spread(
            len(values),
            values.total / len(values) if len(values) else None,
            values.percentile(50),
            values.percentile(90),
            within,
        )
    return row


_STATUS_FIELD = {
    status: COUNT_FIELDS.index(status)
    for status in ("done", "no_show", "expired", "unfinished", "transferred", "cancelled")
}
_OPEN = COUNT_FIELDS.index("open")
_FLAGGED, _WAIT_WITHIN, _SERVICE_WITHIN, _EXCEEDED = (
    COUNT_FIELDS.index(name) for name in ("flagged", "wait_within", "service_within", "exceeded")
)


def _count_rows(group_rows: Iterable[tuple]) -> Iterator[list]:
    """report_queries.group_counts rows (per status) as keys + COUNT_FIELDS values."""
    for (
        service,
        counter,
        officer,
        hour,
        status,
        tickets,
        kiosk,
        flagged,
        wait_ok,
        served_ok,
        over,
        *_,
    ) in group_rows:
        counts = [0] * len(COUNT_FIELDS)
        counts[0], counts[1], counts[_FLAGGED] = tickets, kiosk, flagged
        counts[2] = tickets if counter is not None else 0
        counts[_STATUS_FIELD.get(status, _OPEN)] = tickets
        counts[_WAIT_WITHIN], counts[_SERVICE_WITHIN], counts[_EXCEEDED] = wait_ok, served_ok, over
        yield [service, counter, officer, hour, *counts]


def assemble_report(
    group_rows: Sequence[tuple],
    day_rows: Sequence[tuple],
    waits: list[dict],
    served: list[dict],
    worst_exceeded: list[int],
    period: Period,
) -> Report:
    """All figures of a period from its counts and its times grouped per dimension (each a
    SortedRuns, or a list, sorted here in place)."""
    sums: list[dict] = [{} for _ in range(5)]
    width = len(COUNT_FIELDS)
    zero = (0,) * width
    for counts in _count_rows(group_rows):
        values = counts[4:]
        for index, key in enumerate((*counts[:4], "all")):
            if key is not None:
                by_key = sums[index]
                by_key[key] = tuple(map(add, by_key.get(key, zero), values))
    groups = {}
    for index, name in enumerate(DIMENSIONS):
        groups[name] = [
            {"key": key, **_row(counts, waits[index].get(key, []), served[index].get(key, []))}
            for key, counts in sorted(sums[index].items(), key=lambda item: natural_key(item[0]))
        ]
    total = _row(sums[4].get("all", zero), waits[4].get("all", []), served[4].get("all", []))
    return Report(
        total=total,
        groups=groups,
        charts=_charts(waits[0], group_rows, day_rows, period),
        exceeded_ids=worst_exceeded,
        exceeded_count=total["exceeded"],
    )


def natural_key(value) -> tuple:
    """Sort key that orders numbers inside names by value: petugas2 before petugas10."""
    if not isinstance(value, str):
        return ((0, value, ""),)
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", value)
        if part
    )


def histogram(ordered, bins: int = HISTOGRAM_BINS) -> list[int]:
    """Counts of sorted waiting times (seconds, a sorted list or SortedRuns) per whole minute; the
    last bin takes the rest."""
    values = _as_runs(ordered)
    edges = [values.below(minute * 60) for minute in range(bins)] + [len(values)]
    return [edges[i + 1] - edges[i] for i in range(bins)]


def _charts(waits_by_service: dict, group_rows, day_rows, period: Period) -> dict:
    """Series of the three charts: wait distribution, arrivals per hour, compliance over time."""
    arrivals: Counter = Counter()
    for service, _, _, hour, _, _, issued, *_ in group_rows:
        if issued:
            arrivals[f"{hour}|{service}"] += int(issued)
    buckets: dict = defaultdict(lambda: [0, 0, 0, 0])
    open_days = set()
    for day, service, issued, waits, waits_within, served, served_within in day_rows:
        if issued:
            open_days.add(day)
        bucket = buckets[(day if period.daily else day[:7], service)]
        for i, value in enumerate((waits, waits_within, served, served_within)):
            bucket[i] += value
    measured_buckets = {bucket for bucket, _ in buckets}
    return {
        "wait_histogram": {code: histogram(values) for code, values in waits_by_service.items()},
        "arrivals": dict(arrivals),
        "open_days": len(open_days),
        "compliance": {
            f"{bucket}|{service}": [share(v[1], v[0]), share(v[3], v[2])]
            for (bucket, service), v in buckets.items()
        },
        # Days without any measured ticket (weekends, holidays) are left off the axis.
        "buckets": [b for b in _buckets(period) if b in measured_buckets],
    }


def _buckets(period: Period) -> list[str]:
    """The x axis of the compliance chart: every day, or every month, of the period."""
    if period.daily:
        return [(period.start + timedelta(days=i)).isoformat() for i in range(period.days)]
    months, first = [], period.start.replace(day=1)
    while first <= period.end:
        months.append(first.strftime("%Y-%m"))
        first = _add_months(first, 1)
    return months


def within_standard(seconds: float | None, standard_minutes: float) -> bool | None:
    """Whether a time is within a standard given in minutes; None when there is no time."""
    if seconds is None:
        return None
    return seconds <= standard_minutes * 60


# ---- how good the wait estimate was ---------------------------------------------------------


def estimate_accuracy(outcomes: Iterable[tuple]) -> dict[str, dict]:
    """Per service and for "all": how many called visitors had an estimate, the median absolute
    error (seconds) and the share (%) whose wait fell inside the range they were told, from
    (service, absolute error, inside) rows."""
    groups: dict[str, list] = defaultdict(list)
    for service, error, inside in outcomes:
        for key in (service, "all"):
            groups[key].append((error, bool(inside)))
    result = {}
    for key, rows in groups.items():
        errors = sorted(error for error, _ in rows)
        result[key] = {
            "count": len(rows),
            "median_abs_error": percentile(errors, 50),
            "inside_percent": share(sum(inside for _, inside in rows), len(rows)),
        }
    return result


# ---- satisfaction survey (IKM, PermenPAN-RB 14/2017) ---------------------------------------

# The nine elements (unsur) and the four answers of each, from worst (1) to best (4).
ELEMENTS: tuple[tuple[str, str, tuple[str, str, str, str]], ...] = (
    ("u1", "Persyaratan", ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai")),
    ("u2", "Sistem, mekanisme, dan prosedur", ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah")),
    ("u3", "Waktu penyelesaian", ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat")),
    ("u4", "Biaya/tarif", ("Sangat mahal", "Cukup mahal", "Murah", "Gratis")),
    (
        "u5",
        "Produk spesifikasi jenis pelayanan",
        ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
    ),
    ("u6", "Kompetensi pelaksana", ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten")),
    (
        "u7",
        "Perilaku pelaksana",
        ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah", "Sangat sopan dan ramah"),
    ),
    (
        "u8",
        "Penanganan pengaduan, saran dan masukan",
        ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal", "Dikelola dengan baik"),
    ),
    ("u9", "Sarana dan prasarana", ("Buruk", "Cukup", "Baik", "Sangat baik")),
)
ELEMENT_CODES = tuple(code for code, _, _ in ELEMENTS)
SMILEYS = ((1, "Tidak puas"), (2, "Kurang puas"), (3, "Puas"), (4, "Sangat puas"))

# (lowest score of the grade, grade, quality label), best first.
GRADES = (
    (Decimal("88.31"), "A", "Sangat Baik"),
    (Decimal("76.61"), "B", "Baik"),
    (Decimal("65.00"), "C", "Kurang Baik"),
    (Decimal("25.00"), "D", "Tidak Baik"),
)


def ikm_score(element_averages: Iterable[float]) -> Decimal | None:
    """IKM = the mean of the elements' average scores (each 1–4) × 25, rounded to 2 decimals.

    The regulation weighs each of the nine elements equally (1/9), which is this mean. A quick
    smiley rating is one element. None without answers.
    """
    values = [v for v in element_averages if v is not None]
    if not values:
        return None
    exact = Decimal(str(sum(values) / len(values))) * 25
    return exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def ikm_grade(score: Decimal | float | None) -> tuple[str, str] | None:
    """(grade, label) of a score at the official boundaries 88.31 / 76.61 / 65.00.

    The score is first rounded to two decimals, as published; below 65.00 is D (Tidak Baik).
    """
    if score is None:
        return None
    rounded = Decimal(str(score)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    for lowest, grade, label in GRADES:
        if rounded >= lowest:
            return grade, label
    return GRADES[-1][1], GRADES[-1][2]


@dataclass(frozen=True)
class SurveyResult:
    """Survey figures of one group (a service, a counter, the whole office)."""

    respondents: int
    element_averages: dict[str, float | None] = field(default_factory=dict)
    smiley_respondents: int = 0
    smiley_average: float | None = None
    smiley_counts: dict[int, int] = field(default_factory=dict)

    @property
    def score(self) -> Decimal | None:
        """IKM of the full nine-element answers."""
        return ikm_score(self.element_averages.values()) if self.respondents else None

    @property
    def grade(self) -> tuple[str, str] | None:
        return ikm_grade(self.score)

    @property
    def smiley_score(self) -> Decimal | None:
        """The quick rating on the same 25–100 scale."""
        return ikm_score([self.smiley_average]) if self.smiley_respondents else None

    @property
    def smiley_grade(self) -> tuple[str, str] | None:
        return ikm_grade(self.smiley_score)

    def as_dict(self) -> dict:
        grade, smiley_grade = self.grade, self.smiley_grade
        return {
            "respondents": self.respondents,
            "element_averages": self.element_averages,
            "score": float(self.score) if self.score is not None else None,
            "grade": grade[0] if grade else None,
            "grade_label": grade[1] if grade else None,
            "smiley_respondents": self.smiley_respondents,
            "smiley_average": self.smiley_average,
            "smiley_counts": self.smiley_counts,
            "smiley_score": float(self.smiley_score) if self.smiley_score is not None else None,
            "smiley_grade": smiley_grade[0] if smiley_grade else None,
            "smiley_grade_label": smiley_grade[1] if smiley_grade else None,
        }


def survey_results(rows: Iterable[Mapping]) -> dict[str, dict]:
    """:class:`SurveyResult` per group from report_queries.survey_sums rows:
    ``{"all": {"all": r}, "service": {code: r}, "counter": {id: r}}``."""
    sums: dict = {"all": {}, "service": {}, "counter": {}}
    fields = ("respondents", *ELEMENT_CODES, "rating", "r1", "r2", "r3", "r4")
    for row in rows:
        for by, key in (("all", "all"), ("service", row["service"]), ("counter", row["counter_id"])):
            if key is None:
                continue
            total = sums[by].setdefault(key, {"ikm": Counter(), "smiley": Counter()})[row["kind"]]
            for name in fields:
                total[name] += row[name] or 0
    return {by: {key: _survey_result(kinds) for key, kinds in groups.items()} for by, groups in sums.items()}


def _survey_result(kinds: dict) -> SurveyResult:
    full, quick = kinds["ikm"], kinds["smiley"]
    n, m = int(full["respondents"]), int(quick["respondents"])
    return SurveyResult(
        respondents=n,
        element_averages={code: full[code] / n for code in ELEMENT_CODES} if n else {},
        smiley_respondents=m,
        smiley_average=quick["rating"] / m if m else None,
        smiley_counts={i: int(quick[f"r{i}"]) for i in range(1, 5)},
    )
