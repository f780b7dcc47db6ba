"""Many kiosks posting tickets at once, from one light process, for the throughput benchmark.

Twenty ``requests`` sessions in twenty threads cost the client about as much CPU per request as
the server spends, on the same two cores, and the GIL serialises them: the benchmark would time
itself. Real kiosks are separate machines. So each kiosk here is one keep-alive HTTP/1.1
connection, all driven by one ``selectors`` loop in a child process (a closed loop, like a real
kiosk: the next request goes out only when the answer to the last one has fully arrived).
Every answer is read whole and its status checked.
"""

from __future__ import annotations

import json
import multiprocessing
import selectors
import socket
import time
from urllib.parse import urlsplit


class _Kiosk:
    def __init__(
        self, host: str, port: int, bodies: list[bytes], token: str | None = None, source: str | None = None
    ):
        self.host, self.port = host, port
        self.bodies = bodies
        self.auth = f"Authorization: Device {token}\r\n" if token else ""
        self.source = source
        self.sent = 0
        self.started = 0.0
        self.buffer = b""
        self.sock: socket.socket | None = None

    def connect(self) -> None:
        self.sock = socket.create_connection(
            (self.host, self.port), timeout=10, source_address=(self.source, 0) if self.source else None
        )
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock.setblocking(False)

    def request(self) -> bytes:
        body = self.bodies[self.sent % len(self.bodies)]
        return (
            f"POST /api/tickets HTTP/1.1\r\nHost: {self.host}:{self.port}\r\n"
            f"{self.auth}Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode() + body

    def response(self) -> tuple[int, bool] | None:
        """(status, keep-alive) once a whole response is buffered, else None."""
        head_end = self.buffer.find(b"\r\n\r\n")
        if head_end < 0:
            return None
        head = self.buffer[:head_end].decode("latin-1").split("\r\n")
        headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in head[1:])}
        length = int(headers.get("content-length", "0"))
        if len(self.buffer) < head_end + 4 + length:
            return None
        body = self.buffer[head_end + 4 : head_end + 4 + length]
        self.buffer = self.buffer[head_end + 4 + length :]
        status = int(head[0].split()[1])
        if status == 201:
            json.loads(body)  # a kiosk reads the ticket it got
        return status, headers.get("connection", "").lower() != "close"


def _run(url: str, clients: int, per_client: int, services: str, results, tokens=None, sources=None) -> None:
    parts = urlsplit(url)
    selector = selectors.DefaultSelector()
    latencies: list[float] = []
    statuses: dict[int, int] = {}
    kiosks = []
    for index in range(clients):
        bodies = [
            json.dumps({"service": services[(index + n) % len(services)]}).encode()
            for n in range(len(services))
        ]
        kiosks.append(
            _Kiosk(
                parts.hostname,
                parts.port,
                bodies,
                tokens[index % len(tokens)] if tokens else None,
                sources[index % len(sources)] if sources else None,
            )
        )

    def send(kiosk: _Kiosk) -> None:
        if kiosk.sock is None:
            kiosk.connect()
            selector.register(kiosk.sock, selectors.EVENT_READ, kiosk)
        kiosk.started = time.perf_counter()
        kiosk.sock.sendall(kiosk.request())  # a few hundred bytes: fits the socket buffer
        kiosk.sent += 1

    began = time.perf_counter()
    for kiosk in kiosks:
        send(kiosk)
    active = len(kiosks)
    while active:
        for key, _ in selector.select(timeout=10):
            kiosk = key.data
            data = kiosk.sock.recv(65536)
            if data:
                kiosk.buffer += data
            answer = kiosk.response()
            if answer is None and data:
                continue
            if answer is None:  # the server closed the connection without an answer
                statuses[0] = statuses.get(0, 0) + 1
                keep = False
            else:
                status, keep = answer
                latencies.append((time.perf_counter() - kiosk.started) * 1000)
                statuses[status] = statuses.get(status, 0) + 1
            if not keep:
                selector.unregister(kiosk.sock)
                kiosk.sock.close()
                kiosk.sock = None
                kiosk.buffer = b""
            if kiosk.sent < per_client:
                send(kiosk)
            else:
                if kiosk.sock is not None:
                    selector.unregister(kiosk.sock)
                    kiosk.sock.close()
                active -= 1
    results.put((latencies, statuses, time.perf_counter() - began))


def run_kiosks(
    url: str,
    clients: int = 20,
    per_client: int = 250,
    services: str = "ABCDEF",
    tokens: list[str] | None = None,
    sources: list[str] | None = None,
):
    """Latencies (ms), status counts and elapsed seconds of ``clients`` × ``per_client`` tickets.
    ``tokens``: enrolled kiosks' tokens (sent as ``Authorization: Device``); ``sources``: local
    addresses (127.0.0.x) the kiosks connect from, round robin."""
    context = multiprocessing.get_context("fork")
    results = context.Queue()
    process = context.Process(
        target=_run, args=(url, clients, per_client, services, results, tokens, sources), daemon=True
    )
    process.start()
    try:
        return results.get(timeout=600)
    finally:
        process.join(10)
