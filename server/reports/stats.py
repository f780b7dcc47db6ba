"""Report arithmetic, free of Flask and SQL: percentiles, compliance with a standard, the spread
of a group's times, and how good the wait estimates were.

Everything here takes plain values (sorted whole seconds, standards in minutes) so it can be
checked by hand. Definitions used by every report, export and test:

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

import math
import re
from bisect import bisect_left, bisect_right
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

HISTOGRAM_BINS = 31  # whole minutes 0..29 and "30 or more"


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


def as_runs(values) -> SortedRuns:
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

    def as_dict(self) -> dict:
        return {
            "count": self.count,
            "average": self.average,
            "median": self.median,
            "p90": self.p90,
            "within": self.within,
            "within_percent": self.within_percent,
        }


def histogram(ordered, bins: int = HISTOGRAM_BINS) -> list[int]:
    """Counts of sorted waiting times (seconds, a sorted list or SortedRuns) per whole minute; the
    last bin takes the rest."""
    values = as_runs(ordered)
    edges = [values.below(minute * 60) for minute in range(bins)] + [len(values)]
    return [edges[i + 1] - edges[i] for i in range(bins)]


def natural_key(value) -> tuple:
    """Sort key that orders numbers inside names by value: petugas2 before petugas10."""
    if not isinstance(value, str):
        return ((0, value, ""),)
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part.casefold())
        for part in re.split(r"(\d+)", value)
        if part
    )


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


def seconds_between(end, start) -> int | None:
    """Whole seconds between two times, rounded half up (as the report queries do); None when
    either is unknown."""
    return math.floor(end - start + 0.5) if end is not None and start is not None else None
