"""Enrolled devices: only kiosks issue numbers; a screen is enrolled by the code it shows and an
admin's approval; --demo enrolls this machine's browsers (never a proxied client); limits are
per device, so `loket simulate` beside the real kiosk on one PC does not get the kiosk refused."""

from __future__ import annotations

import pytest
import requests
from conftest import issue
from servers import loket_cli


def test_a_phone_cannot_take_a_number_only_an_enrolled_kiosk_can(anonymous, client, loket, clock):
    refused = anonymous.post("/api/tickets", json={"service": "A"})
    assert refused.status_code == 403 and refused.get_json()["error"]["code"] == "device_not_enrolled"
    assert "kiosk" in refused.get_json()["error"]["message"]
    _tv, tv_token = loket.devices.add("TV lobi", "display", clock().timestamp())
    tv = anonymous.post(
        "/api/tickets", json={"service": "A"}, headers={"Authorization": f"Device {tv_token}"}
    )
    assert tv.status_code == 403  # a TV is enrolled, but is no kiosk
    assert issue(client, "A")["number"] == "A001"


def test_a_screen_is_enrolled_by_its_code_and_an_admins_approval(app, anonymous, login):
    screen = anonymous
    assert screen.get("/api/devices/me").get_json() == {"device": None, "pending": None}
    asked = screen.post("/api/devices/enroll", json={"kind": "kiosk"})
    assert asked.status_code == 201
    code = asked.get_json()["pending"]["code"]
    assert len(code) == 6 and screen.get("/api/devices/me").get_json()["pending"]["code"] == code
    assert screen.post("/api/tickets", json={"service": "A"}).status_code == 403  # not yet

    officer = login("officer")
    assert (
        officer.post("/api/admin/devices/approve", json={"code": code, "name": "Kiosk 2"}).status_code == 403
    )
    admin = login("admin", None)
    wrong = admin.post("/api/admin/devices/approve", json={"code": "XXXXXX", "name": "Kiosk 2"})
    assert wrong.status_code == 404 and wrong.get_json()["error"]["code"] == "unknown_code"
    approved = admin.post("/api/admin/devices/approve", json={"code": code.lower(), "name": "Kiosk 2"})
    assert approved.status_code == 200, approved.get_json()
    assert screen.get("/api/devices/me").get_json()["device"] == {"name": "Kiosk 2", "kind": "kiosk"}
    assert screen.post("/api/tickets", json={"service": "A"}).status_code == 201

    listed = admin.get("/api/admin/devices").get_json()["devices"]
    mine = next(d for d in listed if d["name"] == "Kiosk 2")
    assert "token" not in mine and "token_hash" not in mine
    assert admin.post(f"/api/admin/devices/{mine['id']}/revoke").status_code == 200
    assert screen.post("/api/tickets", json={"service": "A"}).status_code == 403  # withdrawn at once


def test_enrollment_requests_are_bounded(anonymous):
    for _ in range(5):
        assert anonymous.post("/api/devices/enroll", json={"kind": "display"}).status_code == 201
    flood = anonymous.post("/api/devices/enroll", json={"kind": "display"})
    assert flood.status_code == 429
    assert "pendaftaran layar" in flood.get_json()["error"]["message"]  # not "pengambilan nomor"
    bad = anonymous.post("/api/devices/enroll", json={"kind": "printer"})
    assert bad.status_code == 422


def test_the_admin_enrolls_by_hand_and_sees_the_token_once(login, anonymous):
    admin = login("admin", None)
    made = admin.post("/api/admin/devices", json={"name": "Kiosk simulasi", "kind": "kiosk"}).get_json()
    ticket = anonymous.post(
        "/api/tickets", json={"service": "B"}, headers={"Authorization": f"Device {made['token']}"}
    )
    assert ticket.status_code == 201
    assert made["token"] not in str(admin.get("/api/admin/devices").get_json())


@pytest.mark.slow
def test_demo_enrolls_this_pcs_browser_and_the_simulator_does_not_use_up_its_limit(live_server):
    """Issue: while `loket simulate` ran, the real kiosk on the same PC was refused."""
    from server import simulate

    url = live_server.url
    kiosk = requests.Session()
    assert kiosk.get(url + "/kiosk", timeout=5).status_code == 200
    assert kiosk.cookies.get("loket_device")  # --demo: this PC's browser is enrolled
    proxied = requests.get(url + "/kiosk", headers={"X-Forwarded-For": "192.168.1.50"}, timeout=5)
    assert "loket_device" not in proxied.cookies  # a client relayed by a proxy is not this PC

    office = simulate.HttpOffice(url)
    refused_before = office.refused
    for _ in range(30):  # the simulator's visitors use up their own per-minute limit
        office.kiosk.post(url + "/api/tickets", json={"service": "A"}, timeout=5)
    assert office.kiosk.post(url + "/api/tickets", json={"service": "A"}, timeout=5).status_code == 429
    assert office.refused == refused_before
    real = kiosk.post(url + "/api/tickets", json={"service": "A"}, timeout=5)
    assert real.status_code == 201, real.text  # the real kiosk beside it still issues


def test_loket_device_add_prints_a_token_that_works(tmp_path, capsys):
    from conftest import make_app, write_config

    from server.cli import main

    data = tmp_path / "office"
    write_config(data)
    assert main(["device", "add", "Kiosk lobi", "--kind", "kiosk", "--data", str(data)]) == 0
    token = capsys.readouterr().out.splitlines()[1]
    app = make_app(data, background=False)
    try:
        phone = app.test_client(anonymous=True)
        assert phone.post("/api/tickets", json={"service": "A"}).status_code == 403
        assert (
            phone.post(
                "/api/tickets", json={"service": "A"}, headers={"Authorization": "Device nope"}
            ).status_code
            == 403
        )
        assert phone.post(
            "/api/tickets", json={"service": "A"}, headers={"Authorization": f"Device {token}"}
        ).status_code in (201, 409)  # 409: closed now
    finally:
        app.extensions["runtime"].close()


def test_strangers_asking_to_enroll_cannot_push_out_a_real_screens_code(app, login):
    tv = app.test_client(anonymous=True)
    code = tv.post(
        "/api/devices/enroll", json={"kind": "display"}, environ_base={"REMOTE_ADDR": "192.168.1.20"}
    ).get_json()["pending"]["code"]
    for n in range(60):  # twelve addresses, as many requests as each may make
        stranger = app.test_client(anonymous=True)
        stranger.post(
            "/api/devices/enroll",
            json={"kind": "kiosk"},
            environ_base={"REMOTE_ADDR": f"192.168.1.{100 + n % 12}"},
        )
    admin = login("admin", None)
    pending = [
        d for d in admin.get("/api/admin/devices").get_json()["devices"] if d.get("status") == "pending"
    ]
    assert len(pending) == 13  # one waiting request per address: the strangers' latest, and the TV's
    approved = admin.post("/api/admin/devices/approve", json={"code": code, "name": "TV ruang tunggu"})
    assert approved.status_code == 200, approved.get_json()


def test_a_full_waiting_list_refuses_new_screens_and_keeps_the_real_ones_code(app, login, data_dir):
    """200 requests from 200 addresses: the list holds 20 and refuses the rest in Indonesian; the
    real screen's code stays approvable, the admin sees the list full and can empty it, and
    enrolling by hand (the admin page, ``loket device add``) works throughout."""
    tv = app.test_client(anonymous=True)
    code = tv.post(
        "/api/devices/enroll", json={"kind": "display"}, environ_base={"REMOTE_ADDR": "192.168.1.20"}
    ).get_json()["pending"]["code"]
    answers = [
        app.test_client(anonymous=True).post(
            "/api/devices/enroll",
            json={"kind": "kiosk"},
            environ_base={"REMOTE_ADDR": f"10.0.{n // 250}.{n % 250}"},
        )
        for n in range(200)
    ]
    assert sum(a.status_code == 201 for a in answers) == 19  # 20 places, the TV holds one
    refused = [a for a in answers if a.status_code != 201]
    assert {a.status_code for a in refused} == {429}
    assert {a.get_json()["error"]["code"] for a in refused} == {"enroll_full"}
    assert "penuh" in refused[0].get_json()["error"]["message"]

    admin = login("admin", None)
    listing = admin.get("/api/admin/devices").get_json()
    assert listing["pending"] == {"count": 20, "limit": 20, "full": True}
    by_hand = admin.post("/api/admin/devices", json={"name": "Kiosk cadangan", "kind": "kiosk"})
    assert by_hand.status_code == 201, by_hand.get_json()
    added = loket_cli("device", "add", "Kiosk skrip", "--kind", "kiosk", "--data", str(data_dir))
    assert added.returncode == 0, added.stderr
    approved = admin.post("/api/admin/devices/approve", json={"code": code, "name": "TV ruang tunggu"})
    assert approved.status_code == 200, approved.get_json()

    assert admin.post("/api/admin/devices/pending/clear").get_json() == {"cleared": 19}
    assert admin.get("/api/admin/devices").get_json()["pending"]["full"] is False
    again = app.test_client(anonymous=True).post(
        "/api/devices/enroll", json={"kind": "display"}, environ_base={"REMOTE_ADDR": "192.168.1.21"}
    )
    assert again.status_code == 201
    assert app.test_client(anonymous=True).post("/api/admin/devices/pending/clear").status_code == 401
