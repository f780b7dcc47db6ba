"""Choosing the speech engine: a better Indonesian platform voice when pyttsx3 lists one.

The platform drivers (SAPI5, NSSpeechSynthesizer) are not on this machine, so a fake pyttsx3
driver stands in for them, loaded through pyttsx3's own ``init(driverName)``.
"""

from __future__ import annotations

import shutil
import sys
import types
import wave

import pytest

from server.config.voice import VoiceSettings
from server.voice import Announcer, engines, synth
from server.voice.engines import VoiceInfo

pyttsx3 = pytest.importorskip("pyttsx3")
from pyttsx3.voice import Voice  # noqa: E402

MAC_VOICES = [
    Voice("com.apple.voice.compact.en-US.Samantha", "Samantha", ["en_US"]),
    Voice("com.apple.voice.compact.id-ID.Damayanti", "Damayanti", ["id_ID"]),
]
SAPI_VOICES = [
    Voice(
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_EN-US_DAVID_11.0",
        "Microsoft David Desktop - English (United States)",
        [],
    ),
    Voice(
        r"HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Speech\Voices\Tokens\TTS_MS_ID-ID_ANDIKA_11.0",
        "Microsoft Andika - Indonesian (Indonesia)",
        [],
    ),
]
ENGLISH_ONLY = MAC_VOICES[:1]


class FakeDriver:
    """A pyttsx3 driver with a platform's voice list that writes a 440 Hz tone for any text."""

    def __init__(self, proxy):
        self._proxy = proxy
        self._looping = False
        self._config = {"rate": 200, "volume": 1.0, "voice": None, "voices": fake_module.VOICES}

    def destroy(self):
        pass

    def startLoop(self):
        import time

        self._looping = True
        self._proxy.setBusy(False)
        while self._looping:
            time.sleep(0.005)

    def endLoop(self):
        self._looping = False

    def iterate(self):
        self._proxy.setBusy(False)
        yield

    def say(self, text):
        pass

    def stop(self):
        pass

    def save_to_file(self, text, filename):
        import math

        self._proxy.setBusy(True)
        fake_module.SAID.append((text, self._config["voice"], self._config["rate"]))
        frames = b"".join(
            int(8000 * math.sin(2 * math.pi * 440 * i / 16000)).to_bytes(2, "little", signed=True)
            for i in range(16000)
        )
        with wave.open(filename, "wb") as out:
            out.setnchannels(1)
            out.setsampwidth(2)
            out.setframerate(16000)
            out.writeframes(frames)
        self._proxy.setBusy(False)

    def getProperty(self, name):
        return self._config[name]

    def setProperty(self, name, value):
        self._config[name] = value


fake_module = types.ModuleType("pyttsx3.drivers.loketfake")
fake_module.buildDriver = FakeDriver
fake_module.VOICES = []
fake_module.SAID = []


@pytest.fixture
def fake_driver(monkeypatch):
    monkeypatch.setitem(sys.modules, "pyttsx3.drivers.loketfake", fake_module)
    monkeypatch.setattr(fake_module, "VOICES", list(MAC_VOICES))
    monkeypatch.setattr(fake_module, "SAID", [])
    return fake_module


def infos(voices):
    return [VoiceInfo(v.id, v.name, tuple(engines._language(lang) for lang in v.languages)) for v in voices]


def test_damayanti_on_macos_and_andika_on_windows_are_preferred():
    assert engines.better_indonesian(infos(MAC_VOICES)).name == "Damayanti"
    assert engines.better_indonesian(infos(SAPI_VOICES)).name.startswith("Microsoft Andika")
    assert engines.better_indonesian(infos(ENGLISH_ONLY)) is None
    espeak = [
        VoiceInfo("poz/id", "Indonesian", ("id",)),
        VoiceInfo("mb/mb-id1", "indonesian-mbrola-1", ("id",)),
    ]
    assert engines.better_indonesian(espeak) is None
    assert engines.resolve(infos(SAPI_VOICES), "id") == SAPI_VOICES[1].id
    assert engines.resolve(espeak, "id") == "poz/id"
    with pytest.raises(engines.VoiceError):
        engines.resolve(infos(ENGLISH_ONLY), "id")


@pytest.mark.skipif(shutil.which("espeak-ng") is None, reason="espeak-ng is not installed")
def test_without_an_indonesian_platform_voice_espeak_ng_speaks(fake_driver):
    fake_driver.VOICES = list(ENGLISH_ONLY)
    assert isinstance(engines.choose("loketfake"), engines.EspeakEngine)
    assert isinstance(engines.choose(None), engines.EspeakEngine)


def test_the_platform_voice_speaks_the_call_as_written(fake_driver, monkeypatch, tmp_path):
    engine = engines.choose("loketfake")
    assert isinstance(engine, engines.Pyttsx3Engine) and engine.phonemes is False
    monkeypatch.setattr(synth, "PLATFORM_DRIVER", "loketfake")
    monkeypatch.setattr(synth, "_engine", None)
    monkeypatch.setattr(synth, "_voice_ids", {})
    announcer = Announcer(VoiceSettings(rate=140), tmp_path / "sounds")
    call = announcer.announce("E046", "Loket 4")
    path = announcer.wait_for(call.key, 10)
    assert path is not None and path.stem == call.key
    # the platform voice reads Indonesian spelling: no espeak phoneme input reaches it
    assert fake_driver.SAID == [
        ("Nomor antrian, e, empat puluh enam, silakan menuju Loket 4", MAC_VOICES[1].id, 140)
    ]
    announcer.close()
