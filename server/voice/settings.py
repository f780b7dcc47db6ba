"""The ``[voice]`` table of loket.toml, declared like every table (:mod:`server.config.fields`;
no audio libraries imported here)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

from server.config.fields import Section, setting
from server.voice.announcement import DEFAULT_TEMPLATE, NUMBER_READINGS, check_template

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
