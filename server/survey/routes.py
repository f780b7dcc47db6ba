"""The satisfaction survey (SKM, PermenPAN-RB 14/2017) after a visitor is served.

Two ways in, one response per ticket:

- the visitor's own phone, from the status page of the ticket's QR code: ``/t/<token>/survei``;
- a tablet on the counter, signed in by its officer: ``/survei/loket/<counter>`` shows the survey
  of the ticket just finished there.

Either form is the nine elements on a 1–4 scale (``ikm``) or one four-smiley question
(``smiley``). Results are in the reports (:mod:`server.reports.routes`).
"""

from __future__ import annotations

import sqlite3

from flask import Blueprint, current_app, jsonify, render_template, request

from server.core.errors import Conflict, LoketError
from server.core.storage import TicketRow
from server.reports import queries
from server.reports.stats import ELEMENT_CODES, ELEMENTS, SMILEYS
from server.web import auth
from server.web.api import field, json_body

bp = Blueprint("survey", __name__)

MODES = ("ikm", "smiley")
# The form each way in shows unless the office sets ``[survey] mode`` or the URL says ?mode=.
DEFAULT_MODES = {"status_page": "ikm", "tablet": "smiley"}
ANSWER_DAYS = 7  # the QR page takes answers this long after the service
TABLET_MINUTES = 15  # the counter tablet offers the survey this long after "Selesai"
MAX_COMMENT = 1000


def _loket():
    return current_app.extensions["loket"]


def survey_mode(channel: str) -> str:
    """The form to show: ?mode=, else the office's ``[survey] mode``, else the channel's default."""
    asked = request.args.get("mode")
    if asked in MODES:
        return asked
    configured = getattr(getattr(_loket().config, "survey", None), "mode", None)
    return configured if configured in MODES else DEFAULT_MODES[channel]


def _page(template: str, status: int = 200, **context):
    config = _loket().config
    return render_template(
        template, office=config.office, config=config, elements=ELEMENTS, smileys=SMILEYS, **context
    ), status


def _service_name(ticket: TicketRow) -> str:
    service = _loket().config.service(ticket.service)
    return service.name if service else ticket.service


def _state(ticket: TicketRow, within_seconds: float) -> str:
    """form | not_done | answered | too_late."""
    if ticket.status != "done":
        return "not_done"
    if queries.survey_answered(_loket().store.read(), ticket.id):
        return "answered"
    if _loket().queue.now().timestamp() - (ticket.finished_at or 0) > within_seconds:
        return "too_late"
    return "form"


# ---- the visitor's phone -------------------------------------------------------------------


@bp.get("/t/<token>/survei")
def status_page_survey(token: str):
    """The survey reached from the ticket's status page."""
    try:
        ticket = _loket().queue.get_by_token(token)
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
    if auth.current_actor(_loket().store) is not None:
        raise LoketError("staff_cannot_answer", "Petugas tidak dapat mengisi survei untuk pengunjung.", 403)
    ticket = _loket().queue.get_by_token(token)
    return _answer(ticket, "status_page", ANSWER_DAYS * 86400)


# ---- the counter tablet --------------------------------------------------------------------


def _tablet_actor(counter_id: int):
    loket = _loket()
    counter = loket.queue.counter(counter_id)
    actor = auth.require_actor(loket.store)
    if not actor.may_use_counter(counter_id):
        raise LoketError("forbidden", f"Tablet ini harus dimasuki oleh petugas {counter.name}.", 403)
    return actor, counter


@bp.get("/survei/loket/<int:counter_id>")
def tablet_page(counter_id: int):
    """The tablet on a counter: waits for the next visitor served there, then asks."""
    loket = _loket()
    counter = loket.config.counter(counter_id)
    if counter is None:
        return _page("survey.html", 404, state="missing", ticket=None, mode="smiley", token=None)
    actor = auth.current_actor(loket.store)
    if actor is None or not actor.may_use_counter(counter_id):
        return _page("reports_login.html", 401, purpose="tablet", counter=counter, actor=actor)
    return _page("survey_tablet.html", counter=counter, mode=survey_mode("tablet"))


@bp.get("/api/survey/counters/<int:counter_id>/pending")
def pending(counter_id: int):
    """The ticket just finished at this counter that has no answer yet, or null."""
    _tablet_actor(counter_id)
    loket = _loket()
    since = loket.queue.now().timestamp() - TABLET_MINUTES * 60
    ticket = queries.latest_finished(loket.store.read(), counter_id, since)
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
def answer_at_counter(ticket_id: int):
    """The visitor answers on the counter's tablet."""
    loket = _loket()
    auth.require_actor(loket.store)  # a signed-in tablet first; the counter is checked below
    ticket = loket.queue.get(ticket_id)
    if ticket.counter_id is None:
        raise Conflict("not_done", "Survei dapat diisi setelah layanan selesai.")
    _tablet_actor(ticket.counter_id)
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
    loket = _loket()
    loket.queue.guard.check()  # no answer recorded on a wrong day (server/clock_guard.py)
    try:
        with loket.store.write() as conn:
            queries.insert_survey_response(
                conn, ticket, kind, channel, answers, rating, comment, loket.queue.now().timestamp()
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
