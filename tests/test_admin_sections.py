"""The admin API behind the sections an office uses in its first month: services typed in
lowercase, retired and restored; users' full names and NIPs; the TV's media checked by content
and size; the voice's "dengar contoh" spoken by the real espeak-ng voice."""

from __future__ import annotations

import io
import random
import wave

from conftest import issue
from PIL import Image

from server.config.loader import load_config
from server.web.admin import media as admin_media


def png_bytes(size=(64, 36)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "#0b6b3a").save(out, "PNG")
    return out.getvalue()


def test_a_lowercase_code_is_taken_as_its_capital_and_the_kiosk_gap_is_told(login):
    admin = login("admin", None)
    response = admin.post(
        "/api/admin/services", json={"code": "g", "name": "Legalisir", "description": "Ijazah"}
    )
    assert response.status_code == 201
    body = response.get_json()
    assert "belum ada loket yang melayaninya" in body["warning"]
    assert body["settings"]["services"][-1]["code"] == "G"
    bad = admin.post("/api/admin/services", json={"code": "1", "name": "X"})
    assert (
        bad.status_code == 422 and bad.get_json()["error"]["message"] == "Kode layanan harus satu huruf A–Z."
    )


def test_retire_and_restore_a_service(client, login, data_dir):
    admin = login("admin", None)
    issue(client, "C")
    busy = admin.post("/api/admin/services/C/retire")
    assert busy.status_code == 409 and "menunggu" in busy.get_json()["error"]["message"]
    officer = login("officer", 1)
    assert officer.post("/api/counters/1/call-next").status_code == 200
    assert admin.post("/api/admin/services/B/retire").status_code == 409  # Loket 2 serves only B
    assert admin.post("/api/admin/services/C/retire").status_code == 200
    assert "C" not in [s["code"] for s in client.get("/api/services").get_json()["services"]]
    assert client.post("/api/tickets", json={"service": "C"}).status_code == 404
    config = load_config(data_dir / "loket.toml")
    assert config.service("C").retired and config.counter(1).services == ("A",)
    assert admin.post("/api/admin/services/C/restore").status_code == 200
    assert "C" in [s["code"] for s in client.get("/api/services").get_json()["services"]]


def test_users_get_a_full_name_and_an_nip(login):
    admin = login("admin", None)
    made = admin.post(
        "/api/admin/users",
        json={
            "username": "budi",
            "password": "rahasia-123",
            "role": "officer",
            "full_name": "Budi Santoso",
            "nip": "198001012005011002",
            "counters": [1],
        },
    )
    assert made.status_code == 201, made.get_json()
    assert made.get_json()["user"]["full_name"] == "Budi Santoso"
    wrong = admin.patch("/api/admin/users/budi", json={"nip": "1980"})
    assert wrong.status_code == 422 and wrong.get_json()["error"]["message"] == "NIP harus 18 angka."
    assert admin.patch("/api/admin/users/budi", json={"nip": ""}).get_json()["user"]["nip"] == ""


def test_board_names_officers_by_full_name(login, client):
    admin = login("admin", None)
    officer = login("officer", 1)
    username = officer.get("/api/me").get_json()["user"]["username"]
    assert admin.patch(f"/api/admin/users/{username}", json={"full_name": "Siti Aminah"}).status_code == 200
    issue(client, "A")
    officer.post("/api/counters/1/call-next")
    board = login("supervisor", None).get("/api/board").get_json()
    counter = next(c for c in board["counters"] if c["id"] == 1)
    assert (
        counter["last_caller_name"] == "Siti Aminah" or counter["officers"][0]["full_name"] == "Siti Aminah"
    )


def test_media_upload_is_checked_by_content_and_size(login, client, data_dir, monkeypatch):
    admin = login("admin", None)
    upload = lambda name, data: admin.post(  # noqa: E731
        "/api/admin/media", data={"media": (io.BytesIO(data), name)}, content_type="multipart/form-data"
    )
    response = upload("Brosur Haji 2026.PNG", png_bytes())
    assert response.status_code == 201, response.get_json()
    name = response.get_json()["name"]
    assert name == "brosur-haji-2026.png" and (data_dir / "media" / name).exists()
    assert client.get(f"/media/{name}").status_code == 200
    assert upload("x.png", b"<svg onload=alert(1)>").status_code == 415
    assert upload("film.mp4", b"\x00\x00\x00\x18ftypmp42" + b"\x00" * 64).status_code == 201
    monkeypatch.setattr(admin_media, "IMAGE_MAX_BYTES", 100)
    too_big = upload("besar.png", png_bytes((400, 400)))
    assert too_big.status_code == 413 and "5 MB" in too_big.get_json()["error"]["message"]
    assert admin.delete(f"/api/admin/media/{name}").status_code == 200
    assert not (data_dir / "media" / name).exists()
    assert client.get(f"/media/{name}").status_code == 404
    assert load_config(data_dir / "loket.toml").display.media == ("film.mp4",)


def test_voice_preview_says_when_the_voice_is_off(login):
    off = login("admin", None).post("/api/admin/voice/preview", json={})
    assert off.status_code == 409 and "tidak aktif" in off.get_json()["error"]["message"]


def test_voice_preview_speaks_the_unsaved_template(tmp_path, clock):
    from conftest import voiced_app

    from server.webbase.auth import create_user

    with voiced_app(tmp_path / "data", clock, background=True) as app:
        create_user(app.extensions["runtime"].store, "admin", "rahasia-123", "admin", clock())
        admin = app.test_client()
        assert (
            admin.post("/api/login", json={"username": "admin", "password": "rahasia-123"}).status_code == 200
        )
        response = admin.post(
            "/api/admin/voice/preview",
            json={"template": "Nomor {ticket}, ke {counter}", "number_reading": "digits"},
        )
        assert response.status_code == 200, response.get_json()
        body = response.get_json()
        assert body["text"] == "Nomor A012, ke Loket 1"
        audio = admin.get(body["audio_url"])
        assert audio.status_code == 200
        with wave.open(io.BytesIO(audio.data)) as wav:
            assert wav.getnframes() / wav.getframerate() > 1.0  # the chime and the spoken words
        bad = admin.post("/api/admin/voice/preview", json={"template": "Nomor {tiket}"})
        assert bad.status_code == 422


def test_a_picture_larger_than_the_apps_request_limit_is_taken(login, data_dir):
    """The app refuses requests over 2 MB; the media upload alone takes up to its own limits."""
    admin = login("admin", None)
    big = io.BytesIO()
    noise = random.Random(15).randbytes(1000 * 1000 * 3)  # noise does not compress
    Image.frombytes("RGB", (1000, 1000), noise).save(big, "PNG")
    assert 2 * 1024 * 1024 < big.tell() < 5 * 1024 * 1024
    response = admin.post(
        "/api/admin/media",
        data={"media": (io.BytesIO(big.getvalue()), "besar.png")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 201, response.get_json()
    assert not list((data_dir / "media").glob(".upload-*"))  # no temporary file left behind
