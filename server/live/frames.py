"""Websocket messages refused by their frame header, before their payload is read; floods cut.

Loket's clients send tiny messages (``state``, ``watch_ticket`` with a token, pings). The
websocket library collects a whole message before anyone could judge its size, so a client could
make the server hold hundreds of MB. Here the socket the websocket library reads is wrapped: every
frame header the client sends is parsed as it arrives, and a frame — or a fragmented message —
declaring more than :data:`MAX_MESSAGE_BYTES` ends the connection at once. Compression
(permessage-deflate) is not offered either: a small compressed frame can inflate to gigabytes.
"""

from __future__ import annotations

import socket
import time

MAX_MESSAGE_BYTES = 16 * 1024
#: Frames a client may send per window before the connection is dropped at the socket, before
#: anything is decoded or handled (the Socket.IO budget, server/live/handlers.py, drops events past 20
#: and closes past 40 per 10 s; this is the hard stop for a client that keeps sending).
MAX_FRAMES = 60
FRAME_WINDOW_SECONDS = 10.0


class MessageTooBig(ConnectionError):
    """A client declared a websocket message above the limit (the connection is dropped)."""


class FrameCheck:
    """A socket whose ``recv`` checks every client frame header (RFC 6455 §5.2)."""

    def __init__(self, sock, limit: int = MAX_MESSAGE_BYTES):
        self._sock = sock
        self._limit = limit
        self._header = bytearray()
        self._payload_left = 0
        self._message = 0  # bytes declared so far by the frames of the current message
        self._window_start = 0.0
        self._frames = 0

    def __getattr__(self, name):
        return getattr(self._sock, name)

    def dup(self):
        return FrameCheck(self._sock.dup(), self._limit)

    def recv(self, size: int, *flags) -> bytes:
        data = self._sock.recv(size, *flags)
        try:
            self.check(data)
        except MessageTooBig:
            # End the TCP connection itself: the server still holds another descriptor of it.
            try:
                self._sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            raise
        return data

    def check(self, data: bytes) -> None:
        """Follow the frame boundaries through ``data``; raise MessageTooBig past the limit."""
        view, i = memoryview(data), 0
        while i < len(view):
            if self._payload_left:
                take = min(self._payload_left, len(view) - i)
                self._payload_left -= take
                i += take
                continue
            self._header.append(view[i])
            i += 1
            self._header_done()

    def _header_done(self) -> None:
        header = self._header
        if len(header) < 2:
            return
        short = header[1] & 0x7F
        extra = 2 if short == 126 else 8 if short == 127 else 0
        if len(header) < 2 + extra + (4 if header[1] & 0x80 else 0):
            return
        length = short if not extra else int.from_bytes(header[2 : 2 + extra], "big")
        fin, opcode = header[0] & 0x80, header[0] & 0x0F
        self._header = bytearray()
        now = time.monotonic()
        if now - self._window_start > FRAME_WINDOW_SECONDS:
            self._window_start, self._frames = now, 0
        self._frames += 1
        if self._frames > MAX_FRAMES:
            raise MessageTooBig(f"more than {MAX_FRAMES} websocket frames in {FRAME_WINDOW_SECONDS:g} s")
        if opcode >= 0x8:  # control frames: at most 125 bytes by the RFC
            if length > 125:
                raise MessageTooBig("control frame too big")
        else:
            self._message += length
            if self._message > self._limit:
                raise MessageTooBig(f"websocket message of more than {self._limit} bytes")
            if fin:
                self._message = 0
        self._payload_left = length


def check_frames(environ: dict) -> None:
    """Make the websocket upgrade in ``environ`` read through a :class:`FrameCheck` (gevent's
    server: the websocket library takes the socket from ``wsgi.input``)."""
    if environ.get("HTTP_UPGRADE", "").lower() != "websocket":
        return
    environ.pop("HTTP_SEC_WEBSOCKET_EXTENSIONS", None)
    wsgi_input = environ.get("wsgi.input")
    # gevent's server gives the socket's reader itself, or an object holding it as ``rfile``.
    raw = getattr(wsgi_input, "raw", None) or getattr(getattr(wsgi_input, "rfile", None), "raw", None)
    sock = getattr(raw, "_sock", None)
    if sock is None:
        return  # another server (Werkzeug): the library's own message limit still applies
    environ["wsgi.input"] = _Input(_Raw(FrameCheck(sock)))


class _Raw:
    def __init__(self, sock):
        self._sock = sock


class _Input:
    """What the websocket library looks for in ``wsgi.input`` (``.raw._sock``)."""

    def __init__(self, raw):
        self.rfile = self
        self.raw = raw

    def read(self, *args):  # an upgrade request has no body
        return b""
