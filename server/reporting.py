"""Reports for the head of office (``/reports``): figures against the service standards, charts,
CSV/XLSX exports, the printable monthly report, and flagging tickets whose times are wrong.

Supervisors and admins only. The visitor's satisfaction survey is :mod:`server.survey`, nested
in this blueprint, so registering :data:`bp` brings both.
"""

from __future__ import annotations

import csv
import io
import math
import threading
from array import array
from collections import OrderedDict
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import Blueprint, Response, current_app, jsonify, render_template, request, stream_with_context

from server import auth, reports, survey
from server import report_queries as queries
from server.api import field, json_body
from server.errors import LoketError
from server.present import iso, ticket_json
from server.reports import Period, PeriodError, Standard

bp = Blueprint("reporting", __name__)
bp.register_blueprint(survey.bp)

SUPERVISORS = ("supervisor", "admin")
LOCALE = "id"
EXPORT_COLUMNS = (
    "id", "number", "day", "service", "service_name", "status", "priority", "counter", "officer",
    "issued_at", "called_at", "started_at", "finished_at", "wait_seconds", "service_seconds",
    "wait_standard_minutes", "service_standard_minutes", "wait_within_standard",
    "service_within_standard", "flagged", "flag_reason", "transferred_from", "transferred_to",
)


def _loket():
    return current_app.extensions["loket"]


def _today() -> date:
    queue = _loket().queue
    return queue.now().astimezone(queue.config.office.tz).date()


# ---- the figures ---------------------------------------------------------------------------

def standards(config) -> dict[str, Standard]:
    """Each service's standards in seconds."""
    return {
        s.code: Standard(s.standard_wait_minutes * 60, s.standard_service_minutes * 60) for s in config.services
    }


_helper = ThreadPoolExecutor(max_workers=2, thread_name_prefix="loket-reports")
_cache: OrderedDict = OrderedDict()
_cache_lock = threading.Lock()
CACHE_SIZE = 12
# A month's facts keep its times as 4-byte arrays: about 1 MB for a busy month.
_months: OrderedDict = OrderedDict()
MONTH_CACHE_SIZE = 40


def compute(store, config, period: Period, exceeded_limit: int = 25) -> dict:
    """Everything a report shows for a period (no Flask needed: the benchmark calls this).

    A period is read as calendar months (clipped to the period). Each month's facts — counts,
    times per group, worst tickets — are kept while that month's tickets stay the same, checked
    by :func:`report_queries.fingerprint`; so a year whose past months have not changed reads
    only the current month again. The survey and the flagged list are read fresh each time.
    """
    first, last = period.start.isoformat(), period.end.isoformat()
    known = standards(config)
    # Read beside the ticket figures, in a helper thread.
    survey = _helper.submit(lambda: reports.survey_results(queries.survey_sums(store.read(), first, last)))
    flagged = _helper.submit(lambda: queries.flagged_tickets(store.read(), first, last))
    comments = _helper.submit(lambda: queries.survey_comments(store.read(), first, last))
    conn = store.read()
    noon = datetime.combine(period.start, time(12), config.office.tz)
    offset = int(noon.utcoffset().total_seconds())
    setting = (store.path, tuple(sorted(known.items())), offset, exceeded_limit)
    months = _month_pieces(period)
    prints = _helper.map(lambda piece: queries.fingerprint(store.read(), piece[0].isoformat(), piece[1].isoformat()),
                         months)
    pieces = [(a, b, print_) for (a, b), print_ in zip(months, prints, strict=True)]
    key = (setting, period, tuple(pieces))
    with _cache_lock:
        report = _cache.get(key)
        if report is not None:
            _cache.move_to_end(key)
    if report is None:
        facts = _month_facts(store, setting, known, pieces)
        report = _merge(facts, period, exceeded_limit)
        with _cache_lock:
            _cache[key] = report
            while len(_cache) > CACHE_SIZE:
                _cache.popitem(last=False)
    details = queries.tickets_by_id(conn, report.exceeded_ids)
    return {
        "period": period,
        "report": report,
        "exceeded": [details[i] for i in report.exceeded_ids if i in details],
        "flagged": flagged.result(),
        "survey": survey.result(),
        "comments": comments.result(),
    }


def _month_pieces(period: Period) -> list[tuple[date, date]]:
    """The period cut at month ends."""
    pieces, start = [], period.start
    while start <= period.end:
        following = reports.month_period(start.replace(day=1)).end + timedelta(days=1)
        end = min(period.end, following - timedelta(days=1))
        pieces.append((start, end))
        start = end + timedelta(days=1)
    return pieces


@dataclass
class _Facts:
    """What one stretch of days contributes to a report."""

    group_rows: list
    day_rows: list
    # per dimension (service, counter, officer, hour, "all"): key → (sorted array, its sum)
    waits: list[dict]
    served: list[dict]
    worst: list[tuple[int, float]]


def _month_facts(store, setting: tuple, known: dict, pieces: list[tuple]) -> list[_Facts]:
    """The facts of each (first day, last day, fingerprint) piece: kept ones, and the others read
    all at once — their queries queued on the helper threads, this thread grouping each piece's
    times as soon as they arrive."""
    keys = [(setting, first_day, last_day, print_) for first_day, last_day, print_ in pieces]
    with _cache_lock:
        found = [_months.get(key) for key in keys]
        for key, facts in zip(keys, found, strict=True):
            if facts is not None:
                _months.move_to_end(key)
    missing = [i for i, facts in enumerate(found) if facts is None]
    offset, exceeded_limit = setting[2], setting[3]
    queued = {i: _queue_reads(store, known, pieces[i][0].isoformat(), pieces[i][1].isoformat(), offset,
                              exceeded_limit) for i in missing}
    for i in missing:
        found[i] = _facts_from(*queued[i])
        with _cache_lock:
            _months[keys[i]] = found[i]
            while len(_months) > MONTH_CACHE_SIZE:
                _months.popitem(last=False)
    return found


def _queue_reads(store, known: dict, first: str, last: str, offset: int, exceeded_limit: int) -> tuple:
    """One stretch's queries, on the helper threads (SQLite works without Python's lock, so they
    use the second core)."""
    return (
        _helper.submit(lambda: queries.group_counts(store.read(), first, last, known, offset)),
        _helper.submit(lambda: queries.day_counts(store.read(), first, last, known, offset)),
        _helper.submit(lambda: queries.worst_exceeded_scored(store.read(), first, last, known, exceeded_limit)),
    )


def _facts_from(groups, days, worst) -> _Facts:
    waits, served = reports.times_by_dimension(groups.result())
    packed = [[{k: (array("i", v), sum(v)) for k, v in by_key.items()} for by_key in side]
              for side in (waits, served)]
    counts = [row[:-2] for row in groups.result()]  # the times are kept packed, not as text
    return _Facts(counts, days.result(), packed[0], packed[1], worst.result())


def _merge(facts: list[_Facts], period: Period, exceeded_limit: int) -> reports.Report:
    """One report from the facts of its months."""
    group_rows = [row for f in facts for row in f.group_rows]
    day_rows = [row for f in facts for row in f.day_rows]
    sides = []
    for side in ("waits", "served"):
        merged = []
        for dimension in range(len(reports.DIMENSIONS) + 1):
            parts = [getattr(f, side)[dimension] for f in facts]
            keys = {k for part in parts for k in part}
            # Each month's values stay apart, sorted, with their sum: nothing is merged.
            merged.append({k: reports.SortedRuns([part[k][0] for part in parts if k in part],
                                                 [part[k][1] for part in parts if k in part])
                           for k in keys})
        sides.append(merged)
    worst = sorted((row for f in facts for row in f.worst), key=lambda row: (-row[1], row[0]))
    return reports.assemble_report(group_rows, day_rows, sides[0], sides[1],
                                   [ticket_id for ticket_id, _ in worst[:exceeded_limit]], period)


def chart_data(config, figures: dict) -> dict:
    """What reports.js draws, as JSON."""
    period: Period = figures["period"]
    charts = figures["report"].charts
    labels = [_bucket_label(b, period) for b in charts["buckets"]]
    return {
        "services": [
            {"code": s.code, "name": s.name, "standard_wait_minutes": s.standard_wait_minutes,
             "standard_service_minutes": s.standard_service_minutes}
            for s in config.services
        ],
        **charts,
        "bucket_labels": labels,
    }


def _bucket_label(bucket: str, period: Period) -> str:
    if len(bucket) == 7:
        return format_date(date.fromisoformat(bucket + "-01"), "MMM y", locale=LOCALE)
    return format_date(date.fromisoformat(bucket), "d MMM", locale=LOCALE)


class Formats:
    """Number, time and date formatting for the templates (Indonesian conventions, via Babel)."""

    def __init__(self, config):
        self.config = config
        self.tz = config.office.tz

    def duration(self, seconds) -> str:
        """12:05 (minutes:seconds), 1.02:05 past an hour; – when unknown."""
        if seconds is None:
            return "–"
        seconds = int(round(seconds))
        hours, rest = divmod(seconds, 3600)
        minutes, secs = divmod(rest, 60)
        return f"{hours}.{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"

    def percent(self, value) -> str:
        return "–" if value is None else format_decimal(value, "#,##0.0", locale=LOCALE) + "%"

    def number(self, value) -> str:
        return "–" if value is None else format_decimal(value, locale=LOCALE)

    def decimal(self, value, digits: int = 2) -> str:
        return "–" if value is None else format_decimal(value, "#,##0." + "0" * digits, locale=LOCALE)

    def date(self, value, pattern: str = "d MMMM y") -> str:
        if isinstance(value, str):
            value = date.fromisoformat(value)
        return format_date(value, pattern, locale=LOCALE)

    def time(self, at) -> str:
        return "–" if at is None else datetime.fromtimestamp(at, self.tz).strftime("%H.%M")

    def moment(self, at) -> str:
        if at is None:
            return "–"
        local = datetime.fromtimestamp(at, self.tz)
        return format_date(local.date(), "d MMM y", locale=LOCALE) + local.strftime(" %H.%M")

    def service(self, code) -> str:
        service = self.config.service(code)
        return service.name if service else str(code)

    def counter(self, counter_id) -> str:
        counter = self.config.counter(counter_id) if counter_id is not None else None
        return counter.name if counter else ("–" if counter_id is None else f"Loket {counter_id}")

    def hour(self, hour) -> str:
        return f"{int(hour):02d}.00–{(int(hour) + 1) % 24:02d}.00"

    def period(self, period: Period) -> str:
        """How a period is named in a title."""
        if period.view == "day":
            return format_date(period.start, "EEEE, d MMMM y", locale=LOCALE)
        if period.view == "month":
            return format_date(period.start, "MMMM y", locale=LOCALE)
        if period.view == "year":
            return f"Tahun {period.start.year}"
        return f"{self.date(period.start)} – {self.date(period.end)}"


# ---- pages ---------------------------------------------------------------------------------

def _page_actor():
    """The signed-in supervisor or admin, else the response to show instead (login or 403)."""
    loket = _loket()
    actor = auth.current_actor(loket.store)
    if actor is None:
        return None, _render("reports_login.html", 401)
    if actor.role not in SUPERVISORS:
        return None, _render("reports_forbidden.html", 403, actor=actor)
    return actor, None


def _render(template: str, status: int = 200, **context):
    config = _loket().config
    return render_template(template, office=config.office, config=config, fmt=Formats(config), **context), status


def _period() -> Period:
    try:
        return reports.parse_period(request.args, _today())
    except PeriodError as exc:
        raise LoketError("invalid_date", str(exc), 400) from None


@bp.get("/reports")
def reports_page():
    """The head of office's report for a day, month, year or range, with charts."""
    actor, refusal = _page_actor()
    if refusal:
        return refusal
    try:
        period = reports.parse_period(request.args, _today())
    except PeriodError as exc:
        return _render("reports_forbidden.html", 400, actor=actor, message=str(exc))
    loket = _loket()
    figures = compute(loket.store, loket.config, period)
    return _render("reports.html", actor=actor, today=_today(), data=chart_data(loket.config, figures),
                   elements=reports.ELEMENTS, smileys=reports.SMILEYS, **figures)


@bp.get("/reports/print")
def print_page():
    """The printable report (a month by default) with the office header and signature block."""
    actor, refusal = _page_actor()
    if refusal:
        return refusal
    args = request.args if request.args.get("view") else {"view": "month", **request.args}
    try:
        period = reports.parse_period(args, _today())
    except PeriodError as exc:
        return _render("reports_forbidden.html", 400, actor=actor, message=str(exc))
    loket = _loket()
    figures = compute(loket.store, loket.config, period, exceeded_limit=30)
    signed_on = min(period.end, _today())
    return _render("reports_print.html", actor=actor, signed_on=signed_on, elements=reports.ELEMENTS, **figures)


@bp.get("/reports/data.json")
def report_json():
    """The figures of a period as JSON (the same as the page and the charts)."""
    loket = _loket()
    auth.require_actor(loket.store, SUPERVISORS)
    period = _period()
    figures = compute(loket.store, loket.config, period)
    report = figures["report"]
    return jsonify({
        "from": period.start.isoformat(), "to": period.end.isoformat(),
        "total": _plain(report.total),
        "groups": {name: [_plain(row) for row in rows] for name, rows in report.groups.items()},
        "exceeded_count": report.exceeded_count,
        "exceeded": [_ticket_brief(t) for t in figures["exceeded"]],
        "flagged": [_ticket_brief(t) for t in figures["flagged"]],
        "survey": {by: {str(k): v.as_dict() for k, v in results.items()} for by, results in figures["survey"].items()},
        "charts": chart_data(loket.config, figures),
    })


def _plain(row: dict) -> dict:
    return {k: v.as_dict() if isinstance(v, reports.Spread) else v for k, v in row.items()}


def _ticket_brief(ticket: dict) -> dict:
    tz = _loket().config.office.tz
    return {
        "id": ticket["id"], "number": ticket["number"], "day": ticket["day"], "service": ticket["service"],
        "status": ticket["status"], "counter_id": ticket["counter_id"], "officer": ticket["called_by"],
        "wait_seconds": _seconds(ticket["called_at"], ticket["issued_at"]),
        "service_seconds": _seconds(ticket["finished_at"], ticket["started_at"]),
        "flagged": bool(ticket["flagged"]), "flag_reason": ticket["flag_reason"],
        "flagged_by": ticket["flagged_by"], "flagged_at": iso(ticket["flagged_at"], tz),
    }


def _seconds(end, start) -> int | None:
    """Whole seconds between two times, rounded half up (as the report queries do)."""
    return math.floor(end - start + 0.5) if end is not None and start is not None else None


# ---- exports -------------------------------------------------------------------------------

def _export_period() -> Period:
    """``from`` and ``to`` (both required) of an export."""
    try:
        start = reports.parse_date(request.args.get("from"), "from")
        end = reports.parse_date(request.args.get("to"), "to")
        return reports.range_period(start, end)
    except PeriodError as exc:
        raise LoketError("invalid_date", str(exc), 400) from None


def export_row(ticket: dict, config) -> dict:
    """One ticket as an export row: the CSV's and the XLSX's columns (CONTRACT.md)."""
    tz = config.office.tz
    service = config.service(ticket["service"])
    wait = _seconds(ticket["called_at"], ticket["issued_at"])
    served = _seconds(ticket["finished_at"], ticket["started_at"])
    return {
        "id": ticket["id"], "number": ticket["number"], "day": ticket["day"], "service": ticket["service"],
        "service_name": service.name if service else ticket["service"], "status": ticket["status"],
        "priority": bool(ticket["priority"]), "counter": ticket["counter_id"], "officer": ticket["called_by"],
        "issued_at": iso(ticket["issued_at"], tz), "called_at": iso(ticket["called_at"], tz),
        "started_at": iso(ticket["started_at"], tz), "finished_at": iso(ticket["finished_at"], tz),
        "wait_seconds": wait, "service_seconds": served,
        "wait_standard_minutes": service.standard_wait_minutes if service else None,
        "service_standard_minutes": service.standard_service_minutes if service else None,
        "wait_within_standard": reports.within_standard(wait, service.standard_wait_minutes) if service else None,
        "service_within_standard": (
            reports.within_standard(served, service.standard_service_minutes) if service else None
        ),
        "flagged": bool(ticket["flagged"]), "flag_reason": ticket["flag_reason"],
        "transferred_from": ticket["transferred_from"], "transferred_to": ticket["transferred_to"],
    }


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


@bp.get("/reports/export.csv")
def export_csv():
    """Every ticket of ``from``..``to``, one row each (CONTRACT.md), streamed."""
    loket = _loket()
    auth.require_actor(loket.store, SUPERVISORS)
    period = _export_period()
    config = loket.config

    def lines():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        writer.writerow(EXPORT_COLUMNS)
        for count, ticket in enumerate(queries.export_rows(loket.store.read(), *_days(period))):
            row = export_row(ticket, config)
            writer.writerow([_csv_value(row[c]) for c in EXPORT_COLUMNS])
            if count % 500 == 0:
                yield buffer.getvalue()
                buffer.seek(0)
                buffer.truncate()
        yield buffer.getvalue()

    name = f"laporan-antrian-{period.start.isoformat()}-{period.end.isoformat()}.csv"
    return Response(stream_with_context(lines()), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


def _days(period: Period) -> tuple[str, str]:
    return period.start.isoformat(), period.end.isoformat()


@bp.get("/reports/export.xlsx")
def export_xlsx():
    """The same tickets as the CSV plus a summary per service and the survey, as an Excel file."""
    loket = _loket()
    auth.require_actor(loket.store, SUPERVISORS)
    period = _export_period()
    figures = compute(loket.store, loket.config, period)
    rows = (export_row(t, loket.config) for t in queries.export_rows(loket.store.read(), *_days(period)))
    content = workbook_bytes(loket.config, figures, rows, EXPORT_COLUMNS, Formats(loket.config))
    name = f"laporan-antrian-{period.start.isoformat()}-{period.end.isoformat()}.xlsx"
    return Response(content, mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                    headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})


SUMMARY_HEADER = (
    "Kode", "Layanan", "Diterbitkan", "Dilayani", "Tidak hadir", "Kedaluwarsa", "Dialihkan", "Ditandai",
    "Tunggu rata-rata (detik)", "Tunggu median (detik)", "Tunggu P90 (detik)", "% tunggu dalam standar",
    "Layanan rata-rata (detik)", "Layanan median (detik)", "Layanan P90 (detik)", "% layanan dalam standar",
)


def _summary_line(code, name, row: dict) -> list:
    wait, served = row["wait"], row["service_time"]
    return [
        code, name, row["issued"], row["done"], row["no_show"], row["expired"], row["transferred"], row["flagged"],
        _round(wait.average), _round(wait.median), _round(wait.p90), _round(wait.within_percent, 1),
        _round(served.average), _round(served.median), _round(served.p90), _round(served.within_percent, 1),
    ]


def _round(value, digits: int = 0):
    return None if value is None else round(value, digits) if digits else round(value)


def workbook_bytes(config, figures: dict, rows, columns, fmt: Formats) -> bytes:
    """The XLSX export: a summary per service, every ticket, and the survey per service."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    report = figures["report"]
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
    results.append(["Kode", "Layanan", "Responden", *(name for _, name, _ in reports.ELEMENTS), "IKM", "Mutu",
                    "Responden survei singkat", "Indeks survei singkat"])
    for key, result in sorted(figures["survey"]["service"].items()):
        values = result.as_dict()
        results.append([
            key, fmt.service(key), result.respondents,
            *(_round(result.element_averages.get(code), 2) for code in reports.ELEMENT_CODES),
            values["score"], f"{values['grade']} ({values['grade_label']})" if values["grade"] else None,
            result.smiley_respondents, values["smiley_score"],
        ])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# ---- data quality --------------------------------------------------------------------------

def _flag_response(ticket_id: int):
    loket = _loket()
    ticket = loket.queue.get(ticket_id)
    state = queries.flag_state(loket.store.read(), ticket_id)
    return jsonify({"ticket": {
        **ticket_json(ticket, loket.queue), "flagged": bool(state["flagged"]), "flag_reason": state["flag_reason"],
        "flagged_by": state["flagged_by"], "flagged_at": iso(state["flagged_at"], loket.config.office.tz),
    }})


@bp.post("/api/tickets/<int:ticket_id>/flag")
def flag_ticket(ticket_id: int):
    """Mark a ticket's times as inaccurate (left out of averages), with a reason."""
    loket = _loket()
    actor = auth.require_actor(loket.store, SUPERVISORS)
    reason = field(json_body(), "reason", str, required=True).strip()
    if not reason:
        raise LoketError("missing_field", "Alasan penandaan wajib diisi.", 422)
    if len(reason) > 500:
        raise LoketError("invalid_field", "Alasan paling panjang 500 karakter.", 422)
    loket.queue.get(ticket_id)
    with loket.store.write() as conn:
        queries.set_flag(conn, ticket_id, reason, actor.username, loket.queue.now().timestamp())
    return _flag_response(ticket_id)


@bp.post("/api/tickets/<int:ticket_id>/unflag")
def unflag_ticket(ticket_id: int):
    """Take the flag off a ticket: its times count again."""
    loket = _loket()
    actor = auth.require_actor(loket.store, SUPERVISORS)
    loket.queue.get(ticket_id)
    with loket.store.write() as conn:
        queries.set_flag(conn, ticket_id, None, actor.username, loket.queue.now().timestamp())
    return _flag_response(ticket_id)


def clear_cache() -> None:
    """Forget the kept report figures (tests and the benchmark's from-scratch runs)."""
    with _cache_lock:
        _cache.clear()
        _months.clear()


def openapi_paths() -> dict:
    """The OpenAPI description of this blueprint's JSON routes (and the survey's), for
    ``server.openapi.spec()`` to merge into its ``paths``."""
    error = {"description": "Galat", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    ok = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    ticket_id = {"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    counter_id = {"name": "counter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    token = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
    answers = {"required": True, "content": {"application/json": {"schema": {
        "type": "object",
        "properties": {
            "answers": {"type": "object", "description": "u1…u9, each 1–4 (nine elements)",
                        "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 4}},
            "rating": {"type": "integer", "minimum": 1, "maximum": 4, "description": "the four-smiley rating"},
            "comment": {"type": "string", "maxLength": 1000},
        },
    }}}}
    created = {"201": {**ok, "description": "Created"}, "400": error, "404": error,
               "409": {**error, "description": "not_done, already_answered, survey_closed"}, "422": error}
    return {
        "/api/tickets/{ticket_id}/flag": {"post": {
            "summary": "Tandai waktu tiket tidak akurat (tidak dihitung dalam rata-rata)",
            "parameters": [ticket_id],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}}}},
            "responses": {"200": ok, "400": error, "401": error, "403": error, "404": error, "422": error},
        }},
        "/api/tickets/{ticket_id}/unflag": {"post": {
            "summary": "Batalkan tanda tidak akurat", "parameters": [ticket_id],
            "responses": {"200": ok, "401": error, "403": error, "404": error},
        }},
        "/api/survey/{token}": {"post": {
            "summary": "Jawaban survei kepuasan dari halaman status (kode QR)", "parameters": [token],
            "requestBody": answers, "responses": created,
        }},
        "/api/survey/tickets/{ticket_id}": {"post": {
            "summary": "Jawaban survei kepuasan dari tablet loket", "parameters": [ticket_id],
            "requestBody": answers, "responses": {**created, "401": error, "403": error},
        }},
        "/api/survey/counters/{counter_id}/pending": {"get": {
            "summary": "Tiket yang baru selesai di loket ini dan belum mengisi survei", "parameters": [counter_id],
            "responses": {"200": ok, "401": error, "403": error, "404": error},
        }},
    }
