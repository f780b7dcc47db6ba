"""Many lightweight Socket.IO screens in one process, for the broadcast benchmark.

Fifty ``socketio.Client`` objects in one Python process means fifty reader threads fighting for
one GIL on the same two cores as the server, and the benchmark ends up timing its own clients.
A real office has fifty TVs and tablets, each with its own CPU. So each screen here is a plain
websocket speaking the Engine.IO v4 / Socket.IO v5 protocol (handshake, namespace connect,
ping/pong, JSON event packets), all driven by one ``selectors`` loop per process, and the
clients are spread over a few processes. Every event is fully decoded before it is timed.

Arrival times use ``time.perf_counter`` (CLOCK_MONOTONIC on Linux), comparable across processes.
"""

from __future__ import annotations

import json
import multiprocessing
import selectors
import socket
import time
from urllib.parse import urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.events import AcceptConnection, CloseConnection, Ping, Request, TextMessage


class _Screen:
    def __init__(
        self, host: str, port: int, token: str | None = None, source: str | None = None, query: str = ""
    ):
        self.sock = socket.create_connection(
            (host, port), timeout=10, source_address=(source, 0) if source else None
        )
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.ws = WSConnection(ConnectionType.CLIENT)
        headers = [(b"Authorization", f"Device {token}".encode())] if token else []
        self.sock.sendall(
            self.ws.send(
                Request(
                    host=f"{host}:{port}",
                    extra_headers=headers,
                    target=f"/socket.io/?EIO=4&transport=websocket{query}",
                )
            )
        )
        self.buffer: list[str] = []
        self.joined = False

    def send_text(self, text: str) -> None:
        self.sock.sendall(self.ws.send(TextMessage(data=text)))

    def feed(self, data: bytes, on_event) -> bool:
        """Handle bytes from the server; False once the connection is closed."""
        self.ws.receive_data(data or None)
        for event in self.ws.events():
            if isinstance(event, AcceptConnection):
                continue
            if isinstance(event, Ping):
                self.sock.sendall(self.ws.send(event.response()))
            elif isinstance(event, CloseConnection):
                return False
            elif isinstance(event, TextMessage):
                self.buffer.append(event.data)
                if event.message_finished:
                    self._packet("".join(self.buffer), on_event)
                    self.buffer.clear()
        return bool(data)

    def _packet(self, text: str, on_event) -> None:
        kind = text[:1]
        if kind == "0":  # Engine.IO open: join the default namespace
            self.send_text("40")
        elif kind == "2":  # Engine.IO ping
            self.send_text("3")
        elif text.startswith("40"):
            self.joined = True
        elif text.startswith("42"):
            name, *args = json.loads(text[2:])
            on_event(name, args[0] if args else None)


def _run(
    url: str, count: int, event_name: str, ready, stop, results, token=None, sources=None, query=""
) -> None:
    parts = urlsplit(url)
    screens = [
        _Screen(parts.hostname, parts.port, token, sources[n % len(sources)] if sources else None, query)
        for n in range(count)
    ]
    selector = selectors.DefaultSelector()
    for screen in screens:
        screen.sock.setblocking(False)
        selector.register(screen.sock, selectors.EVENT_READ, screen)
    arrivals: list[tuple[int, float]] = []

    def on_event(name, payload):
        if name == event_name:
            arrivals.append((payload["ticket"]["id"], time.perf_counter()))

    announced = False
    while not stop.is_set():
        for key, _ in selector.select(timeout=0.05):
            screen = key.data
            try:
                data = screen.sock.recv(65536)
            except BlockingIOError:
                continue
            if not screen.feed(data, on_event):
                selector.unregister(screen.sock)
        if not announced and all(screen.joined for screen in screens):
            ready.set()
            announced = True
    results.put(arrivals)
    for screen in screens:
        screen.sock.close()


class Screens:
    """``count`` screens spread over ``processes`` processes, recording arrivals of one event."""

    def __init__(
        self,
        url: str,
        count: int = 50,
        processes: int = 5,
        event: str = "ticket_called",
        token: str | None = None,
        sources: list[str] | None = None,
        query: str = "",
    ):
        """``token``: an enrolled device's (a TV); ``sources``: local addresses to connect from
        (127.0.0.x), round robin; ``query``: e.g. ``&screen=status`` for visitors' phones."""
        context = multiprocessing.get_context("fork")
        self._stop = context.Event()
        self._results = context.Queue()
        self._readies = []
        self._processes = []
        share, extra = divmod(count, processes)
        for index in range(processes):
            ready = context.Event()
            process = context.Process(
                target=_run,
                daemon=True,
                args=(
                    url,
                    share + (index < extra),
                    event,
                    ready,
                    self._stop,
                    self._results,
                    token,
                    sources,
                    query,
                ),
            )
            process.start()
            self._readies.append(ready)
            self._processes.append(process)

    def wait_ready(self, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        for ready in self._readies:
            if not ready.wait(max(0.0, deadline - time.monotonic())):
                raise TimeoutError("the screens did not connect in time")

    def collect(self) -> dict[int, list[float]]:
        """Stop every screen; ticket id → arrival times (one per screen that got it)."""
        self._stop.set()
        arrivals: dict[int, list[float]] = {}
        for _ in self._processes:
            for ticket_id, moment in self._results.get(timeout=30):
                arrivals.setdefault(ticket_id, []).append(moment)
        for process in self._processes:
            process.join(5)
        return arrivals

    def close(self) -> None:
        self._stop.set()
        for process in self._processes:
            if process.is_alive():
                process.terminate()
