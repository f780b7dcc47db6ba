"""The office's server on a shared Wi-Fi: four measured scenarios, side by side with a bare
Flask-SocketIO server (bench/bare.py) on the same light clients.

    .venv/bin/python bench/hostile.py [--quick] [--only NAME ...]

Scenarios (loopback only; screens, phones and kiosks are bench/screens.py and bench/kiosks.py in
child processes, spread over 127.0.0.x addresses; attacks are bench/attacks.py):

- ``crowd``: 50 enrolled TVs + 500 phones connected, 20 kiosks issuing → tickets/s, kiosk p99;
- ``calls``: the same crowd, an officer calling → call → every TV, p50/p99, Loket and bare;
- ``attack``: 250 slow connections + a 4-socket event flood + 300 sockets from one address, at
  once, while kiosks issue and calls go out → kiosk p99, calls missed by enrolled TVs, RSS;
- ``phones``: 2,000 open phone connections → RSS, kiosk p99.

Prints a table and appends it to bench/RESULTS.md.
"""

from __future__ import annotations

import argparse
import os
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

from servers import free_port  # noqa: E402

from bench import attacks  # noqa: E402
from bench.kiosks import run_kiosks  # noqa: E402
from bench.run import officer, percentile, rss_mb, start_server, worker_pid  # noqa: E402
from bench.screens import Screens  # noqa: E402

ROWS: list[list[str]] = []
PHONE_SOURCES = [f"127.0.0.{n}" for n in range(10, 30)]
KIOSK_SOURCES = ["127.0.0.2", "127.0.0.3"]


def row(*cells) -> None:
    ROWS.append([str(c) for c in cells])
    print(" | ".join(ROWS[-1]), flush=True)


class Bare:
    """bench/bare.py under gunicorn's gevent worker."""

    def __init__(self):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "-k",
                "gevent",
                "-w",
                "1",
                "--worker-connections",
                "5000",
                "-b",
                f"127.0.0.1:{self.port}",
                "--log-level",
                "warning",
                "bench.bare:app",
            ],
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.post(self.url + "/api/tickets", timeout=1)
                return
            except requests.ConnectionError:
                time.sleep(0.2)
        raise RuntimeError("bare server did not start")

    def stop(self):
        self.process.terminate()
        self.process.wait(10)


def _calls(url, sessions_call, screens, count, tvs) -> tuple[list[float], int]:
    """Send ``count`` calls one at a time; (latencies to every TV in ms, calls some TV missed)."""
    sent_at = {}
    for _ in range(count):
        sent = time.perf_counter()
        ticket_id = sessions_call()
        if ticket_id is not None:
            sent_at[ticket_id] = sent
        time.sleep(0.05)
    time.sleep(1.0)
    arrivals = screens.collect()
    latencies, missed = [], 0
    for ticket_id, sent in sent_at.items():
        got = arrivals.get(ticket_id, [])
        missed += len(got) < tvs
        latencies.extend((moment - sent) * 1000 for moment in got)
    return latencies, missed


def _loket_caller(server, counter=1):
    session = officer(server, counter)

    def call():
        ticket = session.post(f"{server.url}/api/counters/{counter}/call-next", timeout=10).json()["ticket"]
        return ticket["id"] if ticket else None

    return call


def _bare_caller(bare):
    session = requests.Session()
    counter = iter(range(1, 10**6))

    def call():
        ticket_id = next(counter)
        session.post(f"{bare.url}/call/{ticket_id}", timeout=10)
        return ticket_id

    return call


def _issue(server, count):
    for _n in range(count):
        requests.post(
            f"{server.url}/api/tickets", json={"service": "A"}, headers=server.as_kiosk, timeout=10
        ).raise_for_status()


def _ms(values):
    return f"{statistics.median(values):.1f} / {percentile(values, 0.99):.1f} ms"


def scenario_crowd(tmp: Path, quick: bool) -> None:
    server = start_server(tmp)
    tvs = Screens(server.url, count=50, processes=1, token=server.tv)
    phones = Screens(server.url, count=500, processes=2, sources=PHONE_SOURCES, query="&screen=status")
    try:
        tvs.wait_ready(60)
        phones.wait_ready(60)
        latencies, statuses, elapsed = run_kiosks(
            server.url, 20, 50 if quick else 150, tokens=[server.kiosk], sources=KIOSK_SOURCES
        )
        rate = len(latencies) / elapsed
        errors = sum(n for status, n in statuses.items() if status != 201)
        row(
            "50 TVs + 500 phones, 20 kiosks issuing",
            f"{rate:.0f} tickets/s; kiosk {_ms(latencies)}",
            "≥ 500/s, p99 ≤ 50 ms",
            f"{errors} errors; RSS {rss_mb(worker_pid(server)):.0f} MB",
        )
    finally:
        tvs.close()
        phones.close()
        server.stop()


def scenario_calls(tmp: Path, quick: bool) -> None:
    count = 30 if quick else 100
    server = start_server(tmp)
    _issue(server, count)
    tvs = Screens(server.url, count=50, processes=1, token=server.tv)
    phones = Screens(server.url, count=500, processes=2, sources=PHONE_SOURCES, query="&screen=status")
    try:
        tvs.wait_ready(60)
        phones.wait_ready(60)
        loket, missed = _calls(server.url, _loket_caller(server), tvs, count, 50)
    finally:
        tvs.close()
        phones.close()
        server.stop()
    bare = Bare()
    tvs = Screens(bare.url, count=50, processes=1)
    phones = Screens(bare.url, count=500, processes=2, sources=PHONE_SOURCES, query="&screen=status")
    try:
        tvs.wait_ready(60)
        phones.wait_ready(60)
        plain, _ = _calls(bare.url, _bare_caller(bare), tvs, count, 50)
    finally:
        tvs.close()
        phones.close()
        bare.stop()
    ratio = percentile(loket, 0.99) / percentile(plain, 0.99)
    row(
        "call → every TV (50 TVs + 500 phones)",
        f"Loket {_ms(loket)}; bare {_ms(plain)}",
        "p99 ≤ 25 ms and ≤ 2× bare",
        f"{ratio:.1f}× bare; {missed} calls missed by a TV",
    )


def scenario_attack(tmp: Path, quick: bool) -> None:
    seconds = 20 if quick else 40
    server = start_server(tmp)
    pid = worker_pid(server)
    _issue(server, 60)
    baseline = rss_mb(pid)
    tvs = Screens(server.url, count=20, processes=1, token=server.tv)
    peak = baseline
    try:
        tvs.wait_ready(60)
        running = (
            attacks.start("slow", server.url, 250, seconds, "127.0.0.66")
            + attacks.start("flood", server.url, 4, seconds, "127.0.0.67")
            + attacks.start("hold", server.url, 300, seconds, "127.0.0.68")
        )
        time.sleep(3)
        latencies, statuses, _elapsed = run_kiosks(
            server.url, 10, 40 if quick else 100, tokens=[server.kiosk], sources=KIOSK_SOURCES
        )
        peak = max(peak, rss_mb(pid))
        calls, missed = _calls(server.url, _loket_caller(server), tvs, 30, 20)
        peak = max(peak, rss_mb(pid))
        for process in running:
            process.join(seconds + 10)
        time.sleep(35)  # the server's housekeeping (every 30 s) hands freed memory back
        after = rss_mb(pid)
        errors = sum(n for status, n in statuses.items() if status != 201)
        row(
            "250 slow + 4-socket flood + 300 sockets from one address",
            f"kiosk {_ms(latencies)}",
            "kiosk p99 ≤ 100 ms; every TV every call; RSS ≤ 200 MB, back after",
            f"{errors} kiosk errors; {missed} of 30 calls missed by a TV; RSS {baseline:.0f} → "
            f"peak {peak:.0f} → after {after:.0f} MB",
        )
    finally:
        tvs.close()
        server.stop()


def scenario_phones(tmp: Path, quick: bool) -> None:
    count = 500 if quick else 2000
    server = start_server(tmp)
    pid = worker_pid(server)
    baseline = rss_mb(pid)
    phones = Screens(server.url, count=count, processes=2, sources=PHONE_SOURCES, query="&screen=status")
    try:
        phones.wait_ready(120)
        held = rss_mb(pid)
        latencies, statuses, _elapsed = run_kiosks(
            server.url, 20, 50 if quick else 100, tokens=[server.kiosk], sources=KIOSK_SOURCES
        )
        errors = sum(n for status, n in statuses.items() if status != 201)
        row(
            f"{count:,} open phone connections",
            f"RSS {baseline:.0f} → {held:.0f} MB; kiosk {_ms(latencies)}",
            "RSS ≤ 300 MB; kiosk p99 ≤ 50 ms",
            f"{errors} kiosk errors",
        )
    finally:
        phones.close()
        server.stop()


SCENARIOS = {
    "crowd": scenario_crowd,
    "calls": scenario_calls,
    "attack": scenario_attack,
    "phones": scenario_phones,
}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--only", nargs="*", choices=sorted(SCENARIOS))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="loket-hostile-") as folder:
        for name in args.only or SCENARIOS:
            print(f"running {name} …", file=sys.stderr, flush=True)
            SCENARIOS[name](Path(folder), args.quick)
    lines = ["| scenario | measured (median / p99) | target | note |", "|---|---|---|---|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in ROWS]
    text = "\n".join(lines)
    print(text)
    stamp = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    with open(ROOT / "bench" / "RESULTS.md", "a", encoding="utf-8") as results:
        results.write(
            f"\n## A shared Wi-Fi (`bench/hostile.py{' --quick' if args.quick else ''}`), {stamp}\n\n"
            f"{os.cpu_count()} cores; loopback; clients in child processes over 127.0.0.x.\n\n{text}\n"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
