"""The words of a call: Indonesian numbers, letter names, templates and the [voice] settings."""

from __future__ import annotations

import pytest

from server.config.voice import DEFAULT_TEMPLATE, VoiceSettings, check_template
from server.voice.announcement import render, split_ticket, spoken_number
from server.voice.numbers import digit_words, letter_name, letters_words, number_words

# Every rule of Indonesian numbers up to 999: the "se-" forms (sepuluh, sebelas, seratus), belas,
# puluh with and without units, ratus with every kind of remainder.
NUMBER_WORDS = [
    (0, "nol"),
    (1, "satu"),
    (2, "dua"),
    (7, "tujuh"),
    (9, "sembilan"),
    (10, "sepuluh"),
    (11, "sebelas"),
    (12, "dua belas"),
    (15, "lima belas"),
    (19, "sembilan belas"),
    (20, "dua puluh"),
    (21, "dua puluh satu"),
    (30, "tiga puluh"),
    (45, "empat puluh lima"),
    (80, "delapan puluh"),
    (99, "sembilan puluh sembilan"),
    (100, "seratus"),
    (101, "seratus satu"),
    (105, "seratus lima"),
    (110, "seratus sepuluh"),
    (111, "seratus sebelas"),
    (112, "seratus dua belas"),
    (115, "seratus lima belas"),
    (120, "seratus dua puluh"),
    (121, "seratus dua puluh satu"),
    (199, "seratus sembilan puluh sembilan"),
    (200, "dua ratus"),
    (201, "dua ratus satu"),
    (210, "dua ratus sepuluh"),
    (211, "dua ratus sebelas"),
    (250, "dua ratus lima puluh"),
    (300, "tiga ratus"),
    (419, "empat ratus sembilan belas"),
    (506, "lima ratus enam"),
    (999, "sembilan ratus sembilan puluh sembilan"),
    (1000, "seribu"),
    (1001, "seribu satu"),
    (1011, "seribu sebelas"),
    (1100, "seribu seratus"),
    (1200, "seribu dua ratus"),
    (2000, "dua ribu"),
    (2005, "dua ribu lima"),
    (9999, "sembilan ribu sembilan ratus sembilan puluh sembilan"),
]


@pytest.mark.parametrize(("number", "words"), NUMBER_WORDS)
def test_number_words(number, words):
    assert number_words(number) == words


def test_every_number_to_999_is_well_formed():
    for number in range(1, 1000):
        words = number_words(number).split()
        assert "nol" not in words, number
        assert "satu" not in words[:-1] or words[-1] == "satu", number  # "satu" only as the last unit
        assert words.count("belas") <= 1 and words.count("puluh") <= 1 and words.count("ratus") <= 1


@pytest.mark.parametrize("bad", [-1, 10000, 1.5, "12", True])
def test_number_words_refuses_what_it_cannot_say(bad):
    with pytest.raises((ValueError, TypeError)):
        number_words(bad)


@pytest.mark.parametrize(
    ("digits", "words"),
    [
        ("0", "nol"),
        ("012", "nol satu dua"),
        ("105", "satu nol lima"),
        ("000", "nol nol nol"),
        ("9999", "sembilan sembilan sembilan sembilan"),
    ],
)
def test_digit_words(digits, words):
    assert digit_words(digits) == words


@pytest.mark.parametrize("bad", ["", "12a", "١٢", " 12"])
def test_digit_words_refuses_non_digits(bad):
    with pytest.raises(ValueError):
        digit_words(bad)


@pytest.mark.parametrize(
    ("digits", "reading", "spoken"),
    [
        ("012", "words", "dua belas"),
        ("012", "digits", "nol satu dua"),
        ("001", "words", "satu"),
        ("000", "words", "nol"),
        ("105", "words", "seratus lima"),
        ("1200", "words", "seribu dua ratus"),
        ("12345", "words", "satu dua tiga empat lima"),  # beyond 9999: digit by digit
    ],
)
def test_spoken_number(digits, reading, spoken):
    assert spoken_number(digits, reading) == spoken


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


@pytest.mark.parametrize(("letter", "name"), sorted(LETTERS.items()))
def test_letter_names(letter, name):
    assert letter_name(letter) == name
    assert letter_name(letter.lower()) == name


@pytest.mark.parametrize("bad", ["", "AB", "1", "É", "-"])
def test_letter_name_refuses_non_letters(bad):
    with pytest.raises(ValueError):
        letter_name(bad)


def test_several_letters():
    assert letters_words("AB") == "a be"


@pytest.mark.parametrize(
    ("ticket", "parts"),
    [
        ("A012", ("A", "012")),
        ("b105", ("B", "105")),
        ("B-105", ("B", "105")),
        ("F 7", ("F", "7")),
        ("012", ("", "012")),
    ],
)
def test_split_ticket(ticket, parts):
    assert split_ticket(ticket) == parts


# ---- templates -------------------------------------------------------------------------------


def test_default_template_words():
    assert render("A012", "Loket 3") == "Nomor antrian, a, dua belas, silakan menuju Loket 3"


def test_default_template_digits():
    text = render("A012", "Loket 3", DEFAULT_TEMPLATE, "digits")
    assert text == "Nomor antrian, a, nol satu dua, silakan menuju Loket 3"


@pytest.mark.parametrize(
    ("ticket", "counter", "text"),
    [
        ("B105", "Loket 1", "Nomor antrian, be, seratus lima, silakan menuju Loket 1"),
        ("F011", "Loket 6", "Nomor antrian, ef, sebelas, silakan menuju Loket 6"),
        ("Z019", "Meja Pengaduan", "Nomor antrian, zet, sembilan belas, silakan menuju Meja Pengaduan"),
        ("C100", "Loket 2", "Nomor antrian, ce, seratus, silakan menuju Loket 2"),
        ("A001", "Loket 1", "Nomor antrian, a, satu, silakan menuju Loket 1"),
    ],
)
def test_default_template_examples(ticket, counter, text):
    assert render(ticket, counter) == text


def test_every_placeholder():
    template = "{ticket}: {prefix} {number} ke {counter}"
    assert render("D020", "Loket 4", template) == "D020: de dua puluh ke Loket 4"


def test_no_prefix_leaves_no_empty_comma():
    assert render("012", "Loket 3") == "Nomor antrian, dua belas, silakan menuju Loket 3"


def test_literal_braces_are_allowed():
    assert render("A1", "Loket 1", "{{{prefix}}} {number}") == "{a} satu"


@pytest.mark.parametrize(
    ("template", "named"),
    [
        ("Nomor {nomor}, silakan ke {counter}", "{nomor}"),
        ("Nomor antrian {prefix} {number} ke {loket}", "{loket}"),
        ("{Number}", "{Number}"),
    ],
)
def test_unknown_placeholder_is_named(template, named):
    with pytest.raises(ValueError, match=named.replace("{", r"\{").replace("}", r"\}")):
        check_template(template)


@pytest.mark.parametrize("template", ["Nomor {prefix", "Nomor }", "{number!r}", "{number:>5}", "{0}", "{}"])
def test_malformed_templates(template):
    with pytest.raises(ValueError):
        check_template(template)


# ---- the [voice] table -------------------------------------------------------------------------


def test_settings_defaults():
    settings = VoiceSettings.from_mapping({})
    assert settings == VoiceSettings()
    assert settings.enabled and settings.chime
    assert settings.template == DEFAULT_TEMPLATE
    assert (settings.number_reading, settings.voice, settings.rate, settings.output) == (
        "words",
        "id",
        150,
        "display",
    )


def test_settings_from_a_full_table():
    settings = VoiceSettings.from_mapping(
        {
            "enabled": False,
            "template": "{prefix} {number} ke {counter}",
            "number_reading": "digits",
            "voice": "poz/id",
            "rate": 130,
            "output": "server",
            "chime": False,
        }
    )
    assert settings == VoiceSettings(
        False, "{prefix} {number} ke {counter}", "digits", "poz/id", 130, "server", False
    )


@pytest.mark.parametrize(
    ("table", "message"),
    [
        ({"volume": 3}, "voice.volume: unknown key"),
        ({"enabled": "yes"}, "voice.enabled:"),
        ({"chime": 1}, "voice.chime:"),
        ({"template": "Nomor {nomor}"}, "voice.template: unknown placeholder {nomor}"),
        ({"template": "   "}, "voice.template:"),
        ({"template": 12}, "voice.template:"),
        ({"number_reading": "roman"}, "voice.number_reading:"),
        ({"output": "speaker"}, "voice.output:"),
        ({"voice": ""}, "voice.voice:"),
        ({"voice": 5}, "voice.voice:"),
        ({"rate": "fast"}, "voice.rate:"),
        ({"rate": 1000}, "voice.rate:"),
        ({"rate": 20}, "voice.rate:"),
        ({"rate": True}, "voice.rate:"),
    ],
)
def test_settings_errors_name_the_key(table, message):
    with pytest.raises(ValueError) as raised:
        VoiceSettings.from_mapping(table)
    assert str(raised.value).startswith(message), str(raised.value)


def test_settings_are_frozen():
    with pytest.raises(AttributeError):
        VoiceSettings().rate = 10
