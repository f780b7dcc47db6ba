"""The ``loket`` command line (documented in docs/setup.md): serve, user add, printer test, say.

May import: any package (the command line, started first).
"""

from __future__ import annotations

import argparse
import getpass
import logging
import os
import secrets
import sys
from pathlib import Path

from server.config import data_folder
from server.config.data_folder import add_action, add_data_argument
from server.config.errors import ConfigError
from server.core.errors import LoketError

DEMO_USERS = [
    ("admin", "admin"),
    ("kepala", "supervisor"),
    ("petugas1", "officer"),
    ("petugas2", "officer"),
    ("petugas3", "officer"),
    ("petugas4", "officer"),
]


def build_parser() -> argparse.ArgumentParser:
    """The argument parser of every subcommand."""
    from server.core.actor import ROLES  # not at the top: gevent patches before it loads

    parser = argparse.ArgumentParser(prog="loket", description="Loket: antrian PTSP.")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="serve the office (kiosk, display, officers, API)")
    serve.add_argument("--host", default="0.0.0.0", help="address to listen on (default 0.0.0.0: the LAN)")
    serve.add_argument("--port", type=int, default=8000)
    add_data_argument(serve)
    serve.add_argument(
        "--demo",
        action="store_true",
        help="on a new data folder: open every day all day, demo users, print to a file",
    )
    serve.add_argument("--dev", action="store_true", help="use Werkzeug's development server")

    add = add_action(
        commands, "user", "add", "manage users", "add a user; password from $LOKET_PASSWORD or asked"
    )
    add.add_argument("username")
    add.add_argument("--role", required=True, choices=ROLES)
    add_action(commands, "printer", "test", "the ticket printer", "print a test ticket and report the result")

    say = commands.add_parser("say", help="speak or write a test announcement")
    say.add_argument("text")
    add_data_argument(say)
    say.add_argument("--out", help="write the WAV (chime + voice) here")
    say.add_argument("--play", action="store_true", help="play it on this computer's speaker")
    voice = commands.add_parser("voice", help="the office's voice pack (recorded words)")
    voice_commands = voice.add_subparsers(dest="voice_command", required=True)
    for action, helptext in (
        ("import", "add the recordings of a pack .zip"),
        ("export", "write the pack to a .zip"),
    ):
        sub = voice_commands.add_parser(action, help=helptext)
        sub.add_argument("pack", metavar="PACK.zip")
        add_data_argument(sub)
    from server import simulate

    sim = commands.add_parser(
        "simulate", help="simulate an office day: live through the API, or --history DAYS into the database"
    )
    simulate.add_arguments(sim)

    from server.devices import cli as devices_cli

    devices_cli.add_arguments(commands)
    backup = commands.add_parser("backup", help="copy the database consistently while serving")
    backup.add_argument("dest", help="folder to write the copy into (created if missing)")
    add_data_argument(backup)
    from server.unattended import cli as cli_system

    cli_system.add_commands(commands)  # restore, service install
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the ``loket`` console script."""
    words = sys.argv[1:] if argv is None else argv
    if words[:1] == ["serve"] and "--dev" not in words and sys.platform != "win32":
        # gevent's patches go in before anything else is imported, as gevent asks
        # (server/serve/gworker.py says which).
        from server.serve.gworker import patch

        patch()
    args = build_parser().parse_args(argv)
    try:
        if args.command == "serve":
            return cmd_serve(args)
        if args.command == "user":
            return cmd_user_add(args)
        if args.command == "printer":
            return cmd_printer_test(args)
        if args.command == "say":
            return cmd_say(args)
        if args.command == "backup":
            return cmd_backup(args)
        if args.command == "voice":
            from server.voice.cli import pack_command

            return pack_command(args.voice_command, Path(args.pack), data_folder.data_dir(args.data))
        if args.command in ("restore", "service"):
            from server.unattended import cli as cli_system

            return cli_system.run(args)
        if args.command == "device":
            from server.devices import cli as devices_cli

            return devices_cli.run(args, data_folder.data_dir(args.data))
        if args.command == "simulate":
            from server import simulate

            return simulate.run(args)
    except ConfigError as exc:
        print(f"loket: configuration error: {exc}", file=sys.stderr)
        return 2
    except LoketError as exc:
        print(f"loket: {exc.message}", file=sys.stderr)
        return 1
    return 2


def cmd_serve(args) -> int:
    """``loket serve``: prepare the data folder, make sure someone can sign in, serve."""
    from server.config.data_dir import prepare_data_dir
    from server.serve.runner import serve

    # Before any worker starts (python-escpos would otherwise install its own default handler).
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    data_dir = data_folder.data_dir(args.data)
    prepare_data_dir(data_dir, demo=args.demo)
    try:
        with data_folder.DataDirLock(data_dir):
            _first_users(data_dir, args.demo)
            print(f"Loket: data folder {data_dir.resolve()}", flush=True)
            return serve(data_dir, args.host, args.port, dev=args.dev, demo=args.demo)
    except data_folder.DataDirLocked as exc:
        print(f"loket: {exc}", file=sys.stderr)
        return 1


def _first_users(data_dir: Path, demo: bool) -> None:
    """On a data folder without users, create the first ones and print their passwords once."""
    from server.config.data_dir import DB_NAME
    from server.core import accounts
    from server.core.rules import utc_now
    from server.core.storage import Store
    from server.webbase import auth

    store = Store(data_dir / DB_NAME)
    try:
        if accounts.count_users(store.read()):
            return
        users = DEMO_USERS if demo else [("admin", "admin")]
        print("Pengguna pertama dibuat (catat kata sandinya, hanya ditampilkan sekali ini):", flush=True)
        # The demo office's users share one password, so `loket simulate --password` can sign
        # every officer in; a real office's admin gets its own.
        shared = secrets.token_urlsafe(9) if demo else None
        for username, role in users:
            password = shared or secrets.token_urlsafe(9)
            auth.create_user(store, username, password, role, utc_now())
            print(f"  {username:10} peran {role:10} kata sandi {password}", flush=True)
        print("Tambah pengguna lain: loket user add NAMA --role officer|supervisor|admin", flush=True)
    finally:
        store.close()


def cmd_user_add(args) -> int:
    """``loket user add``: the password comes from $LOKET_PASSWORD or the terminal."""
    from server.config.data_dir import DB_NAME, prepare_data_dir
    from server.core.rules import utc_now
    from server.core.storage import Store
    from server.webbase import auth

    data_dir = data_folder.data_dir(args.data)
    prepare_data_dir(data_dir)
    password = os.environ.get("LOKET_PASSWORD")
    if password is None:
        if not sys.stdin.isatty():
            print("loket: set $LOKET_PASSWORD or run in a terminal to type the password", file=sys.stderr)
            return 1
        password = getpass.getpass("Kata sandi: ")
        if password != getpass.getpass("Ulangi kata sandi: "):
            print("loket: kata sandi tidak sama", file=sys.stderr)
            return 1
    store = Store(data_dir / DB_NAME)
    try:
        auth.create_user(store, args.username, password, args.role, utc_now())
    finally:
        store.close()
    print(f"Pengguna {args.username} ({args.role}) ditambahkan.")
    return 0


def cmd_printer_test(args) -> int:
    """``loket printer test``: print a test ticket now, report success or the exact failure."""
    from server.config.data_dir import prepare_data_dir, printer_settings
    from server.printing.cli import printer_test_command

    data_dir = data_folder.data_dir(args.data)
    config = prepare_data_dir(data_dir)
    return printer_test_command(printer_settings(config, data_dir), config.office.name)


def cmd_say(args) -> int:
    """``loket say "teks"``: synthesise (and play) a test announcement."""
    from server.config.data_dir import prepare_data_dir
    from server.voice.cli import say_command

    data_dir = data_folder.data_dir(args.data)
    config = prepare_data_dir(data_dir)
    cache = data_dir / "sounds"
    cache.mkdir(exist_ok=True)
    out = Path(args.out) if args.out else None
    from server.voice.pack import FOLDER

    return say_command(args.text, config.voice, cache, out, args.play, pack_dir=data_dir / FOLDER)


def cmd_backup(args) -> int:
    """``loket backup DEST``: a consistent copy of the database, safe while the server runs."""
    from server.unattended.backup import backup

    data_dir = data_folder.data_dir(args.data)
    try:
        copied = backup(data_dir, Path(args.dest))
    except (FileNotFoundError, RuntimeError, OSError) as exc:
        print(f"loket: backup failed: {exc}", file=sys.stderr)
        return 1
    size = copied.stat().st_size
    print(f"Cadangan dibuat: {copied} ({size / 1024:.0f} KiB), dengan loket.toml dan secret.key.")
    return 0
