"""The ``[printer]`` table of loket.toml, validated.

Kept free of python-escpos imports: loading the configuration must stay fast and must not
pull in the printer library (whose import configures the root logger, see ``devices.py``).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, fields
from functools import lru_cache
from importlib import resources
from typing import Any

KINDS = ("none", "file", "network", "usb", "serial")
WIDTHS_MM = (58, 80)
#: Printable dots across the paper for a generic 203 dpi thermal printer.
NOMINAL_DOTS = {58: 384, 80: 576}


@dataclass(frozen=True)
class PrinterSettings:
    """Where the ticket printer is and how to talk to it."""

    kind: str = "none"  # none | file | network | usb | serial
    host: str = ""  # network
    port: int = 9100  # network
    path: str = ""  # file, serial (e.g. /dev/usb/lp0, /dev/ttyUSB0, COM3)
    vendor_id: int = 0  # usb
    product_id: int = 0  # usb
    baudrate: int = 9600  # serial
    width_mm: int = 80  # 58 or 80
    profile: str = "TM-T88V"  # python-escpos printer profile
    timeout_seconds: float = 5.0  # hard limit for one ticket: connect + send

    @classmethod
    def from_mapping(cls, raw: dict[str, Any]) -> PrinterSettings:
        """Build settings from the ``[printer]`` table.

        Raises ``ValueError("printer.<key>: <what is wrong>")`` on the first wrong value.
        USB ids may be integers (``0x04b8`` in TOML) or hexadecimal strings (``"04b8"`` or
        ``"0x04b8"``, as ``lsusb`` prints them).
        """
        if not isinstance(raw, dict):
            raise ValueError("printer: must be a table")
        known = {f.name for f in fields(cls)}
        for key in raw:
            if key not in known:
                raise ValueError(f"printer.{key}: unknown key (known: {', '.join(sorted(known))})")
        values = {
            "kind": _choice(raw, "kind", KINDS, cls.kind),
            "host": _text(raw, "host").strip(),
            "port": _integer(raw, "port", cls.port, 1, 65535),
            "path": _text(raw, "path"),
            "vendor_id": _usb_id(raw, "vendor_id"),
            "product_id": _usb_id(raw, "product_id"),
            "baudrate": _integer(raw, "baudrate", cls.baudrate, 50, 4_000_000),
            "width_mm": _choice(raw, "width_mm", WIDTHS_MM, cls.width_mm),
            "profile": _profile(raw),
            "timeout_seconds": _seconds(raw, "timeout_seconds", cls.timeout_seconds),
        }
        _require_for_kind(values)
        return cls(**values)

    @property
    def dots(self) -> int:
        """Width of the ticket image in printer dots.

        384 (58 mm) or 576 (80 mm) at 203 dpi, unless the printer profile says the printer
        prints fewer dots (an Epson TM-T88V prints 512 at 180 dpi): an image wider than the
        profile allows is refused by python-escpos.
        """
        nominal = NOMINAL_DOTS[self.width_mm]
        profile_dots = profile_width_dots(self.profile)
        return min(nominal, profile_dots) if profile_dots else nominal

    def describe(self) -> str:
        """Where the printer is, in a few words, for messages and logs."""
        if self.kind == "network":
            return f"{self.host}:{self.port}"
        if self.kind == "usb":
            return f"USB {self.vendor_id:04x}:{self.product_id:04x}"
        if self.kind in ("file", "serial"):
            return self.path
        return "tidak dipasang"


def _text(raw: dict, key: str) -> str:
    value = raw.get(key, "")
    if not isinstance(value, str):
        raise ValueError(f"printer.{key}: must be a string, not {value!r}")
    return value


def _choice(raw: dict, key: str, allowed: tuple, default):
    value = raw.get(key, default)
    if isinstance(value, bool) or value not in allowed:
        choices = " | ".join(str(choice) for choice in allowed)
        raise ValueError(f"printer.{key}: must be one of {choices}, not {value!r}")
    return value


def _integer(raw: dict, key: str, default: int, low: int, high: int) -> int:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"printer.{key}: must be a whole number, not {value!r}")
    if not low <= value <= high:
        raise ValueError(f"printer.{key}: must be between {low} and {high}, not {value}")
    return value


def _seconds(raw: dict, key: str, default: float) -> float:
    value = raw.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise ValueError(f"printer.{key}: must be a number of seconds, not {value!r}")
    if not 0.1 <= value <= 120:
        raise ValueError(f"printer.{key}: must be between 0.1 and 120 seconds, not {value}")
    return float(value)


def _usb_id(raw: dict, key: str) -> int:
    value = raw.get(key, 0)
    if isinstance(value, str):
        text = value.strip().lower().removeprefix("0x")
        try:
            value = int(text, 16)
        except ValueError:
            raise ValueError(f"printer.{key}: must be a USB id such as 0x04b8, not {raw[key]!r}") from None
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 0xFFFF:
        raise ValueError(f"printer.{key}: must be a USB id between 0x0000 and 0xffff, not {raw[key]!r}")
    return value


def _profile(raw: dict) -> str:
    value = raw.get("profile", PrinterSettings.profile)
    if not isinstance(value, str) or not value:
        raise ValueError(f"printer.profile: must be a python-escpos profile name, not {value!r}")
    known = known_profiles()
    if known and value not in known:
        raise ValueError(
            f"printer.profile: unknown printer profile {value!r} (known: {', '.join(sorted(known))})"
        )
    return value


def _confined_path(path: str) -> None:
    """A printer path is a device (``/dev/…``, ``COM3``) or a file inside the data folder: the
    admin page must not become a way to write anywhere the server may."""
    from pathlib import PurePosixPath, PureWindowsPath

    if not path:
        return
    parts = set(PurePosixPath(path).parts) | set(PureWindowsPath(path).parts)
    if ".." in parts:
        raise ValueError(f"printer.path: must not contain '..' (got {path!r})")
    if (
        PurePosixPath(path).is_absolute()
        or PureWindowsPath(path).is_absolute()
        or PureWindowsPath(path).drive
    ):
        if not path.startswith("/dev/"):
            raise ValueError(
                f"printer.path: a device under /dev/ or a file name inside the data folder (got {path!r})"
            )


def _require_for_kind(values: dict) -> None:
    kind = values["kind"]
    _confined_path(values["path"])
    if kind == "network" and not values["host"]:
        raise ValueError("printer.host: required when kind is network (the printer's IP address)")
    if kind in ("file", "serial") and not values["path"]:
        example = "/dev/usb/lp0 or a file name" if kind == "file" else "/dev/ttyUSB0 or COM3"
        raise ValueError(f"printer.path: required when kind is {kind} ({example})")
    if kind == "usb":
        for key in ("vendor_id", "product_id"):
            if not values[key]:
                raise ValueError(f"printer.{key}: required when kind is usb (see lsusb, e.g. 0x04b8)")


@lru_cache(maxsize=1)
def _profiles() -> dict:
    """python-escpos's printer database, read as data (importing the library is slower)."""
    try:
        text = (resources.files("escpos") / "capabilities.json").read_text(encoding="utf-8")
        return json.loads(text).get("profiles", {})
    except (ImportError, OSError, ValueError):
        return {}


def known_profiles() -> frozenset[str]:
    """Names of the printer profiles python-escpos knows (empty if it is not installed)."""
    return frozenset(_profiles())


def profile_width_dots(profile: str) -> int | None:
    """The printable width in dots a profile declares, or None when it does not say."""
    pixels = _profiles().get(profile, {}).get("media", {}).get("width", {}).get("pixels")
    return pixels if isinstance(pixels, int) and pixels > 0 else None
