"""The office configuration: ``loket.toml`` in the data folder.

The file is created from the default office (``default_office.toml`` beside this module) on first
start. Loading validates every key and raises :class:`ConfigError` naming the key and what is
wrong, so the server never starts on a half-understood file.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from server.config.backup import BackupSettings
from server.config.errors import ConfigError
from server.config.fields import Invalid, Section
from server.config.printer import PrinterSettings
from server.config.sections import (
    DisplaySettings,
    Hours,
    Office,
    QueueSettings,
    SecuritySettings,
    SurveySettings,
)
from server.config.services import Counter, Service, parse_counters, parse_services
from server.config.voice import VoiceSettings

CONFIG_NAME = "loket.toml"

#: The single tables of loket.toml (``[[services]]`` and ``[[counters]]`` are lists of tables).
TABLES: dict[str, type[Section]] = {
    section.TABLE: section
    for section in (
        Office,
        QueueSettings,
        PrinterSettings,
        VoiceSettings,
        SecuritySettings,
        SurveySettings,
        BackupSettings,
        DisplaySettings,
    )
}

#: The demo office is open every day, all day, and prints to a file.
_DEMO = (
    ('hours = "07:30-16:00"', 'hours = "00:00-24:00"'),
    (
        'days = ["mon", "tue", "wed", "thu", "fri"]',
        'days = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]',
    ),
    ('kind = "none"\nwidth_mm = 80\n', 'kind = "file"\nwidth_mm = 80\npath = "printer-output.bin"\n'),
)


def default_toml(demo: bool = False) -> str:
    """The default office; a demo office is open every day, all day, and prints to a file."""
    text = (resources.files(__package__) / "default_office.toml").read_text(encoding="utf-8")
    for old, new in _DEMO if demo else ():
        text = text.replace(old, new, 1)
    return text


@dataclass(frozen=True)
class Config:
    """The whole of loket.toml, validated."""

    office: Office
    services: tuple[Service, ...]
    counters: tuple[Counter, ...]
    queue: QueueSettings = field(default_factory=QueueSettings)
    printer: PrinterSettings = field(default_factory=PrinterSettings)
    voice: VoiceSettings = field(default_factory=VoiceSettings)
    display: DisplaySettings = field(default_factory=DisplaySettings)
    security: SecuritySettings = field(default_factory=SecuritySettings)
    survey: SurveySettings = field(default_factory=SurveySettings)
    backup: BackupSettings = field(default_factory=BackupSettings)
    retired: tuple[Service, ...] = ()  # retired services: only reports still name them

    @property
    def all_services(self) -> tuple[Service, ...]:
        """The services in use and the retired ones (for reports of past periods)."""
        return self.services + self.retired

    def service(self, code: str) -> Service | None:
        """The service with this code, retired or not, or None."""
        return next((s for s in self.all_services if s.code == code), None)

    def counter(self, counter_id: int) -> Counter | None:
        """The counter with this loket number, or None."""
        return next((c for c in self.counters if c.id == counter_id), None)

    def hours_for(self, service: Service) -> Hours:
        """A service's own hours, else the office's."""
        return service.hours or self.office.hours


def ensure_config(data_dir: Path, demo: bool = False) -> Path:
    """Create ``loket.toml`` with the default office if it is missing; return its path."""
    path = data_dir / CONFIG_NAME
    if not path.exists():
        path.write_text(default_toml(demo), encoding="utf-8")
    return path


def load_config(path: Path) -> Config:
    """Read and validate ``loket.toml``; raise ConfigError naming the key on any problem."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{path}: file not found") from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not valid TOML: {exc}") from None
    return parse_config(raw, source=str(path))


def parse_config(raw: dict, source: str = "loket.toml") -> Config:
    """Validate the parsed TOML mapping and build a Config."""
    try:
        return _parse(raw)
    except Invalid as exc:
        raise ConfigError(f"{source}: {exc}") from None


def validate_section(name: str, raw: dict) -> Section:
    """One single table of loket.toml (``"office"``, ``"voice"``, …), checked as loading the file
    checks it; ConfigError names the key ("voice.rate: ..."), or the table when it is unknown."""
    section = TABLES.get(name)
    if section is None:
        raise ConfigError(f"{name}: unknown table (known: {', '.join(TABLES)})")
    try:
        return section.from_mapping(raw)
    except Invalid as exc:
        raise ConfigError(str(exc)) from None


def _parse(raw: dict) -> Config:
    for name in raw:
        if name not in (*TABLES, "services", "counters"):
            raise Invalid(f"{name}: unknown key (known: {', '.join([*TABLES, 'services', 'counters'])})")
    if "office" not in raw:
        raise Invalid("office: the [office] table is required")
    for name in ("services", "counters"):
        if name not in raw:
            raise Invalid(f"{name}: is required")
        if not isinstance(raw[name], list):
            raise Invalid(f"{name}: must be a list of tables ([[{name}]])")
    office = Office.from_mapping(raw["office"])
    services, retired = parse_services(raw["services"])
    counters = parse_counters(raw["counters"], services, retired)
    tables = {
        name: section.from_mapping(raw.get(name, {}))
        for name, section in TABLES.items()
        if section is not Office
    }
    return Config(office=office, services=services, counters=counters, retired=retired, **tables)
