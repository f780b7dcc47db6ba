"""The JSON body of a request and its typed fields, refused in Indonesian when wrong."""

from __future__ import annotations

import json

from flask import request

from server.core.errors import LoketError


def json_body(required: bool = True) -> dict:
    """The request's JSON object, or a 400 in Indonesian."""
    if not request.get_data(cache=True):
        if required:
            raise LoketError("invalid_json", "Isi permintaan harus berupa objek JSON.", 400)
        return {}
    try:
        if not request.is_json:
            raise ValueError("not JSON")
        # NaN and Infinity are not JSON (Python's parser takes them); deep nesting would
        # exhaust the parser's recursion.
        data = json.loads(request.get_data(cache=True), parse_constant=_no_constant)
    except (ValueError, RecursionError, UnicodeDecodeError):
        data = None
    if not isinstance(data, dict):
        raise LoketError("invalid_json", "Isi permintaan harus berupa objek JSON.", 400)
    return data


def _no_constant(name: str):
    raise ValueError(f"{name} is not JSON")


def field(data: dict, name: str, kind: type, required: bool = False, default=None):
    """One typed field of a JSON body; wrong type or missing → 422 naming the field."""
    if name not in data or data[name] is None:
        if required:
            raise LoketError("missing_field", f"Kolom '{name}' wajib diisi.", 422)
        return default
    value = data[name]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        names = {str: "teks", bool: "true/false", int: "bilangan bulat"}
        raise LoketError(
            "invalid_field", f"Kolom '{name}' harus berupa {names.get(kind, kind.__name__)}.", 422
        )
    return value
