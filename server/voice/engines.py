"""The speech engines behind :mod:`server.voice.synth`: espeak-ng, or a better platform voice.

Loket speaks with espeak-ng's Indonesian voice, run as the ``espeak-ng`` program. Where the
platform has a better Indonesian voice and pyttsx3 lists it (Windows SAPI5 voices such as
"Andika" or "Gadis", macOS "Damayanti"), that voice is used through pyttsx3's public API.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

#: Names of good Indonesian voices the platforms ship (lowercase substrings of the voice name).
BETTER_VOICE_NAMES = ("damayanti", "andika", "gadis", "indonesian", "indonesia")
#: pyttsx3's driver for the platform's own voices; Linux has none besides espeak-ng.
PLATFORM_DRIVERS = {"win32": "sapi5", "darwin": "nsss"}
SPEAK_TIMEOUT = 20.0


class VoiceError(RuntimeError):
    """The voice could not be produced (missing engine, missing voice, synthesis failure)."""


@dataclass(frozen=True)
class VoiceInfo:
    """One voice an engine offers."""

    id: str
    name: str
    languages: tuple[str, ...]


def _language(value) -> str:
    text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
    return text.lower().lstrip("\x05").replace("_", "-")


def _is_indonesian(voice: VoiceInfo) -> bool:
    return any(lang in ("id", "in", "ind") or lang.startswith(("id-", "in-")) for lang in voice.languages)


def _is_espeak(voice: VoiceInfo) -> bool:
    ident = voice.id.lower()
    return "espeak" in ident or ident.startswith(("poz/", "mb/", "roa/", "gmw/", "gmq/", "zls/"))


def better_indonesian(voices: list[VoiceInfo]) -> VoiceInfo | None:
    """The first non-espeak Indonesian voice: by language tag, else by a known voice name."""
    candidates = [voice for voice in voices if not _is_espeak(voice)]
    for voice in candidates:
        if _is_indonesian(voice):
            return voice
    for voice in candidates:
        if any(name in voice.name.lower() for name in BETTER_VOICE_NAMES):
            return voice
    return None


def resolve(voices: list[VoiceInfo], wanted: str) -> str:
    """The id of the voice for ``wanted``: a voice id ("poz/id") or a language ("id")."""
    wanted_l = wanted.lower()
    for voice in voices:
        if voice.id.lower() == wanted_l:
            return voice.id
    if wanted_l in ("id", "in", "ind", "id-id"):
        better = better_indonesian(voices)
        if better is not None:
            return better.id
    for voice in voices:
        if any(lang == wanted_l or lang.startswith(wanted_l + "-") for lang in voice.languages):
            return voice.id
    raise VoiceError(f"no voice for {wanted!r} in the speech engine")


class EspeakEngine:
    """espeak-ng run as a program, one process per text.

    Not through pyttsx3: its espeak driver synthesises without espeak-ng's phoneme-input flag,
    so the ``[[@mp'at]]`` that fixes the vowels would be spelt out, and waiting for a finished
    file there needs the driver's private state; the program has neither problem.
    """

    name = "espeak-ng"
    phonemes = True  # takes :func:`server.voice.lexicon.speakable` input

    def __init__(self, binary: str | None = None):
        self.binary = binary or shutil.which("espeak-ng")
        if not self.binary:
            raise VoiceError("espeak-ng is not installed (apt-get install espeak-ng)")
        self._voices: list[VoiceInfo] | None = None

    def voices(self) -> list[VoiceInfo]:
        """espeak-ng's voices, from ``espeak-ng --voices``."""
        if self._voices is None:
            listing = self._run(["--voices"], b"").decode("utf-8", "replace")
            found = []
            for line in listing.splitlines()[1:]:
                columns = line.split()
                if len(columns) >= 5:
                    found.append(VoiceInfo(columns[4], columns[3], (_language(columns[1]),)))
            self._voices = found
        return self._voices

    def speak(self, text: str, voice_id: str, rate: int, target: Path) -> None:
        """Write ``text`` (UTF-8, phoneme input allowed) spoken by ``voice_id`` into a WAV."""
        self._run(
            ["-v", voice_id, "-s", str(rate), "-b", "1", "-w", str(target), "--stdin"], text.encode("utf-8")
        )

    def _run(self, args: list[str], stdin: bytes) -> bytes:
        # Files, not pipes: with no pipe to watch, the wait is a plain waitpid loop, which works
        # in any thread under the server's event loop (gevent's select and child watchers belong
        # to the loop's thread: a pipe read or a waitpid through them in a worker thread hangs).
        with (
            tempfile.TemporaryFile() as given,
            tempfile.TemporaryFile() as out,
            tempfile.TemporaryFile() as err,
        ):
            given.write(stdin)
            given.seek(0)
            try:
                done = subprocess.run(
                    [self.binary, *args], stdin=given, stdout=out, stderr=err, timeout=SPEAK_TIMEOUT
                )
            except subprocess.TimeoutExpired:
                raise VoiceError(f"espeak-ng did not finish within {SPEAK_TIMEOUT:.0f} s") from None
            except OSError as exc:
                raise VoiceError(f"espeak-ng could not start: {exc}") from None
            out.seek(0)
            err.seek(0)
            if done.returncode != 0:
                message = err.read().decode("utf-8", "replace").strip() or f"exit status {done.returncode}"
                raise VoiceError(f"espeak-ng failed: {message}")
            return out.read()


class Pyttsx3Engine:
    """A platform voice through pyttsx3's public API (one engine per process, one thread)."""

    phonemes = False  # the platform voices read Indonesian spelling as it is

    def __init__(self, driver_name: str | None = None):
        try:
            import pyttsx3
        except ImportError as exc:
            raise VoiceError(f"pyttsx3 is not installed ({exc})") from None
        try:
            self.engine = pyttsx3.init(driver_name)
        except Exception as exc:
            raise VoiceError(f"the speech engine could not start: {exc!r}") from None
        self.name = f"pyttsx3/{driver_name or 'default'}"

    def voices(self) -> list[VoiceInfo]:
        """The voices pyttsx3 lists."""
        return [
            VoiceInfo(str(v.id), str(v.name or v.id), tuple(_language(lang) for lang in (v.languages or [])))
            for v in (self.engine.getProperty("voices") or [])
        ]

    def speak(self, text: str, voice_id: str, rate: int, target: Path) -> None:
        """Write ``text`` spoken by ``voice_id`` into ``target``."""
        self.engine.setProperty("voice", voice_id)
        self.engine.setProperty("rate", rate)
        self.engine.save_to_file(text, str(target))
        self.engine.runAndWait()


def choose(platform_driver: str | None = PLATFORM_DRIVERS.get(sys.platform)):
    """The engine to use: a better Indonesian platform voice if pyttsx3 lists one, else espeak-ng."""
    if platform_driver:
        try:
            engine = Pyttsx3Engine(platform_driver)
            if better_indonesian(engine.voices()) is not None:
                return engine
        except Exception:  # no pyttsx3 or no such driver here: espeak-ng it is
            pass
    return EspeakEngine()
