"""The JSON API (documented in docs/api.md): parse input, call one action, answer, and hand
the outcome to the running office (:meth:`server.runtime.Runtime.react`)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request, url_for

from server.core.actor import Actor
from server.core.errors import LoketError
from server.core.views import issued_ticket, services_json, state_json, ticket_json, ticket_with_position
from server.devices.routes import device_key, require_kiosk
from server.live import staff
from server.web.api_doc import OPENAPI_PATHS  # noqa: F401  (this blueprint's part of the OpenAPI document)
from server.webbase import auth
from server.webbase.body import field, json_body
from server.webbase.guard import current_runtime, requires

bp = Blueprint("api", __name__, url_prefix="/api")


def respond(outcome, status: int = 200):
    """Hand what changed to the running office (announced, broadcast), answer with the
    outcome's ticket."""
    runtime = current_runtime()
    runtime.react(outcome)
    ticket = ticket_json(outcome.ticket, runtime.queue, reason=True) if outcome.ticket else None
    return jsonify({"ticket": ticket}), status


@bp.get("/services")
def services():
    """Every service with waiting count and whether the kiosk may issue a number now.

    Anyone may ask, as often as they like: the answer is computed at most once per second and
    per committed write, and shared."""
    runtime = current_runtime()
    key = (runtime.store.generation, id(runtime.config), int(runtime.queue.now().timestamp()))
    return jsonify(runtime.shared_answer("services", key, lambda: {"services": services_json(runtime.queue)}))


@bp.post("/tickets")
def issue_ticket():
    """The kiosk takes a number for a visitor."""
    runtime = current_runtime()
    # Per device, not per address: the simulator and the kiosk on one PC count apart.
    runtime.kiosk_limit.check(device_key(require_kiosk()))
    data = json_body()
    service = field(data, "service", str, required=True)
    priority = field(data, "priority", bool, default=False)
    reason = field(data, "priority_reason", str) if priority else None
    outcome = runtime.queue.issue(service, priority, reason)
    runtime.react(outcome)
    ticket = outcome.ticket
    issued = issued_ticket(
        ticket, runtime.queue, url_for("pages.ticket_status", token=ticket.token, _external=True)
    )
    body = dict(issued.json)
    body["preview_url"] = url_for("pages.ticket_image", token=ticket.token)
    body["print"] = runtime.print_ticket(issued)
    return jsonify({"ticket": body}), 201


@bp.get("/tickets/<int:ticket_id>")
@requires()
def get_ticket(ticket_id: int, actor: Actor):
    """One ticket, for signed-in staff (visitors read theirs by token: /api/status/<token>). Its
    priority reason only for supervisors, admins and officers at a counter that serves it."""
    queue = current_runtime().queue
    ticket = queue.get(ticket_id)
    return jsonify(
        {"ticket": ticket_with_position(ticket, queue, reason=_may_see_reason(actor, ticket.service))}
    )


def _may_see_reason(actor: Actor, service: str) -> bool:
    """Why a visitor has priority (lansia, ibu hamil …) is for the counters that serve them."""
    if actor.role in ("supervisor", "admin"):
        return True
    counter = current_runtime().config.counter(actor.counter_id) if actor.counter_id else None
    return counter is not None and service in counter.services


@bp.get("/status/<token>")
def ticket_status(token: str):
    """The visitor's ticket from the QR code, following transfers."""
    queue = current_runtime().queue
    ticket = queue.get_by_token(token)
    return jsonify({"ticket": ticket_with_position(ticket, queue)})


@bp.get("/state")
def state():
    """What every screen needs to draw itself."""
    return jsonify(state_json(current_runtime().queue))


@bp.post("/login")
def login():
    """Sign in; officers say which counter they sit at."""
    data = json_body()
    username = field(data, "username", str, required=True)
    password = field(data, "password", str, required=True)
    counter_id = field(data, "counter", int)
    runtime = current_runtime()
    store = runtime.store
    limit, address = runtime.login_limit, request.remote_addr or ""
    with limit.attempt(username, address):
        user = auth.authenticate(store, username, password)
    if user is None:
        raise LoketError("invalid_credentials", "Nama pengguna atau kata sandi salah.", 401)
    if counter_id is not None:
        if runtime.config.counter(counter_id) is None:
            raise LoketError("unknown_counter", f"Loket {counter_id} tidak dikenal.", 422)
        allowed = user.get("counters")
        if user["role"] == "officer" and allowed and counter_id not in allowed:
            raise LoketError("forbidden", f"Anda tidak terdaftar untuk Loket {counter_id}.", 403)
    limit.succeeded(username, address)
    auth.sign_in(user, counter_id, runtime.queue.now().timestamp(), store)
    staff.presence_changed()
    return jsonify({"user": {"username": user["username"], "role": user["role"], "counter": counter_id}})


@bp.post("/logout")
def logout():
    """Sign out."""
    runtime = current_runtime()
    if auth.sign_out(runtime.store, runtime.queue.now().timestamp()):
        staff.presence_changed()
    return jsonify({"ok": True})


@bp.get("/me")
@requires()
def me(actor: Actor):
    """The signed-in user, or 401."""
    return jsonify({"user": {"username": actor.username, "role": actor.role, "counter": actor.counter_id}})


@bp.post("/counters/<int:counter_id>/call-next")
@requires()
def call_next(counter_id: int, actor: Actor):
    """Call the next visitor to this counter."""
    current_runtime().queue.counter(counter_id)
    if not actor.may_use_counter(counter_id):
        raise LoketError("forbidden", f"Anda tidak bertugas di Loket {counter_id}.", 403)
    return respond(current_runtime().queue.call_next(counter_id, actor))


@bp.post("/tickets/<int:ticket_id>/recall")
@requires()
def recall(ticket_id: int, actor: Actor):
    """Call the same visitor again (announced again)."""
    return respond(current_runtime().queue.recall(ticket_id, actor))


@bp.post("/tickets/<int:ticket_id>/skip")
@requires()
def skip(ticket_id: int, actor: Actor):
    """The visitor did not come: back in the queue while returns remain, else a no-show."""
    return respond(current_runtime().queue.skip(ticket_id, actor))


@bp.post("/tickets/<int:ticket_id>/start")
@requires()
def start(ticket_id: int, actor: Actor):
    """The visitor is at the counter: service starts."""
    return respond(current_runtime().queue.start(ticket_id, actor))


@bp.post("/tickets/<int:ticket_id>/finish")
@requires()
def finish(ticket_id: int, actor: Actor):
    """Service is done."""
    return respond(current_runtime().queue.finish(ticket_id, actor))


@bp.post("/tickets/<int:ticket_id>/cancel")
@requires()
def cancel(ticket_id: int, actor: Actor):
    """Withdraw a ticket that has not been served."""
    return respond(current_runtime().queue.cancel(ticket_id, actor))


@bp.post("/tickets/<int:ticket_id>/transfer")
@requires()
def transfer(ticket_id: int, actor: Actor):
    """Send the visitor to another service; answers with the new waiting ticket."""
    target = field(json_body(), "service", str, required=True)
    return respond(current_runtime().queue.transfer(ticket_id, target, actor))
