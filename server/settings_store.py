"""Saving the office configuration edited by the admin back to ``loket.toml``.

The admin edits a TOML-shaped mapping; it is validated by the same parser that reads the file at
start-up, then written atomically (temporary file + rename), so a bad edit never reaches the disk
and a crash mid-write never leaves half a file.
"""

from __future__ import annotations

import dataclasses
import os
import tempfile
from pathlib import Path

import tomli_w

from server.config import WEEKDAYS, Config, Hours, parse_config

HEADER = (
    "# Loket: configuration of this office. Every key is described in the README.\n"
    "# Written by the admin page; you may also edit it by hand and restart the server.\n\n"
)


def hours_text(hours: Hours) -> str:
    """Hours back to their "07:30-16:00" form."""
    closes = hours.closes.strftime("%H:%M") if hours.closes else "24:00"
    return f"{hours.opens.strftime('%H:%M')}-{closes}"


def config_to_raw(config: Config) -> dict:
    """The TOML-shaped mapping of a Config (what loket.toml would hold)."""
    office = config.office
    services = []
    for service in config.services:
        item = {
            "code": service.code, "name": service.name, "description": service.description,
            "standard_wait_minutes": service.standard_wait_minutes,
            "standard_service_minutes": service.standard_service_minutes,
            "daily_quota": service.daily_quota, "enabled": service.enabled,
        }
        if service.hours is not None:
            item["hours"] = hours_text(service.hours)
        services.append(item)
    return {
        "office": {
            "name": office.name, "short_name": office.short_name, "timezone": office.timezone,
            "hours": hours_text(office.hours), "days": [WEEKDAYS[d] for d in office.days],
            "running_text": office.running_text, "head_name": office.head_name, "head_nip": office.head_nip,
        },
        "queue": dataclasses.asdict(config.queue),
        "printer": dataclasses.asdict(config.printer),
        "voice": dataclasses.asdict(config.voice),
        "security": {**dataclasses.asdict(config.security), "allowed_hosts": list(config.security.allowed_hosts)},
        "survey": {"mode": config.survey.mode},
        "display": {"media": list(config.display.media), "slide_seconds": config.display.slide_seconds},
        "services": services,
        "counters": [
            {"id": c.id, "name": c.name, "services": list(c.services)} for c in config.counters
        ],
    }


def save_config(path: Path, raw: dict) -> Config:
    """Validate ``raw`` (ConfigError naming the key) and write it to ``path`` atomically."""
    config = parse_config(raw, source=path.name)
    text = HEADER + tomli_w.dumps(_clean(raw))
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".loket.toml.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return config


def _clean(value):
    """Drop None values, which TOML cannot hold."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
