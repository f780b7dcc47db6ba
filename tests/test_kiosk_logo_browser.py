"""The admin's new logo reaches a kiosk that is already open, without a reload."""

from __future__ import annotations

import io

import pytest
import requests
from PIL import Image
from playwright.sync_api import Page, expect

pytestmark = pytest.mark.browser


def test_a_logo_uploaded_in_admin_appears_on_the_open_kiosk(live_server, page: Page, artifacts):
    page.set_viewport_size({"width": 1080, "height": 1920})
    page.goto(f"{live_server.url}/kiosk")
    logo = page.locator("#kiosk-logo")
    expect(logo).to_be_hidden()
    expect(page.locator(".service").first).to_be_visible(timeout=10_000)

    admin = requests.Session()
    assert (
        admin.post(
            f"{live_server.url}/api/login", timeout=5, json={"username": "admin", "password": "rahasia-123"}
        ).status_code
        == 200
    )
    image = io.BytesIO()
    Image.new("RGB", (120, 120), "darkgreen").save(image, "PNG")
    response = admin.post(
        f"{live_server.url}/api/admin/logo",
        timeout=5,
        files={"logo": ("logo.png", image.getvalue(), "image/png")},
    )
    assert response.status_code == 200, response.text

    expect(logo).to_be_visible(timeout=10_000)
    assert page.evaluate("document.getElementById('kiosk-logo').naturalWidth") == 120
    page.screenshot(path=artifacts / "kiosk-logo-live-1080x1920.png")
