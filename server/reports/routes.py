"""Reports for the head of office (``/reports``): figures against the service standards, charts,
CSV/XLSX exports, the printable monthly report, and flagging tickets whose times are wrong.

Supervisors and admins only. The visitor's satisfaction survey is :mod:`server.survey.routes`, nested
in this blueprint, so registering :data:`bp` brings both.
"""

from __future__ import annotations

import csv
import io
import math
from datetime import date, datetime

from babel.dates import format_date
from babel.numbers import format_decimal
from flask import (
    Blueprint,
    Response,
    current_app,
    jsonify,
    render_template,
    request,
    stream_with_context,
    url_for,
)

from server.core import storage
from server.core.errors import LoketError
from server.core.present import iso, ticket_json
from server.reports import queries
from server.reports import stats as reports
from server.reports.figures import compute
from server.reports.stats import Period, PeriodError
from server.survey import routes as survey
from server.web import auth
from server.web.api import field, json_body

bp = Blueprint("reporting", __name__)
bp.register_blueprint(survey.bp)

SUPERVISORS = ("supervisor", "admin")
LOCALE = "id"
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


def _loket():
    return current_app.extensions["loket"]


def _today() -> date:
    queue = _loket().queue
    return queue.now().astimezone(queue.config.office.tz).date()


# ---- the figures ---------------------------------------------------------------------------


def chart_data(config, figures: dict) -> dict:
    """What reports.js draws, as JSON."""
    period: Period = figures["period"]
    charts = figures["report"].charts
    labels = [_bucket_label(b, period) for b in charts["buckets"]]
    return {
        "services": [
            {
                "code": s.code,
                "name": s.name,
                "standard_wait_minutes": s.standard_wait_minutes,
                "standard_service_minutes": s.standard_service_minutes,
            }
            for s in config.all_services
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

    def __init__(self, config, names: dict[str, str] | None = None):
        self.config = config
        self.tz = config.office.tz
        self.names = names or {}

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

    def month_name(self, month: int) -> str:
        """Januari … Desember."""
        return format_date(date(2000, month, 1), "MMMM", locale=LOCALE)

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

    def officer(self, username) -> str:
        """An officer by full name when the admin gave one, else by sign-in name."""
        if not username:
            return "–"
        return self.names.get(username) or str(username)

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
    loket = _loket()
    config = loket.config
    logo_url = url_for("admin.logo") if (loket.data_dir / "logo.png").exists() else None
    names = storage.full_names(loket.store.read())
    return render_template(
        template,
        office=config.office,
        config=config,
        fmt=Formats(config, names),
        logo_url=logo_url,
        **context,
    ), status


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
    return _render(
        "reports.html",
        actor=actor,
        today=_today(),
        data=chart_data(loket.config, figures),
        elements=reports.ELEMENTS,
        smileys=reports.SMILEYS,
        **figures,
    )


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
    return _render(
        "reports_print.html", actor=actor, signed_on=signed_on, elements=reports.ELEMENTS, **figures
    )


@bp.get("/reports/data.json")
def report_json():
    """The figures of a period as JSON (the same as the page and the charts)."""
    loket = _loket()
    auth.require_actor(loket.store, SUPERVISORS)
    period = _period()
    figures = compute(loket.store, loket.config, period)
    report = figures["report"]
    return jsonify(
        {
            "from": period.start.isoformat(),
            "to": period.end.isoformat(),
            "total": _plain(report.total),
            "groups": {name: [_plain(row) for row in rows] for name, rows in report.groups.items()},
            "exceeded_count": report.exceeded_count,
            "exceeded": [_ticket_brief(t) for t in figures["exceeded"]],
            "flagged": [_ticket_brief(t) for t in figures["flagged"]],
            "survey": {
                by: {str(k): v.as_dict() for k, v in results.items()}
                for by, results in figures["survey"].items()
            },
            "charts": chart_data(loket.config, figures),
            "estimates": figures["estimates"],
        }
    )


def _plain(row: dict) -> dict:
    return {k: v.as_dict() if isinstance(v, reports.Spread) else v for k, v in row.items()}


def _ticket_brief(ticket: dict) -> dict:
    tz = _loket().config.office.tz
    return {
        "id": ticket["id"],
        "number": ticket["number"],
        "day": ticket["day"],
        "service": ticket["service"],
        "status": ticket["status"],
        "counter_id": ticket["counter_id"],
        "officer": ticket["called_by"],
        "wait_seconds": _seconds(ticket["called_at"], ticket["issued_at"]),
        "service_seconds": _seconds(ticket["finished_at"], ticket["started_at"]),
        "flagged": bool(ticket["flagged"]),
        "flag_reason": ticket["flag_reason"],
        "flagged_by": ticket["flagged_by"],
        "flagged_at": iso(ticket["flagged_at"], tz),
    }


def _seconds(end, start) -> int | None:
    """Whole seconds between two times, rounded half up (as the report queries do)."""
    return math.floor(end - start + 0.5) if end is not None and start is not None else None


# ---- exports -------------------------------------------------------------------------------


def _export_period() -> Period:
    """``from`` and ``to`` (both required) of an export, or the same ``view`` parameters as the
    report page (so that the page's export links take the period it shows)."""
    if "view" in request.args:
        return _period()
    try:
        start = reports.parse_date(request.args.get("from"), "from")
        end = reports.parse_date(request.args.get("to"), "to")
        return reports.within_years(reports.range_period(start, end))
    except PeriodError as exc:
        raise LoketError("invalid_date", str(exc), 400) from None


def export_row(ticket: dict, config) -> dict:
    """One ticket as an export row: the CSV's and the XLSX's columns (listed in the README)."""
    tz = config.office.tz
    service = config.service(ticket["service"])
    wait = _seconds(ticket["called_at"], ticket["issued_at"])
    served = _seconds(ticket["finished_at"], ticket["started_at"])
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
        "wait_within_standard": reports.within_standard(wait, service.standard_wait_minutes)
        if service
        else None,
        "service_within_standard": (
            reports.within_standard(served, service.standard_service_minutes) if service else None
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


@bp.get("/reports/export.csv")
def export_csv():
    """Every ticket of ``from``..``to``, one row each (the README lists the columns), streamed."""
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
    return Response(
        stream_with_context(lines()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


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
    return Response(
        content,
        mimetype="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


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
            *(name for _, name, _ in reports.ELEMENTS),
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
                *(_round(result.element_averages.get(code), 2) for code in reports.ELEMENT_CODES),
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


# ---- data quality --------------------------------------------------------------------------


def _flag_response(ticket_id: int):
    loket = _loket()
    ticket = loket.queue.get(ticket_id)
    state = queries.flag_state(loket.store.read(), ticket_id)
    return jsonify(
        {
            "ticket": {
                **ticket_json(ticket, loket.queue),
                "flagged": bool(state["flagged"]),
                "flag_reason": state["flag_reason"],
                "flagged_by": state["flagged_by"],
                "flagged_at": iso(state["flagged_at"], loket.config.office.tz),
            }
        }
    )


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


def openapi_paths() -> dict:
    """The OpenAPI description of this blueprint's JSON routes (and the survey's), for
    ``server.web.openapi.spec()`` to merge into its ``paths``."""
    error = {
        "description": "Galat",
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    ok = {"description": "OK", "content": {"application/json": {"schema": {"type": "object"}}}}
    ticket_id = {"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    counter_id = {"name": "counter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
    token = {"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}
    answers = {
        "required": True,
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "properties": {
                        "answers": {
                            "type": "object",
                            "description": "u1…u9, each 1–4 (nine elements)",
                            "additionalProperties": {"type": "integer", "minimum": 1, "maximum": 4},
                        },
                        "rating": {
                            "type": "integer",
                            "minimum": 1,
                            "maximum": 4,
                            "description": "the four-smiley rating",
                        },
                        "comment": {"type": "string", "maxLength": 1000},
                    },
                }
            }
        },
    }
    created = {
        "201": {**ok, "description": "Created"},
        "400": error,
        "404": error,
        "409": {**error, "description": "not_done, already_answered, survey_closed"},
        "422": error,
    }
    return {
        "/api/tickets/{ticket_id}/flag": {
            "post": {
                "summary": "Tandai waktu tiket tidak akurat (tidak dihitung dalam rata-rata)",
                "parameters": [ticket_id],
                "requestBody": {
                    "required": True,
                    "content": {
                        "application/json": {
                            "schema": {
                                "type": "object",
                                "required": ["reason"],
                                "properties": {"reason": {"type": "string"}},
                            }
                        }
                    },
                },
                "responses": {
                    "200": ok,
                    "400": error,
                    "401": error,
                    "403": error,
                    "404": error,
                    "422": error,
                },
            }
        },
        "/api/tickets/{ticket_id}/unflag": {
            "post": {
                "summary": "Batalkan tanda tidak akurat",
                "parameters": [ticket_id],
                "responses": {"200": ok, "401": error, "403": error, "404": error},
            }
        },
        "/api/survey/{token}": {
            "post": {
                "summary": "Jawaban survei kepuasan dari halaman status (kode QR)",
                "parameters": [token],
                "requestBody": answers,
                "responses": created,
            }
        },
        "/api/survey/tickets/{ticket_id}": {
            "post": {
                "summary": "Jawaban survei kepuasan dari tablet loket",
                "parameters": [ticket_id],
                "requestBody": answers,
                "responses": {**created, "401": error, "403": error},
            }
        },
        "/api/survey/counters/{counter_id}/pending": {
            "get": {
                "summary": "Tiket yang baru selesai di loket ini dan belum mengisi survei",
                "parameters": [counter_id],
                "responses": {"200": ok, "401": error, "403": error, "404": error},
            }
        },
    }
