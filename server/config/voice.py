"""The ``[voice]`` table of loket.toml, declared like every table (:mod:`server.config.fields`;
no audio libraries imported here)."""

from __future__ import annotations

import string
from dataclasses import dataclass
from typing import ClassVar

from server.config.fields import Section, setting

DEFAULT_TEMPLATE = "Nomor antrian, {prefix}, {number}, silakan menuju {counter}"
PLACEHOLDERS = ("prefix", "number", "counter", "ticket")
NUMBER_READINGS = ("words", "digits")


def check_template(template: str) -> None:
    """Raise ValueError naming the first unknown or malformed placeholder."""
    try:
        parsed = list(string.Formatter().parse(template))
    except ValueError as exc:
        raise ValueError(f"template is malformed ({exc}); write literal braces as {{{{ and }}}}") from None
    for _literal, field, spec, conversion in parsed:
        if field is None:
            continue
        if field not in PLACEHOLDERS:
            shown = "{" + field + "}"
            raise ValueError(
                f"unknown placeholder {shown} (allowed: "
                + ", ".join("{" + p + "}" for p in PLACEHOLDERS)
                + ")"
            )
        if spec or conversion:
            raise ValueError(f"placeholder {{{field}}} must not have a format or conversion")


OUTPUTS = ("display", "server")


def _template(template: str) -> str:
    check_template(template)
    return template


@dataclass(frozen=True)
class VoiceSettings(Section):
    """How calls are announced."""

    TABLE: ClassVar[str] = "voice"

    enabled: bool = setting(True)
    template: str = setting(DEFAULT_TEMPLATE, longest=300, empty=False, check=_template)
    number_reading: str = setting("words", choices=NUMBER_READINGS)
    # A language code ("id") or an espeak voice id ("poz/id").
    voice: str = setting("id", strip=True, empty=False)
    rate: int = setting(150, low=80, high=400, unit="words per minute")
    output: str = setting("display", choices=OUTPUTS)
    chime: bool = setting(True)
