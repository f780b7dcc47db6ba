"""Real speech with espeak-ng's Indonesian voice, the chime, and the single voice worker."""

from __future__ import annotations

import math
import shutil
import subprocess
import threading
import time
import wave
from array import array
from pathlib import Path

import pytest

from server.config.voice import VoiceSettings
from server.voice import Announcer, NullAnnouncer, chime, speaker, synth, worker
from server.voice import wav as audio

pytest.importorskip("pyttsx3")

RATE = 22050


def samples_of(path: Path) -> tuple[array, wave._wave_params]:
    with wave.open(str(path), "rb") as wav:
        params = wav.getparams()
        data = array("h")
        data.frombytes(wav.readframes(params.nframes))
    return data, params


def rms(samples) -> float:
    return math.sqrt(sum(s * s for s in samples) / len(samples)) if samples else 0.0


def goertzel(samples, rate: int, hz: float) -> float:
    """Relative power of one frequency (normalised by the signal's own power)."""
    k = 2 * math.cos(2 * math.pi * hz / rate)
    s1 = s2 = 0.0
    for x in samples:
        s1, s2 = x + k * s1 - s2, s1
    power = s1 * s1 + s2 * s2 - k * s1 * s2
    energy = sum(x * x for x in samples) or 1.0
    return power / (energy * len(samples) / 2)


def sox_stat(path: Path) -> dict[str, float]:
    done = subprocess.run(["sox", str(path), "-n", "stat"], capture_output=True, text=True, check=True)
    figures = {}
    for line in done.stderr.splitlines():
        name, _, value = line.partition(":")
        try:
            figures[" ".join(name.split())] = float(value)
        except ValueError:
            pass
    return figures


# ---- the chime ------------------------------------------------------------------------------


def test_shipped_chime_is_the_generated_one(tmp_path):
    from sounds import CHIME_PATH

    fresh = chime.write_chime(tmp_path / "chime.wav")
    assert fresh.read_bytes() == CHIME_PATH.read_bytes()


def test_chime_has_both_tones_one_after_the_other():
    from sounds import CHIME_PATH

    samples, params = samples_of(CHIME_PATH)
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, RATE)
    assert 1.3 <= params.nframes / params.framerate <= 1.5
    half = len(samples) // 2
    first, second = samples[:half], samples[half:]
    assert goertzel(first, RATE, 587.33) > 10 * goertzel(first, RATE, 880.0)
    assert goertzel(second, RATE, 880.0) > 10 * goertzel(second, RATE, 587.33)
    assert goertzel(first, RATE, 587.33) > 0.3 and goertzel(second, RATE, 880.0) > 0.3
    # soft attack and decay: no click at either end, loudest near the start of each tone
    assert abs(samples[0]) < 500 and abs(samples[-1]) < 500
    assert 3000 < max(abs(s) for s in samples) < 32767


# ---- real speech ----------------------------------------------------------------------------


def test_announcement_wav_is_real_indonesian_speech(announcer, monkeypatch):
    spoken, gate = [], threading.Event()
    real = synth._speak_to

    def speak(engine, text, voice, rate, target):
        gate.wait(10)
        spoken.append(text)
        real(engine, text, voice, rate, target)

    monkeypatch.setattr(synth, "_speak_to", speak)
    result = announcer.announce("A012", "Loket 3")
    assert result.text == "Nomor antrian, a, dua belas, silakan menuju Loket 3"
    assert result.audio_url == f"/sounds/announcements/{result.key}.wav"
    # announce() returned while its synthesis is held back: it does not wait for it
    assert result.text not in spoken and not announcer.path_for(result.key).exists()
    gate.set()
    path = announcer.wait_for(result.key, timeout=10)
    assert path == announcer.cache_dir / f"{result.key}.wav"

    samples, params = samples_of(path)
    assert path.read_bytes()[:4] == b"RIFF"
    assert (params.nchannels, params.sampwidth, params.framerate) == (1, 2, RATE)
    seconds = params.nframes / params.framerate
    assert 2.0 < seconds < 10.0
    assert announcer.status()["voice"] == "poz/id"

    # the chime first, then the speech: one file, never overlapping
    chime_len = int(1.4 * RATE)
    assert goertzel(samples[: chime_len // 2], RATE, 587.33) > 0.3
    speech = samples[chime_len + int(0.25 * RATE) :]
    assert rms(speech) > 1000, "the speech part is silent"
    if shutil.which("sox"):
        assert sox_stat(path)["RMS amplitude"] > 0.03

    # cached: the same call again is a file lookup, not a synthesis
    hits = announcer.status()["cache_hits"]
    again = announcer.announce("A012", "Loket 3")
    assert announcer.wait_for(again.key, timeout=10) == path
    assert again.key == result.key and announcer.status()["cache_hits"] == hits + 1
    assert spoken.count(result.text) == 1


def test_digits_mode_and_rate_change_the_file(tmp_path):
    slow = Announcer(VoiceSettings(number_reading="digits", rate=120), tmp_path / "a")
    fast = Announcer(VoiceSettings(number_reading="digits", rate=220), tmp_path / "b")
    one, two = slow.announce("B105", "Loket 2"), fast.announce("B105", "Loket 2")
    assert one.text == two.text == "Nomor antrian, be, satu nol lima, silakan menuju Loket 2"
    assert one.key != two.key
    long, short = audio.duration_of(slow.wait_for(one.key, 10)), audio.duration_of(fast.wait_for(two.key, 10))
    assert long > short + 1.0


def test_without_chime_the_file_is_speech_only(tmp_path):
    plain = Announcer(VoiceSettings(chime=False), tmp_path / "s")
    result = plain.announce("C001", "Loket 1")
    samples, params = samples_of(plain.wait_for(result.key, 10))
    assert goertzel(samples[: int(0.7 * RATE)], RATE, 587.33) < 0.3
    assert 1.0 < params.nframes / RATE < 6.0


def test_prefetch_makes_the_file_before_the_call(announcer, monkeypatch):
    announcer.prefetch("D007", "Loket 3")
    key = announcer.key_for("Nomor antrian, de, tujuh, silakan menuju Loket 3")
    assert announcer.wait_for(key, 10) is not None
    # from here on, every job handed to the voice worker is seen
    submitted = []
    real_submit = worker.submit
    monkeypatch.setattr(
        worker, "submit", lambda job, priority: submitted.append(job) or real_submit(job, priority)
    )
    hits = announcer.status()["cache_hits"]
    assert announcer.announce("D007", "Loket 3").key == key
    announcer.prefetch("D007", "Loket 3")  # cached: nothing queued
    assert submitted == [], "a cached call was handed to the voice worker again"
    assert announcer.status()["cache_hits"] == hits + 2


def test_announcements_go_before_prefetches(announcer, monkeypatch):
    order = []
    gate = threading.Event()
    real = synth._speak_to

    def speak(engine, text, voice, rate, target):
        gate.wait(5)
        order.append(text)
        real(engine, text, voice, rate, target)

    monkeypatch.setattr(synth, "_speak_to", speak)
    for n in range(1, 4):
        announcer.prefetch(f"E00{n}", "Loket 4")
    call = announcer.announce("E009", "Loket 4")
    gate.set()
    assert announcer.wait_for(call.key, 10) is not None
    last = announcer.key_for("Nomor antrian, e, tiga, silakan menuju Loket 4")
    assert announcer.wait_for(last, 10) is not None
    # the first prefetch may already have been running; the call overtakes the rest
    assert order.index(call.text) <= 1


def test_a_burst_from_many_threads_is_made_one_at_a_time_in_order(announcer, monkeypatch):
    engine_users: set[str] = set()
    active = {"now": 0, "most": 0}
    guard = threading.Lock()
    real = synth._speak_to

    def speak(engine, text, voice, rate, target):
        with guard:
            active["now"] += 1
            active["most"] = max(active["most"], active["now"])
            engine_users.add(threading.current_thread().name)
        try:
            time.sleep(0.002)  # widen the window in which an overlap would show
            real(engine, text, voice, rate, target)
        finally:
            with guard:
                active["now"] -= 1

    trace: list = []
    monkeypatch.setattr(synth, "_speak_to", speak)
    monkeypatch.setattr(worker, "trace", trace)
    results = []
    lock = threading.Lock()

    def caller(worker: int):
        for i in range(6):
            number = f"A{worker * 10 + i + 100:03d}"
            result = announcer.announce(number, f"Loket {worker + 1}")
            with lock:
                results.append(result)

    threads = [threading.Thread(target=caller, args=(w,)) for w in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    for result in results:
        assert announcer.wait_for(result.key, 20) == announcer.cache_dir / f"{result.key}.wav"

    assert len({r.key for r in results}) == 30
    assert active["most"] == 1, "two syntheses ran at once"
    assert engine_users == {"loket-voice"}, engine_users
    ours = {r.text for r in results}
    trace = [entry for entry in trace if entry[2] in ours]  # not a previous test's leftovers
    ends = [seq for event, seq, _text, _t in trace if event == "end"]
    assert len(ends) == 30 and ends == sorted(ends), "not finished in submission order"
    starts = [(event, seq) for event, seq, _text, _t in trace]
    assert all(
        starts[i][0] == "start" and starts[i + 1] == ("end", starts[i][1]) for i in range(0, len(starts), 2)
    ), "a synthesis began before the previous ended"


def test_many_announcers_share_one_worker(tmp_path):
    announcers = [Announcer(VoiceSettings(), tmp_path / f"app{i}") for i in range(4)]
    calls = [a.announce("B002", "Loket 2") for a in announcers]
    for a, call in zip(announcers, calls, strict=True):
        assert a.wait_for(call.key, 10) is not None
    workers = [t for t in threading.enumerate() if t.name == "loket-voice"]
    assert len(workers) == 1
    for a in announcers:
        a.close()


# ---- failure ----------------------------------------------------------------------------------


def test_voice_failure_falls_back_to_the_chime(tmp_path, monkeypatch, caplog):
    def broken():
        raise synth.VoiceError("espeak-ng is not installed")

    monkeypatch.setattr(synth, "make_engine", broken)
    announcer = Announcer(VoiceSettings(), tmp_path / "sounds")
    announcer.start()
    first = announcer.announce("F003", "Loket 4")
    assert first.text == "Nomor antrian, ef, tiga, silakan menuju Loket 4"
    # the file the display asks for turns out to be the chime
    from sounds import CHIME_PATH

    assert announcer.wait_for(first.key, 5) == CHIME_PATH
    status = announcer.status()
    assert status["ok"] is False
    assert status["message"] == "Suara pengumuman tidak tersedia; hanya bunyi bel yang diputar."
    assert "espeak-ng" in status["error"]
    # later calls point straight at the chime
    second = announcer.announce("F004", "Loket 4")
    assert second.text.startswith("Nomor antrian, ef, empat")
    assert second.audio_url == "/sounds/chime.wav"
    announcer.prefetch("F005", "Loket 4")  # no error either
    assert any("espeak-ng is not installed" in r.getMessage() for r in caplog.records)

    # without the chime there is nothing to play, and the admin is told so
    silent = Announcer(VoiceSettings(chime=False), tmp_path / "silent")
    call = silent.announce("F006", "Loket 4")
    assert silent.wait_for(call.key, 5) is None
    assert silent.announce("F007", "Loket 4").audio_url is None
    assert silent.status()["message"] == "Suara pengumuman tidak tersedia; panggilan hanya tampil di layar."

    # the voice comes back: so does the speech
    monkeypatch.undo()
    recovered = announcer.announce("F008", "Loket 4")
    assert announcer.wait_for(recovered.key, 10) == announcer.path_for(recovered.key)
    assert announcer.status()["ok"] is True


def test_empty_text_is_reported_not_raised(tmp_path):
    announcer = Announcer(VoiceSettings(template="{prefix}"), tmp_path / "sounds")
    result = announcer.announce("007", "Loket 1")  # no prefix: nothing to say
    assert result.text == ""
    assert result.audio_url == "/sounds/chime.wav"
    assert announcer.status()["ok"] is False


def test_null_announcer(tmp_path):
    off = NullAnnouncer(VoiceSettings(enabled=False), tmp_path)
    off.start()
    result = off.announce("A012", "Loket 3")
    assert result.text == "Nomor antrian, a, dua belas, silakan menuju Loket 3"
    assert result.audio_url == "/sounds/chime.wav"
    assert off.status() == {**off.status(), "ok": True, "enabled": False}
    assert "dimatikan" in off.status()["message"]
    off.prefetch("A013", "Loket 3")
    assert off.wait_for(result.key, 0.1) is None
    quiet = NullAnnouncer(VoiceSettings(enabled=False, chime=False), tmp_path)
    assert quiet.announce("A012", "Loket 3").audio_url is None
    off.close()


def test_server_output_without_a_speaker_carries_on(tmp_path, monkeypatch, caplog):
    monkeypatch.setattr(speaker.shutil, "which", lambda name: None)
    monkeypatch.setattr(speaker, "_speaker_warned", False)
    announcer = Announcer(VoiceSettings(output="server"), tmp_path / "sounds")
    announcer.start()
    first = announcer.announce("A001", "Loket 1")
    second = announcer.announce("A002", "Loket 1")
    assert first.audio_url is None and second.audio_url is None  # the display stays quiet
    assert announcer.wait_for(second.key, 10) is not None
    deadline = time.monotonic() + 5
    while "speaker_ok" not in announcer.status() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert announcer.status()["speaker_ok"] is False
    assert sum("speaker" in r.getMessage() for r in caplog.records) == 1  # logged once
    announcer.close()


def test_say_command_writes_chime_and_speech(tmp_path, capsys):
    from server.voice.cli import say_command

    out = tmp_path / "tes.wav"
    assert say_command("Tes suara loket satu", VoiceSettings(), tmp_path / "cache", out, False) == 0
    printed = capsys.readouterr().out
    assert str(out) in printed and " s" in printed
    assert 2.0 < audio.duration_of(out) < 8.0
    assert say_command("   ", VoiceSettings(), tmp_path / "cache", None, False) == 1
    assert "kosong" in capsys.readouterr().err


def test_say_command_reports_a_broken_voice(tmp_path, monkeypatch, capsys):
    from server.voice.cli import say_command

    monkeypatch.setattr(synth, "make_engine", lambda: (_ for _ in ()).throw(synth.VoiceError("no espeak")))
    assert say_command("Tes", VoiceSettings(), tmp_path, None, False) == 1
    assert "no espeak" in capsys.readouterr().err


def test_old_files_are_pruned(tmp_path):
    import os

    announcer = Announcer(VoiceSettings(), tmp_path)
    old, new, tmp = tmp_path / ("a" * 64 + ".wav"), tmp_path / ("b" * 64 + ".wav"), tmp_path / ".tmp-x.wav"
    for path in (old, new, tmp):
        path.write_bytes(b"RIFF" + bytes(100))
    long_ago = time.time() - 90 * 86400
    os.utime(old, (long_ago, long_ago))
    os.utime(tmp, (long_ago, long_ago))
    assert announcer.prune_cache() == 2
    assert new.exists() and not old.exists() and not tmp.exists()
    assert announcer.prune_cache(max_bytes=50) == 1 and not new.exists()
