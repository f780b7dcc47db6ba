"""The satisfaction survey (SKM, PermenPAN-RB 14/2017) after a visitor is served.

Two ways in, one response per ticket:

- the visitor's own phone, from the status page of the ticket's QR code: ``/t/<token>/survei``;
- a tablet on the counter, signed in by its officer: ``/survei/loket/<counter>`` shows the survey
  of the ticket just finished there.

Either form is the nine elements on a 1–4 scale (``ikm``) or one four-smiley question
(``smiley``). Results are in the reports (:mod:`server.reports.routes`); its SQL is :mod:`server.survey.queries`.
"""

from __future__ import annotations

import sqlite3

from flask import Blueprint, jsonify, request

from server.core.errors import Conflict, LoketError
from server.core.tickets import TicketRow
from server.survey import queries
from server.survey.ikm import ELEMENT_CODES, ELEMENTS, SMILEYS
from server.webbase import openapi
from server.webbase.body import field, json_body
from server.webbase.guard import current_runtime, page, require, requires, signed_in

bp = Blueprint("survey", __name__)

MODES = ("ikm", "smiley")
# The form each way in shows unless the office sets ``[survey] mode`` or the URL says ?mode=.
DEFAULT_MODES = {"status_page": "ikm", "tablet": "smiley"}
ANSWER_DAYS = 7  # the QR page takes answers this long after the service
TABLET_MINUTES = 15  # the counter tablet offers the survey this long after "Selesai"
MAX_COMMENT = 1000


def survey_mode(channel: str) -> str:
    """The form to show: ?mode=, else the office's ``[survey] mode``, else the channel's default."""
    asked = request.args.get("mode")
    if asked in MODES:
        return asked
    configured = getattr(getattr(current_runtime().config, "survey", None), "mode", None)
    return configured if configured in MODES else DEFAULT_MODES[channel]


def _page(template: str, status: int = 200, **context):
    return page(template, status, elements=ELEMENTS, smileys=SMILEYS, **context)


def _service_name(ticket: TicketRow) -> str:
    service = current_runtime().config.service(ticket.service)
    return service.name if service else ticket.service


def _state(ticket: TicketRow, within_seconds: float) -> str:
    """form | not_done | answered | too_late."""
    if ticket.status != "done":
        return "not_done"
    if queries.survey_answered(current_runtime().store.read(), ticket.id):
        return "answered"
    if current_runtime().queue.now().timestamp() - (ticket.finished_at or 0) > within_seconds:
        return "too_late"
    return "form"


# ---- the visitor's phone -------------------------------------------------------------------


@bp.get("/t/<token>/survei")
def status_page_survey(token: str):
    """The survey reached from the ticket's status page."""
    try:
        ticket = current_runtime().queue.get_by_token(token)
    except LoketError:
        return _page("survey.html", 404, state="missing", ticket=None, mode="ikm", token=token)
    return _page(
        "survey.html",
        state=_state(ticket, ANSWER_DAYS * 86400),
        ticket=ticket,
        service_name=_service_name(ticket),
        mode=survey_mode("status_page"),
        token=token,
    )


@bp.post("/api/survey/<token>")
def answer_by_token(token: str):
    """The visitor answers from their phone; the token of the ticket is the permission.
    Staff may not answer for visitors (it would inflate the office's own score)."""
    if signed_in() is not None:
        raise LoketError("staff_cannot_answer", "Petugas tidak dapat mengisi survei untuk pengunjung.", 403)
    ticket = current_runtime().queue.get_by_token(token)
    return _answer(ticket, "status_page", ANSWER_DAYS * 86400)


# ---- the counter tablet --------------------------------------------------------------------


def _check_tablet(counter_id: int) -> None:
    """The API's 404 (unknown counter), 401 or 403 unless this counter's officer (or a
    supervisor) signed the tablet in."""
    counter = current_runtime().queue.counter(counter_id)
    if not require().may_use_counter(counter_id):
        raise LoketError("forbidden", f"Tablet ini harus dimasuki oleh petugas {counter.name}.", 403)


@bp.get("/survei/loket/<int:counter_id>")
def tablet_page(counter_id: int):
    """The tablet on a counter: waits for the next visitor served there, then asks."""
    runtime = current_runtime()
    counter = runtime.config.counter(counter_id)
    if counter is None:
        return _page("survey.html", 404, state="missing", ticket=None, mode="smiley", token=None)
    # Signed in by an officer of this counter (or a supervisor): a role alone is not enough.
    actor = signed_in()
    if actor is None or not actor.may_use_counter(counter_id):
        return page("login.html", 401, purpose="tablet", counter=counter, actor=actor)
    return _page("survey_tablet.html", counter=counter, mode=survey_mode("tablet"))


@bp.get("/api/survey/counters/<int:counter_id>/pending")
def pending(counter_id: int):
    """The ticket just finished at this counter that has no answer yet, or null."""
    _check_tablet(counter_id)
    runtime = current_runtime()
    since = runtime.queue.now().timestamp() - TABLET_MINUTES * 60
    ticket = queries.latest_finished(runtime.store.read(), counter_id, since)
    if ticket is None:
        return jsonify({"ticket": None})
    return jsonify(
        {
            "ticket": {
                "id": ticket.id,
                "number": ticket.number,
                "service": ticket.service,
                "service_name": _service_name(ticket),
            }
        }
    )


@bp.post("/api/survey/tickets/<int:ticket_id>")
@requires()  # a signed-in tablet first; the counter is checked below
def answer_at_counter(ticket_id: int, actor):
    """The visitor answers on the counter's tablet."""
    ticket = current_runtime().queue.get(ticket_id)
    if ticket.counter_id is None:
        raise Conflict("not_done", "Survei dapat diisi setelah layanan selesai.")
    _check_tablet(ticket.counter_id)
    return _answer(ticket, "tablet", TABLET_MINUTES * 60)


# ---- answers -------------------------------------------------------------------------------


def parse_answers(data: dict) -> tuple[str, dict[str, int], int | None, str | None]:
    """(kind, element answers, smiley rating, comment) from a JSON body, or a 422 in Indonesian."""
    answers, rating = data.get("answers"), data.get("rating")
    if (answers is None) == (rating is None):
        raise LoketError(
            "invalid_answers",
            "Isi jawaban sembilan unsur ('answers') atau satu penilaian ('rating'), salah satu saja.",
            422,
        )
    comment = field(data, "comment", str)
    comment = (comment.strip()[:MAX_COMMENT] or None) if comment else None
    if rating is not None:
        if not _score(rating):
            raise LoketError("invalid_answers", "Penilaian harus bilangan 1 sampai 4.", 422)
        return "smiley", {}, rating, comment
    if not isinstance(answers, dict):
        raise LoketError("invalid_answers", "Kolom 'answers' harus berupa objek u1…u9.", 422)
    missing = [code for code in ELEMENT_CODES if not _score(answers.get(code))]
    if missing:
        names = ", ".join(name for code, name, _ in ELEMENTS if code in missing)
        raise LoketError("invalid_answers", f"Mohon jawab semua unsur (1–4). Belum dijawab: {names}.", 422)
    return "ikm", {code: answers[code] for code in ELEMENT_CODES}, None, comment


def _score(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 1 <= value <= 4


def _answer(ticket: TicketRow, channel: str, within_seconds: float):
    kind, answers, rating, comment = parse_answers(json_body())
    state = _state(ticket, within_seconds)
    if state == "not_done":
        raise Conflict("not_done", "Survei dapat diisi setelah layanan selesai.")
    if state == "answered":
        raise Conflict("already_answered", "Survei untuk nomor antrian ini sudah diisi. Terima kasih.")
    if state == "too_late":
        raise Conflict("survey_closed", "Waktu pengisian survei untuk nomor antrian ini sudah berakhir.")
    runtime = current_runtime()
    runtime.queue.guard.check()  # no answer recorded on a wrong day (server/core/clock.py)
    try:
        with runtime.store.write() as conn:
            queries.insert_survey_response(
                conn, ticket, kind, channel, answers, rating, comment, runtime.queue.now().timestamp()
            )
    except sqlite3.IntegrityError:
        raise Conflict(
            "already_answered", "Survei untuk nomor antrian ini sudah diisi. Terima kasih."
        ) from None
    return jsonify(
        {
            "response": {"ticket": ticket.number, "kind": kind, "channel": channel},
            "message": "Terima kasih atas penilaian Anda.",
        }
    ), 201


_ERROR = openapi.error("Galat")
_CREATED = {
    "201": openapi.json_response({"type": "object"}, "Created"),
    "400": _ERROR,
    "404": _ERROR,
    "409": {**_ERROR, "description": "not_done, already_answered, survey_closed"},
    "422": _ERROR,
}
_ANSWERS = openapi.json_body(
    {
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
)


def _path_parameter(name: str, kind: str) -> dict:
    return {"name": name, "in": "path", "required": True, "schema": {"type": kind}}


OPENAPI_PATHS = {
    "/api/survey/{token}": {
        "post": {
            "summary": "Jawaban survei kepuasan dari halaman status (kode QR)",
            "parameters": [_path_parameter("token", "string")],
            "requestBody": _ANSWERS,
            "responses": _CREATED,
        }
    },
    "/api/survey/tickets/{ticket_id}": {
        "post": {
            "summary": "Jawaban survei kepuasan dari tablet loket",
            "parameters": [_path_parameter("ticket_id", "integer")],
            "requestBody": _ANSWERS,
            "responses": {**_CREATED, "401": _ERROR, "403": _ERROR},
        }
    },
    "/api/survey/counters/{counter_id}/pending": {
        "get": {
            "summary": "Tiket yang baru selesai di loket ini dan belum mengisi survei",
            "parameters": [_path_parameter("counter_id", "integer")],
            "responses": {
                "200": openapi.json_response({"type": "object"}),
                "401": _ERROR,
                "403": _ERROR,
                "404": _ERROR,
            },
        }
    },
}
