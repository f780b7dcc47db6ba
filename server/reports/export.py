"""The exports of the reports: every ticket of a period as CSV rows (streamed) or as an XLSX
workbook with a summary per service and the survey. The columns are listed in docs/reports.md.

A cell that begins like a spreadsheet formula is written as text: office and service names and
flag reasons are typed by people.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

from server.core.views import iso
from server.reports.format import Formats
from server.reports.stats import seconds_between, within_standard
from server.survey.ikm import ELEMENT_CODES, ELEMENTS

EXPORT_COLUMNS = (
    "id",
    "number",
    "day",
    "service",
    "service_name",
    "status",
    "priority",
    "counter",
    "officer",
    "issued_at",
    "called_at",
    "started_at",
    "finished_at",
    "wait_seconds",
    "service_seconds",
    "wait_standard_minutes",
    "service_standard_minutes",
    "wait_within_standard",
    "service_within_standard",
    "flagged",
    "flag_reason",
    "transferred_from",
    "transferred_to",
    "estimate_seconds",
    "estimate_low_seconds",
    "estimate_high_seconds",
    "closed_at",
)


def export_row(ticket: dict, config) -> dict:
    """One ticket as an export row: the CSV's and the XLSX's columns (listed in docs/reports.md)."""
    tz = config.office.tz
    service = config.service(ticket["service"])
    wait = seconds_between(ticket["called_at"], ticket["issued_at"])
    served = seconds_between(ticket["finished_at"], ticket["started_at"])
    return {
        "id": ticket["id"],
        "number": ticket["number"],
        "day": ticket["day"],
        "service": ticket["service"],
        "service_name": service.name if service else ticket["service"],
        "status": ticket["status"],
        "priority": bool(ticket["priority"]),
        "counter": ticket["counter_id"],
        "officer": ticket["called_by"],
        "issued_at": iso(ticket["issued_at"], tz),
        "called_at": iso(ticket["called_at"], tz),
        "started_at": iso(ticket["started_at"], tz),
        "finished_at": iso(ticket["finished_at"], tz),
        "wait_seconds": wait,
        "service_seconds": served,
        "wait_standard_minutes": service.standard_wait_minutes if service else None,
        "service_standard_minutes": service.standard_service_minutes if service else None,
        "wait_within_standard": within_standard(wait, service.standard_wait_minutes) if service else None,
        "service_within_standard": (
            within_standard(served, service.standard_service_minutes) if service else None
        ),
        "flagged": bool(ticket["flagged"]),
        "flag_reason": ticket["flag_reason"],
        "transferred_from": ticket["transferred_from"],
        "transferred_to": ticket["transferred_to"],
        **{
            name: None if ticket[name] is None else round(ticket[name])
            for name in ("estimate_seconds", "estimate_low_seconds", "estimate_high_seconds")
        },
        # When the ticket was closed (finished, skipped, transferred; 00:00 for expired and unfinished).
        "closed_at": iso(ticket["closed_at"], tz),
    }


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def as_text(value):
    """A cell a spreadsheet must not run: text that begins like a formula gets a leading
    apostrophe (office and service names, flag reasons are typed by people)."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return as_text(value)


def csv_chunks(rows: Iterable[dict]) -> Iterator[str]:
    """The CSV export of ``rows`` (see :func:`export_row`) in pieces of 500 lines, header first."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(EXPORT_COLUMNS)
    for count, row in enumerate(rows):
        writer.writerow([_csv_value(row[c]) for c in EXPORT_COLUMNS])
        if count % 500 == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


SUMMARY_HEADER = (
    "Kode",
    "Layanan",
    "Diterbitkan",
    "Dilayani",
    "Tidak hadir",
    "Kedaluwarsa",
    "Tidak selesai",
    "Dialihkan",
    "Ditandai",
    "Tunggu rata-rata (detik)",
    "Tunggu median (detik)",
    "Tunggu P90 (detik)",
    "% tunggu dalam standar",
    "Layanan rata-rata (detik)",
    "Layanan median (detik)",
    "Layanan P90 (detik)",
    "% layanan dalam standar",
)


def _summary_line(code, name, row: dict) -> list:
    wait, served = row["wait"], row["service_time"]
    return [
        code,
        name,
        row["issued"],
        row["done"],
        row["no_show"],
        row["expired"],
        row["unfinished"],
        row["transferred"],
        row["flagged"],
        _round(wait.average),
        _round(wait.median),
        _round(wait.p90),
        _round(wait.within_percent, 1),
        _round(served.average),
        _round(served.median),
        _round(served.p90),
        _round(served.within_percent, 1),
    ]


def _round(value, digits: int = 0):
    return None if value is None else round(value, digits) if digits else round(value)


def workbook_bytes(config, figures: dict, rows, columns, fmt: Formats) -> bytes:
    """The XLSX export: a summary per service, every ticket, and the survey per service."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    report = figures["report"]
    _safe_sheets(book)
    summary = book.create_sheet("Ringkasan")
    summary.append([config.office.name])
    summary.append(["Periode", fmt.period(figures["period"])])
    summary.append([])
    summary.append(list(SUMMARY_HEADER))
    for row in report.groups["service"]:
        summary.append(_summary_line(row["key"], fmt.service(row["key"]), row))
    summary.append(_summary_line("", "Semua layanan", report.total))
    tickets = book.create_sheet("Tiket")
    tickets.append(list(columns))
    for row in rows:
        tickets.append([row[c] for c in columns])
    results = book.create_sheet("Survei IKM")
    results.append(
        [
            "Kode",
            "Layanan",
            "Responden",
            *(name for _, name, _ in ELEMENTS),
            "IKM",
            "Mutu",
            "Responden survei singkat",
            "Indeks survei singkat",
        ]
    )
    for key, result in sorted(figures["survey"]["service"].items()):
        values = result.as_dict()
        results.append(
            [
                key,
                fmt.service(key),
                result.respondents,
                *(_round(result.element_averages.get(code), 2) for code in ELEMENT_CODES),
                values["score"],
                f"{values['grade']} ({values['grade_label']})" if values["grade"] else None,
                result.smiley_respondents,
                values["smiley_score"],
            ]
        )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _safe_sheets(book) -> None:
    """Every row appended to the book's sheets goes through :func:`as_text`."""
    create = book.create_sheet

    def create_sheet(*args, **kwargs):
        sheet = create(*args, **kwargs)
        append = sheet.append
        sheet.append = lambda row: append([as_text(value) for value in row])
        return sheet

    book.create_sheet = create_sheet
