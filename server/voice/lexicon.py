"""What Loket hands espeak-ng so that every word of a call is pronounced the Indonesian way.

espeak-ng's Indonesian rules read a written "e" as the open "é/è" where Indonesian has the
schwa ("empat" comes out 'Empat, "belas" b'Elas), read the letter names with an open vowel
("be" b'E where Indonesian says "bé"), and put a schwa in "loket" (lokét). For those words
Loket writes espeak's phoneme input instead of the spelling: ``[[@mp'at]]``. Every other word
of a call is read right from its spelling and is passed unchanged. tests/test_voice_phonemes.py
checks the result for every number 0-9999, every letter and the template's words.
"""

from __future__ import annotations

import re

from server.voice.numbers import MAX_NUMBER, digit_words, number_words

#: espeak-ng phoneme input for the words its Indonesian rules get wrong (lowercase spelling).
PHONEMES = {
    # numbers: the schwa
    "empat": "@mp'at",
    "enam": "@n'am",
    "belas": "b@l'as",
    "sebelas": "s@b@l'as",
    # letter names: a close "é" (bé, cé, dé ...), an open "è" in "ès"
    "be": "b'e",
    "ce": "tS'e",
    "de": "d'e",
    "ge": "g'e",
    "je": "dZ'e",
    "pe": "p'e",
    "te": "t'e",
    "ve": "f'e",
    "we": "w'e",
    "ye": "j'e",
    "es": "'Es",
    # the template's words: lokét
    "loket": "l'okEt",
}

_WORD = re.compile(r"[A-Za-z]+|\d+")


def speakable(text: str) -> str:
    """``text`` as espeak-ng input: digits as words, the words above as phonemes.

    Square brackets in the text are dropped so that a counter name cannot inject phonemes.
    """
    text = text.replace("[", " ").replace("]", " ")
    return _WORD.sub(_replace, text)


def _replace(match: re.Match) -> str:
    word = match.group(0)
    if word.isdigit():
        spoken = number_words(int(word)) if len(word) <= 4 and int(word) <= MAX_NUMBER else digit_words(word)
        return _WORD.sub(_replace, spoken)
    phonemes = PHONEMES.get(word.lower())
    return f"[[{phonemes}]]" if phonemes else word
