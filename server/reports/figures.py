"""A report's figures for a period, computed from the database and kept while they hold.

A period is read as calendar months. Each month's facts — counts per group, the waiting and
service times as sorted arrays, the worst tickets — are kept while the month's day versions
(raised by triggers on every ticket write) stay the same, so during office hours a year is read as
the kept past months and the current one. :mod:`server.reports.routes` shows and exports them.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from server.reports import queries
from server.reports import stats as reports
from server.reports.stats import Period, Standard


def standards(config) -> dict[str, Standard]:
    """Each service's standards in seconds."""
    return {
        s.code: Standard(s.standard_wait_minutes * 60, s.standard_service_minutes * 60)
        for s in config.all_services
    }


_helper = ThreadPoolExecutor(max_workers=2, thread_name_prefix="loket-reports")
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 12
# A month's facts keep its times as 4-byte arrays: about 1 MB for a busy month.
_months: OrderedDict = OrderedDict()
MONTH_CACHE_SIZE = 40


def compute(store, config, period: Period, exceeded_limit: int = 25) -> dict:
    """Everything a report shows for a period (no Flask needed: the benchmark calls this).

    A period is read as calendar months (clipped to the period). Each month's facts — counts,
    times per group, worst tickets — are kept while that month's tickets stay the same, checked
    by :func:`report_queries.fingerprint`; so a year whose past months have not changed reads
    only the current month again. The survey and the flagged list are read fresh each time.
    """
    first, last = period.start.isoformat(), period.end.isoformat()
    known = standards(config)
    # Read beside the ticket figures, in a helper thread.
    survey = _helper.submit(lambda: reports.survey_results(queries.survey_sums(store.read(), first, last)))
    flagged = _helper.submit(lambda: queries.flagged_tickets(store.read(), first, last))
    comments = _helper.submit(lambda: queries.survey_comments(store.read(), first, last))
    promises = _helper.submit(
        lambda: reports.estimate_accuracy(queries.estimate_outcomes(store.read(), first, last))
    )
    conn = store.read()
    noon = datetime.combine(period.start, time(12), config.office.tz)
    offset = int(noon.utcoffset().total_seconds())
    setting = (store.path, tuple(sorted(known.items())), offset, exceeded_limit)
    months = _month_pieces(period)
    prints = _helper.map(
        lambda piece: queries.fingerprint(store.read(), piece[0].isoformat(), piece[1].isoformat()), months
    )
    pieces = [(a, b, print_) for (a, b), print_ in zip(months, prints, strict=True)]
    key = (setting, period, tuple(pieces))
    with _cache_lock:
        report = _cache.get(key)
        if report is not None:
            _cache.move_to_end(key)
    if report is None:
        facts = _month_facts(store, setting, known, pieces)
        report = _merge(facts, period, exceeded_limit)
        with _cache_lock:
            _cache[key] = report
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    details = queries.tickets_by_id(conn, report.exceeded_ids)
    return {
        "period": period,
        "report": report,
        "exceeded": [details[i] for i in report.exceeded_ids if i in details],
        "flagged": flagged.result(),
        "survey": survey.result(),
        "comments": comments.result(),
        "estimates": promises.result(),
    }


def _month_pieces(period: Period) -> list[tuple[date, date]]:
    """The period cut at month ends."""
    pieces, start = [], period.start
    while start <= period.end:
        following = reports.month_period(start.replace(day=1)).end + timedelta(days=1)
        end = min(period.end, following - timedelta(days=1))
        pieces.append((start, end))
        start = end + timedelta(days=1)
    return pieces


@dataclass
class _Facts:
    """What one stretch of days contributes to a report."""

    group_rows: list
    day_rows: list
    # per dimension (service, counter, officer, hour, "all"): key → (sorted array, its sum)
    waits: list[dict]
    served: list[dict]
    worst: list[tuple[int, float]]


def _month_facts(store, setting: tuple, known: dict, pieces: list[tuple]) -> list[_Facts]:
    """The facts of each (first day, last day, fingerprint) piece: kept ones, and the others read
    all at once — their queries queued on the helper threads, this thread grouping each piece's
    times as soon as they arrive."""
    keys = [(setting, first_day, last_day, print_) for first_day, last_day, print_ in pieces]
    with _cache_lock:
        found = [_months.get(key) for key in keys]
        for key, facts in zip(keys, found, strict=True):
            if facts is not None:
                _months.move_to_end(key)
    missing = [i for i, facts in enumerate(found) if facts is None]
    offset, exceeded_limit = setting[2], setting[3]
    queued = {
        i: _queue_reads(
            store, known, pieces[i][0].isoformat(), pieces[i][1].isoformat(), offset, exceeded_limit
        )
        for i in missing
    }
    for i in missing:
        found[i] = _facts_from(*queued[i])
        with _cache_lock:
            _months[keys[i]] = found[i]
            while len(_months) > MONTH_CACHE_SIZE:
                _months.popitem(last=False)
    return found


def _queue_reads(store, known: dict, first: str, last: str, offset: int, exceeded_limit: int) -> tuple:
    """One stretch's queries, on the helper threads (SQLite works without Python's lock, so they
    use the second core)."""
    return (
        _helper.submit(lambda: queries.group_counts(store.read(), first, last, known, offset)),
        _helper.submit(lambda: queries.day_counts(store.read(), first, last, known, offset)),
        _helper.submit(
            lambda: queries.worst_exceeded_scored(store.read(), first, last, known, exceeded_limit)
        ),
    )


def _facts_from(groups, days, worst) -> _Facts:
    waits, served = reports.times_by_dimension(groups.result())
    packed = [
        [{k: (array("i", v), sum(v)) for k, v in by_key.items()} for by_key in side]
        for side in (waits, served)
    ]
    counts = [row[:-2] for row in groups.result()]  # the times are kept packed, not as text
    return _Facts(counts, days.result(), packed[0], packed[1], worst.result())


def _merge(facts: list[_Facts], period: Period, exceeded_limit: int) -> reports.Report:
    """One report from the facts of its months."""
    group_rows = [row for f in facts for row in f.group_rows]
    day_rows = [row for f in facts for row in f.day_rows]
    sides = []
    for side in ("waits", "served"):
        merged = []
        for dimension in range(len(reports.DIMENSIONS) + 1):
            parts = [getattr(f, side)[dimension] for f in facts]
            keys = {k for part in parts for k in part}
            # Each month's values stay apart, sorted, with their sum: nothing is merged.
            merged.append(
                {
                    k: reports.SortedRuns(
                        [part[k][0] for part in parts if k in part],
                        [part[k][1] for part in parts if k in part],
                    )
                    for k in keys
                }
            )
        sides.append(merged)
    worst = sorted((row for f in facts for row in f.worst), key=lambda row: (-row[1], row[0]))
    return reports.assemble_report(
        group_rows,
        day_rows,
        sides[0],
        sides[1],
        [ticket_id for ticket_id, _ in worst[:exceeded_limit]],
        period,
    )


def clear_cache() -> None:
    """Forget the kept report figures (tests and the benchmark's from-scratch runs)."""
    with _cache_lock:
        _cache.clear()
        _months.clear()
