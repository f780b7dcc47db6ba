"""The server's words for codes, handed to the pages' scripts so that no script keeps a copy.

Every page gets ``loket_labels`` in its template context; the templates put it in a
``data-labels`` attribute (an inline ``<script>`` would be refused by the kiosk pages' CSP checks)
and ``server/static/lib/labels.js`` reads it.
"""

from __future__ import annotations

from server.core.rules import PRIORITY_REASONS, STATUS_LABELS


def labels() -> dict:
    """Priority groups and ticket statuses, code -> label, as the screens show them."""
    return {
        "priority_reasons": dict(PRIORITY_REASONS),
        "statuses": {str(status.value): label for status, label in STATUS_LABELS.items()},
    }


def context() -> dict:
    """The template context processor: ``loket_labels`` on every page."""
    return {"loket_labels": labels()}
