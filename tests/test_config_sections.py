"""One table at a time: the checks the admin API runs are the ones loket.toml gets at start-up."""

import tomllib

import pytest

from server.config.backup import BackupSettings
from server.config.errors import ConfigError
from server.config.loader import TABLES, default_toml, parse_config, validate_section
from server.config.printer import PrinterSettings
from server.config.sections import DisplaySettings, Office, QueueSettings
from server.config.store import config_to_raw
from server.config.voice import VoiceSettings


def test_every_table_of_the_default_office_validates_alone():
    raw = tomllib.loads(default_toml())
    config = parse_config(raw)
    for name in TABLES:
        assert validate_section(name, raw[name]) == getattr(config, name)


def test_a_table_is_built_with_its_defaults():
    assert validate_section("queue", {"skip_returns": 2}) == QueueSettings(skip_returns=2)
    assert validate_section("backup", {}) == BackupSettings()
    office = validate_section("office", {"name": "  Kantor  "})
    assert isinstance(office, Office) and (office.name, office.short_name) == ("Kantor", "Kantor")
    assert office.days == (0, 1, 2, 3, 4) and office.hours.label_opens == "07.30"


@pytest.mark.parametrize(
    "name, raw, message",
    [
        ("voice", {"rate": 1000}, "voice.rate: must be between 80 and 400 words per minute (got 1000)"),
        ("printer", {"kind": "network"}, "printer.host: required when kind is network"),
        ("display", {"slide_seconds": 1}, "display.slide_seconds: must be at least 3 (got 1)"),
        ("queue", {"skip_returns": -1}, "queue.skip_returns: must not be negative (got -1)"),
        ("queue", {"skip_returns": 11}, "queue.skip_returns: must be at most 10 (got 11)"),
        ("queue", {"skip_retruns": 1}, "queue.skip_retruns: unknown key (known: highlight_seconds,"),
        ("office", {}, "office.name: is required"),
        (
            "office",
            {"name": "X", "head_name": "y" * 121},
            "office.head_name: at most 120 characters (got 121)",
        ),
        ("office", {"name": "X", "days": ["mon", "sen"]}, "office.days: unknown day 'sen'"),
        ("security", {"allowed_hosts": [""]}, "security.allowed_hosts: must be a list of host names"),
        ("survey", {"mode": "kertas"}, "survey.mode: must be one of ikm | smiley | \"\", not 'kertas'"),
        (
            "backup",
            {"folder": "  "},
            'backup.folder: must be a folder path (a string), e.g. "/media/usb/loket"',
        ),
        ("backup", "keep = 3", "backup: must be a table"),
        ("loket", {}, "loket: unknown table (known: office, queue,"),
    ],
)
def test_a_wrong_table_names_the_key(name, raw, message):
    with pytest.raises(ConfigError) as raised:
        validate_section(name, raw)
    assert str(raised.value).startswith(message), str(raised.value)


def test_settings_raise_value_errors_for_their_own_callers():
    for section, raw in (
        (VoiceSettings, {"chime": 1}),
        (PrinterSettings, {"port": 0}),
        (DisplaySettings, []),
    ):
        with pytest.raises(ValueError):
            section.from_mapping(raw)


def test_what_is_written_back_reads_the_same():
    config = parse_config(tomllib.loads(default_toml(demo=True)))
    raw = config_to_raw(config)
    assert parse_config(raw) == config
    assert raw["office"]["hours"] == "00:00-24:00" and raw["office"]["days"][-1] == "sun"
    assert "retired" not in raw["services"][0] and "hours" not in raw["services"][0]
