"""The spoken text of a call, rendered from the office's template."""

from __future__ import annotations

import re
import unicodedata

from server.config.voice import DEFAULT_TEMPLATE, NUMBER_READINGS, check_template
from server.voice.numbers import MAX_NUMBER, digit_words, letters_words, number_words

_TICKET_RE = re.compile(r"^\s*([A-Za-z]*)\s*[-\s]?\s*(\d*)\s*$")


def split_ticket(ticket_number: str) -> tuple[str, str]:
    """ "A012" -> ("A", "012"); "B-105" -> ("B", "105"). Anything else -> ("", "")."""
    match = _TICKET_RE.match(ticket_number or "")
    if not match:
        return "", ""
    return match.group(1).upper(), match.group(2)


def spoken_number(digits: str, reading: str = "words") -> str:
    """The number part as heard: words drop leading zeros, digits read each one."""
    if not digits:
        return ""
    if reading == "digits" or int(digits) > MAX_NUMBER:
        return digit_words(digits)
    return number_words(int(digits))


def render(
    ticket_number: str, counter_name: str, template: str = DEFAULT_TEMPLATE, number_reading: str = "words"
) -> str:
    """The text to speak for a call of ``ticket_number`` to ``counter_name``.

    >>> render("A012", "Loket 3")
    'Nomor antrian, a, dua belas, silakan menuju Loket 3'
    """
    check_template(template)
    if number_reading not in NUMBER_READINGS:
        raise ValueError(f"number_reading must be one of {', '.join(NUMBER_READINGS)}")
    ticket = _clean(ticket_number)
    prefix, digits = split_ticket(ticket)
    prefix_words = letters_words(prefix) if prefix else ""
    number = spoken_number(digits, number_reading) if digits else ""
    if not prefix and not digits:  # not a ticket number we understand: say it as written
        number = ticket
    text = template.format(prefix=prefix_words, number=number, counter=_clean(counter_name), ticket=ticket)
    return _tidy(text)


def _clean(text: str | None) -> str:
    """No control characters (some are commands to espeak-ng), single spaces."""
    visible = "".join(" " if unicodedata.category(ch) == "Cc" else ch for ch in str(text or ""))
    return " ".join(visible.split())


def _tidy(text: str) -> str:
    """Drop the empty pieces a missing prefix leaves behind (", ," and extra spaces)."""
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(,\s*)+,", ",", text)
    text = re.sub(r"\s+,", ",", text)
    return text.strip(" ,")
