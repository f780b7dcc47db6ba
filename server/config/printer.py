"""The ``[printer]`` table of loket.toml, declared like every table (:mod:`server.config.fields`).

Kept free of python-escpos imports: loading the configuration must stay fast and must not
pull in the printer library (whose import configures the root logger, see ``devices.py``).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import PurePosixPath, PureWindowsPath
from typing import ClassVar

from server.config.fields import Invalid, Section, setting

KINDS = ("none", "file", "network", "usb", "serial")
WIDTHS_MM = (58, 80)
#: Printable dots across the paper for a generic 203 dpi thermal printer.
NOMINAL_DOTS = {58: 384, 80: 576}


def _usb_id(value: int | str) -> int:
    """USB ids may be integers (``0x04b8`` in TOML) or hexadecimal strings (``"04b8"`` or
    ``"0x04b8"``, as ``lsusb`` prints them)."""
    number = value
    if isinstance(value, str):
        try:
            number = int(value.strip().lower().removeprefix("0x"), 16)
        except ValueError:
            raise ValueError(f"must be a USB id such as 0x04b8, not {value!r}") from None
    if not 0 <= number <= 0xFFFF:
        raise ValueError(f"must be a USB id between 0x0000 and 0xffff, not {value!r}")
    return number


def _profile(name: str) -> str:
    if not name:
        raise ValueError(f"must be a python-escpos profile name, not {name!r}")
    known = known_profiles()
    if known and name not in known:
        raise ValueError(f"unknown printer profile {name!r} (known: {', '.join(sorted(known))})")
    return name


def _confined_path(path: str) -> str:
    """A printer path is a device (``/dev/…``, ``COM3``) or a file inside the data folder: the
    admin page must not become a way to write anywhere the server may."""
    if not path:
        return path
    if ".." in set(PurePosixPath(path).parts) | set(PureWindowsPath(path).parts):
        raise ValueError(f"must not contain '..' (got {path!r})")
    absolute = PurePosixPath(path).is_absolute() or PureWindowsPath(path).is_absolute()
    if (absolute or PureWindowsPath(path).drive) and not path.startswith("/dev/"):
        raise ValueError(f"a device under /dev/ or a file name inside the data folder (got {path!r})")
    return path


_USB_ID = "a USB id between 0x0000 and 0xffff"


@dataclass(frozen=True)
class PrinterSettings(Section):
    """Where the ticket printer is and how to talk to it."""

    TABLE: ClassVar[str] = "printer"

    kind: str = setting("none", choices=KINDS)
    host: str = setting("", strip=True, longest=253)  # network
    port: int = setting(9100, low=1, high=65535, must="a whole number")  # network
    # file, serial (e.g. /dev/usb/lp0, /dev/ttyUSB0, COM3)
    path: str = setting("", longest=4096, check=_confined_path)
    vendor_id: int = setting(0, kind=(int, str), must=_USB_ID, check=_usb_id)  # usb
    product_id: int = setting(0, kind=(int, str), must=_USB_ID, check=_usb_id)  # usb
    baudrate: int = setting(9600, low=50, high=4_000_000, must="a whole number")  # serial
    width_mm: int = setting(80, choices=WIDTHS_MM)
    # python-escpos printer profile
    profile: str = setting("TM-T88V", must="a python-escpos profile name", check=_profile)
    # hard limit for one ticket: connect + send
    timeout_seconds: float = setting(
        5.0, low=0.1, high=120, unit="seconds", must="a number of seconds", check=float
    )

    @classmethod
    def settle(cls, values: dict, where: str) -> dict:
        """Each kind of printer needs its own keys."""
        kind = values.get("kind", cls.kind)
        if kind == "network" and not values.get("host"):
            raise Invalid(f"{where}.host: required when kind is network (the printer's IP address)")
        if kind in ("file", "serial") and not values.get("path"):
            example = "/dev/usb/lp0 or a file name" if kind == "file" else "/dev/ttyUSB0 or COM3"
            raise Invalid(f"{where}.path: required when kind is {kind} ({example})")
        for key in ("vendor_id", "product_id"):
            if kind == "usb" and not values.get(key):
                raise Invalid(f"{where}.{key}: required when kind is usb (see lsusb, e.g. 0x04b8)")
        return values

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
