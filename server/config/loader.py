"""The office configuration: ``loket.toml`` in the data folder.

The file is created from :data:`DEFAULT_TOML` on first start. Loading validates every key and
raises :class:`ConfigError` naming the key and what is wrong, so the server never starts on a
half-understood file.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from datetime import time
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.core.errors import ConfigError
from server.printing.settings import PrinterSettings
from server.unattended.backup_settings import BackupSettings
from server.voice.settings import VoiceSettings

CONFIG_NAME = "loket.toml"
WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]
_HOURS_RE = re.compile(r"^(\d{2}):(\d{2})-(\d{2}):(\d{2})$")

DEFAULT_TOML = """\
# Loket: configuration of this office. Every key is described in the README.
# Restart the server after editing this file.

[office]
name = "PTSP Kantor Kementerian Agama Kabupaten Pekalongan"
short_name = "PTSP Kemenag Kab. Pekalongan"
timezone = "Asia/Jakarta"
# Opening hours for taking a number, and the days the office is open.
hours = "{hours}"
days = {days}
# The head of office, for the signature block of the printed monthly report.
head_name = ""
head_nip = ""
running_text = "Selamat datang di PTSP Kantor Kementerian Agama Kabupaten Pekalongan. Layanan tanpa biaya. Laporkan pungutan liar melalui layanan Pengaduan Masyarakat."

[queue]
# At most this many priority visitors are called in a row by one counter while regular
# visitors wait, so that the regular queue never starves.
max_priority_in_row = 3
# How many times a skipped (no-show) ticket goes back to the end of the queue before it is
# closed as "tidak hadir". 0 closes it at once.
skip_returns = 1
# How long (seconds) a called number stays highlighted on the display.
highlight_seconds = 30
# At most this many numbers a minute from one kiosk (one address): more is a stuck button or a
# flood, and is refused with a clear message. 0 = no limit.
kiosk_limit_per_minute = 30

[printer]
# none | file | network | usb | serial
kind = "{printer_kind}"
width_mm = 80
{printer_extra}
[display]
# Images or videos for the TV's media area, as file names in the data folder's media/ folder,
# e.g. media = ["brosur-haji.jpg", "profil-kantor.mp4"]. Empty: the TV shows how to queue.
media = []
slide_seconds = 10

[survey]
# "ikm": the nine elements of PermenPAN-RB 14/2017 (1-4); "smiley": one four-face rating;
# "": nine elements on the visitor's phone, smileys on the counter tablet.
mode = ""

[security]
# A signed-in officer, supervisor or admin who does nothing for this long signs in again.
idle_minutes = 30

[voice]
enabled = true
template = "Nomor antrian, {{prefix}}, {{number}}, silakan menuju {{counter}}"
# words ("dua belas") or digits ("nol satu dua")
number_reading = "words"
# display: the TV page plays the audio; server: this PC's own speaker plays it
output = "display"

[backup]
# A daily copy of the database at closing (and at start-up when the newest is older than a day).
# folder: a USB disk or a second drive (absolute), or a folder inside the data folder.
folder = "backups"
# How many daily copies are kept; older ones are deleted.
keep = 14

[[services]]
code = "A"
name = "Perizinan & Rekomendasi"
description = "Izin, rekomendasi, legalisasi"
standard_wait_minutes = 15
standard_service_minutes = 15
daily_quota = 0

[[services]]
code = "B"
name = "Haji & Umrah"
description = "Pendaftaran, pelimpahan, rekomendasi paspor"
standard_wait_minutes = 15
standard_service_minutes = 25
daily_quota = 0

[[services]]
code = "C"
name = "Pendidikan Madrasah, Pontren & PAI"
description = "Madrasah, pondok pesantren, pendidikan agama Islam"
standard_wait_minutes = 15
standard_service_minutes = 15
daily_quota = 0

[[services]]
code = "D"
name = "Bimas Islam, Zakat & Wakaf"
description = "Bimbingan masyarakat Islam, zakat, wakaf"
standard_wait_minutes = 15
standard_service_minutes = 15
daily_quota = 0

[[services]]
code = "E"
name = "Informasi Bantuan & Beasiswa"
description = "Informasi bantuan dan beasiswa"
standard_wait_minutes = 10
standard_service_minutes = 10
daily_quota = 0

[[services]]
code = "F"
name = "Pengaduan Masyarakat"
description = "Pengaduan, saran dan masukan"
standard_wait_minutes = 10
standard_service_minutes = 20
daily_quota = 0

[[counters]]
id = 1
name = "Loket 1"
services = ["A", "C"]

[[counters]]
id = 2
name = "Loket 2"
services = ["B"]

[[counters]]
id = 3
name = "Loket 3"
services = ["D", "E"]

[[counters]]
id = 4
name = "Loket 4"
services = ["F", "E", "A"]
"""


def default_toml(demo: bool = False) -> str:
    """The default office; a demo office is open every day, all day, and prints to a file."""
    if demo:
        return DEFAULT_TOML.format(
            hours="00:00-24:00",
            days='["mon", "tue", "wed", "thu", "fri", "sat", "sun"]',
            printer_kind="file",
            printer_extra='path = "printer-output.bin"\n',
        )
    return DEFAULT_TOML.format(
        hours="07:30-16:00",
        days='["mon", "tue", "wed", "thu", "fri"]',
        printer_kind="none",
        printer_extra="",
    )


@dataclass(frozen=True)
class Hours:
    """Daily opening hours; ``closes`` may be 24:00 (represented as ``None``)."""

    opens: time
    closes: time | None

    def contains(self, moment: time) -> bool:
        """True when ``moment`` (local) is inside the hours."""
        if moment < self.opens:
            return False
        return self.closes is None or moment < self.closes

    @property
    def label_opens(self) -> str:
        """Opening time as the office writes it (08.00)."""
        return self.opens.strftime("%H.%M")


@dataclass(frozen=True)
class Service:
    code: str
    name: str
    standard_wait_minutes: float
    standard_service_minutes: float
    description: str = ""
    daily_quota: int = 0
    enabled: bool = True
    hours: Hours | None = None
    retired: bool = False


@dataclass(frozen=True)
class Counter:
    id: int
    name: str
    services: tuple[str, ...]


@dataclass(frozen=True)
class Office:
    name: str
    timezone: str
    hours: Hours
    days: tuple[int, ...]
    short_name: str = ""
    running_text: str = ""
    head_name: str = ""
    head_nip: str = ""

    @property
    def tz(self) -> ZoneInfo:
        """The office's time zone."""
        return ZoneInfo(self.timezone)


@dataclass(frozen=True)
class QueueSettings:
    max_priority_in_row: int = 3
    skip_returns: int = 1
    highlight_seconds: int = 30
    kiosk_limit_per_minute: int = 30


@dataclass(frozen=True)
class SurveySettings:
    """The satisfaction survey: "ikm" (nine elements, 1–4), "smiley" (one four-face rating), or
    "" for the usual split (nine elements on the phone, smileys on the counter tablet)."""

    mode: str = ""


@dataclass(frozen=True)
class SecuritySettings:
    """Sessions: a signed-in user who does nothing for ``idle_minutes`` must sign in again.
    Anonymous clients (visitors' phones; not enrolled devices, not staff): at most
    ``sockets_per_address`` open Socket.IO connections from one address and
    ``anonymous_sockets`` in all; any client at most ``connections_per_address`` TCP connections
    and the server ``max_connections``."""

    idle_minutes: int = 30
    sockets_per_address: int = 200
    anonymous_sockets: int = 3000
    connections_per_address: int = 1000
    max_connections: int = 5000
    trusted_proxies: int = 0
    secure_cookies: bool = False
    allowed_hosts: tuple[str, ...] = ()


MEDIA_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".mp4", ".webm")


@dataclass(frozen=True)
class DisplaySettings:
    """The waiting-room TV: optional media (files in the data folder's ``media/``)."""

    media: tuple[str, ...] = ()
    slide_seconds: int = 10

    @property
    def media_urls(self) -> list[str]:
        """Where the display fetches each media file."""
        return [f"/media/{name}" for name in self.media]


@dataclass(frozen=True)
class Config:
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
    except ConfigError as exc:
        raise ConfigError(f"{source}: {exc}") from None


#: The longest text a setting may hold (names end up on a TV, a ticket and the report).
TEXT_LIMIT = 120
TEXT_LIMITS = {"running_text": 500, "template": 300, "description": 300}


class _Table:
    """Typed access to one TOML table that names the key in every error."""

    def __init__(self, data, where: str):
        if not isinstance(data, dict):
            raise ConfigError(f"{where}: must be a table")
        self.data = data
        self.where = where

    def key(self, name: str) -> str:
        return f"{self.where}.{name}"

    def get(self, name, kind, default=None, required=False):
        if name not in self.data:
            if required:
                raise ConfigError(f"{self.key(name)}: is required")
            return default
        value = self.data[name]
        ok = isinstance(value, kind) and not (kind is not bool and isinstance(value, bool))
        if kind is float:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        if not ok:
            raise ConfigError(f"{self.key(name)}: must be {_KIND_NAMES.get(kind, kind.__name__)}")
        longest = TEXT_LIMITS.get(name, TEXT_LIMIT)
        if isinstance(value, str) and len(value) > longest:
            raise ConfigError(f"{self.key(name)}: at most {longest} characters (got {len(value)})")
        if isinstance(value, float) and value != value or value in (float("inf"), float("-inf")):
            raise ConfigError(f"{self.key(name)}: must be a finite number")
        return value

    def non_negative(self, name, default, integer=False, maximum=None):
        value = self.get(name, int if integer else float, default)
        if value < 0:
            raise ConfigError(f"{self.key(name)}: must not be negative (got {value})")
        if maximum is not None and value > maximum:
            raise ConfigError(f"{self.key(name)}: must be at most {maximum} (got {value})")
        return value

    def reject_unknown(self, allowed: set[str]):
        for name in self.data:
            if name not in allowed:
                raise ConfigError(f"{self.key(name)}: unknown key")


_KIND_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list"}


def _parse_hours(value: str, key: str) -> Hours:
    match = _HOURS_RE.match(value.strip())
    if not match:
        raise ConfigError(f'{key}: must look like "07:30-16:00" (got {value!r})')
    h1, m1, h2, m2 = (int(g) for g in match.groups())
    if h1 > 23 or m1 > 59 or m2 > 59 or h2 > 24 or (h2 == 24 and m2 != 0):
        raise ConfigError(f"{key}: not a valid time range (got {value!r})")
    opens = time(h1, m1)
    closes = None if h2 == 24 else time(h2, m2)
    if closes is not None and closes <= opens:
        raise ConfigError(f"{key}: closing time must be after opening time (got {value!r})")
    return Hours(opens, closes)


def _parse_office(raw) -> Office:
    table = _Table(raw, "office")
    table.reject_unknown(
        {"name", "short_name", "timezone", "hours", "days", "running_text", "head_name", "head_nip"}
    )
    name = table.get("name", str, required=True).strip()
    if not name:
        raise ConfigError("office.name: must not be empty")
    timezone = table.get("timezone", str, "Asia/Jakarta")
    try:
        ZoneInfo(timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"office.timezone: unknown time zone {timezone!r}") from None
    days = table.get("days", list, WEEKDAYS[:5])
    bad = [d for d in days if d not in WEEKDAYS]
    if bad:
        raise ConfigError(f"office.days: unknown day {bad[0]!r} (use {', '.join(WEEKDAYS)})")
    return Office(
        name=name,
        short_name=table.get("short_name", str, name),
        timezone=timezone,
        hours=_parse_hours(table.get("hours", str, "07:30-16:00"), "office.hours"),
        days=tuple(sorted({WEEKDAYS.index(d) for d in days})),
        running_text=table.get("running_text", str, ""),
        head_name=table.get("head_name", str, ""),
        head_nip=table.get("head_nip", str, ""),
    )


def _parse_service(raw, index: int) -> Service:
    table = _Table(raw, f"services[{index}]")
    table.reject_unknown(
        {
            "code",
            "name",
            "description",
            "standard_wait_minutes",
            "standard_service_minutes",
            "daily_quota",
            "enabled",
            "hours",
            "retired",
        }
    )
    code = table.get("code", str, required=True)
    if not re.fullmatch(r"[A-Z]", code):
        raise ConfigError(f"{table.key('code')}: must be one capital letter A-Z (got {code!r})")
    name = table.get("name", str, required=True).strip()
    if not name:
        raise ConfigError(f"{table.key('name')}: must not be empty")
    hours = table.get("hours", str)
    return Service(
        code=code,
        name=name,
        description=table.get("description", str, ""),
        # A standard is minutes of one day at most; beyond that no report could compare with it.
        standard_wait_minutes=table.non_negative("standard_wait_minutes", 15, maximum=1440),
        standard_service_minutes=table.non_negative("standard_service_minutes", 15, maximum=1440),
        daily_quota=table.non_negative("daily_quota", 0, integer=True, maximum=100000),
        enabled=table.get("enabled", bool, True),
        hours=_parse_hours(hours, table.key("hours")) if hours is not None else None,
        retired=table.get("retired", bool, False),
    )


def _parse_counter(raw, index: int, codes: set[str], retired: frozenset | set = frozenset()) -> Counter:
    table = _Table(raw, f"counters[{index}]")
    table.reject_unknown({"id", "name", "services"})
    counter_id = table.get("id", int, required=True)
    if counter_id < 1:
        raise ConfigError(f"{table.key('id')}: must be a loket number from 1 (got {counter_id})")
    services = table.get("services", list, required=True)
    for code in services:
        if code in retired:
            raise ConfigError(f"{table.key('services')}: service {code!r} is retired")
        if code not in codes:
            raise ConfigError(f"{table.key('services')}: unknown service {code!r}")
    if not services:
        raise ConfigError(f"{table.key('services')}: must list at least one service")
    return Counter(counter_id, table.get("name", str, f"Loket {counter_id}"), tuple(services))


def _parse(raw: dict) -> Config:
    top = _Table(raw, "loket.toml")
    top.reject_unknown(
        {
            "office",
            "queue",
            "printer",
            "voice",
            "display",
            "security",
            "survey",
            "services",
            "counters",
            "backup",
        }
    )
    if "office" not in raw:
        raise ConfigError("office: the [office] table is required")
    office = _parse_office(raw["office"])
    services_raw = top.get("services", list, required=True)
    if not services_raw:
        raise ConfigError("services: must define at least one service")
    every_service = tuple(_parse_service(s, i) for i, s in enumerate(services_raw))
    _no_duplicates([s.code for s in every_service], "services", "code")
    # A retired service is kept for the reports (its name and standards) and nothing else.
    services = tuple(s for s in every_service if not s.retired)
    if not services:
        raise ConfigError("services: at least one service must not be retired")
    codes = {s.code for s in services}
    retired_codes = {s.code for s in every_service if s.retired}
    counters = tuple(
        _parse_counter(c, i, codes, retired_codes)
        for i, c in enumerate(top.get("counters", list, required=True))
    )
    _no_duplicates([c.id for c in counters], "counters", "id")
    queue = _Table(raw.get("queue", {}), "queue")
    queue.reject_unknown(
        {"max_priority_in_row", "skip_returns", "highlight_seconds", "kiosk_limit_per_minute"}
    )
    settings = QueueSettings(
        max_priority_in_row=queue.non_negative("max_priority_in_row", 3, integer=True, maximum=100),
        skip_returns=queue.non_negative("skip_returns", 1, integer=True, maximum=10),
        highlight_seconds=queue.non_negative("highlight_seconds", 30, integer=True, maximum=3600),
        kiosk_limit_per_minute=queue.non_negative("kiosk_limit_per_minute", 30, integer=True, maximum=100000),
    )
    return Config(
        office=office,
        services=services,
        counters=counters,
        retired=tuple(s for s in every_service if s.retired),
        queue=settings,
        printer=_adapter(PrinterSettings, raw.get("printer", {}), "printer"),
        voice=_adapter(VoiceSettings, raw.get("voice", {}), "voice"),
        display=_parse_display(raw.get("display", {})),
        security=_parse_security(raw.get("security", {})),
        survey=_parse_survey(raw.get("survey", {})),
        backup=_adapter(BackupSettings, raw.get("backup", {}), "backup"),
    )


def _parse_survey(raw) -> SurveySettings:
    table = _Table(raw, "survey")
    table.reject_unknown({"mode"})
    mode = table.get("mode", str, "")
    if mode not in ("", "ikm", "smiley"):
        raise ConfigError(f'survey.mode: must be "ikm", "smiley" or "" (got {mode!r})')
    return SurveySettings(mode)


def _parse_security(raw) -> SecuritySettings:
    table = _Table(raw, "security")
    limits = ("sockets_per_address", "anonymous_sockets", "connections_per_address", "max_connections")
    table.reject_unknown({"idle_minutes", "trusted_proxies", "secure_cookies", "allowed_hosts", *limits})
    minutes = table.get("idle_minutes", int, 30)
    if minutes < 1:
        raise ConfigError(f"security.idle_minutes: must be at least 1 (got {minutes})")
    values = {}
    for name in limits:
        values[name] = table.get(name, int, getattr(SecuritySettings, name))
        if values[name] < 1:
            raise ConfigError(f"security.{name}: must be at least 1 (got {values[name]})")
    values["trusted_proxies"] = table.non_negative("trusted_proxies", 0, integer=True)
    values["secure_cookies"] = table.get("secure_cookies", bool, False)
    hosts = table.get("allowed_hosts", list, [])
    if not all(isinstance(h, str) and h and len(h) <= 253 for h in hosts):
        raise ConfigError('security.allowed_hosts: must be a list of host names, e.g. ["loket.kantor.go.id"]')
    values["allowed_hosts"] = tuple(h.lower() for h in hosts)
    return SecuritySettings(minutes, **values)


def _parse_display(raw) -> DisplaySettings:
    table = _Table(raw, "display")
    table.reject_unknown({"media", "slide_seconds"})
    media = table.get("media", list, [])
    for name in media:
        if not isinstance(name, str) or "/" in name or "\\" in name or name.startswith("."):
            raise ConfigError(f"display.media: {name!r} must be a file name inside the data folder's media/")
        if not name.lower().endswith(MEDIA_SUFFIXES):
            raise ConfigError(
                f"display.media: {name!r} is not an image or video ({', '.join(MEDIA_SUFFIXES)})"
            )
    seconds = table.get("slide_seconds", int, 10)
    if seconds < 3:
        raise ConfigError(f"display.slide_seconds: must be at least 3 (got {seconds})")
    return DisplaySettings(tuple(media), seconds)


def _adapter(settings_class, raw, key: str):
    if not isinstance(raw, dict):
        raise ConfigError(f"{key}: must be a table")
    try:
        return settings_class.from_mapping(raw)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def _no_duplicates(values: list, table: str, key: str) -> None:
    seen = set()
    for index, value in enumerate(values):
        if value in seen:
            raise ConfigError(f"{table}[{index}].{key}: duplicate {key} {value!r}")
        seen.add(value)
