"""The server's over-time alert reaches the officer console and the supervisor board at once, in
real Chromium against a real server (service F has a standard wait of 0 minutes here)."""

from __future__ import annotations

import pytest
import requests
from conftest import write_config
from playwright.sync_api import expect
from servers import ALWAYS_OPEN, Server, free_port

from server.core.rules import utc_now
from server.core.storage import Store
from server.webbase.auth import create_user

pytestmark = pytest.mark.browser
PASSWORD = "rahasia-123"


@pytest.fixture
def strict_server(tmp_path):
    data = tmp_path / "strict"
    write_config(
        data,
        {
            **ALWAYS_OPEN,
            "standard_wait_minutes = 10\nstandard_service_minutes = 20": "standard_wait_minutes = 0\nstandard_service_minutes = 20",
        },
    )
    store = Store(data / "loket.db")
    create_user(store, "kepala", PASSWORD, "supervisor", utc_now())
    create_user(store, "petugas4", PASSWORD, "officer", utc_now())
    store.close()
    server = Server(data, free_port())
    server.wait_ready()
    yield server
    server.kill()  # the end of a test: every commit is on disk already


def sign_in(page, url, username, counter=None):
    page.goto(url)
    page.get_by_label("Nama pengguna").fill(username)
    page.get_by_label("Kata sandi").fill(PASSWORD)
    if counter is not None:
        page.get_by_label("Loket").select_option(str(counter))
    page.get_by_role("button", name="Masuk").click()


def test_overtime_alert_on_console_and_board(strict_server, browser):
    context = browser.new_context(viewport={"width": 1920, "height": 1080})
    console, board = context.new_page(), context.new_page()
    sign_in(console, strict_server.url + "/officer", "petugas4", 4)
    expect(console.locator("[data-message]")).to_be_attached(timeout=5000)
    board_context = browser.new_context(viewport={"width": 1920, "height": 1080})
    board = board_context.new_page()
    sign_in(board, strict_server.url + "/board", "kepala")
    ticket = requests.post(strict_server.url + "/api/tickets", json={"service": "F"}, timeout=5).json()[
        "ticket"
    ]
    # The alert job looks every 15 s; the alert must show within one round and a little.
    expect(console.locator("[data-message]")).to_contain_text(
        f"Perhatian: {ticket['number']} sudah menunggu", timeout=22_000
    )
    expect(board.locator("[data-overtime]")).to_contain_text(
        f"{ticket['number']} sudah menunggu", timeout=5_000
    )
    context.close()
    board_context.close()
