"""Indonesian words for ticket numbers and the letters of their prefixes."""

from __future__ import annotations

_UNITS = ["nol", "satu", "dua", "tiga", "empat", "lima", "enam", "tujuh", "delapan", "sembilan"]

#: How a prefix letter is spoken so that it is understood in the waiting room.
LETTERS = {
    "A": "a",
    "B": "be",
    "C": "ce",
    "D": "de",
    "E": "e",
    "F": "ef",
    "G": "ge",
    "H": "ha",
    "I": "i",
    "J": "je",
    "K": "ka",
    "L": "el",
    "M": "em",
    "N": "en",
    "O": "o",
    "P": "pe",
    "Q": "ki",
    "R": "er",
    "S": "es",
    "T": "te",
    "U": "u",
    "V": "ve",
    "W": "we",
    "X": "eks",
    "Y": "ye",
    "Z": "zet",
}

MAX_NUMBER = 9999


def number_words(n: int) -> str:
    """``n`` (0-9999) in Indonesian words: 12 -> "dua belas", 105 -> "seratus lima"."""
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"number_words needs an int, got {type(n).__name__}")
    if not 0 <= n <= MAX_NUMBER:
        raise ValueError(f"number_words supports 0-{MAX_NUMBER}, got {n}")
    if n == 0:
        return "nol"
    return " ".join(_words(n))


def _words(n: int) -> list[str]:
    """Words for 1-9999 (no "nol" for a zero part)."""
    if n == 0:
        return []
    if n < 10:
        return [_UNITS[n]]
    if n == 10:
        return ["sepuluh"]
    if n == 11:
        return ["sebelas"]
    if n < 20:
        return [_UNITS[n - 10], "belas"]
    if n < 100:
        return [_UNITS[n // 10], "puluh"] + _words(n % 10)
    if n < 1000:
        head = ["seratus"] if n // 100 == 1 else [_UNITS[n // 100], "ratus"]
        return head + _words(n % 100)
    head = ["seribu"] if n // 1000 == 1 else [_UNITS[n // 1000], "ribu"]
    return head + _words(n % 1000)


def digit_words(digits: str) -> str:
    """Digit by digit: "012" -> "nol satu dua"."""
    if not digits or not digits.isascii() or not digits.isdigit():
        raise ValueError(f"digit_words needs digits only, got {digits!r}")
    return " ".join(_UNITS[int(d)] for d in digits)


def letter_name(letter: str) -> str:
    """How a letter is spoken: "B" -> "be". Raises ValueError for anything but A-Z."""
    name = LETTERS.get(letter.upper()) if len(letter) == 1 else None
    if name is None:
        raise ValueError(f"not a letter A-Z: {letter!r}")
    return name


def letters_words(letters: str) -> str:
    """Each letter spoken: "AB" -> "a be"."""
    return " ".join(letter_name(ch) for ch in letters)
