"""``loket device add NAME --kind kiosk|display|tablet [--data DIR]`` (documented in docs/setup.md)."""

from __future__ import annotations

import argparse

from server.config.data_folder import add_action
from server.devices.registry import KINDS


def add_arguments(commands) -> None:
    """The ``device`` subcommand and its ``add``."""
    add = add_action(
        commands,
        "device",
        "add",
        "enroll the office's kiosks, TVs and counter tablets",
        "enroll a device and print its token once",
    )
    add.add_argument("name")
    add.add_argument("--kind", required=True, choices=KINDS)


def run(args: argparse.Namespace, data_dir) -> int:
    """Enroll the device (the same as approving it in /admin) and print its token once."""
    from server.config.data_dir import DB_NAME, prepare_data_dir
    from server.core.rules import utc_now
    from server.core.storage import Store
    from server.devices.registry import COOKIE, Devices

    prepare_data_dir(data_dir)
    store = Store(data_dir / DB_NAME)
    try:
        device, token = Devices(store).add(args.name, args.kind, utc_now().timestamp(), by="loket device add")
    finally:
        store.close()
    print(f"Perangkat {device['name']} ({device['kind']}) terdaftar. Token (hanya ditampilkan sekali ini):")
    print(token)
    print(f"Pakai sebagai cookie {COOKIE}={token} atau header 'Authorization: Device {token}'.")
    return 0
