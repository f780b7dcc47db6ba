"""What one client on the office Wi-Fi can throw at the server, bounded, loopback only.

Each attack runs in a child process for ``seconds`` and then closes everything it opened:

- ``slow``: ``count`` connections that send request headers a few bytes at a time and never
  finish (a new one replaces each the server cuts);
- ``flood``: ``sockets`` websockets sending ``state`` requests as fast as the server takes them
  (reconnecting when closed);
- ``hold``: ``count`` websockets opened from one address and held open;
- ``polling``: Engine.IO long-polling sessions opened as fast as the server answers, each joining
  the screens' room (``40``) and never polling again, over ``count`` keep-alive connections;
- ``enroll``: one screen enrolment request from each of ``count`` addresses (127.0.1.x), then
  again every few seconds;
- ``pictures``: a ticket's picture (``source`` is then ``address|path``) asked for in a loop over
  ``count`` keep-alive connections.

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


def _http(sock, request: bytes) -> tuple[int, bytes]:
    """One request on a keep-alive connection: (status, body)."""
    sock.sendall(request)
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = sock.recv(65536)
        if not chunk:
            raise OSError("closed")
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value)
    while len(body) < length:
        chunk = sock.recv(65536)
        if not chunk:
            raise OSError("closed")
        body += chunk
    return int(head.split()[1]), body[:length]


def _polling_one(host, port, source, seconds):
    end = time.monotonic() + seconds
    sock = None
    while time.monotonic() < end:
        try:
            if sock is None:
                sock = _open(host, port, source)
            status, body = _http(
                sock,
                f"GET /socket.io/?EIO=4&transport=polling HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode(),
            )
            if status != 200:
                time.sleep(0.01)
                continue
            sid = body.split(b'"sid":"')[1].split(b'"')[0].decode()
            _http(
                sock,
                f"POST /socket.io/?EIO=4&transport=polling&sid={sid} HTTP/1.1\r\nHost: {host}:{port}\r\n"
                f"Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n40".encode(),
            )
        except (OSError, IndexError, ValueError):
            if sock is not None:
                sock.close()
            sock = None
            time.sleep(0.05)
    if sock is not None:
        sock.close()


def _polling(url, count, seconds, source):
    import threading

    host, port = _target(url)
    threads = [
        threading.Thread(target=_polling_one, args=(host, port, source, seconds), daemon=True)
        for _ in range(count)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 10)


def _enroll(url, count, seconds, _source):
    host, port = _target(url)
    end = time.monotonic() + seconds
    body = b'{"kind": "display"}'
    while time.monotonic() < end:
        for n in range(count):
            try:
                with _open(host, port, f"127.0.1.{n + 1}") as sock:
                    _http(
                        sock,
                        f"POST /api/devices/enroll HTTP/1.1\r\nHost: {host}:{port}\r\nContent-Type: application/json\r\n"
                        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n".encode()
                        + body,
                    )
            except OSError:
                pass
        time.sleep(3)


def _pictures(url, count, seconds, source):
    import threading

    host, port = _target(url)
    address, path = source.split("|", 1)

    def loop():
        end = time.monotonic() + seconds
        sock = None
        while time.monotonic() < end:
            try:
                sock = sock or _open(host, port, address)
                _http(sock, f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\n\r\n".encode())
            except OSError:
                if sock is not None:
                    sock.close()
                sock = None
                time.sleep(0.05)

    threads = [threading.Thread(target=loop, daemon=True) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 10)


def start(kind: str, url: str, count: int, seconds: float, source: str) -> list[multiprocessing.Process]:
    """Start one attack (``slow``, ``flood``, ``hold``, ``polling``, ``enroll`` or ``pictures``)
    in a child process (``flood``: one per socket)."""
    target = {
        "slow": _slow,
        "hold": _hold,
        "polling": _polling,
        "enroll": _enroll,
        "pictures": _pictures,
    }.get(kind)
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
