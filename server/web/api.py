"""The JSON API (documented in the README): parse input, call one action, return and broadcast."""

from __future__ import annotations

import json

from flask import Blueprint, jsonify, request, url_for

from server.core.actor import Actor
from server.core.errors import LoketError
from server.core.present import services_json, state_json, ticket_json, ticket_with_position
from server.live import events
from server.web import auth
from server.web.api_doc import OPENAPI_PATHS  # noqa: F401  (this blueprint's part of the OpenAPI document)
from server.web.guard import current_loket, requires

bp = Blueprint("api", __name__, url_prefix="/api")


def json_body(required: bool = True) -> dict:
    """The request's JSON object, or a 400 in Indonesian."""
    if not request.get_data(cache=True):
        if required:
            raise LoketError("invalid_json", "Isi permintaan harus berupa objek JSON.", 400)
        return {}
    try:
        if not request.is_json:
            raise ValueError("not JSON")
        # NaN and Infinity are not JSON (Python's parser takes them); deep nesting would
        # exhaust the parser's recursion.
        data = json.loads(request.get_data(cache=True), parse_constant=_no_constant)
    except (ValueError, RecursionError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise LoketError("invalid_json", "Isi permintaan harus berupa objek JSON.", 400)
    return data


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def field(data: dict, name: str, kind: type, required: bool = False, default=None):
    """One typed field of a JSON body; wrong type or missing → 422 naming the field."""
    if name not in data or data[name] is None:
        if required:
            raise LoketError("missing_field", f"Kolom '{name}' wajib diisi.", 422)
        return default
    value = data[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = {str: "teks", bool: "true/false", int: "bilangan bulat"}
        raise LoketError(
            "invalid_field", f"Kolom '{name}' harus berupa {names.get(kind, kind.__name__)}.", 422
        )
    return value


def respond(outcome, status: int = 200):
    """Broadcast what changed, answer with the outcome's ticket."""
    events.publish(outcome)
    ticket = ticket_json(outcome.ticket, current_loket().queue, reason=True) if outcome.ticket else None
    return jsonify({"ticket": ticket}), status


@bp.get("/services")
def services():
    """Every service with waiting count and whether the kiosk may issue a number now.

    Anyone may ask, as often as they like: the answer is computed at most once per second and
    per committed write, and shared."""
    office = current_loket()
    key = (office.store.generation, id(office.config), int(office.queue.now().timestamp()))
    cached = getattr(office, "services_cache", None)
    if cached is None or cached[0] != key:
        cached = office.services_cache = (key, {"services": services_json(office.queue)})
    return jsonify(cached[1])


@bp.post("/tickets")
def issue_ticket():
    """The kiosk takes a number for a visitor."""
    from server.devices.routes import device_key, require_kiosk

    loket = current_loket()
    # Per device, not per address: the simulator and the kiosk on one PC count apart.
    loket.kiosk_guard.check(device_key(require_kiosk()))
    data = json_body()
    service = field(data, "service", str, required=True)
    priority = field(data, "priority", bool, default=False)
    reason = field(data, "priority_reason", str) if priority else None
    outcome = loket.queue.issue(service, priority, reason)
    events.publish(outcome)
    ticket = outcome.ticket
    body = ticket_with_position(ticket, loket.queue, at_issue=True)
    body["status_url"] = url_for("pages.ticket_status", token=ticket.token, _external=True)
    body["preview_url"] = url_for("pages.ticket_image", token=ticket.token)
    body["print"] = loket.print_ticket(ticket, body)
    return jsonify({"ticket": body}), 201


@bp.get("/tickets/<int:ticket_id>")
@requires()
def get_ticket(ticket_id: int, actor: Actor):
    """One ticket, for signed-in staff (visitors read theirs by token: /api/status/<token>)."""
    queue = current_loket().queue
    return jsonify({"ticket": ticket_with_position(queue.get(ticket_id), queue)})


@bp.get("/status/<token>")
def ticket_status(token: str):
    """The visitor's ticket from the QR code, following transfers."""
    queue = current_loket().queue
    ticket = queue.get_by_token(token)
    return jsonify({"ticket": ticket_with_position(ticket, queue)})


@bp.get("/state")
def state():
    """What every screen needs to draw itself."""
    return jsonify(state_json(current_loket().queue))


@bp.post("/login")
def login():
    """Sign in; officers say which counter they sit at."""
    data = json_body()
    username = field(data, "username", str, required=True)
    password = field(data, "password", str, required=True)
    counter_id = field(data, "counter", int)
    loket = current_loket()
    store = loket.store
    guard, address = loket.login_guard, request.remote_addr or ""
    with guard.attempt(username, address):
        user = auth.authenticate(store, username, password)
    if user is None:
        raise LoketError("invalid_credentials", "Nama pengguna atau kata sandi salah.", 401)
    if counter_id is not None:
        if loket.queue.config.counter(counter_id) is None:
            raise LoketError("unknown_counter", f"Loket {counter_id} tidak dikenal.", 422)
        allowed = user.get("counters")
        if user["role"] == "officer" and allowed and counter_id not in allowed:
            raise LoketError("forbidden", f"Anda tidak terdaftar untuk Loket {counter_id}.", 403)
    guard.succeeded(username, address)
    auth.sign_in(user, counter_id, loket.queue.now().timestamp(), store)
    return jsonify({"user": {"username": user["username"], "role": user["role"], "counter": counter_id}})


@bp.post("/logout")
def logout():
    """Sign out."""
    auth.sign_out(current_loket().store)
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
    current_loket().queue.counter(counter_id)
    if not actor.may_use_counter(counter_id):
        raise LoketError("forbidden", f"Anda tidak bertugas di Loket {counter_id}.", 403)
    return respond(current_loket().queue.call_next(counter_id, actor))


def _ticket_action(name: str):
    def view(ticket_id: int, actor: Actor):
        return respond(getattr(current_loket().queue, name)(ticket_id, actor))

    view.__name__ = f"ticket_{name}"
    view.__doc__ = f"Apply '{name}' to a ticket the caller's counter holds."
    return requires()(view)


for _action in ("recall", "skip", "start", "finish", "cancel"):
    bp.post(f"/tickets/<int:ticket_id>/{_action}")(_ticket_action(_action))


@bp.post("/tickets/<int:ticket_id>/transfer")
@requires()
def transfer(ticket_id: int, actor: Actor):
    """Send the visitor to another service; answers with the new waiting ticket."""
    target = field(json_body(), "service", str, required=True)
    return respond(current_loket().queue.transfer(ticket_id, target, actor))
