"""The ``[[services]]`` and ``[[counters]]`` of loket.toml: each entry declared once
(:mod:`server.config.fields`), then checked together: unique codes and ids, a counter serves
only services that exist and are not retired."""

from __future__ import annotations

import re
from dataclasses import dataclass

from server.config.fields import Invalid, Section, build, setting
from server.config.sections import Hours, hours_text, parse_hours


def _code(code: str) -> str:
    if not re.fullmatch(r"[A-Z]", code):
        raise ValueError(f"must be one capital letter A-Z (got {code!r})")
    return code


@dataclass(frozen=True)
class Service(Section):
    """A service a visitor takes a number for; its code is the ticket's prefix letter."""

    code: str = setting(check=_code)
    name: str = setting(strip=True, empty=False)
    description: str = setting("", longest=300)
    # A standard is minutes of one day at most; beyond that no report could compare with it.
    standard_wait_minutes: float = setting(15, low=0, high=1440)
    standard_service_minutes: float = setting(15, low=0, high=1440)
    daily_quota: int = setting(0, low=0, high=100000)
    enabled: bool = setting(True)
    hours: Hours | None = setting(
        None, kind=str, check=parse_hours, dump=hours_text, doc_default="the office's"
    )
    retired: bool = setting(False, quiet=True)


def _counter_name(values: dict) -> str:
    return f"Loket {values['id']}"


@dataclass(frozen=True, kw_only=True)
class Counter(Section):
    """A loket: its number (the API's counter id), its name and the services it calls."""

    id: int = setting(low=1)
    name: str = setting("", derive=_counter_name, doc_default='`"Loket <id>"`')
    services: tuple[str, ...] = setting()


def parse_services(raw: list) -> tuple[tuple[Service, ...], tuple[Service, ...]]:
    """The services in use and the retired ones (kept only for the reports of past periods)."""
    if not raw:
        raise Invalid("services: must define at least one service")
    every = tuple(build(Service, item, f"services[{i}]") for i, item in enumerate(raw))
    _no_duplicates([s.code for s in every], "services", "code")
    services = tuple(s for s in every if not s.retired)
    if not services:
        raise Invalid("services: at least one service must not be retired")
    return services, tuple(s for s in every if s.retired)


def parse_counters(
    raw: list, services: tuple[Service, ...], retired: tuple[Service, ...]
) -> tuple[Counter, ...]:
    """The counters, each serving at least one service in use."""
    codes = {s.code for s in services}
    retired_codes = {s.code for s in retired}
    counters = []
    for index, item in enumerate(raw):
        counter = build(Counter, item, f"counters[{index}]")
        where = f"counters[{index}].services"
        for code in counter.services:
            if isinstance(code, str) and code in retired_codes:
                raise Invalid(f"{where}: service {code!r} is retired")
            if not isinstance(code, str) or code not in codes:
                raise Invalid(f"{where}: unknown service {code!r}")
        if not counter.services:
            raise Invalid(f"{where}: must list at least one service")
        counters.append(counter)
    _no_duplicates([c.id for c in counters], "counters", "id")
    return tuple(counters)


def _no_duplicates(values: list, table: str, key: str) -> None:
    seen = set()
    for index, value in enumerate(values):
        if value in seen:
            raise Invalid(f"{table}[{index}].{key}: duplicate {key} {value!r}")
        seen.add(value)
