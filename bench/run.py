"""Loket's benchmarks against a real ``loket serve`` (gunicorn, one gevent worker).

    .venv/bin/python bench/run.py [--quick] [--only NAME ...]

Prints a table (median and p99 of several runs) and writes bench/RESULTS.md with the machine
(bench/RESULTS-<names>.md for a run with --only).
Every load goes to 127.0.0.1 only, bounded in count and time.

The server benchmarks are here; ``voice`` and ``voice_pack`` are in bench/voice.py, ``printing``
in bench/printing.py, ``history`` in bench/history_stall.py, ``reports`` times
bench/bench_reports.py; what they share (the office under test, clients, percentiles, the
results table) is bench/harness.py.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import history_stall, printing, voice  # noqa: E402
from bench.harness import (  # noqa: E402
    KIOSK_SOURCES,
    RESULTS,
    caller,
    crowd,
    errors,
    issue,
    machine,
    median_p99,
    officer,
    percentile,
    record,
    results_table,
    rss_mb,
    run_selected,
    stamp,
    start_server,
    time_calls,
    worker_pid,
)
from bench.kiosks import run_kiosks  # noqa: E402
from bench.screens import Screens  # noqa: E402

# ---- 1. call → ticket_called at 50 websocket clients ----------------------------------------


def bench_broadcast(tmp: Path, quick: bool) -> None:
    """Officer calls one at a time; each call is timed from the moment the officer's request is
    sent until each of 50 screens has the decoded ``ticket_called`` (see bench/screens.py)."""
    server = start_server(tmp)
    screens = Screens(server.url, count=50, processes=1, token=server.tv)
    try:
        screens.wait_ready()
        call = caller(server, 1)
        calls = 30 if quick else 100
        issue(server, calls)
        latencies, missed = time_calls(call, screens, calls, 50, settle=0.5)
        assert not missed, f"{missed} of {calls} calls did not reach all 50 screens"
        p99 = percentile(latencies, 0.99)
        record(
            "call → ticket_called at each of 50 websocket clients",
            latencies,
            "p99 ≤ 25 ms",
            p99 <= 25,
            f"{calls} calls × 50 screens, voice on",
        )
    finally:
        screens.close()
        server.stop()


# ---- 2. kiosk POST /api/tickets from 20 concurrent clients ----------------------------------


def bench_kiosk(tmp: Path, quick: bool) -> None:
    """20 kiosks, each a keep-alive connection sending its next ticket as soon as it has the
    last (see bench/kiosks.py)."""
    server = start_server(tmp)
    try:
        latencies, statuses, elapsed = run_kiosks(
            server.url, clients=20, per_client=100 if quick else 250, tokens=[server.kiosk]
        )
        rate = len(latencies) / elapsed
        p99 = percentile(latencies, 0.99)
        failed = errors(statuses)
        record(
            "kiosk POST /api/tickets, 20 concurrent clients",
            latencies,
            "≥ 500 tickets/s, p99 ≤ 50 ms",
            rate >= 500 and p99 <= 50 and not failed,
            f"{rate:.0f} tickets/s; {failed} errors; voice on",
        )
    finally:
        server.stop()


# ---- 2a. the kiosk tap against the length of the queue ----------------------------------------


def bench_queue_length(tmp: Path, quick: bool) -> None:
    """Every feature on (voice, four staffed counters so the estimate runs, durable commits,
    every ticket printed to a file): serial kiosk taps at 0, 500 and 2,000 waiting; then 20
    kiosks at once with 2,000 waiting while 50 enrolled TVs and 500 phones are connected; then
    call → every TV against a bare Flask-SocketIO server with the same crowd."""
    from bench.hostile import Bare, bare_caller

    taps = 60 if quick else 200
    server = start_server(tmp, printer=True)
    try:
        callers = {counter: caller(server, counter) for counter in range(1, 5)}  # staffed counters
        serial: dict[int, list[float]] = {}
        waiting = issued = 0
        for level in (0, 500, 2000):
            if level > waiting:  # fill the queue with 20 kiosks at once, the six services in turn
                filled, statuses, _s = run_kiosks(
                    server.url, 20, (level - waiting) // 20, tokens=[server.kiosk]
                )
                issued += len(filled)
                if errors(statuses):
                    raise RuntimeError(f"{errors(statuses)} kiosk requests failed while filling the queue")
            latencies, statuses, _elapsed = run_kiosks(server.url, 1, taps, tokens=[server.kiosk])
            services = requests.get(f"{server.url}/api/services", timeout=10).json()["services"]
            waiting = sum(service["waiting"] for service in services)
            serial[level] = latencies
            p50, p99 = statistics.median(latencies), percentile(latencies, 0.99)
            ratio = p50 / statistics.median(serial[0])
            record(
                f"serial kiosk tap at {level:,} waiting",
                latencies,
                "p50 ≤ 5 ms, p99 ≤ 15 ms" + (", p50 ≤ 1.3× at 0" if level else ""),
                p50 <= 5 and p99 <= 15 and ratio <= 1.3 and not errors(statuses),
                f"{taps} taps one after another; {ratio:.2f}× the p50 at 0; {errors(statuses)} errors",
            )
        with crowd(server.url, token=server.tv) as tvs:
            latencies, statuses, elapsed = run_kiosks(
                server.url, 20, 25 if quick else 100, tokens=[server.kiosk], sources=KIOSK_SOURCES
            )
            rate = len(latencies) / elapsed
            p99 = percentile(latencies, 0.99)
            record(
                "20 kiosks at once, 2,000 waiting, 50 TVs + 500 phones connected",
                latencies,
                "≥ 500 tickets/s, p99 ≤ 50 ms",
                rate >= 500 and p99 <= 50 and not errors(statuses),
                f"{rate:.0f} tickets/s; {errors(statuses)} errors",
            )
            calls = 30 if quick else 100
            loket, missed = time_calls(callers[1], tvs, calls, 50)
        issued += sum(len(values) for values in serial.values()) + len(latencies)
        time.sleep(3)  # the spool drains
        printed = sum(" printed in " in line for line in server.output)  # the spool's log
    finally:
        server.stop()
    bare = Bare()
    try:
        with crowd(bare.url) as tvs:
            plain, _ = time_calls(bare_caller(bare), tvs, calls, 50)
    finally:
        bare.stop()
    print(
        f"printed {printed} of the {issued} tickets (one printer: "
        "a ticket finding 20 before it is refused at once and the kiosk says so)"
    )
    ratio = percentile(loket, 0.99) / percentile(plain, 0.99)
    record(
        "call → every TV, 2,000 waiting, 50 TVs + 500 phones",
        loket,
        "p99 ≤ 2× bare Flask-SocketIO",
        ratio <= 2 and not missed,
        f"bare {median_p99(plain)}: {ratio:.1f}× at p99; {missed} calls missed by a TV",
    )


# ---- 2b. the cost of durable commits: the same kiosks with synchronous=NORMAL and FULL --------


def bench_durability(tmp: Path, quick: bool) -> None:
    """The kiosk benchmark twice, alternating: ``synchronous=NORMAL`` (before: durable across a
    crash of the process only) and ``FULL`` (now: across a power cut too), chosen per server
    through ``$LOKET_SQLITE_SYNCHRONOUS``. Three servers each, latencies pooled."""
    import os

    runs = 1 if quick else 3
    pooled: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    rates: dict[str, list[float]] = {"NORMAL": [], "FULL": []}
    for _ in range(runs):
        for mode in ("NORMAL", "FULL"):
            os.environ["LOKET_SQLITE_SYNCHRONOUS"] = mode
            try:
                server = start_server(tmp)
            finally:
                os.environ.pop("LOKET_SQLITE_SYNCHRONOUS", None)
            try:
                latencies, statuses, elapsed = run_kiosks(
                    server.url, clients=20, per_client=100 if quick else 250
                )
            finally:
                server.stop()
            if errors(statuses):
                raise RuntimeError(f"{errors(statuses)} kiosk requests failed with synchronous={mode}")
            pooled[mode].extend(latencies)
            rates[mode].append(len(latencies) / elapsed)
    for mode, label in (
        ("NORMAL", "before, synchronous=NORMAL"),
        ("FULL", "now, synchronous=FULL (durable)"),
    ):
        rate = statistics.median(rates[mode])
        p99 = percentile(pooled[mode], 0.99)
        record(
            f"kiosk POST /api/tickets, 20 clients, {label}",
            pooled[mode],
            "≥ 500 tickets/s, p99 ≤ 50 ms",
            rate >= 500 and p99 <= 50,
            f"{rate:.0f} tickets/s (median of {runs} servers); voice on",
        )


# ---- 3. reports with a year of history --------------------------------------------------------


def bench_reports(tmp: Path, quick: bool) -> None:
    """Month and year reports over a year of history (~300,000 tickets), computed from scratch."""
    from datetime import date, timedelta

    from bench import bench_reports as reports_bench
    from server.reports.periods import Period, month_period

    until = date(2026, 11, 27)
    store, config, count = reports_bench.ensure_history(tmp / "history", until, 365, seed=1)
    try:
        runs = 5 if quick else 9
        year = Period("range", until - timedelta(days=364), until)
        for name, period, mode, label in (
            ("month", month_period(until.replace(day=1)), "scratch", "from scratch"),
            ("year", year, "scratch", "from scratch"),
            ("year", year, "changed", "after a ticket of its last day changed"),
        ):
            seconds = reports_bench.measure(store, config, period, runs, mode)
            values = [s * 1000 for s in seconds]
            record(
                f"{name} report with a year of history, {label}",
                values,
                "≤ 1 s",
                statistics.median(values) <= 1000,
                f"{count:,} tickets in the database; {runs} runs",
            )
    finally:
        store.close()


# ---- 4. memory over a simulated day -------------------------------------------------------------


def bench_memory(tmp: Path, quick: bool) -> None:
    """An 8-hour office day at 60× (8 minutes; 2 minutes with --quick) with 50 screens open."""
    server = start_server(tmp, voice=True)
    screens = Screens(server.url, count=50, processes=1, token=server.tv)
    try:
        screens.wait_ready()
        pid = worker_pid(server)
        sessions = {c: officer(server, c) for c in range(1, 5)}
        duration = 120 if quick else 480
        # ~400 visitors in 8 office hours, all through the real API.
        arrivals_per_second = 400 / 480
        samples, began, next_arrival, next_sample = [], time.monotonic(), 0.0, 0.0
        issued = 0
        while (now := time.monotonic() - began) < duration:
            if now >= next_arrival:
                requests.post(
                    f"{server.url}/api/tickets",
                    json={"service": "ABCDEF"[issued % 6]},
                    headers=server.as_kiosk,
                )
                issued += 1
                next_arrival += 1 / arrivals_per_second
                counter = 1 + issued % 4
                sessions[counter].post(f"{server.url}/api/counters/{counter}/call-next")
            if now >= next_sample:
                samples.append(rss_mb(pid))
                next_sample += 5
            time.sleep(0.05)
        first_half = statistics.mean(samples[len(samples) // 4 : len(samples) // 2])
        second_half = statistics.mean(samples[len(samples) // 2 :])
        growth = second_half - first_half
        peak = max(samples)
        record(
            "server RSS over a simulated 8-hour day at 60×, 50 screens",
            samples,
            "≤ 150 MB and flat",
            peak <= 150 and growth < 5,
            f"MB, not ms; {issued} tickets; peak {peak:.0f} MB; growth second half vs first {growth:+.1f} MB",
        )
    finally:
        screens.close()
        server.stop()


BENCHES = {
    "broadcast": bench_broadcast,
    "kiosk": bench_kiosk,
    "queue_length": bench_queue_length,
    "durability": bench_durability,
    "voice": voice.bench_voice,
    "voice_pack": voice.bench_voice_pack,
    "printing": printing.bench_printing,
    "reports": bench_reports,
    "memory": bench_memory,
    "history": history_stall.bench_history_stall,
}


def main() -> int:
    args = run_selected(__doc__.splitlines()[0], BENCHES, "loket-bench-", "fewer runs and a 2-minute day")
    text = results_table()
    print(text)
    mode = "quick" if args.quick else "full"
    if args.only:
        mode += f" --only {' '.join(args.only)}"
    # A partial run (--only) keeps the full run's file and writes beside it.
    name = f"RESULTS-{'-'.join(args.only)}.md" if args.only else "RESULTS.md"
    (ROOT / "bench" / name).write_text(
        f"# Benchmark results\n\n{stamp()}, {mode} run of `bench/run.py`, against `loket serve` "
        f"(gunicorn, 1 gevent worker) on loopback, the demo office with the voice on. Screens "
        f"and kiosks are light Socket.IO / HTTP clients in a child process (bench/screens.py, "
        f"bench/kiosks.py).\n\nMachine: {machine()}\n\n{text}\n",
        encoding="utf-8",
    )
    return 0 if all(row["ok"] for row in RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
