"""The ticket's picture: how fast the render service draws it (``render``), and what one client
fetching one ticket's picture as fast as it can does to the kiosks (``picture_flood``).

    .venv/bin/python bench/pictures.py [--quick] [--only render picture_flood]

The same file runs against an older checkout too (for a before/after comparison): where there is
no render service, ``render`` times the drawing in the calling thread, as the server did then.
"""

from __future__ import annotations

import multiprocessing
import socket
import sys
import time
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.harness import (  # noqa: E402
    PHONE_SOURCES,
    machine,
    percentile,
    record,
    results_table,
    run_selected,
    stamp,
    start_server,
)
from bench.history_stall import paced_kiosk  # noqa: E402

# ---- render: pictures drawn by the service ---------------------------------------------------


def sample(n: int):
    from server.printing import TicketPrint

    return TicketPrint(
        office_name="PTSP Kantor Kementerian Agama Kabupaten Pekalongan",
        service_code="A",
        service_name="Perizinan & Rekomendasi",
        number=f"A{n:03d}",
        issued_at=datetime(2026, 11, 30, 9, 0, tzinfo=ZoneInfo("Asia/Jakarta")),
        ahead=n % 20,
        estimate_minutes=n % 60,
        status_url=f"http://192.168.1.10:8000/t/{n:022d}",
    )


def _renderer():
    """(a name for the rows, png(ticket), escpos(ticket), close())."""
    from server.config.printer import PrinterSettings

    settings = PrinterSettings()
    try:
        from server.printing import RenderService
    except ImportError:  # a checkout from before the render service: drawn in this thread
        from server.printing import render_png, render_ticket, ticket_bytes

        return (
            "in the calling thread",
            lambda t: render_png(t, settings.width_mm, dots=settings.dots),
            lambda t: ticket_bytes(render_ticket(t, settings.width_mm, dots=settings.dots), settings.profile),
            lambda: None,
        )
    service = RenderService(cache_size=0)
    service.start()
    return (
        "by the render process",
        lambda t: service.png(t, settings.width_mm, settings.dots),
        lambda t: service.escpos(t, settings.width_mm, settings.dots, settings.profile),
        service.close,
    )


def bench_render(tmp: Path, quick: bool) -> None:
    """Distinct tickets one after another (none kept): pictures per second, time per picture."""
    where, png, escpos, close = _renderer()
    try:
        png(sample(0))  # the process's start-up is not a picture's time
        count = 60 if quick else 300
        for kind, draw in (("PNG preview", png), ("ESC/POS paper", escpos)):
            times = []
            began = time.perf_counter()
            for n in range(1, count + 1):
                sent = time.perf_counter()
                draw(replace(sample(n), number=f"A{n:03d}"))
                times.append((time.perf_counter() - sent) * 1000)
            rate = count / (time.perf_counter() - began)
            record(
                f"render: ticket {kind}, {where}",
                times,
                "—",
                True,
                f"{rate:.0f} pictures/s, one after another",
            )
    finally:
        close()


# ---- picture flood: one client fetching one ticket's picture in a loop -----------------------


def _flood(url: str, path: str, stop, source: str, results) -> None:
    """One keep-alive connection asking for ``path`` as fast as the answers come, until ``stop``;
    puts (status counts, seconds)."""
    parts = urlsplit(url)
    sock = socket.create_connection((parts.hostname, parts.port), timeout=30, source_address=(source, 0))
    request = f"GET {path} HTTP/1.1\r\nHost: {parts.hostname}:{parts.port}\r\n\r\n".encode()
    statuses: dict[int, int] = {}
    buffer = b""
    began = time.monotonic()
    while not stop.is_set():
        sock.sendall(request)
        while (end := buffer.find(b"\r\n\r\n")) < 0:
            buffer += sock.recv(65536)
        head = buffer[:end].decode("latin-1").split("\r\n")
        length = next(
            (int(line.split(":", 1)[1]) for line in head if line.lower().startswith("content-length:")), 0
        )
        while len(buffer) < end + 4 + length:
            buffer += sock.recv(65536)
        buffer = buffer[end + 4 + length :]
        status = int(head[0].split()[1])
        statuses[status] = statuses.get(status, 0) + 1
    sock.close()
    results.put((statuses, time.monotonic() - began))


def bench_picture_flood(tmp: Path, quick: bool) -> None:
    """One kiosk taking a number every 0.2 s, alone and while one phone asks for one ticket's
    picture in a loop (each phase ``seconds`` long, each on a fresh server: the kiosk's time
    grows with the people waiting, and nobody is called here)."""
    seconds = 15 if quick else 40
    context = multiprocessing.get_context("fork")
    for flooded in (False, True):
        server = start_server(tmp)
        try:
            path = first_picture(server)
            stop, results, kiosk_results = context.Event(), context.Queue(), context.Queue()
            flood = context.Process(target=_flood, args=(server.url, path, stop, PHONE_SOURCES[0], results))
            kiosk = context.Process(target=paced_kiosk, args=(server.url, 0.2, stop, kiosk_results))
            if flooded:
                flood.start()
                time.sleep(1.0)  # the flood is under way before the kiosk starts
            kiosk.start()
            time.sleep(seconds)
            stop.set()
            timed, failed = kiosk_results.get(timeout=60)
            kiosk.join(10)
            latencies = [ms for _at, ms in timed]
            note = f"{len(latencies)} tickets, {failed} kiosk errors"
            if flooded:
                answers, spent = results.get(timeout=60)
                flood.join(10)
                counts = ", ".join(f"{n} × {status}" for status, n in sorted(answers.items()))
                note += f"; the picture client got {counts} ({sum(answers.values()) / spent:.0f}/s)"
            what = "one client fetching one ticket's picture in a loop" if flooded else "no picture client"
            record(
                f"kiosk POST /api/tickets every 0.2 s, {what}",
                latencies,
                "p99 ≤ 50 ms",
                percentile(latencies, 0.99) <= 50 and not failed,
                note,
            )
        finally:
            server.stop()


def first_picture(server) -> str:
    """The path of the picture of a ticket taken at the kiosk."""
    import requests

    answer = requests.post(
        f"{server.url}/api/tickets", json={"service": "A"}, headers=server.as_kiosk, timeout=10
    )
    answer.raise_for_status()
    return answer.json()["ticket"]["preview_url"]


BENCHES = {"render": bench_render, "picture_flood": bench_picture_flood}


def main() -> int:
    args = run_selected(__doc__.splitlines()[0], BENCHES, "loket-pictures-", "fewer pictures and tickets")
    text = results_table()
    print(text)
    mode = "quick" if args.quick else "full"
    (ROOT / "bench" / "RESULTS-pictures.md").write_text(
        f"# Ticket picture benchmarks\n\n{stamp()}, {mode} run of `bench/pictures.py`, against "
        f"`loket serve` (gunicorn, 1 gevent worker) on loopback.\n\nMachine: {machine()}\n\n{text}\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
