"""How good is the wait estimate? Whole simulated days through the real routes.

    .venv/bin/python bench/estimate.py [--quick]

The app runs in-process with its injected clock and is driven through the Flask test client by
``loket simulate``'s visitor model (one officer per counter), day after day in one data folder,
so that the estimate learns as an office's would. For every ticket that was called, the estimate
given at issue (``estimate_seconds`` and its range, from the CSV export) is compared with the
actual wait (``wait_seconds``). Besides the plain loads, office patterns the simulator's default
does not make: a counter closing mid-morning, a slow officer, a burst of 30 arrivals in ten
minutes, and the first day of an office (no history at all).
"""

from __future__ import annotations

import argparse
import csv
import io
import random
import statistics
import sys
import tempfile
from contextlib import contextmanager
from dataclasses import replace
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import FakeClock, make_app, write_config  # noqa: E402
from servers import FlaskSession  # noqa: E402

from bench.harness import PASSWORD, markdown_table, percentile, stamp  # noqa: E402
from server import simulate  # noqa: E402
from server.webbase.auth import create_user  # noqa: E402

FIRST_DAY = date(2026, 11, 30)  # a Monday


class OfficeDay(simulate.Simulation):
    """A simulated day with an office pattern: a counter closing, a slow officer."""

    def __init__(self, *args, closes: dict | None = None, slow: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.closes = closes or {}  # officer -> seconds since midnight they sign out
        self.slow = slow or {}  # officer -> factor on their service times

    def _free(self, t, officer):
        leaves = self.closes.get(officer)
        if leaves is not None and t >= leaves:
            if officer not in self.office.gone:
                self.office.sign_out(officer)
            return
        super()._free(t, officer)

    def _start(self, t, officer, ticket):
        factor = self.slow.get(officer)
        if factor:
            self._visitors[ticket] = replace(
                self._visitors[ticket], duration=self._visitors[ticket].duration * factor
            )
        super()._start(t, officer, ticket)


class Office(simulate.HttpOffice):
    def __init__(self, url, session_factory):
        super().__init__(url, session_factory)
        self.gone: set = set()

    def sign_out(self, officer):
        self.gone.add(officer)
        self.sessions[officer[0]].post(self.url + "/api/logout")


@contextmanager
def in_process_office(prefix: str, start: datetime, replace_config: dict | None = None):
    """The app of a fresh data folder, in-process, its injected clock at ``start``; yields
    (app, the running office, the clock) and closes the office on the way out."""
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        data = Path(folder) / "data"
        write_config(data, replace_config)
        clock = FakeClock(start)
        app = make_app(data, clock=clock, background=False)
        loket = app.extensions["runtime"]
        try:
            yield app, loket, clock
        finally:
            loket.close()


def run_days(load: int, seed: int, days: int, pattern: str = "") -> list[dict]:
    """CSV rows of every called ticket of ``days`` office days at ``load`` visitors a day."""
    start = datetime.combine(FIRST_DAY, time(0, 0), timezone.utc)
    with in_process_office("loket-estimate-", start) as (app, loket, clock):
        for n in range(1, 5):
            create_user(loket.store, f"petugas{n}", PASSWORD, "officer", clock())
        create_user(loket.store, "kepala", PASSWORD, "supervisor", clock())
        tz = loket.config.office.tz
        day = FIRST_DAY
        for _ in range(days):
            midnight = datetime.combine(day, time(), tz).timestamp()
            clock.set(datetime.fromtimestamp(midnight + 7 * 3600 + 25 * 60, timezone.utc))
            office = Office("http://loket.test", lambda: FlaskSession(app))
            services, counters = office.layout()
            officers = [(f"petugas{c['id']}", c["id"]) for c in counters]
            for username, counter in officers:
                office.login(username, PASSWORD, counter)
            model = simulate.Model.for_config(loket.config, load)
            rng = random.Random(f"{seed}:{day}:{pattern}")
            visitors = simulate.plan_day(model, rng)
            if pattern == "burst":  # 30 visitors in ten minutes from 10:00
                extra = simulate.plan_day(replace(model, visitors=30 * 8.5, profile={10: 1 / 8.5 * 6}), rng)
                visitors = sorted(
                    visitors + [v for v in extra if v.arrival < 10 * 3600 + 600][:30],
                    key=lambda v: v.arrival,
                )
            closes = {officers[2]: 10 * 3600} if pattern == "closing" else {}
            slow = {officers[1]: 1.8} if pattern == "slow" else {}

            def pace(t, midnight=midnight):
                clock.set(datetime.fromtimestamp(midnight + t, timezone.utc))

            serves = {c["id"]: set(c["services"]) for c in counters}
            OfficeDay(
                office,
                model,
                officers,
                rng,
                lambda o, serves=serves: serves[o[1]],
                pace,
                closes=closes,
                slow=slow,
            ).run(visitors)
            day += timedelta(days=1)
        clock.set(datetime.combine(day, time(9), tz))
        head = app.test_client()
        head.post("/api/login", json={"username": "kepala", "password": PASSWORD})
        exported = head.get(f"/reports/export.csv?from={FIRST_DAY}&to={day - timedelta(days=1)}")
        rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
    return [r for r in rows if r["wait_seconds"] and r["estimate_seconds"]]


def figures(rows: list[dict]) -> dict:
    errors = [(float(r["estimate_seconds"]) - float(r["wait_seconds"])) / 60 for r in rows]
    inside = [
        float(r["estimate_low_seconds"]) <= float(r["wait_seconds"]) <= float(r["estimate_high_seconds"])
        for r in rows
    ]
    widths = [(float(r["estimate_high_seconds"]) - float(r["estimate_low_seconds"])) / 60 for r in rows]
    points = [float(r["estimate_seconds"]) / 60 for r in rows]
    return {
        "tickets": len(rows),
        "mae": statistics.median(abs(e) for e in errors) if rows else float("nan"),
        "within5": 100 * sum(abs(e) <= 5 for e in errors) / len(rows) if rows else float("nan"),
        "inside": 100 * sum(inside) / len(rows) if rows else float("nan"),
        "width": statistics.median(widths) if rows else float("nan"),
        "point": statistics.median(points) if rows else float("nan"),
        "bias": -statistics.mean(errors) if rows else float("nan"),  # actual − estimate
    }


def cost(samples: int = 500) -> tuple[float, float]:
    """Median and p99 (ms) of the estimate worked out for a ticket being issued, with 200 people
    waiting across the services and every counter staffed and busy."""
    import time as clock_time

    start = datetime(2026, 11, 30, 3, 0, tzinfo=timezone.utc)  # 10:00 WIB
    unlimited = {"kiosk_limit_per_minute = 30": "kiosk_limit_per_minute = 0"}
    with in_process_office("loket-estimate-cost-", start, unlimited) as (app, loket, clock):
        kiosk = app.test_client()
        for n in range(200):
            kiosk.post(
                "/api/tickets",
                json={
                    "service": "ABCDEF"[n % 6],
                    "priority": n % 17 == 0,
                    "priority_reason": "lansia" if n % 17 == 0 else None,
                },
            )
        for counter in range(1, 5):
            create_user(loket.store, f"petugas{counter}", PASSWORD, "officer", clock())
            officer = app.test_client()
            officer.post(
                "/api/login",
                json={"username": f"petugas{counter}", "password": PASSWORD, "counter": counter},
            )
            officer.post(f"/api/counters/{counter}/call-next")
        estimator = loket.queue.estimator
        assert sum(loket.queue.waiting_counts().values()) == 196, loket.queue.waiting_counts()
        estimator.for_new("A", False)  # the learned model is cached once a minute
        times = []
        for n in range(samples):
            began = clock_time.perf_counter()
            estimator.for_new("ABCDEF"[n % 6], False)
            times.append((clock_time.perf_counter() - began) * 1000)
    return statistics.median(times), percentile(times, 0.99)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="one seed per load")
    parser.add_argument("--cost", action="store_true", help="only the cost of the estimate")
    args = parser.parse_args()
    if args.cost:
        median, p99 = cost()
        print(f"estimate for a ticket being issued, 200 waiting: median {median:.2f} ms, p99 {p99:.2f} ms")
        return 0
    seeds = [1] if args.quick else [1, 2, 3]
    cases = [
        ("120 a day", 120, 3, ""),
        ("160 a day", 160, 3, ""),
        ("200 a day", 200, 2, ""),
        ("160, a counter closes at 10:00", 160, 2, "closing"),
        ("160, one officer 1.8× slower", 160, 2, "slow"),
        ("160, 30 arrivals 10:00–10:10", 160, 2, "burst"),
        ("160, first day (no history)", 160, 1, ""),
    ]
    table = []
    for name, load, days, pattern in cases:
        rows = []
        for seed in seeds:
            print(f"running {name}, seed {seed} …", file=sys.stderr, flush=True)
            rows += run_days(load, seed, days, pattern)
        f = figures(rows)
        table.append(
            [
                name,
                f["tickets"],
                f"{f['mae']:.1f} min",
                f"{f['within5']:.1f} %",
                f"{f['inside']:.1f} %",
                f"{f['width']:.1f} min ({f['point']:.1f})",
                f"{f['bias']:+.1f} min",
            ]
        )
    median, p99 = cost()
    header = ["case", "tickets", "median abs. error", "within ±5 min", "inside range"]
    header += ["median width (median point)", "mean error (actual − estimate)"]
    text = (
        markdown_table(header, table)
        + "\n\n"
        + markdown_table(
            ["estimate for a ticket being issued, 200 waiting, 4 counters busy", "median", "p99"],
            [["added to POST /api/tickets", f"{median:.2f} ms", f"{p99:.2f} ms"]],
        )
    )
    print(text)
    (ROOT / "bench" / "RESULTS-estimate.md").write_text(
        f"# The wait estimate against actual waits\n\n{stamp()}, `bench/estimate.py`"
        f"{' --quick' if args.quick else ''}: seeds {', '.join(map(str, seeds))}; whole simulated days "
        f"through the real routes (the app in-process with its injected clock, `loket simulate`'s visitor "
        f"model, one officer per counter). Errors in minutes; a row pools every called ticket of its "
        f"days and seeds.\n\n{text}\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
