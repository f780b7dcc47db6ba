"""One way to declare and check a table of loket.toml.

A table is a frozen dataclass deriving from :class:`Section`; each of its keys is a dataclass field
declared once with :func:`setting`: its default, its bounds or choices, and at most one check of
its own. :func:`build` reads a TOML table into the dataclass and raises :class:`Invalid` naming
the key and what is wrong ("printer.port: must be between 1 and 65535 (got 0)"); the admin API
runs the same checks (:func:`server.config.loader.validate_section`), and the tables of docs/configuration.md
are tested against these declarations.

    @dataclass(frozen=True)
    class QueueSettings(Section):
        TABLE: ClassVar[str] = "queue"
        skip_returns: int = setting(1, low=0, high=10)
"""

from __future__ import annotations

import dataclasses
import math
import typing
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any, ClassVar

#: The longest text a setting holds unless it says otherwise (names end up on a TV, a ticket and
#: the report).
TEXT_LIMIT = 120

_NO_DEFAULT = dataclasses.MISSING
_KIND_NAMES = {str: "a string", int: "an integer", float: "a number", bool: "true or false", list: "a list"}


class Invalid(ValueError):
    """A wrong table or value; the message is ``"<table>.<key>: <what is wrong>"``."""


@dataclass(frozen=True)
class Rule:
    """What one key of a table accepts (see :func:`setting`)."""

    kind: type | tuple[type, ...] | None = None
    low: float | None = None
    high: float | None = None
    unit: str = ""
    choices: tuple = ()
    must: str = ""
    longest: int = TEXT_LIMIT
    strip: bool = False
    empty: bool = True
    check: Callable[[Any], Any] | None = None
    derive: Callable[[dict], Any] | None = None
    dump: Callable[[Any], Any] | None = None
    quiet: bool = False
    doc_default: str = ""


def setting(default: Any = _NO_DEFAULT, **rule: Any) -> Any:
    """A key of a table: ``default`` (none: the key is required) and its :class:`Rule`.

    ``kind``: the TOML type when the field's own type is not one (``str`` for hours, ``list`` for
    days; an int also passes for a float); ``low``/``high`` (with a ``unit`` for the message) or
    ``choices``; ``must``: how a value of the wrong type is described; ``longest``: characters of
    a text; ``strip``: surrounding blanks dropped; ``empty=False``: blank text refused; ``check``:
    takes the value (a list arrives as a tuple), returns what is kept, raises ValueError with what
    is wrong; ``derive``: the default computed from the table's other values, with ``doc_default``
    saying it for docs/configuration.md; ``dump``: the value back to TOML; ``quiet``: not written back while
    it is the default.
    """
    return dataclasses.field(default=default, metadata={"rule": Rule(**rule)})


class Section:
    """A table of loket.toml as a frozen dataclass; ``TABLE`` is its name in the file."""

    TABLE: ClassVar[str] = ""

    @classmethod
    def from_mapping(cls, raw: Any):
        """Build the table from its TOML mapping; :class:`Invalid` names the first wrong key."""
        return build(cls, raw, cls.TABLE)

    @classmethod
    def settle(cls, values: dict, where: str) -> dict:
        """Checks across keys once each key is read; ``Invalid`` on a wrong combination."""
        return values


@dataclass(frozen=True)
class Key:
    """One declared key: its name, its default, its rule and the TOML type it takes."""

    name: str
    default: Any
    rule: Rule
    kind: type | tuple[type, ...]

    @property
    def required(self) -> bool:
        """True when the table must give the key."""
        return self.default is _NO_DEFAULT and self.rule.derive is None

    def toml(self, value: Any) -> Any:
        """``value`` as loket.toml writes it."""
        if self.rule.dump is not None:
            return self.rule.dump(value)
        return list(value) if isinstance(value, tuple) else value


@cache
def keys(cls: type) -> tuple[Key, ...]:
    """The declared keys of a section, in the order of its fields."""
    hints = typing.get_type_hints(cls)
    found = []
    for item in dataclasses.fields(cls):
        rule = item.metadata.get("rule")
        if rule is None:
            continue
        kind = rule.kind or hints[item.name]
        if typing.get_origin(kind) is tuple:
            kind = list
        found.append(Key(item.name, item.default, rule, kind))
    return tuple(found)


def build(cls: type, raw: Any, where: str):
    """Read the TOML table ``raw`` (named ``where`` in messages) into the section ``cls``."""
    if not isinstance(raw, dict):
        raise Invalid(f"{where}: must be a table")
    declared = keys(cls)
    known = [key.name for key in declared]
    for name in raw:
        if name not in known:
            raise Invalid(f"{where}.{name}: unknown key (known: {', '.join(sorted(known))})")
    values = {}
    for key in declared:
        if key.name in raw:
            values[key.name] = _read(key, raw[key.name], f"{where}.{key.name}")
        elif key.required:
            raise Invalid(f"{where}.{key.name}: is required")
    for key in declared:
        if key.name not in values and key.rule.derive is not None:
            values[key.name] = key.rule.derive(values)
    return cls(**cls.settle(values, where))


def _read(key: Key, value: Any, path: str) -> Any:
    """One checked value; :class:`Invalid` says what is wrong with it."""
    rule = key.rule
    if rule.choices:
        if isinstance(value, bool) is not (key.kind is bool) or value not in rule.choices:
            shown = " | ".join(str(choice) if choice != "" else '""' for choice in rule.choices)
            raise Invalid(f"{path}: must be one of {shown}, not {value!r}")
    elif not _is_kind(value, key.kind):
        raise Invalid(f"{path}: must be {rule.must or _kind_name(key.kind)} (got {value!r})")
    if isinstance(value, float) and not math.isfinite(value):
        raise Invalid(f"{path}: must be {rule.must or 'a finite number'} (got {value!r})")
    if isinstance(value, str):
        value = _text(rule, value, path)
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        _in_bounds(rule, value, path)
    elif isinstance(value, list):
        value = tuple(value)
    if rule.check is not None:
        try:
            value = rule.check(value)
        except ValueError as exc:
            raise Invalid(f"{path}: {exc}") from None
    return value


def _kind_name(kind: type | tuple[type, ...]) -> str:
    return " or ".join(_KIND_NAMES[k] for k in kind) if isinstance(kind, tuple) else _KIND_NAMES[kind]


def _is_kind(value: Any, kind: type | tuple[type, ...]) -> bool:
    if isinstance(value, bool):
        return kind is bool
    if kind is float:
        return isinstance(value, (int, float))
    return isinstance(value, kind)


def _text(rule: Rule, value: str, path: str) -> str:
    if len(value) > rule.longest:
        raise Invalid(f"{path}: at most {rule.longest} characters (got {len(value)})")
    if rule.strip:
        value = value.strip()
    if not rule.empty and not value.strip():
        raise Invalid(f"{path}: must be {rule.must}" if rule.must else f"{path}: must not be empty")
    return value


def _in_bounds(rule: Rule, value: float, path: str) -> None:
    low, high = rule.low, rule.high
    unit = f" {rule.unit}" if rule.unit else ""
    if low == 0 and value < 0:
        raise Invalid(f"{path}: must not be negative (got {value})")
    if low is not None and high is not None and low != 0 and not low <= value <= high:
        raise Invalid(f"{path}: must be between {low} and {high}{unit} (got {value})")
    if low is not None and value < low:
        raise Invalid(f"{path}: must be at least {low}{unit} (got {value})")
    if high is not None and value > high:
        raise Invalid(f"{path}: must be at most {high}{unit} (got {value})")


def to_toml(section: Any) -> dict:
    """A section back to its TOML table: every key, except None and quiet ones at their default."""
    table = {}
    for key in keys(type(section)):
        value = getattr(section, key.name)
        if value is None or (key.rule.quiet and value == key.default):
            continue
        table[key.name] = key.toml(value)
    return table
