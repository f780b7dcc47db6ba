"""The voice pack API of /admin: word list, save, delete, import, export; admin only."""

from __future__ import annotations

import io
import zipfile

import pytest
from conftest import tone_wav

WAV = tone_wav(440.0, 0.3, 0.5, 22050, 1, 2)


@pytest.fixture
def admin(login):
    return login("admin", counter=None)


def test_only_an_admin_may_touch_the_pack(client, login):
    assert client.get("/api/admin/voice-pack").status_code == 401
    assert client.get("/admin/suara").status_code == 401
    officer = login("officer")
    response = officer.put("/api/admin/voice-pack/clips/dua", data=WAV, content_type="audio/wav")
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "forbidden"
    assert officer.get("/admin/suara").status_code == 403


def test_record_list_save_and_delete(admin, loket, data_dir):
    state = admin.get("/api/admin/voice-pack").get_json()
    names = [item["name"] for item in state["items"]]
    assert names[:3] == ["nomor-antrian", "silakan-menuju", "loket"]
    assert state["missing"] == names and state["clips"] == 0 and state["fingerprint"] == ""
    page = admin.get("/admin/suara")
    assert page.status_code == 200 and b"Rekam suara" in page.data and b"voice_record.js" in page.data

    assert admin.put(
        "/api/admin/voice-pack/clips/nomor-antrian", data=WAV, content_type="audio/wav"
    ).get_json() == {"ok": True, "name": "nomor-antrian"}
    assert (data_dir / "voice-pack" / "nomor-antrian.wav").read_bytes() == WAV
    state = admin.get("/api/admin/voice-pack").get_json()
    assert "nomor-antrian" not in state["missing"] and state["clips"] == 1
    assert admin.get("/api/admin/voice-pack/clips/nomor-antrian.wav").data == WAV
    audit = admin.get("/api/admin/audit").get_json()
    assert "save_voice_clip" in str(audit)

    assert admin.delete("/api/admin/voice-pack/clips/nomor-antrian").status_code == 200
    assert admin.delete("/api/admin/voice-pack/clips/nomor-antrian").status_code == 404
    assert admin.get("/api/admin/voice-pack/clips/nomor-antrian.wav").status_code == 404


@pytest.mark.parametrize(
    "name, body, code",
    [
        ("Nomor", WAV, "invalid_clip_name"),
        ("dua", b"hello", "invalid_wav"),
        ("dua", b"", "invalid_wav"),
    ],
)
def test_bad_recordings_get_a_400_in_indonesian(admin, name, body, code):
    response = admin.put(f"/api/admin/voice-pack/clips/{name}", data=body, content_type="audio/wav")
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == code and response.get_json()["error"]["message"]


def test_import_and_export_a_zip(admin):
    assert admin.get("/api/admin/voice-pack/export").status_code == 404
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in ("a", "dua", "belas"):
            archive.writestr(f"{name}.wav", WAV)
    response = admin.post(
        "/api/admin/voice-pack/import",
        data={"pack": (io.BytesIO(buffer.getvalue()), "paket.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200 and response.get_json()["imported"] == ["a", "belas", "dua"]
    exported = admin.get("/api/admin/voice-pack/export")
    assert exported.status_code == 200 and exported.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(exported.data)) as archive:
        assert sorted(archive.namelist()) == ["a.wav", "belas.wav", "dua.wav"]
    bad = admin.post("/api/admin/voice-pack/import", data=b"not a zip", content_type="application/zip")
    assert bad.status_code == 400 and bad.get_json()["error"]["code"] == "invalid_zip"


def test_a_pack_zip_may_be_larger_than_other_requests(admin):
    buffer = io.BytesIO()
    big = tone_wav(440.0, 9.0, 0.5, 48000, 2, 2, lead=0, tail=0)  # 1.7 MB each, stored uncompressed
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as archive:
        for name in ("a", "b"):
            archive.writestr(f"{name}.wav", big)
    assert len(buffer.getvalue()) > 2 * 1024 * 1024  # above the limit of every other request
    response = admin.post(
        "/api/admin/voice-pack/import", data=buffer.getvalue(), content_type="application/zip"
    )
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["imported"] == ["a", "b"]
    too_big = admin.post(
        "/api/admin/voice-pack/import", data=b"0" * (33 * 1024 * 1024), content_type="application/zip"
    )
    assert too_big.status_code == 413 and too_big.get_json()["error"]["code"] == "too_large"
