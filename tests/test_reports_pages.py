"""The report pages as a head of office reads them: officers in natural order, formal words,
thousands separators everywhere, transferred tickets marked, long lists folded, the print view's
letterhead with the logo, and a way to the reports from every staff page."""

from __future__ import annotations

import re

from test_reports import add_ticket, day_of_tickets, supervisor  # noqa: F401

from server.reports import periods, stats


def test_natural_key_orders_numbers_by_value():
    names = ["petugas10", "petugas2", "Petugas1", "admin", "petugas1b"]
    assert sorted(names, key=stats.natural_key) == [
        "admin",
        "Petugas1",
        "petugas1b",
        "petugas2",
        "petugas10",
    ]
    assert sorted([10, 2, 1], key=stats.natural_key) == [1, 2, 10]


def test_day_page_words_order_and_markers(supervisor, loket, day_of_tickets):  # noqa: F811
    with loket.store.write() as conn:
        for number in (10, 2, 11):
            add_ticket(
                conn, f"B{number:03d}", "B", "done", 100, 200, 300, 400, 2, f"petugas{number}", seq=number
            )
        moved = add_ticket(conn, "B020", "B", "transferred", 100, 200, 300, 400, 2, "petugas2", seq=20)
        add_ticket(conn, "B020", "E", "done", 400, 4000, 4100, 4200, 3, "petugas3", kiosk_of=moved)
    html = supervisor.get("/reports?view=day&date=2026-11-30").get_data(as_text=True)
    assert "Rata²" not in html and "Rata-rata" in html
    officers = re.findall(r'<th scope="row">(petugas\d+)</th>', html)
    assert officers == sorted(officers, key=stats.natural_key)
    assert officers.index("petugas2") < officers.index("petugas10")
    # B020 moved from B to E and waited too long there: listed under E, with where it came from.
    assert "dialihkan dari B" in html


def test_long_lists_are_folded_and_numbers_grouped(supervisor, loket):  # noqa: F811
    with loket.store.write() as conn:
        for seq in range(1, 1300):
            add_ticket(
                conn,
                f"A{seq:04d}",
                "A",
                "done",
                seq,
                seq + 3000,
                seq + 3000,
                seq + 3100,
                1,
                "petugas1",
                flagged=seq <= 40,
                seq=seq,
            )
    html = supervisor.get("/reports?view=day&date=2026-11-30").get_data(as_text=True)
    text = re.sub(
        r"<script.*?</script>|<[^>]+>|A\d{4}|\b20\d\d\b", " ", html, flags=re.S
    )  # years are not amounts
    assert "1.299" in text
    assert not re.search(r"(?<![\d.,:])\d{4,}(?![\d.,:])", text), re.findall(r"\d{4,}", text)[:5]
    flagged_section = html[html.index('id="flagged"') :]
    assert flagged_section.count('class="r-extra" hidden') == 30
    assert "Tampilkan 30 tiket lainnya" in flagged_section


def test_print_view_has_the_logo_and_every_column(supervisor, loket, day_of_tickets):  # noqa: F811
    html = supervisor.get("/reports/print?view=day&date=2026-11-30").get_data(as_text=True)
    assert 'class="p-logo"' not in html
    (loket.data_dir / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    html = supervisor.get("/reports/print?view=day&date=2026-11-30").get_data(as_text=True)
    assert 'class="p-logo"' in html
    assert "Ditandai</th>" in html


def test_every_staff_page_links_to_the_reports(client, login):
    assert 'href="/reports"' in client.get("/").get_data(as_text=True)
    staff = login("admin", counter=None)
    for page in ("/board", "/admin"):
        assert 'href="/reports"' in staff.get(page).get_data(as_text=True), page


def test_the_period_is_picked_from_indonesian_lists(supervisor, day_of_tickets):  # noqa: F811
    assert periods.combine_picked({"date_d": "5", "date_m": "3", "date_y": "2026"})["date"] == "2026-03-05"
    assert periods.combine_picked({"month_m": "11", "month_y": "2026"})["month"] == "2026-11"
    html = supervisor.get("/reports?view=day&date=2026-11-30").get_data(as_text=True)
    assert 'type="date"' not in html and 'type="month"' not in html
    assert '<option value="11" selected>November</option>' in html
    picked = supervisor.get("/reports?view=day&date_d=30&date_m=11&date_y=2026").get_data(as_text=True)
    assert "Senin, 30 November 2026" in picked
    wrong = supervisor.get("/reports?view=day&date_d=31&date_m=2&date_y=2026")
    assert wrong.status_code == 400 and "bukan tanggal yang valid" in wrong.get_data(as_text=True)
