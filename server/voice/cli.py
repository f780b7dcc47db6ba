"""``loket say "teks"``: write (and optionally play) a test announcement."""

from __future__ import annotations

import shutil
import sys
import time
from pathlib import Path

from server.config.voice import VoiceSettings
from server.voice import cache, wav, worker
from server.voice.speaker import play_file


def say_command(
    text: str,
    settings: VoiceSettings,
    cache_dir: Path,
    out: Path | None,
    play: bool,
    pack_dir: Path | None = None,
) -> int:
    """Synthesise ``text`` (chime + speech) into ``out`` or the cache; print path and duration.

    With ``pack_dir``, the office's voice pack speaks the words it has recorded.

    Returns 0 on success, 1 with a clear message on stderr otherwise.
    """
    text = (text or "").strip()
    if not text:
        print("Teks kosong: tidak ada yang diucapkan.", file=sys.stderr)
        return 1
    cache_dir = Path(cache_dir)
    cache_dir.mkdir(parents=True, exist_ok=True)
    from server.voice.pack import VoicePack

    pack = VoicePack(pack_dir) if pack_dir is not None else None
    key = cache.cache_key(
        text, settings.voice, settings.rate, settings.chime, pack.fingerprint() if pack else ""
    )
    cached = cache_dir / f"{key}.wav"
    started = time.perf_counter()
    if not cached.exists():
        job = worker.synthesise_now(text, settings.voice, settings.rate, settings.chime, cached, pack=pack)
        if not job.ok:
            print(f"Suara tidak dapat dibuat: {job.error}", file=sys.stderr)
            print("Periksa bahwa espeak-ng terpasang (apt-get install espeak-ng).", file=sys.stderr)
            return 1
    elapsed_ms = (time.perf_counter() - started) * 1000
    target = cached
    if out is not None:
        out = Path(out)
        try:
            out.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(cached, out)
        except OSError as exc:
            print(f"Tidak dapat menulis {out}: {exc}", file=sys.stderr)
            return 1
        target = out
    print(f"{target}  ({wav.duration_of(target):.2f} s, dibuat dalam {elapsed_ms:.0f} ms)")
    if play:
        error = play_file(target)
        if error:
            print(f"Tidak dapat memutar suara: {error}", file=sys.stderr)
            return 1
    return 0


def pack_command(action: str, zip_path: Path, data_dir: Path) -> int:
    """``loket voice import|export PACK.zip``: the office's voice pack in or out of a zip."""
    from server.voice.pack import FOLDER, PackError, VoicePack

    pack = VoicePack(Path(data_dir) / FOLDER)
    zip_path = Path(zip_path)
    if action == "import":
        if not zip_path.is_file():
            print(f"Berkas tidak ditemukan: {zip_path}", file=sys.stderr)
            return 1
        try:
            names = pack.import_zip(zip_path)
        except PackError as exc:
            print(f"Paket suara ditolak: {exc.message}", file=sys.stderr)
            return 1
        print(f"{len(names)} rekaman diimpor ke {pack.folder}: {', '.join(names)}")
        print("Pengumuman dibuat ulang dengan rekaman ini pada panggilan berikutnya.")
        return 0
    if not pack.clips():
        print(f"Paket suara kosong: belum ada rekaman di {pack.folder}.", file=sys.stderr)
        return 1
    try:
        zip_path.parent.mkdir(parents=True, exist_ok=True)
        count = pack.export_zip(zip_path)
    except OSError as exc:
        print(f"Tidak dapat menulis {zip_path}: {exc}", file=sys.stderr)
        return 1
    print(f"{count} rekaman diekspor ke {zip_path}")
    return 0
