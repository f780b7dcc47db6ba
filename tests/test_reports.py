"""Report figures against a hand-computed day, exports read back, flags, pages and access."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
from conftest import START
from event_log import ticket_events
from hypothesis import given
from hypothesis import strategies as st

from server.core import tickets
from server.reports import export, periods, stats
from server.reports import figures as report_figures
from server.reports import routes as reporting
from server.reports.periods import Period, PeriodError
from server.survey import routes as survey_routes

DAY = "2026-11-30"
T0 = START.timestamp()  # Monday 30 November 2026, 09:00 WIB


@pytest.fixture
def supervisor(login):
    return login("supervisor", counter=None)


def add_ticket(
    conn,
    number,
    service,
    status,
    issue,
    call=None,
    start=None,
    finish=None,
    counter=None,
    officer=None,
    flagged=False,
    kiosk_of=None,
    seq=None,
):
    """A ticket whose times are seconds after 09:00 (None = not reached)."""
    at = lambda offset: None if offset is None else T0 + offset  # noqa: E731
    ticket_id = tickets.insert_ticket(
        conn,
        token=f"tok-{number}-{service}",
        number=number,
        service=service,
        day=DAY,
        seq=seq if kiosk_of is None else None,
        priority=0,
        status=status,
        issued_at=at(issue),
        arrived_at=at(issue),
        queued_at=at(issue),
        called_at=at(call),
        last_called_at=at(call),
        started_at=at(start),
        finished_at=at(finish),
        closed_at=at(finish),
        counter_id=counter,
        called_by=officer,
        flagged=int(flagged),
        flag_reason="lupa Selesai" if flagged else None,
        transferred_from=kiosk_of,
    )
    return ticket_id


@pytest.fixture
def day_of_tickets(loket):
    """The hand-computed day (standards: A wait 15 / service 15 min, E 10 / 10 min)."""
    ids = {}
    with loket.store.write() as conn:
        ids["A001"] = add_ticket(conn, "A001", "A", "done", 0, 300, 360, 960, 1, "petugas1", seq=1)
        ids["A002"] = add_ticket(conn, "A002", "A", "done", 60, 660, 700, 1600, 1, "petugas1", seq=2)
        ids["A003"] = add_ticket(conn, "A003", "A", "done", 120, 1021, 1100, 2300, 1, "petugas1", seq=3)
        ids["A004"] = add_ticket(conn, "A004", "A", "done", 180, 1380, 1400, 1700, 4, "petugas4", seq=4)
        ids["A005"] = add_ticket(conn, "A005", "A", "no_show", 240, 340, counter=4, officer="petugas4", seq=5)
        ids["A006"] = add_ticket(conn, "A006", "A", "expired", 300, seq=6)
        ids["A007"] = add_ticket(
            conn, "A007", "A", "done", 360, 420, 450, 50450, 1, "petugas1", flagged=True, seq=7
        )
        ids["A008"] = add_ticket(conn, "A008", "A", "transferred", 420, 620, 700, 820, 1, "petugas1", seq=8)
        ids["A008E"] = add_ticket(
            conn, "A008", "E", "done", 820, 850, 900, 1300, 3, "petugas3", kiosk_of=ids["A008"]
        )
        ids["E001"] = add_ticket(conn, "E001", "E", "done", 3900, 4600, 4700, 5200, 3, "petugas3", seq=1)
    return ids


def figures(loket, first=DAY, last=DAY):
    period = periods.range_period(date.fromisoformat(first), date.fromisoformat(last))
    return report_figures.Figures().compute(loket.store, loket.config, period)


def by_key(rows):
    return {row["key"]: row for row in rows}


# ---- pure arithmetic -----------------------------------------------------------------------


def test_percentile_interpolates_between_ranks():
    values = [100, 200, 300, 600, 901, 1200]
    assert stats.percentile(values, 50) == 450
    assert stats.percentile(values, 90) == pytest.approx(1050.5)
    assert stats.percentile([7], 90) == 7
    assert stats.percentile([], 50) is None


@given(st.lists(st.integers(min_value=0, max_value=100_000), min_size=1, max_size=60))
def test_percentile_matches_statistics_inclusive(values):
    import statistics

    ordered = sorted(values)
    if len(ordered) > 1:
        deciles = statistics.quantiles(ordered, n=10, method="inclusive")
        assert stats.percentile(ordered, 90) == pytest.approx(deciles[8])
    assert stats.percentile(ordered, 50) == pytest.approx(statistics.median(ordered))


def test_histogram_counts_whole_minutes():
    assert stats.histogram([0, 59, 60, 119, 120, 5000], bins=4) == [2, 2, 1, 1]


def test_periods_parse_and_step():
    today = date(2026, 11, 30)
    assert periods.parse_period({}, today) == Period("day", today, today)
    month = periods.parse_period({"view": "month", "month": "2026-02"}, today)
    assert (month.start, month.end) == (date(2026, 2, 1), date(2026, 2, 28))
    assert month.shifted(-1).start == date(2026, 1, 1) and month.shifted(11).start == date(2027, 1, 1)
    assert periods.parse_period({"view": "year", "year": "2025"}, today).days == 365
    assert periods.parse_period({"from": "2026-11-01", "to": "2026-11-07"}, today).days == 7
    for bad in (
        {"view": "day", "date": "30-11-2026"},
        {"view": "month", "month": "2026-13"},
        {"from": "2026-11-07", "to": "2026-11-01"},
        {"view": "week"},
        {"from": "2026-11-01"},
    ):
        with pytest.raises(PeriodError):
            periods.parse_period(bad, today)


# ---- the hand-computed day -----------------------------------------------------------------


def test_service_figures_match_hand_computation(loket, day_of_tickets):
    report = figures(loket)["report"]
    a = by_key(report.groups["service"])["A"]
    assert (
        a["tickets"],
        a["issued"],
        a["done"],
        a["no_show"],
        a["expired"],
        a["transferred"],
        a["flagged"],
    ) == (8, 8, 5, 1, 1, 1, 1)
    # Waits of A (flagged A007 and expired A006 left out): 100 200 300 600 901 1200.
    wait = a["wait"]
    assert wait.count == 6
    assert wait.average == pytest.approx(3301 / 6)
    assert wait.median == 450
    assert wait.p90 == pytest.approx(1050.5)
    assert wait.within == 4 and wait.within_percent == pytest.approx(200 / 3)
    # Service times of A: 120 (served, then transferred) 300 600 900 1200; 900 is exactly the standard.
    served = a["service_time"]
    assert (served.count, served.average, served.median) == (5, 624, 600)
    assert served.p90 == pytest.approx(1080)
    assert served.within == 4 and served.within_percent == 80


def test_transferred_ticket_gets_a_new_wait_and_is_not_a_kiosk_number(loket, day_of_tickets):
    e = by_key(figures(loket)["report"].groups["service"])["E"]
    assert (e["tickets"], e["issued"], e["done"]) == (2, 1, 2)
    assert sorted([e["wait"].median, e["wait"].p90]) == [365, pytest.approx(633)]
    assert e["wait"].within == 1 and e["service_time"].within == 2


def test_totals_counters_officers_and_hours(loket, day_of_tickets):
    report = figures(loket)["report"]
    total = report.total
    assert (total["tickets"], total["issued"], total["done"], total["expired"], total["flagged"]) == (
        10,
        9,
        7,
        1,
        1,
    )
    assert total["wait"].count == 8 and total["wait"].within == 5
    assert total["wait"].within_percent == 62.5
    counter_one = by_key(report.groups["counter"])[1]
    assert counter_one["called"] == 5  # the flagged ticket was still called there
    assert counter_one["wait"].median == 450  # 200 300 600 901
    assert set(by_key(report.groups["officer"])) == {"petugas1", "petugas3", "petugas4"}
    hours = by_key(report.groups["hour"])
    assert hours[9]["tickets"] == 9 and hours[10]["issued"] == 1


def test_exceeded_tickets_are_listed_worst_first_without_flagged(loket, day_of_tickets):
    result = figures(loket)
    assert result["report"].exceeded_count == 3
    assert [t["number"] + t["service"] for t in result["exceeded"]] == ["A003A", "A004A", "E001E"]
    assert [t["number"] for t in result["flagged"]] == ["A007"]


def test_flagged_and_expired_are_counted_but_not_measured(loket, day_of_tickets):
    total = figures(loket)["report"].total
    longest = max(t for t in (total["service_time"].p90, total["service_time"].average) if t)
    assert longest < 50000 - 450  # A007's 14-hour "service" is not in any figure
    assert total["expired"] == 1 and total["wait"].count == 8


def test_charts_series(loket, day_of_tickets):
    charts = figures(loket)["report"].charts
    minutes = charts["wait_histogram"]["A"]  # 100 200 300 600 901 1200 seconds
    assert [i for i, n in enumerate(minutes) if n] == [1, 3, 5, 10, 15, 20] and sum(minutes) == 6
    assert charts["arrivals"] == {"9|A": 8, "10|E": 1}
    assert charts["open_days"] == 1
    assert charts["compliance"][f"{DAY}|A"] == [pytest.approx(200 / 3), 80]
    assert charts["buckets"] == [DAY]


def test_report_is_recomputed_after_a_change(loket, day_of_tickets, clock):
    before = figures(loket)["report"].total["done"]
    with loket.store.write() as conn:
        tickets.update_ticket(
            conn, day_of_tickets["A005"], status="done", started_at=T0 + 400, finished_at=T0 + 500
        )
    assert figures(loket)["report"].total["done"] == before + 1


# ---- exports -------------------------------------------------------------------------------


def test_csv_export_reads_back(supervisor, day_of_tickets):
    response = supervisor.get(f"/reports/export.csv?from={DAY}&to={DAY}")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.DictReader(io.StringIO(response.get_data(as_text=True))))
    assert len(rows) == 10
    assert set(export.EXPORT_COLUMNS) <= set(rows[0])
    by_number = {(r["number"], r["service"]): r for r in rows}
    a002, a003, a006 = by_number[("A002", "A")], by_number[("A003", "A")], by_number[("A006", "A")]
    assert (a002["wait_seconds"], a002["wait_within_standard"], a002["service_seconds"]) == (
        "600",
        "true",
        "900",
    )
    assert a002["service_within_standard"] == "true"
    assert (a003["wait_seconds"], a003["wait_within_standard"]) == ("901", "false")
    assert a003["issued_at"] == "2026-11-30T09:02:00+07:00"
    assert a003["finished_at"] == "2026-11-30T09:38:20+07:00"
    assert (a006["status"], a006["called_at"], a006["wait_seconds"], a006["wait_within_standard"]) == (
        "expired",
        "",
        "",
        "",
    )
    assert by_number[("A007", "A")]["flagged"] == "true"


@pytest.mark.parametrize(
    "query",
    [
        "",
        "?from=2026-11-30",
        "?from=2026-11-30&to=kemarin",
        "?from=2026-12-01&to=2026-11-30",
        "?from=2024-01-01&to=2026-11-30",
    ],
)
def test_csv_export_refuses_bad_dates(supervisor, query):
    response = supervisor.get("/reports/export.csv" + query)
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "invalid_date" and error["message"]


def test_xlsx_export_reads_back(supervisor, day_of_tickets):
    from openpyxl import load_workbook

    response = supervisor.get(f"/reports/export.xlsx?from={DAY}&to={DAY}")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.data), read_only=True)
    assert book.sheetnames == ["Ringkasan", "Tiket", "Survei IKM"]
    tickets = list(book["Tiket"].iter_rows(values_only=True))
    assert list(tickets[0]) == list(export.EXPORT_COLUMNS) and len(tickets) == 11
    header = list(tickets[0])
    a003 = next(r for r in tickets[1:] if r[header.index("number")] == "A003")
    assert a003[header.index("wait_seconds")] == 901 and a003[header.index("wait_within_standard")] is False
    summary = list(book["Ringkasan"].iter_rows(values_only=True))
    a_line = next(r for r in summary if r and r[0] == "A")
    assert a_line[2:5] == (8, 5, 1)


def test_exports_need_a_supervisor(client, login):
    assert client.get(f"/reports/export.csv?from={DAY}&to={DAY}").status_code == 401
    officer = login("officer", counter=1)
    assert officer.get(f"/reports/export.csv?from={DAY}&to={DAY}").status_code == 403


# ---- flags ---------------------------------------------------------------------------------


def test_flag_and_unflag_change_the_averages(supervisor, loket, day_of_tickets):
    ticket_id = day_of_tickets["A003"]
    response = supervisor.post(f"/api/tickets/{ticket_id}/flag", json={"reason": "Lupa menekan Selesai"})
    assert response.status_code == 200
    body = response.get_json()["ticket"]
    assert body["flagged"] is True and body["flag_reason"] == "Lupa menekan Selesai"
    assert body["flagged_by"].startswith("supervisor")
    assert by_key(figures(loket)["report"].groups["service"])["A"]["wait"].count == 5
    assert [e["kind"] for e in ticket_events(loket.store.read(), ticket_id)][-1] == "flagged"
    assert supervisor.post(f"/api/tickets/{ticket_id}/unflag").get_json()["ticket"]["flagged"] is False
    assert by_key(figures(loket)["report"].groups["service"])["A"]["wait"].count == 6


def test_flag_needs_a_reason_and_a_supervisor(supervisor, login, client, day_of_tickets):
    ticket_id = day_of_tickets["A001"]
    assert supervisor.post(f"/api/tickets/{ticket_id}/flag", json={"reason": "  "}).status_code == 422
    assert supervisor.post(f"/api/tickets/{ticket_id}/flag", json={}).status_code == 422
    assert supervisor.post("/api/tickets/9999/flag", json={"reason": "x"}).status_code == 404
    assert client.post(f"/api/tickets/{ticket_id}/flag", json={"reason": "x"}).status_code == 401
    officer = login("officer", counter=1)
    response = officer.post(f"/api/tickets/{ticket_id}/flag", json={"reason": "x"})
    assert response.status_code == 403 and response.get_json()["error"]["message"]


# ---- pages ---------------------------------------------------------------------------------


def test_pages_for_each_role(client, login, supervisor, day_of_tickets):
    page = client.get("/reports")
    assert page.status_code == 401 and "Masuk" in page.get_data(as_text=True)
    officer = login("officer", counter=1)
    assert officer.get("/reports").status_code == 403
    html = supervisor.get(f"/reports?view=day&date={DAY}").get_data(as_text=True)
    assert "Perizinan &amp; Rekomendasi" in html and 'id="report-data"' in html
    assert "A003" in html and "66,7%" in html
    assert supervisor.get("/reports?view=month&month=2026-11").status_code == 200
    assert supervisor.get("/reports?view=year&year=2026").status_code == 200
    assert supervisor.get("/reports?view=month&month=2026-13").status_code == 400
    printed = supervisor.get("/reports/print?month=2026-11").get_data(as_text=True)
    assert "Kepala Kantor" in printed and "NOVEMBER 2026" in printed and "NIP." in printed
    data = supervisor.get(f"/reports/data.json?view=day&date={DAY}").get_json()
    assert data["total"]["wait"]["within"] == 5 and data["exceeded_count"] == 3


def test_pages_load_nothing_from_elsewhere(supervisor, day_of_tickets):
    html = supervisor.get(f"/reports?view=day&date={DAY}").get_data(as_text=True)
    assert "http://" not in html.replace("http://localhost", "") and "https://" not in html
    assert "<script>" not in html and "style=" not in html
    assert supervisor.get("/assets/common/vendor/chart.umd.min.js").status_code == 200


def test_openapi_paths_cover_the_json_routes(app):
    documented = {**reporting.OPENAPI_PATHS, **survey_routes.OPENAPI_PATHS}
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("reporting.") and rule.rule.startswith("/api/"):
            path = rule.rule.replace("<int:", "{").replace("<", "{").replace(">", "}")
            for method in rule.methods - {"HEAD", "OPTIONS"}:
                assert method.lower() in documented[path], (path, method)


def _whole_range_report(store, config, period):
    """The reference: every figure from one reading of the whole range, not month by month."""
    known = report_figures.standards(config)
    setting = (store.path, tuple(sorted(known.items())), 7 * 3600, 25)
    fresh = report_figures.Figures()  # read it afresh
    facts = fresh.month_facts(store, setting, known, [(period.start, period.end, "whole range")])
    return report_figures.merge(facts, period, 25)


def test_a_range_read_month_by_month_equals_one_reading(tmp_path):
    """Reports are read as calendar months, each kept while its tickets stay the same; the
    figures are exactly those of one reading of the whole range, before and after a change."""
    from server import simulate
    from server.config.data_dir import prepare_data_dir
    from server.core.storage import Store

    config = prepare_data_dir(tmp_path / "data")
    store = Store(tmp_path / "data" / "loket.db")
    try:
        days = simulate.history_days(date(2026, 11, 27), 75, config.office.days)
        assert simulate.write_history(store, config, days, seed=5, visitors=60) > 2000
        period = periods.range_period(date(2026, 9, 20), date(2026, 11, 27))
        kept_figures = report_figures.Figures()
        report = kept_figures.compute(store, config, period)["report"]
        assert report == _whole_range_report(store, config, period)
        assert len(report.exceeded_ids) == 25 and report.total["tickets"] > 2000
        kept = {key: facts for key, facts in kept_figures.months.items() if key[3] != "whole range"}
        assert len(kept) == 3  # 20–30 September, October, 1–27 November

        # A supervisor flags a November ticket: only November is read again.
        ticket_id = (
            store.read()
            .execute("SELECT id FROM tickets WHERE day = '2026-11-20' AND status = 'done' LIMIT 1")
            .fetchone()[0]
        )
        with store.write() as conn:
            conn.execute("UPDATE tickets SET flagged = 1 WHERE id = ?", (ticket_id,))
        again = kept_figures.compute(store, config, period)["report"]
        assert again == _whole_range_report(store, config, period)
        assert again.total["flagged"] == report.total["flagged"] + 1
        reread = [key for key in kept_figures.months if key not in kept and key[3] != "whole range"]
        assert [key[1:3] for key in reread] == [(date(2026, 11, 1), date(2026, 11, 27))]
    finally:
        store.close()


@given(st.lists(st.lists(st.integers(0, 5000), max_size=40), max_size=6), st.floats(0, 100))
def test_sorted_runs_read_like_the_merged_values(runs, p):
    merged = sorted(v for run in runs for v in run)
    together = stats.SortedRuns([sorted(run) for run in runs])
    assert len(together) == len(merged) and together.total == sum(merged)
    assert together.percentile(p) == stats.percentile(merged, p)
    assert [together.at(i) for i in range(len(merged))] == merged
    for value in (0, 60, 1234.5, 5001):
        assert together.below(value) == sum(1 for v in merged if v < value)
    assert stats.histogram(together) == stats.histogram(merged)


def test_a_range_fingerprint_changes_with_any_write_to_its_tickets(loket):
    from server.reports import queries

    with loket.store.write() as conn:
        ticket_id = add_ticket(conn, "A001", "A", "waiting", 0, seq=1)
    conn = loket.store.read()
    day, other = queries.fingerprint(conn, DAY, DAY), queries.fingerprint(conn, "2026-11-01", "2026-11-29")
    seen = {day}
    for sql in (
        "UPDATE tickets SET status = 'called', called_at = issued_at + 60 WHERE id = ?",
        "UPDATE tickets SET flagged = 1 WHERE id = ?",
        "UPDATE tickets SET flagged = 0 WHERE id = ?",
    ):
        with loket.store.write() as write:
            write.execute(sql, (ticket_id,))
        now = queries.fingerprint(conn, DAY, DAY)
        assert now not in seen  # even a flag set and taken back is a change
        seen.add(now)
    assert queries.fingerprint(conn, "2026-11-01", "2026-11-29") == other  # another month: untouched
