"""The office's voice pack: one recording per word or phrase, in ``<data>/voice-pack/``.

A clip is named after what it says, in lowercase with hyphens between words
(``nomor-antrian.wav``, ``silakan-menuju.wav``, ``loket.wav``, ``b.wav`` for the letter B,
``dua.wav``, ``belas.wav``). An announcement is spoken by matching, at each point of its text,
the longest recorded phrase; the words no clip covers are left to the synthesiser. A pack is
shared between offices as a .zip of those files.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import tempfile
import threading
import time
import unicodedata
import wave
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from server.voice.numbers import LETTERS, number_words

FOLDER = "voice-pack"
NAME_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_NAME = 60
MAX_CLIPS = 400
MAX_CLIP_BYTES = 4 * 1024 * 1024  # 10 s of 48 kHz stereo 16-bit is 1.9 MB
MAX_CLIP_SECONDS = 10.0
MAX_ZIP_BYTES = 64 * 1024 * 1024  # unpacked
MAX_PHRASE_WORDS = 6
RESCAN_SECONDS = 1.0
NUMBER_WORDS = (
    "nol",
    "satu",
    "dua",
    "tiga",
    "empat",
    "lima",
    "enam",
    "tujuh",
    "delapan",
    "sembilan",
    "sepuluh",
    "sebelas",
    "belas",
    "puluh",
    "seratus",
    "ratus",
    "seribu",
    "ribu",
)
_LETTER_OF = {name: letter.lower() for letter, name in LETTERS.items()}


class PackError(ValueError):
    """A clip or a pack that cannot be taken; ``message`` is for the admin (Bahasa Indonesia)."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


@dataclass(frozen=True)
class Segment:
    """A piece of an announcement: a recorded clip (``path``) or words to synthesise (``text``)."""

    name: str
    path: Path | None = None
    text: str = ""


def words_of(text: str) -> list[str]:
    """The words of ``text`` as clip names spell them: lowercase ASCII, numbers as words."""
    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    words: list[str] = []
    for word in re.findall(r"[a-z]+|\d+", folded):
        if word.isdigit():
            words.extend(
                number_words(int(word)).split() if len(word) <= 4 else [NUMBER_WORDS[int(d)] for d in word]
            )
        else:
            words.append(word)
    return words


def check_name(name: str) -> str:
    """``name`` if it is a valid clip name, else :class:`PackError`."""
    if not isinstance(name, str) or len(name) > MAX_NAME or not NAME_RE.match(name):
        raise PackError(
            "invalid_clip_name",
            "Nama rekaman harus huruf kecil dan angka, kata dipisah tanda hubung (contoh: nomor-antrian).",
        )
    return name


def check_wav(data: bytes) -> float:
    """The length in seconds of a WAV Loket can use, else :class:`PackError`."""
    if len(data) > MAX_CLIP_BYTES:
        raise PackError("clip_too_large", "Rekaman terlalu besar (paling banyak 4 MB).")
    try:
        with wave.open(io.BytesIO(data), "rb") as wav:
            channels, width, rate, frames = (
                wav.getnchannels(),
                wav.getsampwidth(),
                wav.getframerate(),
                wav.getnframes(),
            )
    except (wave.Error, EOFError, ValueError):
        raise PackError("invalid_wav", "Rekaman harus berupa berkas WAV (PCM).") from None
    if not (1 <= channels <= 8 and width in (1, 2, 3, 4) and 8000 <= rate <= 192000):
        raise PackError("invalid_wav", "Format WAV tidak didukung (gunakan PCM 8-32 bit, 8-192 kHz).")
    seconds = frames / rate
    if not 0.05 <= seconds <= MAX_CLIP_SECONDS:
        raise PackError("invalid_clip_length", "Panjang rekaman harus antara 0,05 dan 10 detik.")
    return seconds


class VoicePack:
    """The clips in one folder; re-read only when the folder changes."""

    def __init__(self, folder: Path):
        self.folder = Path(folder)
        self._lock = threading.Lock()
        self._seen: tuple | None = None
        self._clips: dict[str, Path] = {}
        self._fingerprint = ""
        self._checked = 0.0

    def _refresh(self) -> None:
        # Adding, replacing (rename) or removing a clip changes the folder; a file overwritten in
        # place (a copy by hand) does not, so the files themselves are looked at every second.
        try:
            stat = self.folder.stat()
            seen = (stat.st_mtime_ns, stat.st_ino)
        except OSError:
            seen = None
        now = time.monotonic()
        with self._lock:
            if seen == self._seen and seen is not None and now - self._checked < RESCAN_SECONDS:
                return
            self._checked = now
            clips, material = {}, []
            if seen is not None:
                for entry in sorted(os.scandir(self.folder), key=lambda e: e.name):
                    stem, dot, ext = entry.name.rpartition(".")
                    if dot and ext == "wav" and NAME_RE.match(stem) and entry.is_file():
                        clips[stem] = Path(entry.path)
                        st = entry.stat()
                        material.append(f"{entry.name}:{st.st_size}:{st.st_mtime_ns}")
            self._clips = clips
            self._fingerprint = hashlib.sha256("\n".join(material).encode()).hexdigest()[:16] if clips else ""
            self._seen = seen

    def clips(self) -> dict[str, Path]:
        """Clip name -> file."""
        self._refresh()
        return self._clips

    def fingerprint(self) -> str:
        """Changes whenever a clip is added, replaced or removed; "" for an empty pack."""
        self._refresh()
        return self._fingerprint

    def plan(self, text: str) -> list[Segment]:
        """``text`` as clips and runs of words to synthesise, longest recorded phrase first."""
        clips, words = self.clips(), words_of(text)
        segments: list[Segment] = []
        missing: list[str] = []
        i = 0
        while i < len(words):
            name, end = None, i + 1
            for j in range(min(len(words), i + MAX_PHRASE_WORDS), i, -1):
                if "-".join(words[i:j]) in clips:
                    name, end = "-".join(words[i:j]), j
                    break
            if name is None and _LETTER_OF.get(words[i]) in clips:
                name = _LETTER_OF[words[i]]  # "be" in the text is the recording of the letter B
            if name is None:
                missing.append(words[i])
            else:
                if missing:
                    segments.append(Segment("-".join(missing), text=" ".join(missing)))
                    missing = []
                segments.append(Segment(name, path=clips[name]))
            i = end
        if missing:
            segments.append(Segment("-".join(missing), text=" ".join(missing)))
        return segments

    # ---- changing the pack ---------------------------------------------------------------

    def save(self, name: str, data: bytes) -> None:
        """Add or replace one clip (validated; written atomically)."""
        check_name(name)
        check_wav(data)
        if name not in self.clips() and len(self.clips()) >= MAX_CLIPS:
            raise PackError("too_many_clips", f"Paket suara sudah berisi {MAX_CLIPS} rekaman.")
        self.folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".clip-", suffix=".tmp", dir=self.folder)
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, self.folder / f"{name}.wav")

    def delete(self, name: str) -> bool:
        """Remove one clip; False when there was none."""
        check_name(name)
        try:
            (self.folder / f"{name}.wav").unlink()
            return True
        except FileNotFoundError:
            return False

    def import_zip(self, source) -> list[str]:
        """Take every ``<name>.wav`` of a zip (a path or a file object); returns the names taken.

        Everything is checked before anything is written: one bad clip rejects the whole pack.
        """
        try:
            with zipfile.ZipFile(source) as archive:
                members = [m for m in archive.infolist() if not m.is_dir()]
                wanted = []
                for member in members:
                    path = PurePosixPath(member.filename)
                    if path.name.startswith(".") or "__MACOSX" in path.parts or path.suffix.lower() != ".wav":
                        continue
                    wanted.append((check_name(path.stem.lower()), member))
                if not wanted:
                    raise PackError("empty_pack", "Berkas zip tidak berisi rekaman .wav.")
                if len(wanted) > MAX_CLIPS or sum(m.file_size for _n, m in wanted) > MAX_ZIP_BYTES:
                    raise PackError("pack_too_large", "Paket suara terlalu besar.")
                clips, total = {}, 0
                for name, member in wanted:
                    if member.file_size > MAX_CLIP_BYTES:
                        raise PackError(
                            "clip_too_large", f"Rekaman {name} terlalu besar (paling banyak 4 MB)."
                        )
                    with archive.open(member) as handle:
                        data = handle.read(MAX_CLIP_BYTES + 1)  # a size in the zip may lie
                    total += len(data)
                    if total > MAX_ZIP_BYTES:
                        raise PackError("pack_too_large", "Paket suara terlalu besar.")
                    try:
                        check_wav(data)
                    except PackError as exc:
                        raise PackError(exc.code, f"{name}.wav: {exc.message}") from None
                    clips[name] = data
        except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError, NotImplementedError):
            raise PackError("invalid_zip", "Berkas bukan zip paket suara yang dapat dibaca.") from None
        for name, data in clips.items():
            self.save(name, data)
        return sorted(clips)

    def export_zip(self, target) -> int:
        """Write every clip into a zip (a path or a file object); returns how many."""
        clips = self.clips()
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, path in sorted(clips.items()):
                archive.write(path, f"{name}.wav")
        return len(clips)


def needed(template_literals: list[str], counter_names: list[str]) -> list[dict]:
    """The words and phrases a complete pack records, in the order an officer records them."""
    items: list[dict] = []
    seen: set[str] = set()

    def add(words: list[str], kind: str, text: str) -> None:
        name = "-".join(words)
        if words and name not in seen:
            seen.add(name)
            items.append({"name": name, "kind": kind, "text": text})

    for literal in template_literals:
        for piece in re.split(r"[,.;:!?]", literal):
            add(words_of(piece), "kalimat", " ".join(words_of(piece)))
    for counter in counter_names:
        for piece in re.split(r"\d+", counter):
            add(words_of(piece), "loket", " ".join(words_of(piece)))
    for letter, spoken in LETTERS.items():
        add([letter.lower()], "huruf", f"{spoken} (huruf {letter})")
    for word in NUMBER_WORDS:
        add([word], "angka", word)
    return items
