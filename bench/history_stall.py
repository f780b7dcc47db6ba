"""The kiosk while ``loket simulate --history`` writes into the running office's database.

A paced kiosk (one ticket every 50 ms, one keep-alive connection, in a child process so that it
does not share the GIL with this process) takes numbers from ``loket serve`` while a second
process writes months of simulated history into the same SQLite file. Records the kiosk's
latency during the write and the largest WAL file seen: ``bench/run.py --only history``.
"""

from __future__ import annotations

import http.client
import json
import multiprocessing
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from bench.harness import percentile, record, start_server


def paced_kiosk(url: str, interval: float, stop, results) -> None:
    """Child process: POST /api/tickets every ``interval`` seconds until ``stop`` is set."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
    body = json.dumps({"service": "A"})
    latencies, errors = [], 0
    next_at = time.perf_counter()
    while not stop.is_set():
        sent = time.perf_counter()
        connection.request("POST", "/api/tickets", body, {"Content-Type": "application/json"})
        response = connection.getresponse()
        response.read()
        latencies.append((time.time(), (time.perf_counter() - sent) * 1000))
        errors += response.status != 201
        next_at += interval
        time.sleep(max(0.0, next_at - time.perf_counter()))
    results.put((latencies, errors))


def wal_size(data: Path) -> int:
    wal = data / "loket.db-wal"
    return wal.stat().st_size if wal.exists() else 0


def measure(server_url: str, data: Path, days: int) -> tuple[list[float], list[float], int, int, float, int]:
    """(kiosk latencies in ms during the write, the same for 5 s before it, kiosk errors, largest
    WAL in bytes, seconds the write took, WAL bytes after it)."""
    context = multiprocessing.get_context("spawn")
    stop, results = context.Event(), context.Queue()
    kiosk = context.Process(target=paced_kiosk, args=(server_url, 0.05, stop, results), daemon=True)
    kiosk.start()
    time.sleep(6.0)  # a baseline first: the same kiosk with nothing else writing
    began, began_at = time.monotonic(), time.time()
    writer = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "server",
            "simulate",
            "--history",
            str(days),
            "--data",
            str(data),
            "--until",
            "2026-11-27",
            "--visitors",
            "1150",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    largest = 0
    while writer.poll() is None:
        largest = max(largest, wal_size(data))
        time.sleep(0.05)
    took = time.monotonic() - began
    if writer.returncode != 0:
        raise RuntimeError(f"loket simulate --history failed: {writer.stderr.read()[-500:]}")
    stop.set()
    samples, errors = results.get(timeout=60)
    kiosk.join(10)
    during = [ms for at, ms in samples if at >= began_at]
    before = [ms for at, ms in samples if began_at - 5 <= at < began_at]
    return during, before, errors, largest, took, wal_size(data)


def bench_history_stall(tmp: Path, quick: bool) -> None:
    """A paced kiosk (20 tickets/s) while months of history go into the same database."""
    server = start_server(tmp)
    try:
        days = 60 if quick else 180
        latencies, before, errors, largest, took, after = measure(server.url, server.data, days)
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
