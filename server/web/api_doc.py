"""The OpenAPI description of the core JSON API (:mod:`server.web.api`): the visitor's, the
kiosk's and the officer's endpoints; the shared schemas are in :mod:`server.web.openapi`."""

from __future__ import annotations

from server.core.rules import PRIORITY_REASONS
from server.webbase.openapi import error, json_body, json_response, ref

TICKET_ID = {"name": "ticket_id", "in": "path", "required": True, "schema": {"type": "integer"}}
BAD_JSON = error("Isi bukan objek JSON (invalid_json)")
INVALID = error("Kolom hilang atau salah tipe (missing_field, invalid_field)")
UNAUTH = error("Belum masuk (unauthenticated)")
FORBIDDEN = error(
    "Tidak berhak di loket/tiket ini (forbidden) atau permintaan dari situs lain (csrf_rejected)"
)
NO_TICKET = error("Tiket tidak ditemukan (unknown_ticket)")
WRONG_STATE = error("Status tiket tidak mengizinkan tindakan ini (invalid_state)")


def _ticket_action(summary: str) -> dict:
    return {
        "post": {
            "summary": summary,
            "parameters": [TICKET_ID],
            "responses": {
                "200": json_response(ref("TicketResponse")),
                "401": UNAUTH,
                "403": FORBIDDEN,
                "404": NO_TICKET,
                "409": WRONG_STATE,
            },
        }
    }


OPENAPI_PATHS = {
    "/api/services": {
        "get": {
            "summary": "Layanan, jumlah menunggu dan apakah sedang dibuka",
            "responses": {
                "200": json_response(
                    {
                        "type": "object",
                        "required": ["services"],
                        "properties": {"services": {"type": "array", "items": ref("Service")}},
                    }
                )
            },
        }
    },
    "/api/tickets": {
        "post": {
            "summary": "Ambil nomor antrian (kiosk)",
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["service"],
                    "properties": {
                        "service": {"type": "string", "example": "A"},
                        "priority": {"type": "boolean", "default": False},
                        "priority_reason": {"type": "string", "enum": list(PRIORITY_REASONS)},
                    },
                }
            ),
            "responses": {
                "201": json_response(
                    {
                        "type": "object",
                        "required": ["ticket"],
                        "properties": {"ticket": ref("NewTicket")},
                    },
                    "Created",
                ),
                "400": BAD_JSON,
                "404": error("Layanan tidak dikenal (unknown_service)"),
                "409": error("Layanan tutup (service_closed) atau kuota habis (quota_reached)"),
                "403": error("Bukan kiosk terdaftar (device_not_enrolled)"),
                "422": INVALID,
                "429": error("Terlalu banyak permintaan (rate_limited)"),
            },
        }
    },
    "/api/tickets/{ticket_id}": {
        "get": {
            "summary": "Satu tiket (petugas)",
            "parameters": [TICKET_ID],
            "responses": {
                "200": json_response(ref("TicketResponse")),
                "401": error("Belum masuk (unauthenticated)"),
                "404": NO_TICKET,
            },
        }
    },
    "/api/status/{token}": {
        "get": {
            "summary": "Tiket pengunjung dari kode QR (mengikuti pengalihan)",
            "parameters": [{"name": "token", "in": "path", "required": True, "schema": {"type": "string"}}],
            "responses": {"200": json_response(ref("TicketResponse")), "404": NO_TICKET},
        }
    },
    "/api/state": {
        "get": {
            "summary": "Keadaan semua loket dan antrian",
            "responses": {"200": json_response(ref("State"))},
        }
    },
    "/api/login": {
        "post": {
            "summary": "Masuk; petugas memilih loket",
            "requestBody": json_body(
                {
                    "type": "object",
                    "required": ["username", "password"],
                    "properties": {
                        "username": {"type": "string"},
                        "password": {"type": "string"},
                        "counter": {"type": "integer"},
                    },
                }
            ),
            "responses": {
                "200": json_response(ref("User")),
                "400": BAD_JSON,
                "401": error("Salah nama/kata sandi"),
                "403": FORBIDDEN,
                "422": INVALID,
                "429": error("Terlalu banyak percobaan (too_many_attempts)"),
            },
        }
    },
    "/api/logout": {"post": {"summary": "Keluar", "responses": {"200": json_response({"type": "object"})}}},
    "/api/me": {
        "get": {
            "summary": "Pengguna yang sedang masuk",
            "responses": {"200": json_response(ref("User")), "401": UNAUTH},
        }
    },
    "/api/counters/{counter_id}/call-next": {
        "post": {
            "summary": "Panggil berikutnya di loket ini",
            "parameters": [
                {"name": "counter_id", "in": "path", "required": True, "schema": {"type": "integer"}}
            ],
            "responses": {
                "200": json_response(ref("MaybeTicketResponse")),
                "401": UNAUTH,
                "403": FORBIDDEN,
                "404": error("Loket tidak dikenal (unknown_counter)"),
            },
        }
    },
    "/api/tickets/{ticket_id}/recall": _ticket_action("Panggil ulang"),
    "/api/tickets/{ticket_id}/skip": _ticket_action("Lewati / tidak hadir"),
    "/api/tickets/{ticket_id}/start": _ticket_action("Mulai layani"),
    "/api/tickets/{ticket_id}/finish": _ticket_action("Selesai"),
    "/api/tickets/{ticket_id}/cancel": _ticket_action("Batalkan"),
    "/api/tickets/{ticket_id}/transfer": {
        "post": {
            "summary": "Alihkan ke layanan lain; menjawab dengan tiket baru yang menunggu",
            "parameters": [TICKET_ID],
            "requestBody": json_body(
                {"type": "object", "required": ["service"], "properties": {"service": {"type": "string"}}}
            ),
            "responses": {
                "200": json_response(ref("TicketResponse")),
                "400": BAD_JSON,
                "401": UNAUTH,
                "403": FORBIDDEN,
                "404": NO_TICKET,
                "409": WRONG_STATE,
                "422": INVALID,
            },
        }
    },
}
