"""How fast the reports are with a year of history (target: month and year ≤ 1 s).

    python bench/bench_reports.py                 # builds a year of history in a temporary folder
    python bench/bench_reports.py --data DIR      # an existing data folder (history written if empty)
    python bench/bench_reports.py --runs 15

Times one full report computation (every figure, chart series, exceeded and flagged lists and
the survey results: what ``/reports`` shows) for a day, a month and the year, several runs each,
and prints the median and the 99th percentile (nearest rank) as a table: "scratch" is the first
report after the server starts (nothing kept), "changed" the report after a ticket of its last
day changed (only that month is read again), "unchanged" a repeat of it (the figures are reused
after a fingerprint check of each month; survey and flags are read again).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from server import simulate
from server.config.data_dir import DB_NAME, prepare_data_dir  # noqa: E402
from server.core.storage import Store  # noqa: E402
from server.reports import figures as report_figures  # noqa: E402
from server.reports.periods import Period, month_period, year_period  # noqa: E402

TARGET_SECONDS = 1.0


def ensure_history(data_dir: Path, until: date, days: int, seed: int) -> tuple[Store, object, int]:
    """Open the data folder's database, writing ``days`` of history first when it has no tickets."""
    config = prepare_data_dir(data_dir, demo=False)
    store = Store(data_dir / DB_NAME)
    count = store.read().execute("SELECT COUNT(*) FROM tickets").fetchone()[0]
    if count == 0:
        began = time.perf_counter()
        count = simulate.write_history(
            store, config, simulate.history_days(until, days, config.office.days), seed, 1150
        )
        print(f"history: {count:,} tickets written in {time.perf_counter() - began:.1f} s", flush=True)
    return store, config, count


MODES = ("scratch", "changed", "unchanged")


def _touch_last_day(store, period: Period) -> None:
    """Change one ticket of the period's last day with tickets (flag it, or take the flag back), as a
    supervisor or the day's work would: the report must notice, and read that month again."""
    with store.write() as conn:
        row = conn.execute(
            "SELECT id FROM tickets WHERE day = (SELECT MAX(day) FROM tickets WHERE day BETWEEN ? AND ?) "
            "AND status = 'done' LIMIT 1",
            (period.start.isoformat(), period.end.isoformat()),
        ).fetchone()
        if row:
            conn.execute("UPDATE tickets SET flagged = 1 - flagged WHERE id = ?", (row[0],))


def measure(store, config, period: Period, runs: int, mode: str) -> list[float]:
    """Seconds of each of ``runs`` report computations (after one warm-up run).

    ``scratch``: nothing kept (the first report after the server starts); ``changed``: a ticket
    of the period's last day changed since the last view (the usual case during office hours);
    ``unchanged``: the same report viewed again.
    """
    figures = report_figures.Figures()  # what a server keeps
    figures.compute(store, config, period)
    times = []
    for _ in range(runs):
        if mode == "scratch":
            figures.clear()
        elif mode == "changed":
            _touch_last_day(store, period)
        began = time.perf_counter()
        figures.compute(store, config, period)
        times.append(time.perf_counter() - began)
    if mode == "changed" and runs % 2:
        _touch_last_day(store, period)  # leave the history as it was
    return times


def p99(values: list[float]) -> float:
    """The 99th percentile, nearest rank (the slowest run for fewer than 100 runs)."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(0.99 * len(ordered) + 0.5) - 1))]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", help="data folder (default: a new temporary one)")
    parser.add_argument("--runs", type=int, default=9)
    parser.add_argument("--days", type=int, default=365)
    parser.add_argument("--until", default="2026-11-27", help="last day of the history")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    until = date.fromisoformat(args.until)
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = Path(args.data) if args.data else Path(scratch) / "data"
        store, config, count = ensure_history(data_dir, until, args.days, args.seed)
        periods = [
            ("day", Period("day", until, until)),
            ("month", month_period(until.replace(day=1))),
            ("year", Period("range", until - timedelta(days=args.days - 1), until)),
            (f"calendar {until.year}", year_period(until.year)),
        ]
        print(f"\n{count:,} tickets; {args.runs} runs per report\n")
        print(
            f"{'report':<16}{'tickets':>10}  {'data':<10}{'median s':>9}{'p99 s':>9}  target ≤ {TARGET_SECONDS:g} s"
        )
        failed = False
        for name, period in periods:
            tickets = (
                store.read()
                .execute(
                    "SELECT COUNT(*) FROM tickets WHERE day BETWEEN ? AND ?",
                    (period.start.isoformat(), period.end.isoformat()),
                )
                .fetchone()[0]
            )
            for mode in MODES:
                times = measure(store, config, period, args.runs, mode)
                median, worst = statistics.median(times), p99(times)
                verdict = "ok" if median <= TARGET_SECONDS else "SLOW"
                failed = failed or verdict == "SLOW"
                first = mode == MODES[0]
                print(
                    f"{name if first else '':<16}{tickets if first else '':>10}  {mode:<10}"
                    f"{median:>9.3f}{worst:>9.3f}  {verdict}"
                )
        store.close()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
