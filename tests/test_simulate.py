"""The day simulator: deterministic for a seed, driving the real API, and writing history."""

from __future__ import annotations

import argparse
import random
from datetime import date, datetime, time, timezone

import pytest
from conftest import FakeClock, make_app, write_config
from servers import FlaskSession

from server import simulate
from server.core.storage import Store
from server.simulate.records import HISTORY_TICKET_COLUMNS
from server.webbase.auth import create_user


def test_plan_is_deterministic_for_a_seed(loket):
    model = simulate.Model.for_config(loket.config, 200)
    first = simulate.plan_day(model, random.Random("7:day"))
    again = simulate.plan_day(model, random.Random("7:day"))
    other = simulate.plan_day(model, random.Random("8:day"))
    assert first == again and first != other
    assert 120 < len(first) < 280
    assert all(model.opens <= v.arrival < model.closes for v in first)
    assert {v.service for v in first} == {"A", "B", "C", "D", "E", "F"}


def run_live_day(tmp_path, name: str, seed: int, before=None) -> tuple[list, list]:
    """A morning of 60 visitors through the API of a fresh office whose clock follows the simulation."""
    data = tmp_path / name
    write_config(data)
    clock = FakeClock(datetime(2026, 11, 30, 0, 0, tzinfo=timezone.utc))
    app = make_app(data, clock=clock, background=False)
    loket = app.extensions["runtime"]
    try:
        for n in range(1, 5):
            create_user(loket.store, f"petugas{n}", "rahasia-123", "officer", clock())
        office = simulate.HttpOffice("http://loket.test", session_factory=lambda: FlaskSession(app))
        services, counters = office.layout()
        officers = [(f"petugas{c['id']}", c["id"]) for c in counters]
        for username, counter in officers:
            office.login(username, "rahasia-123", counter)
        if before is not None:
            before(app, clock)
        model = simulate.Model(
            visitors=60,
            opens=8 * 3600,
            closes=10 * 3600,
            mix={s["code"]: 1.0 for s in services},
            service_minutes={s["code"]: 8.0 for s in services},
            profile={8: 0.5, 9: 0.5},
            overtime_minutes=30,
        )
        midnight = datetime.combine(date(2026, 11, 30), time(), loket.config.office.tz).timestamp()
        rng = random.Random(f"{seed}:live")

        def pace(t):
            clock.set(datetime.fromtimestamp(midnight + t, timezone.utc))

        serves = {c["id"]: set(c["services"]) for c in counters}
        log = simulate.Simulation(office, model, officers, rng, lambda o: serves[o[1]], pace).run(
            simulate.plan_day(model, rng)
        )
        rows = (
            loket.store.read()
            .execute(
                "SELECT number, service, status, issued_at, called_at, finished_at, counter_id FROM tickets ORDER BY id"
            )
            .fetchall()
        )
        return log, [tuple(r) for r in rows]
    finally:
        loket.close()


def test_live_simulation_through_the_api_is_deterministic(tmp_path):
    log, rows = run_live_day(tmp_path, "one", seed=3)
    again_log, again_rows = run_live_day(tmp_path, "two", seed=3)
    assert log == again_log and rows == again_rows
    actions = {entry[1] for entry in log}
    assert {"issue", "call", "finish"} <= actions
    assert sum(1 for r in rows if r[2] == "done") > 30
    other_log, _ = run_live_day(tmp_path, "three", seed=4)
    assert other_log != log


def test_the_simulation_serves_tickets_it_did_not_create(tmp_path):
    """A kiosk tap, the README's curl example and a ticket left called by an earlier run are in
    the queue when the simulation starts: its officers serve them like the others."""

    def strangers(app, clock):
        clock.set(datetime(2026, 11, 30, 0, 50, tzinfo=timezone.utc))  # 07:50 WIB
        kiosk = app.test_client()
        for service in ("A", "A", "B", "F"):
            assert kiosk.post("/api/tickets", json={"service": service}).status_code == 201
        earlier_run = app.test_client()
        earlier_run.post("/api/login", json={"username": "petugas1", "password": "rahasia-123", "counter": 1})
        assert earlier_run.post("/api/counters/1/call-next").get_json()["ticket"]["number"] == "A001"

    log, rows = run_live_day(tmp_path, "strangers", seed=3, before=strangers)
    strangers_rows = [r for r in rows if r[0] in ("A001", "A002", "B001", "F001") and r[3] < rows[4][3]]
    assert len(strangers_rows) == 4
    assert all(r[2] == "done" for r in strangers_rows), strangers_rows
    assert not [r for r in rows if r[2] == "called"]  # no counter keeps a ticket "Dipanggil"
    assert {"A002", "B001", "F001"} <= {entry[2] for entry in log if entry[1] == "call"}


def history_rows(tmp_path, name: str, seed: int):
    data = tmp_path / name
    write_config(data)
    from server.config.data_dir import prepare_data_dir

    config = prepare_data_dir(data)
    store = Store(data / "loket.db")
    try:
        days = simulate.history_days(date(2026, 11, 27), 7, config.office.days)
        written = simulate.write_history(store, config, days, seed, visitors=120)
        conn = store.read()
        columns = [c for c in HISTORY_TICKET_COLUMNS if c != "token"]
        tickets = conn.execute(f"SELECT {', '.join(columns)} FROM tickets ORDER BY id").fetchall()
        events = conn.execute(
            "SELECT ticket_id, kind, at, counter_id, username, detail FROM events ORDER BY id"
        ).fetchall()
        surveys = conn.execute("SELECT * FROM survey_responses ORDER BY id").fetchall()
        return (
            written,
            [tuple(r) for r in tickets],
            [tuple(r) for r in events],
            [tuple(r) for r in surveys],
            store,
        )
    except BaseException:
        store.close()
        raise


def test_history_is_deterministic_and_consistent(tmp_path):
    written, tickets, events, surveys, store = history_rows(tmp_path, "a", seed=5)
    store.close()
    again = history_rows(tmp_path, "b", seed=5)
    again[4].close()
    assert (written, tickets, events, surveys) == again[:4]
    assert written == len(tickets) > 400 and surveys
    days = {t[HISTORY_TICKET_COLUMNS.index("day") - 1] for t in tickets}
    assert len(days) == 5  # a week has five office days
    by_kind = {}
    for event in events:
        by_kind[event[1]] = by_kind.get(event[1], 0) + 1
    statuses = [t[HISTORY_TICKET_COLUMNS.index("status") - 1] for t in tickets]
    assert by_kind["issued"] == len(tickets)
    assert by_kind["finished"] == statuses.count("done")
    assert by_kind.get("transferred", 0) == statuses.count("transferred")
    different = history_rows(tmp_path, "c", seed=6)
    different[4].close()
    assert different[1] != tickets


def test_history_leaves_days_with_tickets_alone(tmp_path):
    written, tickets, _, _, store = history_rows(tmp_path, "d", seed=5)
    from server.config.data_dir import prepare_data_dir

    config = prepare_data_dir(tmp_path / "d")
    days = simulate.history_days(date(2026, 11, 27), 7, config.office.days)
    assert simulate.write_history(store, config, days, 5, visitors=120) == 0
    store.close()


def test_command_line(tmp_path, capsys):
    parser = argparse.ArgumentParser()
    simulate.add_arguments(parser)
    data = tmp_path / "cli"
    write_config(data)
    args = parser.parse_args(
        ["--history", "3", "--data", str(data), "--until", "2026-11-27", "--visitors", "40"]
    )
    assert simulate.run(args) == 0
    assert "Riwayat:" in capsys.readouterr().out
    store = Store(data / "loket.db")
    assert store.read().execute("SELECT COUNT(DISTINCT day) FROM tickets").fetchone()[0] == 3
    store.close()
    live = parser.parse_args(["--url", "http://127.0.0.1:9", "--password", "x"])
    assert simulate.run(live) == 1  # nobody listens there: a clear message, not a traceback
    assert "loket simulate:" in capsys.readouterr().err


def test_pacer_sleeps_by_the_speed_factor():
    slept = []
    now = [100.0]
    pacer = simulate.Pacer(60, start=3600, sleep=slept.append, monotonic=lambda: now[0])
    pacer(3600 + 600)  # ten simulated minutes at 60× → ten real seconds
    assert slept == [pytest.approx(10.0)]
    simulate.Pacer(0, start=0, sleep=slept.append)(10_000)
    assert len(slept) == 1
