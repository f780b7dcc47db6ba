"""The admin's settings: the tables of loket.toml (office profile, queue, printer, voice, display,
security, survey), the printer's test ticket and the voice's "dengar contoh" preview."""

from __future__ import annotations

import copy

from flask import jsonify

from server.config.store import config_to_raw
from server.core.errors import LoketError
from server.voice.announcement import render
from server.web.admin import bp
from server.web.admin.changes import DENIED, INVALID, NOT_JSON, OBJECT_BODY, OK, apply_change
from server.web.admin.logo import has_logo
from server.webbase import openapi
from server.webbase.body import field, json_body
from server.webbase.guard import current_runtime, requires

SECTIONS = ("office", "queue", "printer", "voice", "display", "security", "survey")


@bp.get("/api/admin/settings")
@requires("admin")
def get_settings(actor):
    """The whole configuration, TOML-shaped, plus printer and voice status."""
    runtime = current_runtime()
    return jsonify(
        {
            "settings": config_to_raw(runtime.config),
            "printer_status": runtime.print_queue.status(),
            "voice_status": runtime.announcer.status(),
            "has_logo": has_logo(),
        }
    )


@bp.put("/api/admin/settings/<section>")
@requires("admin")
def put_section(section: str, actor):
    """Change one table of loket.toml (keys not sent are kept)."""
    if section not in SECTIONS:
        raise LoketError("unknown_section", f"Bagian pengaturan '{section}' tidak dikenal.", 404)
    data = json_body()

    def change(raw):
        before = copy.deepcopy(raw[section])
        raw[section] = {**raw[section], **data}
        return before, raw[section]

    return jsonify({"settings": apply_change(actor, f"update_{section}", section, change)})


@bp.post("/api/admin/printer/test")
@requires("admin")
def printer_test(actor):
    """Queue a test ticket on the configured printer; the result arrives as printer status."""
    runtime = current_runtime()
    if runtime.config.printer.kind == "none":
        raise LoketError("no_printer", "Printer belum diatur (kind = none).", 409)
    runtime.print_test()
    return jsonify({"queued": True, "printer_status": runtime.print_queue.status()}), 202


@bp.post("/api/admin/voice/preview")
@requires("admin")
def voice_preview(actor):
    """A sample call ("A012" to the first counter) spoken with the given, unsaved, template and
    number reading; answers the URL of the WAV."""
    runtime = current_runtime()
    data = json_body()
    voice = runtime.config.voice
    template = field(data, "template", str) or voice.template
    reading = field(data, "number_reading", str) or voice.number_reading
    counter = runtime.config.counters[0].name if runtime.config.counters else "Loket 1"
    try:
        text = render("A012", counter, template, reading)
    except (ValueError, KeyError, IndexError):
        raise LoketError(
            "invalid_template",
            "Kalimat pengumuman tidak valid: gunakan {prefix}, {number}, {counter} atau {ticket}.",
            422,
        ) from None
    url = runtime.announcer.sample(text)
    if url is None:
        raise LoketError(
            "voice_unavailable",
            "Suara pengumuman tidak aktif atau gagal; aktifkan suara, simpan, lalu coba lagi.",
            409,
        )
    return jsonify({"text": text, "audio_url": url})


_SECTION = {
    "name": "section",
    "in": "path",
    "required": True,
    "schema": {"type": "string", "enum": list(SECTIONS)},
}

OPENAPI_PATHS = {
    "/api/admin/settings": {
        "get": {"summary": "Seluruh pengaturan kantor", "responses": {"200": OK, **DENIED}}
    },
    "/api/admin/settings/{section}": {
        "put": {
            "summary": "Ubah tabel office, queue, printer, voice, display, security atau survey",
            "parameters": [_SECTION],
            "requestBody": OBJECT_BODY,
            "responses": {
                "200": OK,
                "400": NOT_JSON,
                **DENIED,
                "404": openapi.error("Bagian tidak dikenal"),
                "422": INVALID,
            },
        }
    },
    "/api/admin/printer/test": {
        "post": {
            "summary": "Cetak tiket uji",
            "responses": {"202": OK, **DENIED, "409": openapi.error("Printer belum diatur")},
        }
    },
    "/api/admin/voice/preview": {
        "post": {
            "summary": "Contoh pengumuman suara",
            "requestBody": OBJECT_BODY,
            "responses": {
                "200": OK,
                "400": NOT_JSON,
                **DENIED,
                "409": openapi.error("Suara tidak aktif"),
                "422": openapi.error("Kalimat tidak valid"),
            },
        }
    },
}
