"""Every route that is not meant for the public refuses anonymous users; headers are set."""

import re

from conftest import issue

# Routes anyone may use: the kiosk, the TV, the visitor's phone, signing in, static files.
PUBLIC = [
    r"^/api/devices/(me|enroll)$",  # a screen asks to be enrolled; nothing is granted without an admin
    r"^/$",
    r"^/kiosk$",
    r"^/display$",
    r"^/officer$",
    r"^/t/<token>",
    r"^/assets/",
    r"^/static/",
    r"^/sounds/",
    r"^/logo\.png$",
    r"^/media/",
    r"^/favicon\.ico$",
    r"^/api/services$",
    r"^/api/status/<token>$",
    r"^/api/state$",
    r"^/api/login$",
    r"^/api/logout$",
    r"^/api/openapi\.json$",
    r"^/socket\.io",
    r"^/api/survey/<token>$",
    r"^/api/system/status$",
    r"^/bantuan",
]


def _fill(rule: str) -> str:
    url = re.sub(r"<int:[^>]+>", "1", rule)
    url = re.sub(r"<path:[^>]+>", "x/y", url)
    return re.sub(r"<[^>]+>", "A", url)


def test_every_non_public_route_rejects_anonymous(app, client, anonymous):
    issue(client, "A")
    client = anonymous
    checked = 0
    for rule in app.url_map.iter_rules():
        if any(re.search(pattern, rule.rule) for pattern in PUBLIC):
            continue
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(_fill(rule.rule), method=method, json={})
            assert response.status_code in (401, 403, 302), (method, rule.rule, response.status_code)
            if response.status_code == 302:
                assert "/officer" in response.headers["Location"]
            checked += 1
    assert checked >= 15


def test_officer_cannot_use_admin_or_other_counters(client, login):
    officer = login("officer", 1)
    for url in ("/api/admin/settings", "/api/admin/users", "/api/admin/audit"):
        assert officer.get(url).status_code == 403
    assert officer.post("/api/counters/2/call-next").status_code == 403


def test_security_headers(client):
    response = client.get("/kiosk")
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_session_changes_at_login(app, make_user):
    password = make_user("siti", "officer")
    client = app.test_client()
    client.post("/api/login", json={"username": "x", "password": "salah-salah"})
    first = client.get_cookie("loket_session")
    client.post("/api/login", json={"username": "siti", "password": password, "counter": 1})
    second = client.get_cookie("loket_session")
    assert second is not None and (first is None or first.value != second.value)


def test_errors_never_show_tracebacks(app, client, monkeypatch):
    loket = app.extensions["runtime"]

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(loket.queue, "issue", broken)
    response = client.post("/api/tickets", json={"service": "A"})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert response.get_json()["error"]["code"] == "internal_error"


# What a socket may ask of the server. Staff act through the API (session, role, CSRF checks);
# over the socket there is only reading, and nothing secret to read.
PUBLIC_SOCKET_EVENTS = {
    "connect": "every screen gets the public state",
    "state": "a screen asks for the public state again",
    "watch_ticket": "the visitor's phone follows one ticket by its unguessable token",
    "disconnect": "the server forgets what the connection followed",
}


def test_every_socket_event_is_public_and_changes_nothing(app, client, login, socket_client, loket):
    from server.live.events import socketio

    assert set(socketio.server.handlers["/"]) == set(PUBLIC_SOCKET_EVENTS)
    assert not socketio.server.namespace_handlers
    ticket = issue(client, "A")
    token = ticket["status_url"].rsplit("/", 1)[-1]
    conn = loket.store.read()

    def snapshot():
        return (
            conn.execute("SELECT id, status, counter_id FROM tickets ORDER BY id").fetchall(),
            conn.execute("SELECT COUNT(*) FROM events").fetchone()[0],
        )

    before = snapshot()
    stranger = socket_client()
    for event in [*PUBLIC_SOCKET_EVENTS, "call_next", "finish", "config_changed", "ticket_called"]:
        for payload in (None, {}, {"token": token}, {"counter": 1, "ticket": ticket["id"]}, "x" * 5000):
            stranger.emit(event, payload)
    assert snapshot() == before


def test_screens_never_receive_tokens_or_secrets(app, client, login, socket_client):
    screen = socket_client()
    tickets = [issue(client, code) for code in "AAB"]
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    current = officer.post("/api/counters/1/call-next").get_json()["ticket"]
    assert officer.post(f"/api/tickets/{current['id']}/start").status_code == 200
    assert officer.post(f"/api/tickets/{current['id']}/transfer", json={"service": "B"}).status_code == 200
    received = repr(screen.get_received())
    assert "ticket_called" in received and "ticket_updated" in received
    for ticket in tickets:
        assert ticket["status_url"].rsplit("/", 1)[-1] not in received
    for secret in (
        "password",
        "scrypt:",
        "loket_session",
        app.secret_key if isinstance(app.secret_key, str) else app.secret_key.hex(),
    ):
        assert secret not in received


def test_passwords_are_hashed_with_scrypt_outside_the_tests(tmp_path, make_user, loket):
    """The suite's cheap hash (conftest.py) is the suite's only: a real ``loket user add`` uses scrypt."""
    import os
    import subprocess
    import sys

    from servers import ROOT

    from server.core.accounts import get_user
    from server.core.storage import Store

    make_user("siti")
    assert get_user(loket.store.read(), "siti")["password_hash"].startswith("pbkdf2:sha256:1$")

    env = {k: v for k, v in os.environ.items() if k != "LOKET_TEST_FAST_PASSWORD_HASH"}
    data = tmp_path / "office"
    command = [sys.executable, "-m", "server", "user", "add", "budi", "--role", "admin", "--data", str(data)]
    done = subprocess.run(
        command, cwd=ROOT, env={**env, "LOKET_PASSWORD": "rahasia-123"}, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    store = Store(data / "loket.db")
    try:
        assert get_user(store.read(), "budi")["password_hash"].startswith("scrypt:")
    finally:
        store.close()
