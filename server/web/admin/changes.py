"""One way the admin changes loket.toml: edit a copy of the configuration, validate it with the
loader that reads the file at start-up, save it, apply it live, tell the screens, audit it.

Also the answers every admin endpoint shares, for the sections' OpenAPI descriptions.
"""

from __future__ import annotations

import copy
from collections.abc import Callable

from server.config.errors import ConfigError
from server.config.loader import CONFIG_NAME
from server.config.store import config_to_raw, save_config
from server.core.actor import Actor
from server.core.errors import LoketError
from server.web.admin import audit
from server.webbase import openapi
from server.webbase.guard import current_runtime

OK = openapi.json_response({"type": "object"})
DENIED = openapi.denied("admin")
NOT_JSON = openapi.error("Bukan JSON")
INVALID = openapi.error("Pengaturan tidak valid (invalid_settings, invalid_field, missing_field)")
OBJECT_BODY = openapi.json_body({"type": "object"})


def upload_body(name: str) -> dict:
    """The OpenAPI request body of a multipart upload with one file field ``name``."""
    schema = {"type": "object", "properties": {name: {"type": "string", "format": "binary"}}}
    return {"content": {"multipart/form-data": {"schema": schema}}}


def apply_change(actor: Actor, action: str, target: str, change: Callable[[dict], tuple]) -> dict:
    """Edit a copy of the TOML-shaped configuration with ``change(raw) -> (before, after)``,
    validate and save it (422 ``invalid_settings`` naming the key), apply it live, tell every
    screen and write ``before`` → ``after`` to the audit log; return the new configuration."""
    runtime = current_runtime()
    raw = copy.deepcopy(config_to_raw(runtime.config))
    before, after = change(raw)
    try:
        config = save_config(runtime.data_dir / CONFIG_NAME, raw)
    except ConfigError as exc:
        raise LoketError("invalid_settings", f"Pengaturan tidak valid: {exc}", 422) from None
    runtime.reconfigure(config)
    with runtime.store.write() as conn:
        audit.record(conn, actor, action, target, before, after)
    runtime.live.settings_changed()
    return config_to_raw(config)


def find(items: list[dict], key: str, value) -> int | None:
    """The index of the entry of ``items`` (``[[services]]``, ``[[counters]]``) whose ``key`` is
    ``value``, or None."""
    return next((i for i, item in enumerate(items) if item[key] == value), None)


def entry(items: list[dict], key: str, value, missing: LoketError) -> int:
    """The index of the entry whose ``key`` is ``value``; ``missing`` is raised when there is none."""
    index = find(items, key, value)
    if index is None:
        raise missing
    return index


def merge_entry(items: list[dict], key: str, value, data: dict, missing: LoketError) -> tuple[dict, dict]:
    """Replace the entry whose ``key`` is ``value`` by itself updated with ``data`` (its ``key``
    stays); return (before, after)."""
    index = entry(items, key, value, missing)
    before = items[index]
    items[index] = after = {**before, **data, key: value}
    return before, after
