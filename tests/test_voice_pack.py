"""Voice packs: recorded clips joined into the announcement, the synthesiser only for the rest.

The clips are generated tones (a distinct pitch per word) with silence around them, in several
WAV formats and loudnesses, so the announcement can be checked by ear-less measurement: which
tone comes where, how long, how loud, and how much silence lies between.
"""

from __future__ import annotations

import io
import math
import shutil
import wave
import zipfile
from array import array
from collections import OrderedDict
from pathlib import Path

import pytest
from conftest import FakeClock, issue, make_app, tone_wav, write_config

from server import cli
from server.voice import assemble, synth
from server.voice.pack import PackError, VoicePack, needed
from server.webbase.auth import create_user

pytestmark = pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")

RATE = 22050
#: name -> (pitch Hz, tone seconds, peak amplitude 0-1, sample rate, channels, bytes per sample)
CLIPS = {
    "nomor-antrian": (300.0, 0.60, 0.05, 44100, 2, 2),
    "a": (450.0, 0.25, 0.70, 16000, 1, 2),
    "satu": (600.0, 0.35, 0.30, 48000, 1, 3),
    "silakan-menuju": (800.0, 0.55, 0.20, 8000, 1, 1),
}


def pack_zip(path: Path, clips=CLIPS) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for name, spec in clips.items():
            archive.writestr(f"kantor-kami/{name}.wav", tone_wav(*spec))
        archive.writestr("kantor-kami/BACA.txt", "direkam di ruang rapat")
    return path


def samples_of(data: bytes) -> array:
    with wave.open(io.BytesIO(data), "rb") as wav:
        assert (wav.getnchannels(), wav.getsampwidth(), wav.getframerate()) == (1, 2, RATE)
        samples = array("h")
        samples.frombytes(wav.readframes(wav.getnframes()))
    return samples


def regions(
    samples: array, threshold: float = 300.0, frame_seconds: float = 0.005
) -> list[tuple[float, float]]:
    """(start, end) seconds of the stretches louder than ``threshold``, in 5 ms frames."""
    frame = int(RATE * frame_seconds)
    found, start = [], None
    for index in range(0, len(samples) // frame):
        chunk = samples[index * frame : (index + 1) * frame]
        loud = math.sqrt(sum(s * s for s in chunk) / frame) >= threshold
        if loud and start is None:
            start = index * frame_seconds
        elif not loud and start is not None:
            found.append((start, index * frame_seconds))
            start = None
    if start is not None:
        found.append((start, len(samples) / RATE))
    return found


def pitch_of(samples: array) -> float:
    """The candidate pitch with the most power (Goertzel), or 0 when none dominates (speech)."""
    energy = sum(x * x for x in samples) or 1.0
    best, best_power = 0.0, 0.0
    for hz in {spec[0] for spec in CLIPS.values()}:
        k = 2 * math.cos(2 * math.pi * hz / RATE)
        s1 = s2 = 0.0
        for x in samples:
            s1, s2 = x + k * s1 - s2, s1
        power = (s1 * s1 + s2 * s2 - k * s1 * s2) / (energy * len(samples) / 2)
        if power > best_power:
            best, best_power = hz, power
    return best if best_power > 0.6 else 0.0


def db(samples: array) -> float:
    return 20 * math.log10(math.sqrt(sum(s * s for s in samples) / len(samples)))


@pytest.fixture
def office(tmp_path, monkeypatch):
    monkeypatch.setattr(assemble, "_memo", OrderedDict())  # nothing synthesised by earlier tests
    spoken: list[str] = []
    real = synth._speak_to

    def speak(engine, text, voice, rate, target):
        spoken.append(text)
        real(engine, text, voice, rate, target)

    monkeypatch.setattr(synth, "_speak_to", speak)
    data = tmp_path / "data"
    write_config(data, voice=True)
    return data, spoken


def call_next(data: Path):
    app = make_app(data, clock=FakeClock(), background=False)
    loket = app.extensions["runtime"]
    create_user(loket.store, "petugas1", "rahasia-123", "officer", loket.queue.now())
    issue(app.test_client())
    officer = app.test_client()
    assert (
        officer.post(
            "/api/login", json={"username": "petugas1", "password": "rahasia-123", "counter": 1}
        ).status_code
        == 200
    )
    return app, officer


def fetch_call(app, officer) -> tuple[dict, bytes]:
    response = officer.post("/api/counters/1/call-next")
    assert response.status_code == 200, response.get_json()
    ticket = response.get_json()["ticket"]
    announcement = app.extensions["runtime"].announce(ticket["number"], "Loket 1")
    audio = app.test_client().get(announcement["audio_url"])
    assert audio.status_code == 200 and audio.mimetype == "audio/wav"
    return announcement, audio.data


def test_a_call_is_spoken_with_the_pack_clips_in_order(office, tmp_path):
    data, spoken = office
    assert cli.main(["voice", "import", str(pack_zip(tmp_path / "pack.zip")), "--data", str(data)]) == 0
    app, officer = call_next(data)
    try:
        announcement, wav = fetch_call(app, officer)
    finally:
        app.extensions["runtime"].close()
    assert announcement["text"] == "Nomor antrian, a, satu, silakan menuju Loket 1"
    # only the word the pack lacks went to the synthesiser
    assert spoken == ["loket"]

    samples = samples_of(wav)
    found = [r for r in regions(samples) if r[0] > 1.5]  # after the chime (1.4 s) and its pause
    pitches = [pitch_of(samples[int(a * RATE) : int(b * RATE)]) for a, b in found]
    tones = [(r, hz) for r, hz in zip(found, pitches, strict=True) if hz]
    order = ["nomor-antrian", "a", "satu", "silakan-menuju", "satu"]
    assert [hz for _r, hz in tones] == [CLIPS[name][0] for name in order]
    speech = [r for r, hz in zip(found, pitches, strict=True) if not hz]
    assert speech and tones[3][0][1] < speech[0][0] and speech[-1][1] < tones[4][0][0], "loket in its place"
    # trimmed: each tone lasts as recorded, without the 0.3 s / 0.45 s of hiss around it
    for (start, end), hz in tones:
        name = next(n for n, spec in CLIPS.items() if spec[0] == hz)
        assert abs((end - start) - CLIPS[name][1]) < 0.03, (name, end - start)
    # short natural gaps: clip to clip, clip to the synthesised word and back
    edges = [r for r, _hz in tones[:4]] + [speech[0], speech[-1], tones[4][0]]
    gaps = [edges[i + 1][0] - edges[i][1] for i in range(len(edges) - 1) if i != 4]
    assert all(0.05 <= gap <= 0.15 for gap in gaps), gaps
    # one loudness, whatever each was recorded at (0.05 to 0.7 of full scale)
    levels = [db(samples[int((a + 0.02) * RATE) : int((b - 0.02) * RATE)]) for (a, b), _hz in tones]
    assert max(levels) - min(levels) <= 1.0, levels
    (Path(__file__).resolve().parent.parent / "test-artifacts").mkdir(exist_ok=True)
    (Path(__file__).resolve().parent.parent / "test-artifacts" / "voice-pack-call.wav").write_bytes(wav)


def test_a_changed_pack_rebuilds_the_announcement(office, tmp_path):
    data, spoken = office
    assert cli.main(["voice", "import", str(pack_zip(tmp_path / "pack.zip")), "--data", str(data)]) == 0
    app, officer = call_next(data)
    loket = app.extensions["runtime"]
    try:
        first, _wav = fetch_call(app, officer)
        VoicePack(data / "voice-pack").save("loket", tone_wav(1000.0, 0.3, 0.5, 22050, 1, 2))
        again = loket.announce("A001", "Loket 1")
        assert again["audio_url"] != first["audio_url"]
        wav = app.test_client().get(again["audio_url"]).data
    finally:
        loket.close()
    assert spoken == ["loket"]  # the second time the pack had every word
    found = [r for r in regions(samples_of(wav)) if r[0] > 1.5]
    # six recorded tones now, "loket" (0.3 s) fifth, and no synthesised speech among them
    durations = [end - start for start, end in found]
    expected = [
        CLIPS["nomor-antrian"][1],
        CLIPS["a"][1],
        CLIPS["satu"][1],
        CLIPS["silakan-menuju"][1],
        0.3,
        CLIPS["satu"][1],
    ]
    assert len(durations) == 6 and all(abs(d - e) < 0.03 for d, e in zip(durations, expected, strict=True)), (
        durations
    )


def test_export_and_import_round_trip(tmp_path, capsys):
    data = tmp_path / "data"
    assert cli.main(["voice", "export", str(tmp_path / "out.zip"), "--data", str(data)]) == 1
    assert "kosong" in capsys.readouterr().err
    assert cli.main(["voice", "import", str(pack_zip(tmp_path / "in.zip")), "--data", str(data)]) == 0
    assert cli.main(["voice", "export", str(tmp_path / "out.zip"), "--data", str(data)]) == 0
    with zipfile.ZipFile(tmp_path / "out.zip") as archive:
        assert sorted(archive.namelist()) == sorted(f"{name}.wav" for name in CLIPS)
        assert archive.read("a.wav") == tone_wav(*CLIPS["a"])


@pytest.mark.parametrize(
    "name, data, code",
    [
        ("Nomor Antrian", None, "invalid_clip_name"),
        ("../loket", None, "invalid_clip_name"),
        ("dua", b"RIFF not a wav", "invalid_wav"),
        ("dua", "too long", "invalid_clip_length"),
    ],
)
def test_bad_clips_are_refused(tmp_path, name, data, code):
    if data is None:
        data = tone_wav(440.0, 0.2, 0.5, 22050, 1, 2)
    elif data == "too long":
        data = tone_wav(440.0, 10.5, 0.5, 8000, 1, 1, lead=0, tail=0)
    with pytest.raises(PackError) as caught:
        VoicePack(tmp_path / "pack").save(name, data)
    assert caught.value.code == code


def test_a_zip_with_one_bad_clip_changes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad.zip"
    with zipfile.ZipFile(bad, "w") as archive:
        archive.writestr("dua.wav", tone_wav(440.0, 0.2, 0.5, 22050, 1, 2))
        archive.writestr("tiga.wav", b"not audio")
    assert cli.main(["voice", "import", str(bad), "--data", str(tmp_path / "d")]) == 1
    assert "tiga.wav" in capsys.readouterr().err
    assert VoicePack(tmp_path / "d" / "voice-pack").clips() == {}
    (tmp_path / "junk.zip").write_bytes(b"PK not really")
    assert cli.main(["voice", "import", str(tmp_path / "junk.zip"), "--data", str(tmp_path / "d")]) == 1


def test_longest_phrase_first_letters_and_counter_digits(tmp_path):
    pack = VoicePack(tmp_path)
    for name in ("silakan", "silakan-menuju", "menuju", "b", "empat", "loket"):
        pack.save(name, tone_wav(440.0, 0.2, 0.5, 22050, 1, 2))
    plan = pack.plan("Nomor antrian, be, empat belas, silakan menuju Loket 4")
    assert [(s.name, s.path is not None) for s in plan] == [
        ("nomor-antrian", False),
        ("b", True),
        ("empat", True),
        ("belas", False),
        ("silakan-menuju", True),
        ("loket", True),
        ("empat", True),
    ]
    assert [s.text for s in plan if s.path is None] == ["nomor antrian", "belas"]


def test_the_word_list_follows_the_template_and_counters():
    items = needed(["Nomor antrian, ", ", ", ", silakan menuju "], ["Loket 1", "Loket 2", "Meja Informasi"])
    names = [item["name"] for item in items]
    assert names[:4] == ["nomor-antrian", "silakan-menuju", "loket", "meja-informasi"]
    assert {"a", "z", "nol", "sembilan", "sebelas", "belas", "seribu", "ribu"} <= set(names)
    assert len(names) == len(set(names))
