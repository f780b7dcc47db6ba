"""A plain (not editable) wheel ships the pages, sounds and templates."""

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_wheel_contains_the_screens_and_sounds(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    [wheel] = list(tmp_path.glob("loket-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = [
        "server/web/app.py",
        "server/templates/base.html",
        "server/static/vendor/socket.io.min.js",
        "kiosk/templates/kiosk.html",
        "kiosk/static/kiosk.js",
        "display/templates/display.html",
        "display/static/display.js",
        "sounds/chime.wav",
        "server/voice/__init__.py",
        "server/printing/__init__.py",
        "server/templates/admin/services.html",
        "server/static/admin.services.js",
        "display/static/fit.js",
    ]
    missing = [name for name in expected if name not in names]
    assert not missing, missing
    assert not any(name.startswith("tests/") for name in names)
    guide = [name for name in names if "/data/share/loket/panduan/" in name]
    assert any(name.endswith("/panduan/petugas-loket.md") for name in guide), guide
    assert any(name.endswith("/panduan/img/petugas.png") for name in guide), guide
    entry = next(n for n in names if n.endswith("entry_points.txt"))
    assert "loket = server.cli:main" in zipfile.ZipFile(wheel).read(entry).decode()
