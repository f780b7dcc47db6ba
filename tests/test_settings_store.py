"""Writing loket.toml from the admin page keeps the file's comments; retired services stay
for the reports only."""

from __future__ import annotations

import pytest

from server.config.errors import ConfigError
from server.config.loader import default_toml, load_config
from server.config.store import config_to_raw, save_config


@pytest.fixture
def toml_path(tmp_path):
    path = tmp_path / "loket.toml"
    path.write_text(default_toml() + "\n# a note the office wrote by hand\n", encoding="utf-8")
    return path


def test_saving_keeps_every_comment_and_changes_only_what_changed(toml_path):
    before = toml_path.read_text(encoding="utf-8")
    comments = [line for line in before.splitlines() if line.lstrip().startswith("#")]
    raw = config_to_raw(load_config(toml_path))
    raw["services"][1]["name"] = "Haji dan Umrah"
    raw["office"]["days"] = ["mon", "tue", "wed"]
    save_config(toml_path, raw)
    after = toml_path.read_text(encoding="utf-8")
    for comment in comments:
        assert comment in after
    assert 'name = "Haji dan Umrah"' in after
    assert load_config(toml_path).office.days == (0, 1, 2)
    save_config(toml_path, config_to_raw(load_config(toml_path)))
    assert toml_path.read_text(encoding="utf-8") == after  # saving again changes nothing


def test_a_retired_service_is_only_in_the_reports(toml_path):
    raw = config_to_raw(load_config(toml_path))
    raw["services"][2]["retired"] = True  # C, served by counter 1 with A
    with pytest.raises(ConfigError, match="retired"):
        save_config(toml_path, raw)
    raw["counters"][0]["services"] = ["A"]
    config = save_config(toml_path, raw)
    assert [s.code for s in config.services] == ["A", "B", "D", "E", "F"]
    assert config.service("C").name.startswith("Pendidikan")
    assert [s.code for s in config.all_services] == ["A", "B", "D", "E", "F", "C"]
    assert "retired = true" in toml_path.read_text(encoding="utf-8")
