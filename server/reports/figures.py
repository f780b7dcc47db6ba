"""A report's figures for a period, computed from the database and kept while they hold.

A period is read as calendar months. Each month's facts — counts per group, the waiting and
service times as sorted arrays, the worst tickets — are kept while the month's day versions
(raised by triggers on every ticket write) stay the same, so during office hours a year is read as
the kept past months and the current one. What is kept belongs to one :class:`Figures`, and each
app has its own (:func:`server.reports.routes.app_figures`); :mod:`server.reports.routes` shows
and exports the figures.
"""

from __future__ import annotations

import threading
from array import array
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from server.reports import queries
from server.reports.assemble import DIMENSIONS, Report, Standard, assemble_report, times_by_dimension
from server.reports.periods import Period, month_period
from server.reports.stats import SortedRuns, estimate_accuracy
from server.survey import ikm
from server.survey import queries as survey_queries

# Two threads for every app: the report's queries use the second core, and no more.
_helper = ThreadPoolExecutor(max_workers=2, thread_name_prefix="loket-reports")
CACHE_SIZE = 12
# A month's facts keep its times as 4-byte arrays: about 1 MB for a busy month.
MONTH_CACHE_SIZE = 40


def standards(config) -> dict[str, Standard]:
    """Each service's standards in seconds."""
    return {
        s.code: Standard(s.standard_wait_minutes * 60, s.standard_service_minutes * 60)
        for s in config.all_services
    }


@dataclass
class _Facts:
    """What one stretch of days contributes to a report."""

    group_rows: list
    day_rows: list
    # per dimension (service, counter, officer, hour, "all"): key → (sorted array, its sum)
    waits: list[dict]
    served: list[dict]
    worst: list[tuple[int, float]]


class Figures:
    """The report figures one app keeps: the last reports, and the facts of the last months read."""

    def __init__(self):
        self._lock = threading.Lock()
        self.reports: OrderedDict = OrderedDict()
        self.months: OrderedDict = OrderedDict()

    def clear(self) -> None:
        """Forget what is kept (the benchmark's from-scratch runs)."""
        with self._lock:
            self.reports.clear()
            self.months.clear()

    def compute(self, store, config, period: Period, exceeded_limit: int = 25) -> dict:
        """Everything a report shows for a period (no Flask needed: the benchmark calls this).

        A period is read as calendar months (clipped to the period). Each month's facts — counts,
        times per group, worst tickets — are kept while that month's tickets stay the same, checked
        by :func:`queries.fingerprint`; so a year whose past months have not changed reads only the
        current month again. The survey and the flagged list are read fresh each time.
        """
        first, last = period.start.isoformat(), period.end.isoformat()
        known = standards(config)
        # Read beside the ticket figures, in a helper thread.
        survey = _helper.submit(
            lambda: ikm.survey_results(survey_queries.survey_sums(store.read(), first, last))
        )
        flagged = _helper.submit(lambda: queries.flagged_tickets(store.read(), first, last))
        comments = _helper.submit(lambda: survey_queries.survey_comments(store.read(), first, last))
        promises = _helper.submit(
            lambda: estimate_accuracy(queries.estimate_outcomes(store.read(), first, last))
        )
        conn = store.read()
        noon = datetime.combine(period.start, time(12), config.office.tz)
        offset = int(noon.utcoffset().total_seconds())
        setting = (store.path, tuple(sorted(known.items())), offset, exceeded_limit)
        months = _month_pieces(period)
        prints = _helper.map(
            lambda piece: queries.fingerprint(store.read(), piece[0].isoformat(), piece[1].isoformat()),
            months,
        )
        pieces = [(a, b, print_) for (a, b), print_ in zip(months, prints, strict=True)]
        key = (setting, period, tuple(pieces))
        with self._lock:
            report = self.reports.get(key)
            if report is not None:
                self.reports.move_to_end(key)
        if report is None:
            report = merge(self.month_facts(store, setting, known, pieces), period, exceeded_limit)
            with self._lock:
                self.reports[key] = report
                while len(self.reports) > CACHE_SIZE:
                    self.reports.popitem(last=False)
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

    def month_facts(self, store, setting: tuple, known: dict, pieces: list[tuple]) -> list[_Facts]:
        """The facts of each (first day, last day, fingerprint) piece: kept ones, and the others
        read all at once — their queries queued on the helper threads, this thread grouping each
        piece's times as soon as they arrive."""
        keys = [(setting, first_day, last_day, print_) for first_day, last_day, print_ in pieces]
        with self._lock:
            found = [self.months.get(key) for key in keys]
            for key, facts in zip(keys, found, strict=True):
                if facts is not None:
                    self.months.move_to_end(key)
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
            with self._lock:
                self.months[keys[i]] = found[i]
                while len(self.months) > MONTH_CACHE_SIZE:
                    self.months.popitem(last=False)
        return found


def _month_pieces(period: Period) -> list[tuple[date, date]]:
    """The period cut at month ends."""
    pieces, start = [], period.start
    while start <= period.end:
        following = month_period(start.replace(day=1)).end + timedelta(days=1)
        end = min(period.end, following - timedelta(days=1))
        pieces.append((start, end))
        start = end + timedelta(days=1)
    return pieces


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
    waits, served = times_by_dimension(groups.result())
    packed = [
        [{k: (array("i", v), sum(v)) for k, v in by_key.items()} for by_key in side]
        for side in (waits, served)
    ]
    counts = [row[:-2] for row in groups.result()]  # the times are kept packed, not as text
    return _Facts(counts, days.result(), packed[0], packed[1], worst.result())


def merge(facts: list[_Facts], period: Period, exceeded_limit: int) -> Report:
    """One report from the facts of its months."""
    group_rows = [row for f in facts for row in f.group_rows]
    day_rows = [row for f in facts for row in f.day_rows]
    sides = []
    for side in ("waits", "served"):
        merged = []
        for dimension in range(len(DIMENSIONS) + 1):
            parts = [getattr(f, side)[dimension] for f in facts]
            keys = {k for part in parts for k in part}
            # Each month's values stay apart, sorted, with their sum: nothing is merged.
            merged.append(
                {
                    k: SortedRuns(
                        [part[k][0] for part in parts if k in part],
                        [part[k][1] for part in parts if k in part],
                    )
                    for k in keys
                }
            )
        sides.append(merged)
    worst = sorted((row for f in facts for row in f.worst), key=lambda row: (-row[1], row[0]))
    return assemble_report(
        group_rows,
        day_rows,
        sides[0],
        sides[1],
        [ticket_id for ticket_id, _ in worst[:exceeded_limit]],
        period,
    )
