"""``loket service install``: a systemd unit that starts Loket at boot and restarts it if it dies.

After a power cut the PC boots, systemd starts ``loket serve``, and the kiosk and TV browsers
(started by their own autostart, see docs/running.md) reconnect by themselves: the room comes back
without anyone touching a keyboard.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

UNIT_NAME = "loket.service"
SYSTEM_UNIT_DIR = Path("/etc/systemd/system")


def unit_text(data_dir: Path, host: str, port: int, user: str, python: str = sys.executable) -> str:
    """The unit file's text."""
    data_dir = data_dir.resolve()
    command = shlex.join(
        [python, "-m", "server", "serve", "--data", str(data_dir), "--host", host, "--port", str(port)]
    )
    return f"""\
# Loket queue server. Written by `loket service install`; run it again to change it.
[Unit]
Description=Loket antrian PTSP
Wants=network-online.target
After=network-online.target time-sync.target

[Service]
Type=simple
User={user}
WorkingDirectory={data_dir}
Environment=PYTHONUNBUFFERED=1
ExecStart={command}
# Up again within seconds if it ever dies; SIGTERM lets it finish its writes and exit.
Restart=always
RestartSec=3
# Every screen, console and phone holds a connection: room for them above the server's cap.
LimitNOFILE=8192
KillSignal=SIGTERM
TimeoutStopSec=30

[Install]
WantedBy=multi-user.target
"""


def default_user() -> str:
    """Whoever ran the command (through sudo too): the data folder's owner."""
    return os.environ.get("SUDO_USER") or os.environ.get("USER") or "root"


def install(
    data_dir: Path,
    host: str,
    port: int,
    user: str,
    unit_dir: Path = SYSTEM_UNIT_DIR,
    enable: bool = True,
    run: Callable[[list[str]], object] | None = None,
) -> Path:
    """Write the unit into ``unit_dir``; with ``enable``, reload systemd and enable and start it
    (``run`` runs each systemctl command; raises on failure)."""
    unit_dir.mkdir(parents=True, exist_ok=True)
    path = unit_dir / UNIT_NAME
    path.write_text(unit_text(data_dir, host, port, user), encoding="utf-8")
    os.chmod(path, 0o644)
    if enable:
        run = run or (lambda command: subprocess.run(command, check=True))
        run(["systemctl", "daemon-reload"])
        run(["systemctl", "enable", "--now", UNIT_NAME])
    return path
