"""The reports' part of the OpenAPI document: the figures as JSON, the exports, and flagging a
ticket's times as inaccurate. :mod:`server.reports.routes` exposes it as its ``OPENAPI_PATHS``."""

from __future__ import annotations

from server.webbase import openapi

_TICKET_ID = {"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_ERROR = openapi.error("Galat")
_OK = openapi.json_response({"type": "object"})
_DENIED = openapi.denied("supervisor dan admin")
_BAD_PERIOD = openapi.error("Periode tidak valid (invalid_date)")


def _query(name: str, description: str, **schema) -> dict:
    return {
        "name": name,
        "in": "query",
        "required": False,
        "schema": {"type": "string", **schema},
        "description": description,
    }


# The period of every report view (the page's own parameters); today when none is given.
PERIOD = [
    _query("view", "day | month | year | range", enum=["day", "month", "year", "range"]),
    _query("date", "YYYY-MM-DD (view=day)", format="date"),
    _query("month", "YYYY-MM (view=month)"),
    _query("year", "YYYY (view=year)"),
    _query("from", "YYYY-MM-DD (view=range)", format="date"),
    _query("to", "YYYY-MM-DD (view=range)", format="date"),
]


def _download(media_type: str, summary: str) -> dict:
    return {
        "get": {
            "summary": summary,
            "parameters": PERIOD,
            "responses": {
                "200": {"description": "OK", "content": {media_type: {"schema": {"type": "string"}}}},
                "400": _BAD_PERIOD,
                **_DENIED,
            },
        }
    }


OPENAPI_PATHS = {
    "/reports/data.json": {
        "get": {
            "summary": "Angka laporan satu periode (sama dengan halaman dan grafiknya)",
            "parameters": PERIOD,
            "responses": {
                "200": openapi.json_response(
                    {
                        "type": "object",
                        "required": ["from", "to", "total", "groups"],
                        "properties": {
                            "from": {"type": "string", "format": "date"},
                            "to": {"type": "string", "format": "date"},
                            "total": {"type": "object"},
                            "groups": {"type": "object"},
                            "exceeded_count": {"type": "integer"},
                            "exceeded": {"type": "array"},
                            "flagged": {"type": "array"},
                            "survey": {"type": "object"},
                            "charts": {"type": "object"},
                            "estimates": {},
                        },
                    }
                ),
                "400": _BAD_PERIOD,
                **_DENIED,
            },
        }
    },
    "/reports/export.csv": _download("text/csv", "Ekspor tiket satu periode, satu baris per tiket (CSV)"),
    "/reports/export.xlsx": _download(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "Ekspor tiket satu periode dengan ringkasan per layanan dan survei (Excel)",
    ),
    "/api/tickets/{ticket_id}/flag": {
        "post": {
            "summary": "Tandai waktu tiket tidak akurat (tidak dihitung dalam rata-rata)",
            "parameters": [_TICKET_ID],
            "requestBody": openapi.json_body(
                {"type": "object", "required": ["reason"], "properties": {"reason": {"type": "string"}}}
            ),
            "responses": {
                "200": _OK,
                "400": _ERROR,
                "401": _ERROR,
                "403": _ERROR,
                "404": _ERROR,
                "422": _ERROR,
            },
        }
    },
    "/api/tickets/{ticket_id}/unflag": {
        "post": {
            "summary": "Batalkan tanda tidak akurat",
            "parameters": [_TICKET_ID],
            "responses": {"200": _OK, "401": _ERROR, "403": _ERROR, "404": _ERROR},
        }
    },
}
