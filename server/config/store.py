"""Saving the office configuration edited by the admin back to ``loket.toml``.

The admin edits a TOML-shaped mapping; it is validated by the same parser that reads the file at
start-up, then merged into the file as it stands (tomlkit), so the comments and the order of a
hand-edited file are kept, and written atomically (temporary file + rename): a bad edit never
reaches the disk and a crash mid-write never leaves half a file.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from server.config.fields import to_toml
from server.config.loader import TABLES, Config, parse_config

HEADER = (
    "# Loket: configuration of this office. Every key is described in docs/configuration.md.\n"
    "# Written by the admin page; you may also edit it by hand and restart the server.\n\n"
)


def config_to_raw(config: Config) -> dict:
    """The TOML-shaped mapping of a Config (what loket.toml would hold)."""
    return {
        **{name: to_toml(getattr(config, name)) for name in TABLES},
        "services": [to_toml(s) for s in config.all_services],
        "counters": [to_toml(c) for c in config.counters],
    }


def save_config(path: Path, raw: dict) -> Config:
    """Validate ``raw`` (ConfigError naming the key) and write it to ``path`` atomically,
    keeping the comments and layout of what the file already holds."""
    config = parse_config(raw, source=path.name)
    text = merged_toml(path, _clean(raw))
    fd, temp = tempfile.mkstemp(dir=path.parent, prefix=".loket.toml.")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return config


def merged_toml(path: Path, raw: dict) -> str:
    """``raw`` written into the document at ``path``: changed values replaced in place, new keys
    and tables appended, keys no longer there removed; every comment stays."""
    try:
        document = tomlkit.parse(path.read_text(encoding="utf-8"))
    except (FileNotFoundError, TOMLKitError):
        document = tomlkit.parse(HEADER)
    _merge_table(document, raw)
    return tomlkit.dumps(document)


def _merge_table(table, values: dict) -> None:
    for key in [k for k in table if k not in values]:
        del table[key]
    for key, value in values.items():
        if isinstance(value, dict):
            if key not in table or not isinstance(table[key], dict):
                table[key] = tomlkit.table()
            _merge_table(table[key], value)
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            _merge_array_of_tables(table, key, value)
        elif key not in table or table[key] != value:
            table[key] = value


def _merge_array_of_tables(table, key: str, items: list[dict]) -> None:
    """[[services]] / [[counters]]: each entry is matched to the one with the same code or id, so
    the comments above an entry stay with it."""
    existing = table.get(key)
    old = list(existing) if isinstance(existing, list) else []
    ident = "code" if "code" in items[0] else "id"
    if [entry.get(ident) for entry in old] == [item.get(ident) for item in items]:
        for entry, item in zip(old, items, strict=True):  # the same entries: edit them in place
            _merge_table(entry, item)
        return
    by_id = {entry.get(ident): entry for entry in old if isinstance(entry, dict)}
    array = tomlkit.aot()
    for item in items:
        entry = by_id.get(item.get(ident))
        if entry is None:
            entry = tomlkit.table()
        _merge_table(entry, item)
        array.append(entry)
    if key in table:
        del table[key]
    table[key] = array


def _clean(value):
    """Drop None values, which TOML cannot hold."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_clean(v) for v in value]
    return value
