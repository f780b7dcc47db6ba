"""The harness every benchmark shares: a real ``loket serve`` to measure, signed-in officers, the
enrolled kiosk's tickets, calls timed to every screen, the light clients spread over 127.0.0.x,
the nearest-rank percentile, and the results (median and p99) with the markdown tables they are
printed in.

A script puts the repository on ``sys.path`` and imports this module as ``bench.harness``; the
test helpers it builds the office with (``tests/conftest.py``, ``tests/servers.py``) are found
from here.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

import requests

from bench.screens import Screens

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT / "tests") not in sys.path:
    sys.path.insert(0, str(ROOT / "tests"))

PASSWORD = "rahasia-123"
# Visitors' phones and the kiosks connect from addresses of their own, as on the office Wi-Fi
# (the server's limits are per address).
PHONE_SOURCES = [f"127.0.0.{n}" for n in range(10, 30)]
KIOSK_SOURCES = ["127.0.0.2", "127.0.0.3"]


def percentile(values: list[float], fraction: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(fraction * len(ordered) + 0.5) - 1))
    return ordered[index]


def median_p99(values: list[float]) -> str:
    """``median / p99 ms``, as the tables show a latency."""
    return f"{statistics.median(values):.1f} / {percentile(values, 0.99):.1f} ms"


def errors(statuses: dict[int, int]) -> int:
    """Kiosk answers other than 201 (0: the server closed the connection without one)."""
    return sum(n for status, n in statuses.items() if status != 201)


def markdown_table(header: list[str], rows: list[list]) -> str:
    """A markdown table of ``rows`` under ``header``."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(cell) for cell in row) + " |" for row in rows]
    return "\n".join(lines)


# Results of bench/run.py's benchmarks, in the order they ran.
RESULTS: list[dict] = []


def record(name: str, values_ms: list[float], target: str, ok: bool, note: str = "") -> None:
    """One row of the results table: the median and p99 of ``values_ms``, the target and whether
    it was met."""
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


def results_table() -> str:
    """The recorded results as a markdown table (the RSS row in MB, the others in ms)."""
    rows = []
    for row in RESULTS:
        unit = "" if "RSS" in row["name"] else " ms"
        rows.append(
            [
                row["name"],
                f"{row['median']:.1f}{unit}",
                f"{row['p99']:.1f}{unit}",
                row["n"],
                row["target"],
                "yes" if row["ok"] else "NO",
                row["note"],
            ]
        )
    return markdown_table(["benchmark", "median", "p99", "n", "target", "met", "note"], rows)


def stamp() -> str:
    """Now, as the results files date a run."""
    return datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")


def machine() -> str:
    """The CPU, cores, Python and OS the benchmark ran on."""
    cpu = "unknown CPU"
    try:
        cpu = next(
            line.split(":", 1)[1].strip() for line in open("/proc/cpuinfo") if line.startswith("model name")
        )
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.platform()}"


def run_selected(
    description: str, benches: dict[str, Callable], prefix: str, quick_help: str
) -> argparse.Namespace:
    """Parse ``--quick`` and ``--only NAME ...``, then run the chosen ``benches(tmp, quick)`` in
    order, in one temporary folder; returns the parsed arguments."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help=quick_help)
    parser.add_argument("--only", nargs="*", choices=sorted(benches), help="run only these")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix=prefix) as folder:
        for name in args.only or benches:
            print(f"running {name} …", file=sys.stderr, flush=True)
            benches[name](Path(folder), args.quick)
    return args


# ---- the office under test -------------------------------------------------------------------


def production_passwords() -> None:
    """Undo what importing tests/conftest.py (for its helpers) sets up for the test suite only:
    the cheap password hash (LOKET_TEST_FAST_PASSWORD_HASH). A benchmark runs with scrypt, here
    and in the servers it starts."""
    os.environ.pop("LOKET_TEST_FAST_PASSWORD_HASH", None)
    from server.webbase import auth

    auth.PASSWORD_METHOD = "scrypt"


def start_server(tmp: Path, voice: bool = True, printer: bool = False):
    """The demo office as ``loket serve`` writes it, open all day, with the kiosk flood guard off
    (a benchmark's kiosks issue far more than 30 numbers a minute each; the guard is tested in
    tests/test_api.py), one enrolled kiosk (``server.kiosk``, its token; ``server.as_kiosk``, its
    header) and one enrolled TV (``server.tv``) shared by the benchmark's clients. ``printer``:
    every ticket is drawn and printed, as ESC/POS, to ``tickets.bin`` in the data folder."""
    from conftest import write_config
    from servers import ALWAYS_OPEN, Server, free_port

    production_passwords()

    from server.core.rules import utc_now
    from server.core.storage import Store
    from server.devices.registry import Devices
    from server.webbase.auth import create_user

    data = tmp / f"data-{len(list(tmp.iterdir()))}"
    replace = dict(ALWAYS_OPEN)
    replace["kiosk_limit_per_minute = 30"] = "kiosk_limit_per_minute = 0"
    if printer:
        replace['kind = "none"'] = 'kind = "file"\npath = "tickets.bin"'
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


def officer(server, counter: int) -> requests.Session:
    """``petugas<counter>`` signed in at ``counter``."""
    session = requests.Session()
    response = session.post(
        f"{server.url}/api/login",
        json={"username": f"petugas{counter}", "password": PASSWORD, "counter": counter},
    )
    response.raise_for_status()
    return session


def issue(server, count: int) -> None:
    """``count`` tickets of service A from the enrolled kiosk, one after another."""
    for _n in range(count):
        requests.post(
            f"{server.url}/api/tickets", json={"service": "A"}, headers=server.as_kiosk, timeout=10
        ).raise_for_status()


def caller(server, counter: int = 1) -> Callable[[], int | None]:
    """An officer's "call next" at ``counter``: each call returns the called ticket's id."""
    session = officer(server, counter)

    def call():
        ticket = session.post(f"{server.url}/api/counters/{counter}/call-next", timeout=10).json()["ticket"]
        return ticket["id"] if ticket else None

    return call


def time_calls(call, screens, count: int, tvs: int, settle: float = 1.0) -> tuple[list[float], int]:
    """Send ``count`` calls one at a time (a call lands long before the next one goes out);
    (latencies in ms from each call's request to each screen's decoded event, calls that fewer
    than ``tvs`` screens got)."""
    sent_at = {}
    for _ in range(count):
        sent = time.perf_counter()
        ticket_id = call()
        if ticket_id is not None:
            sent_at[ticket_id] = sent
        time.sleep(0.05)
    time.sleep(settle)
    arrivals = screens.collect()
    latencies, missed = [], 0
    for ticket_id, sent in sent_at.items():
        got = arrivals.get(ticket_id, [])
        missed += len(got) < tvs
        latencies.extend((moment - sent) * 1000 for moment in got)
    return latencies, missed


@contextmanager
def crowd(url: str, tvs: int = 50, phones: int = 500, token: str | None = None, timeout: float = 60):
    """``tvs`` screens (presenting ``token``, an enrolled TV's) in one process and ``phones``
    status pages in two, spread over :data:`PHONE_SOURCES`, all connected; yields the TVs.
    Every client is closed on the way out."""
    screens = Screens(url, count=tvs, processes=1, token=token)
    status_pages = Screens(url, count=phones, processes=2, sources=PHONE_SOURCES, query="&screen=status")
    try:
        screens.wait_ready(timeout)
        status_pages.wait_ready(timeout)
        yield screens
    finally:
        screens.close()
        status_pages.close()


def rss_mb(pid: int) -> float:
    """Resident memory of a process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def worker_pid(server) -> int:
    """The pid of the server's gunicorn worker (the process that holds the office)."""
    children = subprocess.run(["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True)
    return int(children.stdout.split()[0])
