"""``loket simulate``: its options, the two runs and what they print.

    loket simulate --url http://127.0.0.1:8000 --password RAHASIA              # a day at 60×
    loket simulate --speed 0 --visitors 400 --officer petugas1:1 --officer kepala:2
    loket simulate --history 365 --data ./loket-data                            # a year, ~300,000 tickets

A live run signs in ``petugas<N>`` at counter N unless ``--officer`` says otherwise; the kiosk's
flood guard (``[queue] kiosk_limit_per_minute``) slows a very fast run down, it never fails it.
Everything random comes from ``random.Random`` seeded per day from ``--seed``, so a seed gives
the same day every time (status-page tokens excepted: they stay secret).
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from datetime import date, timedelta
from pathlib import Path

from .day import Pacer, Simulation
from .history import history_days, write_history
from .http_office import HttpOffice, SimulationError
from .model import live_model, plan_day


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """The options of ``loket simulate``."""
    parser.add_argument("--seed", type=int, default=1, help="random seed (the same seed, the same day)")
    parser.add_argument(
        "--visitors",
        type=float,
        help="expected visitors per day (default 200 live, 1150 with --history: about 300,000 a year)",
    )
    parser.add_argument("--data", help="data folder (default $LOKET_DATA, else ./loket-data)")
    live = parser.add_argument_group("live: drive a running server through its HTTP API")
    live.add_argument("--url", default="http://127.0.0.1:8000", help="the running server")
    live.add_argument(
        "--speed",
        type=float,
        default=60.0,
        help="simulated seconds per real second (default 60; 0 = as fast as possible)",
    )
    live.add_argument(
        "--officer",
        action="append",
        default=[],
        metavar="USER[:COUNTER]",
        help="an officer account and its counter (repeat; default: counters in order)",
    )
    live.add_argument("--password", help="the officers' password (default $LOKET_PASSWORD)")
    live.add_argument(
        "--device",
        help="token of an enrolled kiosk (`loket device add`; default $LOKET_DEVICE; "
        "not needed against a --demo server on this PC)",
    )
    live.add_argument("--hours", metavar="HH:MM-HH:MM", help="the simulated part of the day")
    history = parser.add_argument_group("history: write past days into the database")
    history.add_argument(
        "--history",
        type=int,
        metavar="DAYS",
        help="simulate the DAYS days before --until and write them into --data",
    )
    history.add_argument("--until", help="last day of the history (default yesterday), YYYY-MM-DD")


def run(args: argparse.Namespace) -> int:
    """Run ``loket simulate``; return the exit code."""
    if args.history is not None:
        return run_history(args)
    return run_live(args)


def run_live(args: argparse.Namespace) -> int:
    """Drive a running server for one simulated day at ``--speed``."""
    import requests

    password = args.password or os.environ.get("LOKET_PASSWORD")
    if not password:
        print(
            "loket simulate: give the officers' password with --password or $LOKET_PASSWORD", file=sys.stderr
        )
        return 1
    try:
        office = HttpOffice(args.url, device=args.device or os.environ.get("LOKET_DEVICE"))
        config_services, counters = office.layout()
        officers = []
        for username, counter in _officers(args.officer, [c["id"] for c in counters]):
            try:
                office.login(username, password, counter)
                officers.append((username, counter))
            except SimulationError as exc:  # e.g. an officer the admin added with another password
                print(f"loket simulate: {username} at counter {counter} left out: {exc}", file=sys.stderr)
        if not officers:
            raise SimulationError("no officer could sign in (check --password and --officer)")
    except (requests.RequestException, SimulationError) as exc:
        print(f"loket simulate: {exc}", file=sys.stderr)
        return 1
    model = live_model(config_services, args.visitors, args.hours)
    rng = random.Random(f"{args.seed}:live")
    visitors = plan_day(model, rng)
    pace = Pacer(args.speed, model.opens)
    print(
        f"Simulasi: {len(visitors)} pengunjung, {len(officers)} petugas, kecepatan {args.speed:g}x "
        f"→ {args.url}",
        flush=True,
    )
    serves = {c["id"]: set(c["services"]) for c in counters}
    simulation = Simulation(office, model, officers, rng, lambda officer: serves[officer[1]], pace)
    try:
        log = simulation.run(visitors)
    except (requests.RequestException, SimulationError) as exc:
        print(f"loket simulate: stopped: {exc}", file=sys.stderr)
        return 1
    counts = {
        action: sum(1 for entry in log if entry[1] == action)
        for action in ("issue", "call", "finish", "skip", "transfer")
    }
    print(
        "Selesai: "
        + ", ".join(f"{k} {v}" for k, v in counts.items())
        + (f", ditolak {office.refused}" if office.refused else ""),
        flush=True,
    )
    return 0


def _officers(given: list[str], counters: list[int]) -> list[tuple[str, int]]:
    if not given:
        return [(f"petugas{c}", c) for c in counters]
    officers = []
    for index, entry in enumerate(given):
        username, _, counter = entry.partition(":")
        if counter and not counter.isdigit():
            raise SimulationError(f"--officer {entry}: the counter must be a number")
        officers.append((username, int(counter) if counter else counters[index % len(counters)]))
    return officers


def run_history(args: argparse.Namespace) -> int:
    """``loket simulate --history DAYS``: write past days into the data folder's database."""
    from server.config.data_dir import DB_NAME, default_data_dir, prepare_data_dir
    from server.core.rules import utc_now
    from server.core.storage import Store

    if hasattr(os, "nice"):
        os.nice(10)  # a batch job beside a live office: the server's requests go first
    data_dir = default_data_dir() if not args.data else Path(args.data)
    config = prepare_data_dir(data_dir)
    tz = config.office.tz
    until = (
        date.fromisoformat(args.until) if args.until else utc_now().astimezone(tz).date() - timedelta(days=1)
    )
    days = history_days(until, args.history, config.office.days)
    store = Store(data_dir / DB_NAME)
    began = time.monotonic()
    try:
        written = write_history(
            store, config, days, args.seed, args.visitors or 1150, lambda message: print(message, flush=True)
        )
    finally:
        store.close()
    print(f"Riwayat: {written} tiket dalam {len(days)} hari kerja, {time.monotonic() - began:.1f} detik.")
    return 0
