"""Every route that is not meant for the public refuses anonymous users; headers are set."""

import re

from conftest import issue

# Routes anyone may use: the kiosk, the TV, the visitor's phone, signing in, static files.
PUBLIC = [
    r"^/$", r"^/kiosk$", r"^/display$", r"^/officer$", r"^/t/<token>", r"^/assets/", r"^/static/",
    r"^/sounds/", r"^/logo\.png$", r"^/media/", r"^/favicon\.ico$", r"^/api/services$", r"^/api/tickets$", r"^/api/tickets/<int:ticket_id>$",
    r"^/api/status/<token>$", r"^/api/state$", r"^/api/login$", r"^/api/logout$", r"^/api/openapi\.json$",
    r"^/socket\.io", r"^/api/survey/<token>$",
]


def _fill(rule: str) -> str:
    url = re.sub(r"<int:[^>]+>", "1", rule)
    url = re.sub(r"<path:[^>]+>", "x/y", url)
    return re.sub(r"<[^>]+>", "A", url)


def test_every_non_public_route_rejects_anonymous(app, client):
    issue(client, "A")
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
    loket = app.extensions["loket"]

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr(loket.queue, "issue", broken)
    response = client.post("/api/tickets", json={"service": "A"})
    assert response.status_code == 500
    body = response.get_data(as_text=True)
    assert "secret internals" not in body and "Traceback" not in body
    assert response.get_json()["error"]["code"] == "internal_error"
