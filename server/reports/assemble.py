"""A period's report assembled from its grouped rows, free of Flask and SQL: a row of counts and
time spreads per service, counter, officer and hour, the totals, and the series of the charts.

The rows come from :func:`server.reports.queries.group_counts` and ``day_counts`` (read month
by month and kept by :mod:`server.reports.figures`); the arithmetic on the times is
:mod:`server.reports.stats`.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import timedelta
from operator import add

from server.reports import stats
from server.reports.periods import Period, add_months
from server.reports.stats import Spread, histogram, natural_key, share

# The counts of every group, in this order (built from queries.group_counts, which counts per
# service, counter, officer, hour and status). "called" counts tickets that reached a counter;
# "wait_within" and "service_within" count measured times within the ticket's own service
# standard; "exceeded" counts tickets over either standard.
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
    """The waiting and service times of queries.group_counts rows (their last two columns,
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
        values = stats.as_runs(waits if name == "wait" else served)
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
    """queries.group_counts rows (per status) as keys + COUNT_FIELDS values."""
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
        first = add_months(first, 1)
    return months
