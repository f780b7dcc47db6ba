"""What someone on the office Wi-Fi tries first, each refused: lockouts used as a weapon, stolen
sessions, spreadsheet formulas, paths, NaN, deep JSON, huge images, long texts, weak passwords,
other origins and hosts, reports at the calendar's edges, staff answering the survey."""

from __future__ import annotations

import csv
import io

import pytest
from conftest import issue, make_app, write_config


def error_code(response) -> str:
    return response.get_json()["error"]["code"]


def test_a_guesser_cannot_lock_the_real_admin_out(app, make_user):
    make_user("admin", "admin", "kata-sandi-admin-1")
    attacker = app.test_client(anonymous=True)
    for name in ("admin", "ADMIN", "Admin", "admin", "aDmin"):  # case-insensitive alike
        attacker.post(
            "/api/login",
            json={"username": name, "password": "tebakan-1"},
            environ_base={"REMOTE_ADDR": "10.9.9.9"},
        )
    locked = attacker.post(
        "/api/login",
        json={"username": "admin", "password": "kata-sandi-admin-1"},
        environ_base={"REMOTE_ADDR": "10.9.9.9"},
    )
    assert locked.status_code == 429  # the guesser's address is locked for that name
    office_pc = app.test_client(anonymous=True)
    real = office_pc.post(
        "/api/login",
        json={"username": "admin", "password": "kata-sandi-admin-1"},
        environ_base={"REMOTE_ADDR": "192.168.1.10"},
    )
    assert real.status_code == 200  # the real admin, elsewhere, still signs in


def test_logout_and_a_password_reset_end_sessions_on_the_server(app, make_user, login):
    make_user("siti", "officer", "rahasia-siti-1")
    officer = app.test_client(anonymous=True)
    assert (
        officer.post(
            "/api/login", json={"username": "siti", "password": "rahasia-siti-1", "counter": 1}
        ).status_code
        == 200
    )
    stolen = officer.get_cookie("loket_session").value
    copy = app.test_client(anonymous=True)
    copy.set_cookie("loket_session", stolen)
    assert copy.get("/api/me").status_code == 200
    officer.post("/api/logout")
    assert copy.get("/api/me").status_code == 401  # the copied cookie died with the logout

    assert (
        officer.post(
            "/api/login", json={"username": "siti", "password": "rahasia-siti-1", "counter": 1}
        ).status_code
        == 200
    )
    admin = login("admin", None)
    assert admin.patch("/api/admin/users/siti", json={"password": "sandi-baru-99"}).status_code == 200
    assert officer.get("/api/me").status_code == 401  # a new password ends every open session


def test_taking_a_counter_from_an_officer_applies_to_the_open_session(app, make_user, login):
    make_user("budi", "officer", "rahasia-budi-1")
    officer = app.test_client(anonymous=True)
    assert (
        officer.post(
            "/api/login", json={"username": "budi", "password": "rahasia-budi-1", "counter": 3}
        ).status_code
        == 200
    )
    admin = login("admin", None)
    assert admin.patch("/api/admin/users/budi", json={"counters": [1]}).status_code == 200
    assert officer.post("/api/counters/3/call-next").status_code == 401


def test_spreadsheet_cells_are_never_formulas(app, client, login, loket):
    admin = login("admin", None)
    changed = admin.put("/api/admin/services/A", json={"name": '=HYPERLINK("http://x","klik")'})
    assert changed.status_code == 200, changed.get_json()
    ticket = issue(client, "A")
    officer = login("officer", 1)  # a served ticket, so that the day has a service time
    officer.post("/api/counters/1/call-next")
    officer.post(f"/api/tickets/{ticket['id']}/start")
    officer.post(f"/api/tickets/{ticket['id']}/finish")
    supervisor = login("supervisor", None)
    day = loket.queue.now().astimezone(loket.config.office.tz).date().isoformat()
    text = supervisor.get(f"/reports/export.csv?from={day}&to={day}").get_data(as_text=True)
    cells = [cell for row in csv.reader(io.StringIO(text)) for cell in row]
    assert not any(cell.startswith(("=", "+", "-", "@")) for cell in cells)
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(supervisor.get(f"/reports/export.xlsx?from={day}&to={day}").data))
    for sheet in book.worksheets:
        for row in sheet.iter_rows(values_only=True):
            for value in row:
                assert not (isinstance(value, str) and value.startswith(("=", "+", "-", "@"))), value


@pytest.mark.parametrize("path", ["/etc/passwd", "../../outside.bin", "/tmp/tiket.bin", "C:\\Windows\\x.bin"])
def test_the_printer_path_stays_in_the_data_folder_or_dev(login, path):
    admin = login("admin", None)
    refused = admin.put("/api/admin/settings/printer", json={"kind": "file", "path": path})
    assert refused.status_code == 422 and "printer.path" in refused.get_json()["error"]["message"]
    assert (
        admin.put("/api/admin/settings/printer", json={"kind": "file", "path": "tiket.bin"}).status_code
        == 200
    )
    assert (
        admin.put("/api/admin/settings/printer", json={"kind": "serial", "path": "/dev/ttyUSB0"}).status_code
        == 200
    )


@pytest.mark.parametrize(
    "body",
    [
        '{"standard_wait_minutes": NaN}',
        '{"standard_wait_minutes": Infinity}',
        '{"a": ' * 5000 + "1" + "}" * 5000,
    ],
)
def test_nan_infinity_and_deep_json_are_refused(login, body):
    admin = login("admin", None)
    response = admin.put("/api/admin/services/A", data=body, content_type="application/json")
    assert response.status_code == 400 and error_code(response) == "invalid_json"


def test_a_logo_declaring_huge_pixels_is_refused(login):
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("1", (20000, 20000)).save(buffer, "PNG")  # a few KB, 400 million pixels
    admin = login("admin", None)
    response = admin.post(
        "/api/admin/logo",
        data={"logo": (io.BytesIO(buffer.getvalue()), "logo.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (413, 415, 422) and response.get_json()["error"]["code"] in (
        "image_too_large",
        "invalid_image",
    )


def test_admin_text_fields_have_length_limits(login):
    admin = login("admin", None)
    response = admin.put("/api/admin/services/A", json={"name": "x" * 5000})
    assert response.status_code == 422
    assert admin.put("/api/admin/settings/office", json={"running_text": "y" * 600}).status_code == 422


@pytest.mark.parametrize("password", ["12345678", "password", "aaaaaaaaaaa", "abcdefghij", "rahasia123"])
def test_weak_passwords_are_refused(login, password):
    admin = login("admin", None)
    response = admin.post(
        "/api/admin/users", json={"username": "lemah", "password": password, "role": "officer"}
    )
    assert response.status_code == 422 and error_code(response) == "weak_password"


def test_staff_cannot_answer_the_survey(client, login, anonymous):
    ticket = issue(client, "A")
    token = ticket["status_url"].rsplit("/", 1)[-1]
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    officer.post(f"/api/tickets/{ticket['id']}/start")
    assert officer.post(f"/api/tickets/{ticket['id']}/finish").status_code == 200
    answer = {"rating": 4}
    refused = officer.post(f"/api/survey/{token}", json=answer)
    assert refused.status_code == 403 and error_code(refused) == "staff_cannot_answer"
    assert anonymous.post(f"/api/survey/{token}", json=answer).status_code in (200, 201)


@pytest.mark.parametrize(
    "period",
    [
        "view=range&from=0001-01-01&to=0001-01-31",
        "view=range&from=9999-12-01&to=9999-12-31",
        "view=range&from=0001-01-01&to=9999-12-31",
        "view=day&date=9999-12-31",
        "view=day&date=0001-01-01",
        "view=month&month=9999-12",
        "view=month&month=0001-01",
        "view=year&year=9999",
        "view=year&year=1",
    ],
)
def test_reports_at_the_calendars_edges_answer_without_500(login, period):
    supervisor = login("supervisor", None)
    for path in (
        "/reports",
        "/reports/data.json",
        "/reports/print",
        "/reports/export.csv",
        "/reports/export.xlsx",
    ):
        response = supervisor.get(f"{path}?{period}")
        assert response.status_code in (200, 400), (path, period, response.status_code)


def test_the_host_header_is_checked_against_the_configured_names(tmp_path, clock):
    data = tmp_path / "hosts"
    write_config(data, {"idle_minutes = 30": 'idle_minutes = 30\nallowed_hosts = ["loket.kantor.go.id"]'})
    app = make_app(data, clock=clock, background=False)
    try:
        wsgi = app.test_client(anonymous=True)
        refused = wsgi.get("/api/state", headers={"Host": "jahat.example"})
        assert refused.status_code == 400 and error_code(refused) == "bad_host"
        assert wsgi.get("/api/state", headers={"Host": "loket.kantor.go.id:8000"}).status_code == 200
    finally:
        app.extensions["runtime"].close()


def test_behind_a_trusted_proxy_cookies_are_secure_and_the_client_address_is_the_visitors(tmp_path, clock):
    data = tmp_path / "proxied"
    write_config(data, {"idle_minutes = 30": "idle_minutes = 30\ntrusted_proxies = 1\nsecure_cookies = true"})
    app = make_app(data, clock=clock, background=False)
    try:
        seen = []
        app.before_request(lambda: seen.append(__import__("flask").request.remote_addr))
        phone = app.test_client(anonymous=True)
        asked = phone.post(
            "/api/devices/enroll",
            json={"kind": "display"},
            headers={"X-Forwarded-For": "192.168.5.7", "X-Forwarded-Proto": "https"},
        )
        assert asked.status_code == 201
        assert "Secure" in asked.headers["Set-Cookie"]
        assert seen[-1] == "192.168.5.7"
    finally:
        app.extensions["runtime"].close()


def test_a_standard_beyond_a_day_is_refused_and_the_reports_keep_working(login):
    admin = login("admin", None)
    for body in (
        {"standard_wait_minutes": 99999999999999999999999999},
        {"standard_service_minutes": 1e308},
        {"standard_service_minutes": 1441},
    ):
        response = admin.put("/api/admin/services/B", json=body)
        assert response.status_code == 422, (body, response.get_json())
        assert response.get_json()["error"]["message"]
    assert admin.put("/api/admin/services/B", json={"standard_service_minutes": 1440}).status_code == 200
    for page in ("/reports", "/reports/data.json", "/reports/print", "/reports/export.xlsx?view=day"):
        assert admin.get(page).status_code == 200, page
