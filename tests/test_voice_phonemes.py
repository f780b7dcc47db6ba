"""Every word of a call as espeak-ng pronounces what Loket sends it (``espeak-ng -v id -x -q``).

The expected phonemes are written by hand from the standard pronunciation (KBBI): the schwa
(@) in empat, enam, belas, sebelas, delapan, sembilan, seratus ...; a close "é" (e) in the
letter names bé, cé, dé ...; an open "è" (E) in èf, èl, èm, èn, èr, ès, èks, zèt and lokét.
They are espeak-ng's phoneme names, so a wrong vowel shows as a wrong letter here.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest

from server.voice.announcement import render
from server.voice.lexicon import speakable
from server.voice.numbers import LETTERS, number_words

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")

EXPECTED = {
    "nol": "n'ol",
    "satu": "s'atu",
    "dua": "d'ua",
    "tiga": "t'iga",
    "empat": "@mp'at",
    "lima": "l'ima",
    "enam": "@n'am",
    "tujuh": "t'udZuh",
    "delapan": "d@l'apan",
    "sembilan": "s@mb'ilan",
    "sepuluh": "s@p'uluh",
    "sebelas": "s@b@l'as",
    "belas": "b@l'as",
    "puluh": "p'uluh",
    "seratus": "s@R2'atus",
    "ratus": "R2'atus",
    "seribu": "s@R2'ibu",
    "ribu": "R2'ibu",
    "nomor": "n'omOR",
    "antrian": "antR2'ian",
    "silakan": "sil'akan",
    "menuju": "m@n'udZu",
    "loket": "l'okEt",
}

LETTER_PHONEMES = {
    "A": "'a",
    "B": "b'e",
    "C": "tS'e",
    "D": "d'e",
    "E": "'e",
    "F": "'Ef",
    "G": "g'e",
    "H": "h'a",
    "I": "'i",
    "J": "dZ'e",
    "K": "k'a",
    "L": "'El",
    "M": "'Em",
    "N": "'En",
    "O": "'o",
    "P": "p'e",
    "Q": "k'i",
    "R": "'ER",
    "S": "'Es",
    "T": "t'e",
    "U": "'u",
    "V": "f'e",
    "W": "w'e",
    "X": "'Eks",
    "Y": "j'e",
    "Z": "z'Et",
}


def _espeak(clauses: list[str]) -> list[str]:
    done = subprocess.run(
        ["espeak-ng", "-v", "id", "-x", "-q", "-b", "1", "--stdin"],
        input="\n".join(clause + "," for clause in clauses),
        capture_output=True,
        text=True,
        check=True,
        timeout=120,
    )
    return [" ".join(line.split()) for line in done.stdout.splitlines() if line.strip()]


def espeak_phonemes(clauses: list[str]) -> list[str]:
    """One line of phonemes per clause: the clauses split among one espeak-ng run per core,
    all running at once."""
    parts = max(1, min(os.cpu_count() or 1, len(clauses) // 500))
    size = -(-len(clauses) // parts)
    with ThreadPoolExecutor(parts) as pool:
        chunks = pool.map(_espeak, [clauses[i : i + size] for i in range(0, len(clauses), size)])
        return [line for chunk in chunks for line in chunk]


def expected_for(words: str) -> str:
    return " ".join(EXPECTED[word] for word in words.split())


def test_every_number_from_0_to_9999():
    numbers = range(10000)
    heard = espeak_phonemes([speakable(number_words(n)) for n in numbers])
    assert len(heard) == len(numbers)
    wrong = [
        (n, number_words(n), got, expected_for(number_words(n)))
        for n, got in zip(numbers, heard, strict=True)
        if got != expected_for(number_words(n))
    ]
    assert not wrong, f"{len(wrong)} numbers mispronounced, e.g. {wrong[:5]}"


def test_every_letter_in_a_whole_call():
    calls = [render(f"{letter}012", "Loket 1") for letter in LETTERS]
    # a call is four clauses: nomor antrian / the letter / the number / silakan menuju ...
    heard = espeak_phonemes([speakable(call) for call in calls])
    heard_calls = [heard[i : i + 4] for i in range(0, len(heard), 4)]
    assert len(heard_calls) == 26
    for letter, lines in zip(LETTERS, heard_calls, strict=True):
        assert lines == [
            expected_for("nomor antrian"),
            LETTER_PHONEMES[letter],
            expected_for("dua belas"),
            expected_for("silakan menuju loket satu"),
        ], letter


def test_digits_in_a_counter_name_are_spoken_as_words():
    heard = espeak_phonemes([speakable("silakan menuju Loket 4"), speakable("Loket 16")])
    assert heard == [expected_for("silakan menuju loket empat"), expected_for("loket enam belas")]


def test_brackets_in_a_counter_name_cannot_inject_phonemes():
    assert "[[" not in speakable("[[x]] Loket").replace("[[l'okEt]]", "")
