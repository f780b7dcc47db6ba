"""The ``[voice]`` table of loket.toml, validated (no audio libraries imported here)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any

from server.voice.announcement import DEFAULT_TEMPLATE, NUMBER_READINGS, check_template

OUTPUTS = ("display", "server")
RATE_RANGE = (80, 400)


@dataclass(frozen=True)
class VoiceSettings:
    """How calls are announced."""

    enabled: bool = True
    template: str = DEFAULT_TEMPLATE
    number_reading: str = "words"  # or "digits"
    voice: str = "id"  # a language code ("id") or an espeak voice id ("poz/id")
    rate: int = 150  # words per minute
    output: str = "display"  # or "server"
    chime: bool = True

    @classmethod
    def from_mapping(cls, raw: dict[str, Any]) -> VoiceSettings:
        """Build settings from the ``[voice]`` table.

        Raises ``ValueError("voice.<key>: <what is wrong>")`` on the first wrong key or value.
        """
        if not isinstance(raw, dict):
            raise ValueError("voice: must be a table")
        known = [f.name for f in fields(cls)]
        for key in raw:
            if key not in known:
                raise ValueError(f"voice.{key}: unknown key (known: {', '.join(sorted(known))})")
        values: dict[str, Any] = {}
        for key in ("enabled", "chime"):
            if key in raw:
                if not isinstance(raw[key], bool):
                    raise ValueError(f"voice.{key}: must be true or false (got {raw[key]!r})")
                values[key] = raw[key]
        for key in ("template", "number_reading", "voice", "output"):
            if key in raw and not isinstance(raw[key], str):
                raise ValueError(f"voice.{key}: must be a string (got {raw[key]!r})")
        if "template" in raw:
            template = raw["template"]
            if not template.strip():
                raise ValueError("voice.template: must not be empty")
            try:
                check_template(template)
            except ValueError as exc:
                raise ValueError(f"voice.template: {exc}") from None
            values["template"] = template
        if "number_reading" in raw:
            if raw["number_reading"] not in NUMBER_READINGS:
                raise ValueError(
                    f'voice.number_reading: must be "words" or "digits" (got {raw["number_reading"]!r})'
                )
            values["number_reading"] = raw["number_reading"]
        if "output" in raw:
            if raw["output"] not in OUTPUTS:
                raise ValueError(f'voice.output: must be "display" or "server" (got {raw["output"]!r})')
            values["output"] = raw["output"]
        if "voice" in raw:
            voice = raw["voice"].strip()
            if not voice:
                raise ValueError('voice.voice: must not be empty (e.g. "id")')
            values["voice"] = voice
        if "rate" in raw:
            rate = raw["rate"]
            if isinstance(rate, bool) or not isinstance(rate, int):
                raise ValueError(f"voice.rate: must be an integer (got {rate!r})")
            low, high = RATE_RANGE
            if not low <= rate <= high:
                raise ValueError(
                    f"voice.rate: must be between {low} and {high} words per minute (got {rate})"
                )
            values["rate"] = rate
        return cls(**values)
