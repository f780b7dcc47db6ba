"""Loket's benchmarks against a real ``loket serve`` (gunicorn, one gevent worker).

    .venv/bin/python bench/run.py [--quick] [--only NAME ...]

Prints a table (median and p99 of several runs) and writes bench/RESULTS.md with the machine
(bench/RESULTS-<names>.md for a run with --only).
Every load goes to 127.0.0.1 only, bounded in count and time.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from conftest import write_config  # noqa: E402
from servers import ALWAYS_OPEN, Server, free_port  # noqa: E402

from bench.kiosks import run_kiosks  # noqa: E402
from bench.screens import Screens  # noqa: E402
from server.core.rules import utc_now  # noqa: E402
from server.core.storage import Store  # noqa: E402
from server.devices.registry import Devices  # noqa: E402
from server.web.auth import create_user  # noqa: E402

PASSWORD = "rahasia-123"
RESULTS: list[dict] = []


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def record(name: str, values_ms: list[float], target: str, ok: bool, note: str = "") -> None:
    RESULTS.append(
        {
            "name": name,
            "median": statistics.median(values_ms),
            "p99": percentile(values_ms, 0.99),
            "n": len(values_ms),
            "target": target,
            "ok": ok,
            "note": note,
        }
    )


def start_server(tmp: Path, voice: bool = True) -> Server:
    """The demo office as ``loket serve`` writes it, open all day, with the kiosk flood guard off
    (a benchmark's kiosks issue far more than 30 numbers a minute each; the guard is tested in
    tests/test_api.py), one enrolled kiosk (``server.kiosk``, its token; ``server.as_kiosk``, its
    header) and one enrolled TV (``server.tv``) shared by the benchmark's clients."""
    data = tmp / f"data-{len(list(tmp.iterdir()))}"
    replace = dict(ALWAYS_OPEN)
    replace["kiosk_limit_per_minute = 30"] = "kiosk_limit_per_minute = 0"
    write_config(data, replace, voice=voice)
    store = Store(data / "loket.db")
    for counter in range(1, 5):
        create_user(store, f"petugas{counter}", PASSWORD, "officer", utc_now())
    devices = Devices(store)
    _kiosk, kiosk = devices.add("Kiosk bench", "kiosk", utc_now().timestamp())
    _tv, tv = devices.add("TV bench", "display", utc_now().timestamp())
    store.close()
    server = Server(data, free_port())
    server.wait_ready(60)
    server.kiosk, server.tv, server.as_kiosk = kiosk, tv, {"Authorization": f"Device {kiosk}"}
    return server


def officer(server: Server, counter: int) -> requests.Session:
    session = requests.Session()
    response = session.post(
        f"{server.url}/api/login",
        json={"username": f"petugas{counter}", "password": PASSWORD, "counter": counter},
    )
    response.raise_for_status()
    return session


# ---- 1. call → ticket_called at 50 websocket clients ----------------------------------------


def bench_broadcast(tmp: Path, quick: bool) -> None:
    """Officer calls one at a time; each call is timed from the moment the officer's request is
    sent until each of 50 screens has the decoded ``ticket_called`` (see bench/screens.py)."""
    server = start_server(tmp)
    screens = Screens(server.url, count=50, processes=1, token=server.tv)
    try:
        screens.wait_ready()
        session = officer(server, 1)
        calls = 30 if quick else 100
        for _ in range(calls):
            requests.post(
                f"{server.url}/api/tickets", json={"service": "A"}, headers=server.as_kiosk
            ).raise_for_status()
        sent_at = {}
        for _ in range(calls):
            sent = time.perf_counter()
            ticket = session.post(f"{server.url}/api/counters/1/call-next").json()["ticket"]
            sent_at[ticket["id"]] = sent
            time.sleep(0.05)  # a call lands long before the next one goes out
        time.sleep(0.5)
        arrivals = screens.collect()
        latencies = []
        for ticket_id, sent in sent_at.items():
            got = arrivals.get(ticket_id, [])
            assert len(got) == 50, f"only {len(got)} of 50 screens got call {ticket_id}"
            latencies.extend((moment - sent) * 1000 for moment in got)
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
        errors = sum(n for status, n in statuses.items() if status != 201)
        record(
            "kiosk POST /api/tickets, 20 concurrent clients",
            latencies,
            "≥ 500 tickets/s, p99 ≤ 50 ms",
            rate >= 500 and p99 <= 50 and not errors,
            f"{rate:.0f} tickets/s; {errors} errors; voice on",
        )
    finally:
        server.stop()


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
            errors = sum(n for status, n in statuses.items() if status != 201)
            if errors:
                raise RuntimeError(f"{errors} kiosk requests failed with synchronous={mode}")
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


# ---- 3. announcement audio ready, not cached / cached ---------------------------------------


def bench_voice(tmp: Path, quick: bool) -> None:
    from server.voice import Announcer
    from server.voice.settings import VoiceSettings

    announcer = Announcer(VoiceSettings(), tmp / "voice-cache")
    announcer.start()
    try:
        announcer.wait_for(announcer.announce("Z999", "Loket 9").key, 10)  # warm the engine
        uncached, cached = [], []
        count = 20 if quick else 60
        for n in range(1, count + 1):
            number = f"{'ABCDEF'[n % 6]}{n:03d}"
            sent = time.perf_counter()
            announcement = announcer.announce(number, f"Loket {n % 4 + 1}")
            assert announcer.wait_for(announcement.key, 10) is not None
            uncached.append((time.perf_counter() - sent) * 1000)
            sent = time.perf_counter()
            announcement = announcer.announce(number, f"Loket {n % 4 + 1}")
            assert announcer.wait_for(announcement.key, 10) is not None
            cached.append((time.perf_counter() - sent) * 1000)
        record(
            "call → announcement audio ready, not cached",
            uncached,
            "p99 ≤ 100 ms",
            percentile(uncached, 0.99) <= 100,
            "espeak-ng, chime + speech in one WAV",
        )
        record("call → announcement audio ready, cached", cached, "p99 ≤ 5 ms", percentile(cached, 0.99) <= 5)
    finally:
        announcer.close()


def bench_voice_pack(tmp: Path, quick: bool) -> None:
    """The same with an office voice pack that has every word (bench/voice_pack.py)."""
    from bench.voice_pack import measure

    figures = measure(tmp, 20 if quick else 60)
    note = f"{figures['clips']} clips at 48 kHz, prepared in {figures['warm_ms']:.0f} ms at start"
    record(
        "call → announcement audio ready with a voice pack, not cached",
        figures["uncached"],
        "p99 ≤ 100 ms",
        percentile(figures["uncached"], 0.99) <= 100,
        note,
    )
    record(
        "call → announcement audio ready with a voice pack, cached",
        figures["cached"],
        "p99 ≤ 5 ms",
        percentile(figures["cached"], 0.99) <= 5,
    )


# ---- 4. reports with a year of history --------------------------------------------------------


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


# ---- 5. memory over a simulated day -------------------------------------------------------------


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pid(server: Server) -> int:
    children = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True)
    return int(children.stdout.split()[0])


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


# ---- 6. the kiosk while loket simulate --history writes -------------------------------------------


def bench_history_stall(tmp: Path, quick: bool) -> None:
    """A paced kiosk (20 tickets/s) while months of history go into the same database."""
    from bench import history_stall

    server = start_server(tmp)
    try:
        days = 60 if quick else 180
        latencies, before, errors, largest, took, after = history_stall.measure(server.url, server.data, days)
        p99 = percentile(latencies, 0.99)
        record("kiosk POST /api/tickets, paced at 20/s, nothing else writing", before, "baseline", True)
        record(
            f"kiosk POST /api/tickets while simulate --history writes {days} days",
            latencies,
            "p99 < 100 ms",
            p99 < 100 and not errors,
            f"write took {took:.0f} s; WAL at most {largest / 2**20:.1f} MB, {after / 2**20:.1f} MB after; "
            f"{errors} errors",
        )
    finally:
        server.stop()


BENCHES = {
    "broadcast": bench_broadcast,
    "kiosk": bench_kiosk,
    "durability": bench_durability,
    "voice": bench_voice,
    "voice_pack": bench_voice_pack,
    "reports": bench_reports,
    "memory": bench_memory,
    "history": bench_history_stall,
}


def machine() -> str:
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    import os

    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"


def table() -> str:
    lines = ["| benchmark | median | p99 | n | target | met | note |", "|---|---|---|---|---|---|---|"]
    for row in RESULTS:
        unit = "" if "RSS" in row["name"] else " ms"
        lines.append(
            f"| {row['name']} | {row['median']:.1f}{unit} | {row['p99']:.1f}{unit} | {row['n']} | "
            f"{row['target']} | {'yes' if row['ok'] else 'NO'} | {row['note']} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer runs and a 2-minute day")
    parser.add_argument("--only", nargs="*", choices=sorted(BENCHES), help="run only these")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loket-bench-") as folder:
        for name in args.only or BENCHES:
            print(f"running {name} …", file=sys.stderr, flush=True)
            BENCHES[name](Path(folder), args.quick)
    text = table()
    print(text)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    mode = "quick" if args.quick else "full"
    if args.only:
        mode += f" --only {' '.join(args.only)}"
    # A partial run (--only) keeps the full run's file and writes beside it.
    name = f"RESULTS-{'-'.join(args.only)}.md" if args.only else "RESULTS.md"
    (ROOT / "bench" / name).write_text(
        f"# Benchmark results\n\n{stamp}, {mode} run of `bench/run.py`, against `loket serve` "
        f"(gunicorn, 1 gevent worker) on loopback, the demo office with the voice on. Screens "
        f"and kiosks are light Socket.IO / HTTP clients in a child process (bench/screens.py, "
        f"bench/kiosks.py).\n\nMachine: {machine()}\n\n{text}\n",
        encoding="utf-8",
    )
    return 0 if all(row["ok"] for row in RESULTS) else 1


if __name__ == "__main__":
    sys.exit(main())
