"""The officer's console and the supervisor's board."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template

bp = Blueprint("console", __name__)


def _loket():
    return current_app.extensions["loket"]


@bp.get("/officer")
def officer():
    """The officer's console at a counter (signs in first)."""
    config = _loket().config
    return render_template("officer.html", office=config.office, config=config)
