"""The ``loket`` commands for running unattended: ``restore`` and ``service install``."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
from pathlib import Path

from server.config import data_folder
from server.config.data_folder import add_data_argument

COMMANDS = ("restore", "service")


def add_commands(commands) -> None:
    """Add the subcommands to ``loket``'s parser."""
    restore = commands.add_parser(
        "restore", help="put a backup back (the newest in [backup].folder unless SOURCE is given)"
    )
    restore.add_argument(
        "source", nargs="?", help="a backup folder (made by the daily backup or loket backup)"
    )
    add_data_argument(restore)
    restore.add_argument("--yes", action="store_true", help="do not ask for confirmation")

    service = commands.add_parser("service", help="start Loket at boot (systemd)")
    service_commands = service.add_subparsers(dest="service_command", required=True)
    install = service_commands.add_parser(
        "install", help="write and enable a systemd unit: start at boot, restart if it dies"
    )
    add_data_argument(install)
    install.add_argument("--host", default="0.0.0.0")
    install.add_argument("--port", type=int, default=8000)
    install.add_argument("--user", help="the user the server runs as (default: who runs this command)")
    install.add_argument("--unit-dir", default="/etc/systemd/system", help="where to write loket.service")
    install.add_argument("--no-enable", action="store_true", help="only write the unit; do not run systemctl")


def run(args) -> int:
    """Run one of :data:`COMMANDS`."""
    data_dir = data_folder.data_dir(args.data)
    if args.command == "restore":
        return cmd_restore(args, data_dir)
    return cmd_service_install(args, data_dir)


def _newest_backup(data_dir: Path) -> Path | None:
    from server.config.loader import CONFIG_NAME, load_config
    from server.unattended.backup_schedule import BackupScheduler

    config = load_config(data_dir / CONFIG_NAME)
    copies = BackupScheduler(data_dir, lambda: config, None, None).copies()
    return copies[-1][1] if copies else None


def cmd_restore(args, data_dir: Path) -> int:
    """``loket restore [SOURCE]``: the server must be stopped; the replaced files are kept."""
    from server.unattended.backup import check_copy, restore

    source = Path(args.source) if args.source else _newest_backup(data_dir)
    if source is None:
        print(
            "loket: tidak ada cadangan di folder [backup]; sebutkan foldernya: loket restore FOLDER",
            file=sys.stderr,
        )
        return 1
    try:
        check_copy(source)
    except (OSError, RuntimeError, sqlite3.DatabaseError) as exc:
        print(f"loket: cadangan {source} tidak dapat dipakai: {exc}", file=sys.stderr)
        return 1
    if not args.yes:
        if not sys.stdin.isatty():
            print("loket: tambahkan --yes untuk memulihkan tanpa pertanyaan", file=sys.stderr)
            return 1
        answer = input(
            f"Pulihkan {source} ke {data_dir.resolve()}? Data sekarang disimpan di samping. [y/N] "
        )
        if answer.strip().lower() not in ("y", "ya"):
            print("Dibatalkan.")
            return 1
    data_dir.mkdir(parents=True, exist_ok=True)
    try:
        with data_folder.DataDirLock(data_dir):
            aside = restore(source, data_dir)
    except data_folder.DataDirLocked as exc:
        print(f"loket: hentikan server dulu. {exc}", file=sys.stderr)
        return 1
    print(f"Cadangan {source} dipulihkan ke {data_dir.resolve()}.")
    if aside:
        print(f"Berkas yang diganti disimpan di {aside}.")
    print("Jalankan server lagi (loket serve, atau: sudo systemctl start runtime).")
    return 0


def cmd_service_install(args, data_dir: Path) -> int:
    """``loket service install``: write (and enable) loket.service."""
    from server.config.data_dir import prepare_data_dir
    from server.unattended import service_unit

    prepare_data_dir(data_dir)
    user = args.user or service_unit.default_user()
    try:
        path = service_unit.install(
            data_dir, args.host, args.port, user, Path(args.unit_dir), enable=not args.no_enable
        )
    except PermissionError:
        print(f"loket: tidak dapat menulis ke {args.unit_dir}; jalankan dengan sudo", file=sys.stderr)
        return 1
    except (OSError, subprocess.CalledProcessError) as exc:
        print(f"loket: systemctl gagal: {exc}", file=sys.stderr)
        return 1
    print(f"Unit systemd ditulis: {path} (pengguna {user}, data {data_dir.resolve()}).")
    if args.no_enable:
        print("Aktifkan: sudo systemctl daemon-reload && sudo systemctl enable --now loket")
    else:
        print("Loket kini berjalan dan akan menyala sendiri setiap komputer dinyalakan.")
    return 0
