"""The data folder: where it is, what it holds (loket.toml, the database, the secret key) and
making it on first use."""

from __future__ import annotations

import os
import secrets
from dataclasses import replace
from pathlib import Path

from server.config.loader import Config, ensure_config, load_config
from server.config.printer import PrinterSettings

DB_NAME = "loket.db"
SECRET_NAME = "secret.key"


def default_data_dir() -> Path:
    """``$LOKET_DATA``, else ``./loket-data``."""
    return Path(os.environ.get("LOKET_DATA") or "loket-data")


def secret_key(data_dir: Path) -> bytes:
    """This installation's secret key, created once with owner-only permissions."""
    path = data_dir / SECRET_NAME
    if not path.exists():
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "w") as handle:
            handle.write(secrets.token_hex(32))
    os.chmod(path, 0o600)
    return path.read_text().strip().encode()


def prepare_data_dir(data_dir: Path, demo: bool = False) -> Config:
    """Create the data folder and its loket.toml if missing; load and validate the config."""
    data_dir.mkdir(parents=True, exist_ok=True)
    os.chmod(data_dir, 0o700)
    return load_config(ensure_config(data_dir, demo))


def printer_settings(config: Config, data_dir: Path) -> PrinterSettings:
    """The ``[printer]`` settings, a file printer's relative path taken inside the data folder."""
    settings = config.printer
    if settings.kind == "file" and settings.path and not os.path.isabs(settings.path):
        settings = replace(settings, path=str(data_dir / settings.path))
    return settings
