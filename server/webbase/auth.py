"""Users, passwords and the signed-in session."""

from __future__ import annotations

import hashlib
import logging
import os
import secrets
import sqlite3
from datetime import datetime

from flask import session
from werkzeug.security import check_password_hash, generate_password_hash

from server.core import accounts
from server.core.actor import ROLES, Actor
from server.core.errors import LoketError
from server.core.storage import Store

MIN_PASSWORD_LENGTH = 8
#: Werkzeug's method for new password hashes: scrypt. $LOKET_TEST_FAST_PASSWORD_HASH is for the
#: test suite only (tests/conftest.py sets it, so the servers it starts inherit it): one round of
#: PBKDF2 instead of ~0.3 s of scrypt per user. Never set it for a real office.
PASSWORD_METHOD = "pbkdf2:sha256:1" if os.environ.get("LOKET_TEST_FAST_PASSWORD_HASH") == "1" else "scrypt"
if PASSWORD_METHOD != "scrypt":
    logging.getLogger(__name__).warning(
        "LOKET_TEST_FAST_PASSWORD_HASH is set: weak password hashes (tests only)"
    )
# Compared against when the user does not exist, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = generate_password_hash("loket-dummy-password", method=PASSWORD_METHOD)


MAX_PASSWORD_LENGTH = 200
#: Refused whatever their length: the first guesses of anyone on the Wi-Fi.
COMMON_PASSWORDS = {
    "password",
    "password1",
    "passw0rd",
    "12345678",
    "123456789",
    "1234567890",
    "87654321",
    "qwerty123",
    "qwertyuiop",
    "admin123",
    "admin1234",
    "administrator",
    "loket123",
    "loket1234",
    "petugas1",
    "petugas123",
    "rahasia1",
    "rahasia123",
    "bismillah",
    "indonesia",
    "indonesia1",
    "sayang123",
    "iloveyou",
    "abcd1234",
    "1q2w3e4r",
    "11111111",
    "00000000",
    "ptsp1234",
    "kantor123",
}


def check_password_strength(password: str) -> None:
    """Refuse a weak password: at least 8 characters (at most 200), letters together with digits
    or symbols unless 12 characters or more, not one of the usual first guesses."""
    if len(password) < MIN_PASSWORD_LENGTH:
        raise LoketError("weak_password", f"Kata sandi minimal {MIN_PASSWORD_LENGTH} karakter.", 422)
    if len(password) > MAX_PASSWORD_LENGTH:
        raise LoketError("weak_password", f"Kata sandi paling banyak {MAX_PASSWORD_LENGTH} karakter.", 422)
    letters = any(c.isalpha() for c in password)
    others = any(not c.isalpha() for c in password)
    mixed = letters and others or len(password) >= 12  # a long one may be letters only
    if not mixed or len(set(password)) < 4 or password.lower() in COMMON_PASSWORDS:
        raise LoketError(
            "weak_password",
            "Kata sandi terlalu mudah ditebak: gabungkan huruf dengan angka "
            "atau simbol, dan jangan memakai kata sandi umum.",
            422,
        )


def hash_password(password: str) -> str:
    """A salted hash of a new password (refuses a weak one)."""
    check_password_strength(password)
    return generate_password_hash(password, method=PASSWORD_METHOD)


def create_user(store: Store, username: str, password: str, role: str, now: datetime) -> None:
    """Add a user with a hashed password; refuse a taken name, unknown role or short password."""
    username = username.strip()
    if (
        not username
        or len(username) > 64
        or not username.replace(".", "").replace("_", "").replace("-", "").isalnum()
    ):
        raise LoketError(
            "invalid_username",
            "Nama pengguna hanya boleh berisi huruf, angka, titik, garis bawah dan tanda hubung.",
            422,
        )
    if role not in ROLES:
        raise LoketError("invalid_role", f"Peran harus salah satu dari: {', '.join(ROLES)}.", 422)
    password_hash = hash_password(password)
    try:
        with store.write() as conn:
            accounts.insert_user(conn, username, password_hash, role, now.timestamp())
    except sqlite3.IntegrityError:
        raise LoketError("user_exists", f"Pengguna {username} sudah ada.", 409) from None


def authenticate(store: Store, username: str, password: str) -> dict | None:
    """The user when the password matches and the account is active, else None."""
    user = accounts.get_user(store.read(), username)
    if user is None:
        check_password_hash(_DUMMY_HASH, password)
        return None
    if not check_password_hash(user["password_hash"], password) or not user["active"]:
        return None
    return user


def _session_hash(session_id: str) -> str:
    return hashlib.sha256(session_id.encode()).hexdigest()


def sign_in(user: dict, counter_id: int | None, now: float, store: Store) -> None:
    """Start a fresh session (a new cookie, so a planted one is useless), recorded on the server
    with its counter, so that signing out, a new password or a disabled account end it for good
    and the board and the wait estimate know who sits where."""
    session.clear()
    session.permanent = True
    session_id = secrets.token_urlsafe(24)
    with store.write() as conn:
        accounts.open_session(conn, _session_hash(session_id), user["username"], counter_id, now)
    session["sid"] = session_id
    session["seen"] = now
    session["username"] = user["username"]
    session["role"] = user["role"]
    session["counter_id"] = counter_id


def sign_out(store: Store, now: float) -> bool:
    """End the session, on the server too (a copy of the cookie is worthless afterwards); True
    when a session was open."""
    session_id = session.get("sid")
    if session_id:
        with store.write() as conn:
            accounts.end_session(conn, _session_hash(session_id), now)
    session.clear()
    return bool(session_id)


def current_actor(store: Store, now: float, idle_minutes: int) -> Actor | None:
    """The signed-in user of this request, checked against the database (disabled → None)."""
    username = session.get("username")
    if not username:
        return None
    if not _still_active(now, idle_minutes):
        session.clear()
        return None
    user = accounts.get_user(store.read(), username)
    if user is None or not user["active"] or not session_alive(store, session.get("sid"), username):
        session.clear()
        return None
    counter_id = session.get("counter_id")
    allowed = user.get("counters")
    if user["role"] == "officer" and allowed and counter_id is not None and counter_id not in allowed:
        # The admin took this counter from the officer: the open session loses it too.
        session.clear()
        return None
    return Actor(user["username"], user["role"], counter_id)


def session_alive(store: Store, session_id: str | None, username: str | None) -> bool:
    """Whether a session id (from a signed cookie) is still open on the server for ``username``."""
    if not session_id or not username:
        return False
    return accounts.session_username(store.read(), _session_hash(session_id)) == username


def _still_active(now: float, idle_minutes: int) -> bool:
    """False once the session has been idle longer than [security] idle_minutes."""
    seen = session.get("seen", now)
    if now - seen > idle_minutes * 60:
        return False
    if now - seen > 30:  # refresh the cookie at most every 30 s
        session["seen"] = now
    return True
