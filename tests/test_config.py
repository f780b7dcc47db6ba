"""loket.toml: the default office, and a clear message naming the key for every mistake."""

import pytest

from server.config.errors import ConfigError
from server.config.loader import default_toml, load_config, parse_config


def test_default_office_loads(tmp_path):
    path = tmp_path / "loket.toml"
    path.write_text(default_toml())
    config = load_config(path)
    assert config.office.timezone == "Asia/Jakarta"
    assert [s.code for s in config.services] == list("ABCDEF")
    assert config.service("B").standard_service_minutes == 25
    assert [c.name for c in config.counters] == ["Loket 1", "Loket 2", "Loket 3", "Loket 4"]
    assert config.printer.kind == "none"
    served = {code for c in config.counters for code in c.services}
    assert served == set("ABCDEF"), "every default service has a counter"


def test_demo_office_is_always_open(tmp_path):
    path = tmp_path / "loket.toml"
    path.write_text(default_toml(demo=True))
    config = load_config(path)
    assert config.office.hours.closes is None and len(config.office.days) == 7
    assert config.printer.kind == "file"


BAD = [
    ("[office]", "not valid TOML", "[office"),
    ('code = "B"', "services[1].code: duplicate code 'A'", 'code = "A"'),
    ('services = ["B"]', "counters[1].services: unknown service 'Z'", 'services = ["Z"]'),
    (
        "standard_wait_minutes = 10\nstandard_service_minutes = 20",
        "services[5].standard_wait_minutes: must not be negative",
        "standard_wait_minutes = -5\nstandard_service_minutes = 20",
    ),
    ('timezone = "Asia/Jakarta"', "office.timezone: unknown time zone", 'timezone = "Asia/Atlantis"'),
    ('hours = "07:30-16:00"', "office.hours: must look like", 'hours = "pagi"'),
    ('hours = "07:30-16:00"', "office.hours: closing time must be after", 'hours = "16:00-07:30"'),
    ("id = 2\n", "counters[1].id: duplicate id 1", "id = 1\n"),
    ('kind = "none"', "printer.kind", 'kind = "laser"'),
    ('number_reading = "words"', "voice.number_reading", 'number_reading = "roman"'),
    (
        "max_priority_in_row = 3",
        "queue.max_priority_in_row: must be an integer",
        'max_priority_in_row = "tiga"',
    ),
    ('code = "A"', "services[0].code: must be one capital letter", 'code = "AA"'),
    (
        'daily_quota = 0\n\n[[services]]\ncode = "B"',
        "services[0].colour: unknown key",
        'daily_quota = 0\ncolour = "red"\n\n[[services]]\ncode = "B"',
    ),
]


@pytest.mark.parametrize("case", BAD, ids=[b[1][:40] for b in BAD])
def test_a_wrong_file_names_the_key(tmp_path, case):
    old, expected = case[0], case[1]
    new = case[2] if len(case) > 2 else old[:-1]
    text = default_toml()
    assert old in text
    path = tmp_path / "loket.toml"
    path.write_text(text.replace(old, new, 1))
    with pytest.raises(ConfigError) as info:
        load_config(path)
    assert expected in str(info.value)
    assert str(path) in str(info.value)


def test_missing_tables_are_named():
    with pytest.raises(ConfigError, match="office"):
        parse_config({"services": [], "counters": []})
    with pytest.raises(ConfigError, match="services: is required|services"):
        parse_config({"office": {"name": "X"}})
