"""The admin API: live changes saved to loket.toml, users, logo, audit log, and roles."""

import io
import tomllib

import pytest
from conftest import issue, make_app
from PIL import Image

from server.config.loader import load_config


def test_admin_api_needs_an_admin(client, login):
    for method, url in [
        ("get", "/api/admin/settings"),
        ("get", "/api/admin/users"),
        ("get", "/api/admin/audit"),
        ("post", "/api/admin/services"),
        ("put", "/api/admin/services/A"),
    ]:
        assert getattr(client, method)(url, json={}).status_code == 401
        for role in ("officer", "supervisor"):
            assert getattr(login(role, None), method)(url, json={}).status_code == 403
    anonymous = client.get("/admin")
    assert anonymous.status_code == 401 and "Masuk · Admin" in anonymous.get_data(as_text=True)
    assert login("officer", 1).get("/admin").status_code == 403
    assert login("admin", None).get("/admin").status_code == 200


def test_adding_a_service_and_a_counter_takes_effect_live(app, client, login, data_dir, socket_client):
    admin = login("admin", None)
    screen = socket_client()
    screen.get_received()
    response = admin.post(
        "/api/admin/services",
        json={
            "code": "G",
            "name": "Layanan Baru",
            "standard_wait_minutes": 10,
            "standard_service_minutes": 10,
        },
    )
    assert response.status_code == 201, response.get_json()
    names = [e["name"] for e in screen.get_received()]
    assert "config_changed" in names and "state" in names
    # No counter serves G yet: the kiosk shows it closed with the reason.
    service = next(s for s in client.get("/api/services").get_json()["services"] if s["code"] == "G")
    assert service["open"] is False and "loket" in service["closed_reason"]
    assert (
        admin.post("/api/admin/counters", json={"id": 5, "name": "Loket 5", "services": ["G"]}).status_code
        == 201
    )
    assert issue(client, "G")["number"] == "G001"
    assert [c["id"] for c in client.get("/api/state").get_json()["counters"]] == [1, 2, 3, 4, 5]
    saved = load_config(data_dir / "loket.toml")  # the file itself was rewritten and is valid
    assert saved.service("G").name == "Layanan Baru" and saved.counter(5).services == ("G",)


def test_disabling_a_service_closes_it_on_the_kiosk(client, login):
    admin = login("admin", None)
    assert admin.put("/api/admin/services/F", json={"enabled": False}).status_code == 200
    service = next(s for s in client.get("/api/services").get_json()["services"] if s["code"] == "F")
    assert service["open"] is False and service["closed_reason"] == "Layanan sedang ditutup."
    assert client.post("/api/tickets", json={"service": "F"}).status_code == 409


@pytest.mark.parametrize(
    "url, body, key",
    [
        ("/api/admin/services/A", {"standard_wait_minutes": -5}, "standard_wait_minutes"),
        ("/api/admin/counters/1", {"services": ["Z"]}, "unknown service 'Z'"),
        ("/api/admin/settings/office", {"timezone": "Mars/Olympus"}, "office.timezone"),
        ("/api/admin/settings/printer", {"kind": "network"}, "printer.host"),
        ("/api/admin/settings/voice", {"number_reading": "roman"}, "voice.number_reading"),
    ],
)
def test_a_wrong_change_is_refused_and_not_saved(login, data_dir, url, body, key):
    before = (data_dir / "loket.toml").read_text()
    response = login("admin", None).put(url, json=body)
    assert response.status_code == 422
    assert response.get_json()["error"]["code"] == "invalid_settings"
    assert key in response.get_json()["error"]["message"]
    assert (data_dir / "loket.toml").read_text() == before


def test_users_add_disable_reset(client, login):
    admin = login("admin", None)
    assert (
        admin.post(
            "/api/admin/users",
            json={"username": "rina", "password": "rahasia-rina", "role": "officer", "counters": [2]},
        ).status_code
        == 201
    )
    assert (
        admin.post(
            "/api/admin/users", json={"username": "rina", "password": "rahasia-rina", "role": "officer"}
        ).status_code
        == 409
    )
    users = {u["username"]: u for u in admin.get("/api/admin/users").get_json()["users"]}
    assert users["rina"]["counters"] == [2] and "password_hash" not in users["rina"]
    # Allowed counters are enforced at login.
    assert (
        client.post(
            "/api/login", json={"username": "rina", "password": "rahasia-rina", "counter": 1}
        ).status_code
        == 403
    )
    assert admin.patch("/api/admin/users/rina", json={"password": "baru-sekali-1"}).status_code == 200
    assert (
        client.post(
            "/api/login", json={"username": "rina", "password": "baru-sekali-1", "counter": 2}
        ).status_code
        == 200
    )
    assert admin.patch("/api/admin/users/rina", json={"active": False}).status_code == 200
    assert client.get("/api/me").status_code == 401, "a disabled user's session ends at once"
    assert (
        client.post(
            "/api/login", json={"username": "rina", "password": "baru-sekali-1", "counter": 2}
        ).status_code
        == 401
    )
    assert admin.patch("/api/admin/users/nobody", json={"active": False}).status_code == 404
    assert admin.patch("/api/admin/users/rina", json={"role": "raja"}).status_code == 422


def _png(size=(64, 32)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, "green").save(buffer, "PNG")
    return buffer.getvalue()


def test_logo_upload_is_checked(client, login):
    admin = login("admin", None)
    assert client.get("/logo.png").status_code == 404
    ok = admin.post(
        "/api/admin/logo", data={"logo": (io.BytesIO(_png()), "logo.png")}, content_type="multipart/form-data"
    )
    assert ok.status_code == 200, ok.get_json()
    assert client.get("/logo.png").data.startswith(b"\x89PNG")
    fake = admin.post(
        "/api/admin/logo",
        data={"logo": (io.BytesIO(b"<svg onload=alert(1)>"), "logo.png")},
        content_type="multipart/form-data",
    )
    assert fake.status_code == 415
    big = admin.post(
        "/api/admin/logo",
        data={"logo": (io.BytesIO(b"\x89PNG" + b"0" * 1_100_000), "x.png")},
        content_type="multipart/form-data",
    )
    assert big.status_code == 413


def test_every_change_is_in_the_audit_log(login, data_dir):
    admin = login("admin", None)
    admin.put("/api/admin/services/A", json={"standard_service_minutes": 20})
    admin.put("/api/admin/settings/office", json={"running_text": "Selamat datang"})
    entries = admin.get("/api/admin/audit").get_json()["entries"]
    assert [e["action"] for e in entries[:2]] == ["update_office", "update_service"]
    service = entries[1]
    assert (
        service["before"]["standard_service_minutes"] == 15
        and service["after"]["standard_service_minutes"] == 20
    )
    assert service["username"].startswith("admin") and service["at"].endswith("+07:00")
    raw = tomllib.loads((data_dir / "loket.toml").read_text())
    assert raw["office"]["running_text"] == "Selamat datang"


def test_display_media_are_served_only_when_configured(tmp_path, clock):
    from conftest import write_config

    data = tmp_path / "media-office"
    write_config(data, {"media = []": 'media = ["brosur.png"]'})
    (data / "media").mkdir()
    (data / "media" / "brosur.png").write_bytes(_png())
    (data / "media" / "rahasia.png").write_bytes(_png())
    app = make_app(data, clock=clock, background=False)
    client = app.test_client()
    try:
        assert client.get("/media/brosur.png").data.startswith(b"\x89PNG")
        assert client.get("/media/rahasia.png").status_code == 404
        assert client.get("/media/..%2Floket.toml").status_code == 404
        assert "data-media='[\"/media/brosur.png\"]'" in client.get("/display").get_data(as_text=True)
        assert client.get("/favicon.ico").status_code == 200
        assert client.get("/api/state").get_json()["voice"] == {"enabled": False, "output": "display"}
    finally:
        app.extensions["runtime"].close()


@pytest.mark.parametrize(
    "media, message",
    [
        ('["../loket.toml"]', "must be a file name"),
        ('["catatan.txt"]', "is not an image or video"),
    ],
)
def test_display_media_are_checked(tmp_path, media, message):
    from conftest import write_config

    from server.config.errors import ConfigError
    from server.config.loader import load_config

    path = write_config(tmp_path / "d", {"media = []": f"media = {media}"})
    with pytest.raises(ConfigError, match=message):
        load_config(path)


def test_survey_mode_and_head_of_office_from_the_settings(client, login):
    admin = login("admin", None)
    ticket = issue(client, "A")
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    officer.post(f"/api/tickets/{ticket['id']}/start")
    officer.post(f"/api/tickets/{ticket['id']}/finish")
    page = f"/t/{ticket['status_url'].rsplit('/', 1)[-1]}/survei"
    assert 'data-mode="ikm"' in client.get(page).get_data(as_text=True)
    assert admin.put("/api/admin/settings/survey", json={"mode": "smiley"}).status_code == 200
    assert 'data-mode="smiley"' in client.get(page).get_data(as_text=True)
    assert admin.put("/api/admin/settings/survey", json={"mode": "kertas"}).status_code == 422
    assert (
        admin.put(
            "/api/admin/settings/office",
            json={"head_name": "Drs. H. Contoh, M.Ag.", "head_nip": "197001011990031001"},
        ).status_code
        == 200
    )
    printed = admin.get("/reports/print?month=2026-11").get_data(as_text=True)
    assert "Drs. H. Contoh, M.Ag." in printed and "197001011990031001" in printed
