"""The ticket's picture: drawn by the render process, kept per ticket, limited per token, and
never lost when the render process dies or cannot start (real Pillow, real child processes)."""

import io
import os
import queue
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import flask
import pytest
import requests
from conftest import dummy_printer, issue, write_config
from PIL import Image

from server.printing import PrinterSettings, PrintQueue, RenderService, TicketPrint, render_png
from server.printing.render import CHILD_CODE, draw
from server.webbase.limits import (
    HOLD_ANSWER,
    PICTURES_PER_MINUTE,
    REFUSED_PICTURE_HOLD_SECONDS,
    TOO_MANY_PICTURES,
)

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def sample(number: str = "A001") -> TicketPrint:
    return TicketPrint(
        office_name="PTSP Kantor Kementerian Agama Kabupaten Pekalongan",
        service_code=number[0],
        service_name="Perizinan & Rekomendasi",
        number=number,
        issued_at=datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        ahead=2,
        estimate_minutes=20,
        status_url="http://192.168.1.10:8000/t/abcdefghijklmnop",
    )


def picture_url(ticket: dict) -> str:
    return ticket["preview_url"]


def decoded(png: bytes) -> Image.Image:
    return Image.open(io.BytesIO(png)).convert("L")


# ---- through the app -----------------------------------------------------------------------


def test_the_same_picture_asked_twice_is_drawn_once(client, loket):
    ticket = issue(client, "A")
    first = client.get(picture_url(ticket))
    second = client.get(picture_url(ticket))
    assert first.status_code == second.status_code == 200
    assert first.mimetype == "image/png" and first.data.startswith(PNG_MAGIC)
    assert second.data == first.data
    assert loket.renderer.renders == 1
    status = loket.renderer.status()
    assert status["cache_hits"] == 1 and status["in_process"] == 1 and status["inline"] == 0


def test_a_transferred_ticket_gets_a_new_picture(client, loket, login):
    ticket = issue(client, "A")
    before = client.get(picture_url(ticket))
    assert before.status_code == 200 and loket.renderer.renders == 1
    officer = login("officer", 1)
    officer.post("/api/counters/1/call-next")
    moved = officer.post(f"/api/tickets/{ticket['id']}/transfer", json={"service": "B"})
    assert moved.status_code == 200, moved.get_json()
    after = client.get(picture_url(ticket))  # the visitor's one address follows the transfer
    assert after.status_code == 200
    assert after.data != before.data
    assert loket.renderer.renders == 2
    assert client.get(picture_url(ticket)).data == after.data  # and is kept in turn
    assert loket.renderer.renders == 2


def test_one_tickets_picture_is_limited_and_other_tickets_are_not(app, client, loket, clock):
    mine, other = issue(client, "A"), issue(client, "A")
    for _ in range(PICTURES_PER_MINUTE):
        assert client.get(picture_url(mine)).status_code == 200
    refused = client.get(picture_url(mine))
    assert refused.status_code == 429
    assert refused.get_json()["error"] == {"code": "rate_limited", "message": TOO_MANY_PICTURES}
    assert "Mohon tunggu sebentar" in TOO_MANY_PICTURES
    # Under loket serve the refusal is answered a second later, on the event loop.
    with app.test_request_context(picture_url(mine)):
        assert app.full_dispatch_request().status_code == 429
        assert flask.request.environ[HOLD_ANSWER] == {"seconds": REFUSED_PICTURE_HOLD_SECONDS}
    assert loket.renderer.renders == 1  # the allowed ones came from the kept picture
    assert client.get(picture_url(other)).status_code == 200
    clock.advance(seconds=61)
    assert client.get(picture_url(mine)).status_code == 200


def test_a_guessed_token_is_not_found_and_draws_nothing(client, loket):
    assert client.get("/t/tidak-ada/ticket.png").status_code == 404
    assert loket.renderer.renders == 0


# ---- the render service and the print queue -------------------------------------------------


class Results:
    def __init__(self):
        self._queue: queue.SimpleQueue = queue.SimpleQueue()

    def __call__(self, result):
        self._queue.put(result)

    def next(self):
        return self._queue.get(timeout=30)


@pytest.fixture
def printing():
    """make(service) -> (print queue, results, paper): a print queue on python-escpos Dummy
    printers, drawing with ``service``; ``paper()`` is each ticket's bytes as its printer got them."""
    made = []

    def make(service: RenderService):
        printers = []

        def opener(settings):
            printers.append(dummy_printer(settings.profile))
            return printers[-1]

        results = Results()
        spool = PrintQueue(
            PrinterSettings(kind="file", path=os.devnull, timeout_seconds=10),
            on_result=results,
            opener=opener,
            renderer=service,
        )
        spool.start()
        made.append((service, spool))
        return spool, results, lambda: [printer.output for printer in printers]

    yield make
    for service, spool in made:
        spool.close(timeout=5)
        service.close()


def expected_paper(ticket: TicketPrint) -> bytes:
    settings = PrinterSettings(kind="file", path=os.devnull)
    return draw("escpos", ticket, settings.width_mm, settings.dots, settings.profile)


def test_a_killed_render_process_is_replaced_and_tickets_still_print(printing):
    service = RenderService()
    spool, results, paper = printing(service)
    spool.submit("1", sample("A001"))
    assert results.next().printed
    first_pid = service.status()["pid"]
    assert first_pid is not None
    os.kill(first_pid, signal.SIGKILL)
    spool.submit("2", sample("A002"))
    assert results.next().printed
    status = service.status()
    assert status["pid"] not in (None, first_pid)
    assert status["starts"] == 2
    assert status["in_process"] == 2 and status["inline"] == 0  # both drawn off the server
    assert paper() == [expected_paper(sample("A001")), expected_paper(sample("A002"))]
    assert spool.status()["renderer"]["starts"] == 2


def test_a_render_process_dying_mid_picture_is_replaced_for_that_picture(printing, tmp_path):
    # The first process takes the request and dies without answering; the next one is real.
    marker = tmp_path / "died-once"
    crash_once = (
        f"import os, sys\nif not os.path.exists({str(marker)!r}):\n"
        f"    open({str(marker)!r}, 'w').close(); sys.stdin.buffer.read(4); os._exit(1)\n"
        f"{CHILD_CODE}\n"
    )
    service = RenderService(command=[sys.executable, "-c", crash_once])
    spool, results, paper = printing(service)
    spool.submit("1", sample("A001"))
    assert results.next().printed
    assert marker.exists()
    status = service.status()
    assert status["failures"] == 1 and status["starts"] == 2
    assert status["in_process"] == 1 and status["inline"] == 0
    assert paper() == [expected_paper(sample("A001"))]


def test_without_a_render_process_tickets_are_drawn_in_the_server(printing):
    broken = RenderService(command=[sys.executable, "-c", "raise SystemExit(3)"])
    spool, results, paper = printing(broken)
    spool.submit("1", sample("A001"))
    result = results.next()
    assert result.ok and result.printed
    assert paper() == [expected_paper(sample("A001"))]
    assert broken.png(sample("A002")) == render_png(sample("A002"))
    status = broken.status()
    assert status["inline"] == 2 and status["in_process"] == 0 and status["pid"] is None
    assert status["starts"] == 2  # two that ended at once: no more tries for a while


def test_a_render_process_that_does_not_answer_is_given_up(printing):
    silent = RenderService(timeout=0.5, command=[sys.executable, "-c", "import time; time.sleep(60)"])
    spool, results, paper = printing(silent)
    spool.submit("1", sample("A001"))
    assert results.next().printed
    assert paper() == [expected_paper(sample("A001"))]
    status = silent.status()
    assert status["inline"] == 1 and status["pid"] is None  # the stuck process was killed


def test_the_service_draws_what_the_server_would():
    service = RenderService()
    try:
        ticket = sample("B012")
        assert service.png(ticket, 58, 384) == render_png(ticket, 58, dots=384)
        assert decoded(service.png(ticket)).size == decoded(render_png(ticket)).size
        assert service.status()["inline"] == 0
    finally:
        service.close()


def test_kept_pictures_are_bounded():
    service = RenderService(cache_size=2)
    try:
        for number in ("A001", "A002", "A003"):
            service.png(sample(number))
        service.png(sample("A003"))
        assert service.renders == 3
        service.png(sample("A001"))  # the oldest was let go: drawn again
        assert service.renders == 4 and service.status()["cached"] == 2
    finally:
        service.close()


# ---- under gunicorn's gevent worker ---------------------------------------------------------


def children(pid: int) -> list[int]:
    found = subprocess.run(["pgrep", "-P", str(pid)], capture_output=True, text=True).stdout.split()
    return [int(child) for child in found]


def test_pictures_and_paper_under_the_gevent_worker(tmp_path):
    from servers import ALWAYS_OPEN, Server, free_port

    data = tmp_path / "live"
    paper = data / "paper.bin"  # a file printer writes inside the data folder
    write_config(data, {**ALWAYS_OPEN, 'kind = "none"': 'kind = "file"\npath = "paper.bin"'})
    server = Server(data, free_port())  # --demo: this machine counts as an enrolled kiosk
    try:
        server.wait_ready()
        answer = requests.post(f"{server.url}/api/tickets", json={"service": "A"}, timeout=30)
        assert answer.status_code == 201, answer.text
        ticket = answer.json()["ticket"]
        assert ticket["print"]["queued"] is True
        pictures = [requests.get(server.url + picture_url(ticket), timeout=30) for _ in range(2)]
        assert [p.status_code for p in pictures] == [200, 200]
        assert pictures[0].content.startswith(PNG_MAGIC) and pictures[1].content == pictures[0].content
        polls = 300
        while not (paper.exists() and paper.read_bytes().endswith(b"\x1dV\x00")):
            polls -= 1
            assert polls, "the ticket was not printed"
            time.sleep(0.1)
        assert b"\x1dv0" in paper.read_bytes()
        (worker,) = children(server.process.pid)
        commands = [Path(f"/proc/{child}/cmdline").read_bytes() for child in children(worker)]
        assert any(CHILD_CODE.encode() in command for command in commands), commands
    finally:
        server.kill()  # the end of a test: every commit is on disk already
