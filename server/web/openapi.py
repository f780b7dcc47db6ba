"""``GET /api/openapi.json``: the OpenAPI document (:func:`server.webbase.openapi.spec`)."""

from __future__ import annotations

from flask import Blueprint, jsonify

from server.webbase.openapi import spec

bp = Blueprint("openapi", __name__)


@bp.get("/api/openapi.json")
def openapi_json():
    """The OpenAPI document."""
    return jsonify(spec())
