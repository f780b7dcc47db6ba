"""Enrolled devices: the office's kiosks, TVs and counter tablets.

A device is enrolled once — by ``loket device add`` or by an admin approving the code a screen
shows — and then presents its token on every request, in the ``loket_device`` cookie or the
header ``Authorization: Device <token>``. Only a SHA-256 of the token is stored. Enrolled devices
may do what anonymous clients may not (a kiosk issues numbers) and are never counted against the
limits meant for visitors' phones.

In ``--demo`` a browser on the server's own machine (a loopback address, with no proxy header)
is enrolled automatically when it opens the kiosk or the TV, so the demo works out of the box.
"""

from __future__ import annotations

import hashlib
import secrets
import sqlite3
import threading
import time

from server.core.errors import LoketError
from server.core.storage import Store

KINDS = ("kiosk", "display", "tablet")
COOKIE = "loket_device"
COOKIE_DAYS = 3650
#: Screens waiting for approval at once; older requests are dropped first.
#: Screens that may wait for approval at once; past that new requests are refused until the
#: admin approves or clears them (oldest requests are never pushed out by new ones).
MAX_PENDING = 20
ENROL_FULL = (
    "Daftar permintaan pendaftaran perangkat sudah penuh. Minta admin menyetujui atau "
    "mengosongkan daftar di halaman Admin, tab Perangkat."
)
PENDING_SECONDS = 30 * 60
RELOAD_SECONDS = 2.0
CODE_ALPHABET = "ACDEFGHJKLMNPQRTUVWXY3479"  # no 0/O, 1/I, 2/Z, 5/S, 8/B look-alikes
PROXY_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED", "HTTP_X_REAL_IP")


def token_hash(token: str) -> str:
    """What is stored for a token."""
    return hashlib.sha256(token.encode("utf-8", "replace")).hexdigest()


def check_name(name: str) -> str:
    """A device name: 1–60 printable characters."""
    name = (name or "").strip()
    if not name or len(name) > 60 or not name.isprintable():
        raise LoketError("invalid_name", "Nama perangkat wajib diisi (paling banyak 60 karakter).", 422)
    return name


def check_kind(kind: str) -> str:
    """One of :data:`KINDS`."""
    if kind not in KINDS:
        raise LoketError("invalid_kind", "Jenis perangkat harus kiosk, display atau tablet.", 422)
    return kind


class Devices:
    """The devices table, with an in-memory map of active tokens (checked on every request)."""

    def __init__(self, store: Store):
        self.store = store
        self._lock = threading.Lock()
        self._active: dict[str, dict] | None = None
        self._loaded_at = 0.0

    def _load(self, fresh: bool = False) -> dict[str, dict]:
        with self._lock:
            if self._active is None or fresh:
                self._loaded_at = time.monotonic()
                rows = (
                    self.store.read()
                    .execute("SELECT id, name, kind, token_hash FROM devices WHERE status = 'active'")
                    .fetchall()
                )
                self._active = {
                    row["token_hash"]: {"id": row["id"], "name": row["name"], "kind": row["kind"]}
                    for row in rows
                }
            return self._active

    def _changed(self) -> None:
        with self._lock:
            self._active = None

    def lookup(self, token: str | None) -> dict | None:
        """The active device holding ``token``, or None. A token not known here is looked up
        again in the database at most every :data:`RELOAD_SECONDS` (a device enrolled by
        ``loket device add`` while the server runs)."""
        if not token or len(token) > 200:
            return None
        key = token_hash(token)
        device = self._load().get(key)
        if device is None and time.monotonic() - self._loaded_at > RELOAD_SECONDS:
            device = self._load(fresh=True).get(key)
        return device

    def add(self, name: str, kind: str, now: float, by: str | None = None) -> tuple[dict, str]:
        """Enroll a device at once; returns it and its token (shown only this once)."""
        name, kind = check_name(name), check_kind(kind)
        token = secrets.token_urlsafe(32)
        with self.store.write() as conn:
            cursor = conn.execute(
                "INSERT INTO devices (name, kind, token_hash, status, created_at, approved_at, approved_by) "
                "VALUES (?, ?, ?, 'active', ?, ?, ?)",
                (name, kind, token_hash(token), now, now, by),
            )
        self._changed()
        return {"id": cursor.lastrowid, "name": name, "kind": kind}, token

    def request(self, kind: str, address: str, now: float) -> tuple[str, str]:
        """A screen asks to be enrolled: returns (its future token, the code it shows)."""
        kind = check_kind(kind)
        token = secrets.token_urlsafe(32)
        with self.store.write() as conn:
            conn.execute(
                "DELETE FROM devices WHERE status = 'pending' AND created_at < ?", (now - PENDING_SECONDS,)
            )
            # One waiting request per address (a screen asking again replaces its own): a stranger
            # cannot push a real screen's code out of the list without as many addresses.
            conn.execute("DELETE FROM devices WHERE status = 'pending' AND address = ?", (address[:64],))
            waiting = conn.execute("SELECT COUNT(*) FROM devices WHERE status = 'pending'").fetchone()[0]
            if waiting >= MAX_PENDING:  # a flood must not push a real screen's code out
                raise LoketError("enroll_full", ENROL_FULL, 429)
            for _ in range(10):
                code = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
                try:
                    conn.execute(
                        "INSERT INTO devices (name, kind, token_hash, status, code, address, created_at) "
                        "VALUES ('', ?, ?, 'pending', ?, ?, ?)",
                        (kind, token_hash(token), code, address[:64], now),
                    )
                    return token, code
                except sqlite3.IntegrityError:
                    continue
        raise LoketError("enroll_busy", "Tidak dapat membuat kode. Silakan coba lagi.", 503)

    def pending_code(self, token: str | None) -> dict | None:
        """The pending request of this token (its code and kind), or None."""
        if not token or len(token) > 200:
            return None
        row = (
            self.store.read()
            .execute(
                "SELECT code, kind FROM devices WHERE token_hash = ? AND status = 'pending'",
                (token_hash(token),),
            )
            .fetchone()
        )
        return dict(row) if row else None

    def approve(self, code: str, name: str, now: float, by: str) -> dict:
        """An admin approves the code a screen shows, naming the device."""
        name = check_name(name)
        code = (code or "").strip().upper()
        with self.store.write() as conn:
            row = conn.execute(
                "SELECT id, kind FROM devices WHERE code = ? AND status = 'pending' AND created_at >= ?",
                (code, now - PENDING_SECONDS),
            ).fetchone()
            if row is None:
                raise LoketError(
                    "unknown_code", "Kode perangkat tidak ditemukan atau sudah kedaluwarsa.", 404
                )
            conn.execute(
                "UPDATE devices SET status = 'active', name = ?, code = NULL, approved_at = ?, "
                "approved_by = ? WHERE id = ?",
                (name, now, by, row["id"]),
            )
        self._changed()
        return {"id": row["id"], "name": name, "kind": row["kind"]}

    def revoke(self, device_id: int) -> None:
        """Withdraw a device: its token stops working at once."""
        if not 0 < device_id < 2**63:  # beyond SQLite's integers: no such device
            raise LoketError("unknown_device", "Perangkat tidak ditemukan.", 404)
        with self.store.write() as conn:
            done = conn.execute(
                "UPDATE devices SET status = 'revoked', code = NULL WHERE id = ? AND status != 'revoked'",
                (device_id,),
            ).rowcount
        if not done:
            raise LoketError("unknown_device", "Perangkat tidak ditemukan.", 404)
        self._changed()

    def clear_pending(self) -> int:
        """Forget every request waiting for approval (the admin empties a flooded list); the
        screens that were real ask again. Returns how many were forgotten."""
        with self.store.write() as conn:
            return conn.execute("DELETE FROM devices WHERE status = 'pending'").rowcount

    def pending_count(self, now: float) -> int:
        """Requests waiting for approval now."""
        return (
            self.store.read()
            .execute(
                "SELECT COUNT(*) FROM devices WHERE status = 'pending' AND created_at >= ?",
                (now - PENDING_SECONDS,),
            )
            .fetchone()[0]
        )

    def listing(self) -> list[dict]:
        """Every device, pending first (for the admin page; never a token)."""
        rows = (
            self.store.read()
            .execute(
                "SELECT id, name, kind, status, code, address, created_at, approved_at, approved_by FROM devices "
                "WHERE status != 'revoked' ORDER BY status = 'active', id"
            )
            .fetchall()
        )
        return [dict(row) for row in rows]


def token_from(environ: dict) -> str | None:
    """The device token a request presents (header first, then the cookie)."""
    header = environ.get("HTTP_AUTHORIZATION", "")
    if header[:7].lower() == "device ":
        return header[7:].strip()
    from werkzeug.http import parse_cookie

    cookie = environ.get("HTTP_COOKIE")
    return parse_cookie(cookie).get(COOKIE) if cookie else None


def is_local(environ: dict) -> bool:
    """A request from this machine itself, not relayed by a proxy (demo auto-enrollment)."""
    address = environ.get("REMOTE_ADDR", "")
    if not (address.startswith("127.") or address == "::1"):
        return False
    return not any(environ.get(name) for name in PROXY_HEADERS)
