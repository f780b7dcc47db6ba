"""The head of office's reports on any period, checked against a recomputation from the CSV export.

Random office histories (empty periods, days with only waiting, only called or only serving
tickets, flagged, transferred, expired and unfinished tickets, survey answers): every report view
and export answers 200 for day, month, year and range, and the ticket figures equal what this
file computes on its own from the CSV rows, with its own percentile and IKM code.
"""

from __future__ import annotations

import csv
import io
import math
import tempfile
from datetime import date, datetime, time
from decimal import ROUND_HALF_UP, Decimal
from pathlib import Path
from zoneinfo import ZoneInfo

from conftest import FakeClock, make_app, write_config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.core import tickets
from server.survey.queries import insert_survey_response
from server.webbase.auth import create_user

TZ = ZoneInfo("Asia/Jakarta")
DAYS = [date(2026, 11, 2), date(2026, 11, 3), date(2026, 11, 16), date(2026, 12, 1)]
STANDARD = {"A": (15, 15), "B": (15, 25), "E": (10, 10)}  # the default office's wait/service minutes
STATUSES = ("waiting", "called", "serving", "done", "no_show", "expired", "unfinished", "cancelled")

ticket_spec = st.fixed_dictionaries(
    {
        "day": st.sampled_from(DAYS),
        "service": st.sampled_from(sorted(STANDARD)),
        "status": st.sampled_from(STATUSES),
        "issue": st.integers(8 * 3600, 15 * 3600),
        "wait": st.integers(0, 3600),
        "walk": st.integers(0, 120),
        "serve": st.integers(30, 3600),
        "fraction": st.sampled_from([0.0, 0.25, 0.5, 0.75]),
        "flagged": st.booleans(),
        "transfer_to": st.none() | st.sampled_from(sorted(STANDARD)),
        "survey": st.none() | st.lists(st.integers(1, 4), min_size=9, max_size=9),
    }
)


def write_history(store, specs: list[dict]) -> None:
    """Insert the tickets as the server would have left them."""
    counters = {"A": 1, "B": 2, "E": 3}
    with store.write() as conn:
        seqs: dict = {}
        for n, spec in enumerate(specs):
            midnight = datetime.combine(spec["day"], time(), TZ).timestamp()
            issued = midnight + spec["issue"] + spec["fraction"]
            called = issued + spec["wait"] + spec["fraction"]
            started = called + spec["walk"]
            finished = started + spec["serve"]
            status = spec["status"]
            reached = status not in ("waiting", "expired", "cancelled")
            transferred = spec["transfer_to"] not in (None, spec["service"]) and status == "done"
            key = (spec["day"], spec["service"])
            seqs[key] = seqs.get(key, 0) + 1
            ticket_id = tickets.insert_ticket(
                conn,
                token=f"t{n}",
                number=f"{spec['service']}{seqs[key]:03d}",
                service=spec["service"],
                day=spec["day"].isoformat(),
                seq=seqs[key],
                priority=0,
                status="transferred" if transferred else status,
                issued_at=issued,
                arrived_at=issued,
                queued_at=issued,
                called_at=called if reached else None,
                last_called_at=called if reached else None,
                started_at=started if status in ("serving", "done", "unfinished") else None,
                finished_at=finished if status == "done" else None,
                counter_id=counters[spec["service"]] if reached else None,
                called_by=f"petugas{counters[spec['service']]}" if reached else None,
                flagged=int(spec["flagged"] and status == "done"),
                flag_reason="lupa Selesai" if spec["flagged"] and status == "done" else None,
            )
            if transferred:
                new_id = tickets.insert_ticket(
                    conn,
                    token=f"t{n}.x",
                    number=f"{spec['service']}{seqs[key]:03d}",
                    service=spec["transfer_to"],
                    day=spec["day"].isoformat(),
                    seq=None,
                    priority=0,
                    status="done",
                    issued_at=finished,
                    arrived_at=issued,
                    queued_at=finished,
                    called_at=finished + 60,
                    last_called_at=finished + 60,
                    started_at=finished + 90,
                    finished_at=finished + 400,
                    counter_id=counters[spec["transfer_to"]],
                    called_by=f"petugas{counters[spec['transfer_to']]}",
                    transferred_from=ticket_id,
                )
                tickets.update_ticket(conn, ticket_id, transferred_to=new_id)
            elif status == "done" and spec["survey"]:
                ticket = tickets.get_ticket(conn, ticket_id)
                answers = {f"u{i + 1}": v for i, v in enumerate(spec["survey"])}
                insert_survey_response(conn, ticket, "ikm", "status_page", answers, None, None, finished + 60)


# ---- the oracle, written without the report's code ---------------------------------------


def p_linear(values: list[float], p: float) -> float | None:
    """Percentile by linear interpolation between closest ranks (Excel PERCENTILE.INC)."""
    if not values:
        return None
    values = sorted(values)
    position = (len(values) - 1) * p
    below = int(math.floor(position))
    above = min(below + 1, len(values) - 1)
    return values[below] + (values[above] - values[below]) * (position - below)


def oracle(rows: list[dict]) -> dict:
    """Counts and time figures of CSV rows (flagged and expired tickets are not measured)."""
    counted = [r for r in rows if r["flagged"] != "true" and r["status"] != "expired"]
    result = {"tickets": len(rows)}
    for status in ("done", "no_show", "expired", "unfinished", "transferred", "cancelled"):
        result[status] = sum(1 for r in rows if r["status"] == status)
    for name, column, within in (
        ("wait", "wait_seconds", "wait_within_standard"),
        ("service_time", "service_seconds", "service_within_standard"),
    ):
        values = [int(r[column]) for r in counted if r[column] != ""]
        result[name] = {
            "count": len(values),
            "average": sum(values) / len(values) if values else None,
            "median": p_linear(values, 0.5),
            "p90": p_linear(values, 0.9),
            "within": sum(1 for r in counted if r[column] != "" and r[within] == "true"),
        }
    return result


def ikm(answers: list[list[int]]) -> float | None:
    """IKM = mean of the nine element averages × 25, half-up to two decimals."""
    if not answers:
        return None
    averages = [sum(a[i] for a in answers) / len(answers) for i in range(9)]
    exact = Decimal(str(sum(averages) / 9)) * 25
    return float(exact.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP))


def assert_figures(reported: dict, expected: dict) -> None:
    for key in ("tickets", "done", "no_show", "expired", "unfinished", "transferred", "cancelled"):
        assert reported[key] == expected[key], key
    for name in ("wait", "service_time"):
        got, want = reported[name], expected[name]
        assert got["count"] == want["count"] and got["within"] == want["within"], name
        for figure in ("average", "median", "p90"):
            if want[figure] is None:
                assert got[figure] is None, (name, figure)
            else:
                assert math.isclose(got[figure], want[figure], abs_tol=1e-6), (name, figure, got, want)


def periods() -> list[tuple[str, str, str, dict]]:
    """(query, from, to) of every kind of period the reports take, empty ones included."""
    found = []
    for day in (DAYS[0], DAYS[-1], date(2026, 11, 4)):  # the 4th has no ticket
        found.append((f"view=day&date={day}", day, day))
    found.append(("view=month&month=2026-11", date(2026, 11, 1), date(2026, 11, 30)))
    found.append(("view=month&month=2026-10", date(2026, 10, 1), date(2026, 10, 31)))
    found.append(("view=year&year=2026", date(2026, 1, 1), date(2026, 12, 31)))
    found.append(("view=year&year=2025", date(2025, 1, 1), date(2025, 12, 31)))
    found.append(("view=range&from=2026-11-03&to=2026-12-01", date(2026, 11, 3), date(2026, 12, 1)))
    return found


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ticket_spec, max_size=40))
def test_every_report_view_answers_and_its_figures_match_the_csv(specs):
    with tempfile.TemporaryDirectory() as folder:
        data = Path(folder) / "data"
        write_config(data)
        app = make_app(data, clock=FakeClock(datetime(2026, 12, 1, 10, 0, tzinfo=TZ)), background=False)
        loket = app.extensions["runtime"]
        try:
            create_user(loket.store, "kepala", "rahasia-123", "supervisor", loket.queue.now())
            write_history(loket.store, specs)
            client = app.test_client()
            assert (
                client.post("/api/login", json={"username": "kepala", "password": "rahasia-123"}).status_code
                == 200
            )
            for query, first, last in periods():
                for page in ("/reports", "/reports/print", "/reports/export.xlsx"):
                    response = client.get(f"{page}?{query}")
                    assert response.status_code == 200, (page, query, response.get_data(as_text=True)[:300])
                data_json = client.get(f"/reports/data.json?{query}")
                assert data_json.status_code == 200, query
                exported = client.get(f"/reports/export.csv?from={first}&to={last}")
                assert exported.status_code == 200
                rows = list(csv.DictReader(io.StringIO(exported.get_data(as_text=True))))
                figures = data_json.get_json()
                assert_figures(figures["total"], oracle(rows))
                for group in figures["groups"]["service"]:
                    assert_figures(group, oracle([r for r in rows if r["service"] == group["key"]]))
                answered = [
                    s["survey"]
                    for s in specs
                    if s["survey"]
                    and s["status"] == "done"
                    and first <= s["day"] <= last
                    and s["transfer_to"] in (None, s["service"])
                ]
                survey = figures["survey"]["all"].get("all")
                assert (survey["score"] if survey else None) == ikm(answered)
        finally:
            loket.close()


def test_the_default_view_answers_on_a_morning_before_anyone_is_served(tmp_path):
    """The head of office opens /reports at 08:00 with only waiting, called and serving tickets."""
    data = tmp_path / "data"
    write_config(data)
    clock = FakeClock(datetime(2026, 11, 30, 8, 0, tzinfo=TZ))
    app = make_app(data, clock=clock, background=False)
    loket = app.extensions["runtime"]
    try:
        create_user(loket.store, "kepala", "rahasia-123", "supervisor", clock())
        create_user(loket.store, "petugas1", "rahasia-123", "officer", clock())
        kiosk, officer, head = app.test_client(), app.test_client(), app.test_client()
        for _ in range(3):
            assert kiosk.post("/api/tickets", json={"service": "A"}).status_code == 201
        officer.post("/api/login", json={"username": "petugas1", "password": "rahasia-123", "counter": 1})
        head.post("/api/login", json={"username": "kepala", "password": "rahasia-123"})
        for step in ("nobody called", "one called", "one serving"):
            if step == "one serving":
                served = head.get("/reports/data.json").get_json()["total"]["service_time"]
                assert (served["count"], served["average"]) == (0, None)
            if step == "one called":
                officer.post("/api/counters/1/call-next")
            if step == "one serving":
                ticket = officer.post("/api/counters/1/call-next").get_json()["ticket"]
                officer.post(f"/api/tickets/{ticket['id']}/start")
            for page in ("/reports", "/reports/data.json", "/reports/print", "/reports/export.xlsx?view=day"):
                assert head.get(page).status_code == 200, (step, page)
        # The first visitor, called but never started, counts as served from the call until the
        # officer called the next one (at the same moment here): one service time of 0 s.
        served = head.get("/reports/data.json").get_json()["total"]["service_time"]
        assert (served["count"], served["average"]) == (1, 0)
    finally:
        loket.close()
