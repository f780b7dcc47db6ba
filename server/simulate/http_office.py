"""A running Loket server as the simulation's office: the simulated kiosk and officers use its
public JSON API (kiosk, login, call-next, start, finish, skip, transfer) like real ones, each
officer with an HTTP session of their own."""

from __future__ import annotations

import sys
import time

from .model import Visitor


class SimulationError(Exception):
    """The running server refused the simulation (message for the operator)."""

    def __init__(self, message: str, status: int | None = None):
        super().__init__(message)
        self.status = status


class HttpOffice:
    """A running Loket server, driven through the public JSON API (documented in docs/api.md)."""

    def __init__(self, url: str, session_factory=None, device: str | None = None):
        import requests

        self.url = url.rstrip("/")
        self._new_session = session_factory or requests.Session
        self.kiosk = self._new_session()
        if device:  # the simulated visitors take numbers as this enrolled kiosk
            self.kiosk.headers["Authorization"] = f"Device {device}"
        self.sessions: dict[str, object] = {}
        self.credentials: dict[str, tuple[str, int]] = {}
        self.refused = 0
        self.called: dict[int, tuple[str, str]] = {}  # ticket id -> (number, service)

    def _post(self, session, path: str, body: dict | None = None, username: str | None = None) -> dict:
        for _ in range(30):
            response = session.post(self.url + path, json=body or {}, timeout=30)
            if response.status_code == 401 and username in self.credentials:
                # The session ended (idle too long): sign in again, as the officer would.
                self.login(username, *self.credentials[username])
                session, username = self.sessions[username], None
                continue
            if response.status_code != 429:
                break
            time.sleep(2)  # the kiosk's flood guard: wait like a patient visitor
        if response.status_code >= 400:
            error = (response.json() or {}).get("error", {}) if _is_json(response) else {}
            raise SimulationError(
                f"{path}: {response.status_code} {error.get('message', response.text[:200])}",
                response.status_code,
            )
        return response.json()

    def layout(self) -> tuple[list[dict], list[dict]]:
        """The services and the counters (``id``, ``services``) of the office."""
        services = self.kiosk.get(self.url + "/api/services", timeout=30).json()["services"]
        state = self.kiosk.get(self.url + "/api/state", timeout=30).json()
        return services, state["counters"]

    def login(self, username: str, password: str, counter: int) -> None:
        """Sign an officer in at a counter (one HTTP session each)."""
        session = self._new_session()
        self._post(session, "/api/login", {"username": username, "password": password, "counter": counter})
        self.sessions[username] = session
        self.credentials[username] = (password, counter)

    def issue(self, visitor: Visitor, t: float):
        body = {"service": visitor.service, "priority": visitor.priority}
        if visitor.priority:
            body["priority_reason"] = "lansia"
        try:
            ticket = self._post(self.kiosk, "/api/tickets", body)["ticket"]
        except SimulationError:
            self.refused += 1
            return None
        visitor.number = ticket["number"]
        return ticket["id"]

    def call_next(self, officer: tuple[str, int], t: float):
        ticket = self._post(
            self.sessions[officer[0]], f"/api/counters/{officer[1]}/call-next", username=officer[0]
        )["ticket"]
        if not ticket:
            return None
        self.called[ticket["id"]] = (ticket["number"], ticket["service"])
        return ticket["id"]

    def describe(self, ticket_id) -> tuple[str, str]:
        """The number and service of a ticket this office called."""
        return self.called[ticket_id]

    def _act(self, officer, ticket_id, action: str, body: dict | None = None) -> dict:
        """An officer's action on a ticket. Someone else may have acted on it meanwhile (a real
        officer at the same counter, a supervisor): the simulated officer then moves on."""
        try:
            return self._post(
                self.sessions[officer[0]], f"/api/tickets/{ticket_id}/{action}", body, username=officer[0]
            )["ticket"]
        except SimulationError as exc:
            if exc.status not in (403, 404, 409, 422):
                raise
            print(f"loket simulate: {officer[0]} {action}: {exc}", file=sys.stderr, flush=True)
            return {}

    def start(self, officer, ticket_id, t: float) -> None:
        self._act(officer, ticket_id, "start")

    def finish(self, officer, ticket_id, t: float, forgot: bool = False) -> None:
        self._act(officer, ticket_id, "finish")

    def skip(self, officer, ticket_id, t: float) -> bool:
        return self._act(officer, ticket_id, "skip").get("status") == "waiting"

    def transfer(self, officer, ticket_id, service: str, t: float):
        return self._act(officer, ticket_id, "transfer", {"service": service}).get("id")


def _is_json(response) -> bool:
    return response.headers.get("Content-Type", "").startswith("application/json")
