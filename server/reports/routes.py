"""Reports for the head of office (``/reports``): the report page with its charts, the printable
monthly report, the figures as JSON, the CSV/XLSX exports (:mod:`.export`), and flagging tickets
whose times are wrong.

Supervisors and admins only. The visitor's satisfaction survey is :mod:`server.survey.routes`,
nested in this blueprint, so registering :data:`bp` brings both. Each app keeps its own report
figures (:func:`app_figures`).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from flask import Blueprint, Response, current_app, jsonify, request, stream_with_context, url_for

from server.core import accounts
from server.core.errors import LoketError
from server.core.views import iso, ticket_json
from server.reports import export, queries
from server.reports.api_doc import OPENAPI_PATHS  # noqa: F401  (this blueprint's part of the OpenAPI document)
from server.reports.figures import Figures
from server.reports.format import Formats, chart_data
from server.reports.periods import Period, PeriodError, parse_date, parse_period, range_period, within_years
from server.reports.stats import Spread, seconds_between
from server.survey import routes as survey
from server.survey.ikm import ELEMENTS, SMILEYS
from server.webbase.body import field, json_body
from server.webbase.guard import SUPERVISORS, current_runtime, page, requires

bp = Blueprint("reporting", __name__)
bp.register_blueprint(survey.bp)
# Each app keeps its own figures (a test's app, or a second office, never sees another's).
bp.record_once(lambda state: state.app.extensions.setdefault("reports", Figures()))


def app_figures() -> Figures:
    """The report figures the running app keeps."""
    return current_app.extensions["reports"]


def _today() -> date:
    queue = current_runtime().queue
    return queue.now().astimezone(queue.config.office.tz).date()


def _figures(period: Period, exceeded_limit: int = 25) -> dict:
    runtime = current_runtime()
    return app_figures().compute(runtime.store, runtime.config, period, exceeded_limit)


# ---- pages ---------------------------------------------------------------------------------


def _render(template: str, status: int = 200, **context):
    """A reports page: the office's logo and the Indonesian formats beside the usual context."""
    runtime = current_runtime()
    logo_url = url_for("admin.logo") if (runtime.data_dir / "logo.png").exists() else None
    names = accounts.full_names(runtime.store.read())
    return page(template, status, fmt=Formats(runtime.config, names), logo_url=logo_url, **context)


def _invalid_period(actor, error: PeriodError):
    """A page asked for a period the reports cannot show (400, with the reason)."""
    return page("forbidden.html", 400, purpose="reports", actor=actor, message=str(error))


@bp.get("/reports")
@requires(*SUPERVISORS, page="reports")
def reports_page(actor):
    """The head of office's report for a day, month, year or range, with charts."""
    try:
        period = parse_period(request.args, _today())
    except PeriodError as exc:
        return _invalid_period(actor, exc)
    figures = _figures(period)
    return _render(
        "reports.html",
        actor=actor,
        today=_today(),
        data=chart_data(current_runtime().config, figures),
        elements=ELEMENTS,
        smileys=SMILEYS,
        **figures,
    )


@bp.get("/reports/print")
@requires(*SUPERVISORS, page="reports")
def print_page(actor):
    """The printable report (a month by default) with the office header and signature block."""
    args = request.args if request.args.get("view") else {"view": "month", **request.args}
    try:
        period = parse_period(args, _today())
    except PeriodError as exc:
        return _invalid_period(actor, exc)
    figures = _figures(period, exceeded_limit=30)
    signed_on = min(period.end, _today())
    return _render("reports_print.html", actor=actor, signed_on=signed_on, elements=ELEMENTS, **figures)


# ---- the figures as JSON -------------------------------------------------------------------


def _period() -> Period:
    try:
        return parse_period(request.args, _today())
    except PeriodError as exc:
        raise LoketError("invalid_date", str(exc), 400) from None


@bp.get("/reports/data.json")
@requires(*SUPERVISORS)
def report_json(actor):
    """The figures of a period as JSON (the same as the page and the charts)."""
    period = _period()
    figures = _figures(period)
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
            "charts": chart_data(current_runtime().config, figures),
            "estimates": figures["estimates"],
        }
    )


def _plain(row: dict) -> dict:
    return {k: v.as_dict() if isinstance(v, Spread) else v for k, v in row.items()}


def _ticket_brief(ticket: dict) -> dict:
    tz = current_runtime().config.office.tz
    return {
        "id": ticket["id"],
        "number": ticket["number"],
        "day": ticket["day"],
        "service": ticket["service"],
        "status": ticket["status"],
        "counter_id": ticket["counter_id"],
        "officer": ticket["called_by"],
        "wait_seconds": seconds_between(ticket["called_at"], ticket["issued_at"]),
        "service_seconds": seconds_between(ticket["finished_at"], ticket["started_at"]),
        "flagged": bool(ticket["flagged"]),
        "flag_reason": ticket["flag_reason"],
        "flagged_by": ticket["flagged_by"],
        "flagged_at": iso(ticket["flagged_at"], tz),
    }


# ---- exports -------------------------------------------------------------------------------


def _export_period() -> Period:
    """``from`` and ``to`` (both required) of an export, or the same ``view`` parameters as the
    report page (so that the page's export links take the period it shows)."""
    if "view" in request.args:
        return _period()
    try:
        start = parse_date(request.args.get("from"), "from")
        end = parse_date(request.args.get("to"), "to")
        return within_years(range_period(start, end))
    except PeriodError as exc:
        raise LoketError("invalid_date", str(exc), 400) from None


def _export_rows(period: Period) -> Iterator[dict]:
    """The period's tickets as export rows, read as they are written out (on the thread that
    writes the response: a SQLite connection stays on its thread)."""
    runtime = current_runtime()

    def rows():
        first, last = period.start.isoformat(), period.end.isoformat()
        for ticket in queries.export_rows(runtime.store.read(), first, last):
            yield export.export_row(ticket, runtime.config)

    return rows()


def _download(content, period: Period, extension: str, mimetype: str) -> Response:
    name = f"laporan-antrian-{period.start.isoformat()}-{period.end.isoformat()}.{extension}"
    return Response(
        content,
        mimetype=mimetype,
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@bp.get("/reports/export.csv")
@requires(*SUPERVISORS)
def export_csv(actor):
    """Every ticket of ``from``..``to``, one row each (docs/reports.md lists the columns), streamed."""
    period = _export_period()
    chunks = export.csv_chunks(_export_rows(period))
    return _download(stream_with_context(chunks), period, "csv", "text/csv")


@bp.get("/reports/export.xlsx")
@requires(*SUPERVISORS)
def export_xlsx(actor):
    """The same tickets as the CSV plus a summary per service and the survey, as an Excel file."""
    period = _export_period()
    config = current_runtime().config
    content = export.workbook_bytes(
        config, _figures(period), _export_rows(period), export.EXPORT_COLUMNS, Formats(config)
    )
    mimetype = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    return _download(content, period, "xlsx", mimetype)


# ---- data quality --------------------------------------------------------------------------


def _flag_response(ticket_id: int):
    runtime = current_runtime()
    ticket = runtime.queue.get(ticket_id)
    state = queries.flag_state(runtime.store.read(), ticket_id)
    return jsonify(
        {
            "ticket": {
                **ticket_json(ticket, runtime.queue),
                "flagged": bool(state["flagged"]),
                "flag_reason": state["flag_reason"],
                "flagged_by": state["flagged_by"],
                "flagged_at": iso(state["flagged_at"], runtime.config.office.tz),
            }
        }
    )


def _set_flag(ticket_id: int, reason: str | None, actor):
    runtime = current_runtime()
    runtime.queue.get(ticket_id)
    with runtime.store.write() as conn:
        queries.set_flag(conn, ticket_id, reason, actor.username, runtime.queue.now().timestamp())
    return _flag_response(ticket_id)


@bp.post("/api/tickets/<int:ticket_id>/flag")
@requires(*SUPERVISORS)
def flag_ticket(ticket_id: int, actor):
    """Mark a ticket's times as inaccurate (left out of averages), with a reason."""
    reason = field(json_body(), "reason", str, required=True).strip()
    if not reason:
        raise LoketError("missing_field", "Alasan penandaan wajib diisi.", 422)
    if len(reason) > 500:
        raise LoketError("invalid_field", "Alasan paling panjang 500 karakter.", 422)
    return _set_flag(ticket_id, reason, actor)


@bp.post("/api/tickets/<int:ticket_id>/unflag")
@requires(*SUPERVISORS)
def unflag_ticket(ticket_id: int, actor):
    """Take the flag off a ticket: its times count again."""
    return _set_flag(ticket_id, None, actor)
