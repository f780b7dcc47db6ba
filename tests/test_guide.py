"""The guide at /bantuan: every page renders with its table of contents, links between pages and
images point at /bantuan addresses, anchors are the code host's, and every message the
troubleshooting page quotes is one the code really shows."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from server.web import guide

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "panduan"
TROUBLESHOOTING = GUIDE / "jika-ada-masalah.md"
#: How a quoted screen message is written in the guide's Markdown: one line, "…" for a part
#: that changes (a time, a printer's name).
MARKER = re.compile(r"^> \*\*Pesan di layar:\*\* (.+)$", re.MULTILINE)
SOURCES = [ROOT / "server", ROOT / "kiosk", ROOT / "display"]
GAP = "\x00"  # where a formatted value sits in a Python f-string


def quoted_messages() -> list[tuple[str, str]]:
    """(page, message) for every quoted screen message of the guide."""
    found = []
    for page in sorted(GUIDE.glob("*.md")):
        found += [(page.name, message.strip()) for message in MARKER.findall(page.read_text("utf-8"))]
    return found


def _python_strings(path: Path) -> list[str]:
    """Every string literal of a module, implicit concatenation joined, f-string values as gaps."""
    texts = []
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            texts.append(node.value)
        elif isinstance(node, ast.JoinedStr):
            texts.append(
                "".join(part.value if isinstance(part, ast.Constant) else GAP for part in node.values)
            )
    return texts


def code_texts() -> list[tuple[str, str]]:
    """What the screens can show, as (kind, text): each Python string ("py"), and the text of
    each template and script ("page")."""
    texts = []
    for folder in SOURCES:
        for path in folder.rglob("*"):
            if "vendor" in path.parts or not path.is_file():
                continue
            if path.suffix == ".py":
                texts += [("py", text) for text in _python_strings(path)]
            elif path.suffix in (".js", ".html"):
                texts.append(("page", re.sub(r"\s+", " ", path.read_text("utf-8"))))
    return texts


def message_pattern(message: str) -> re.Pattern:
    """The message as a pattern: each "…" stands for a value (or a break in a JS string)."""
    pieces = [re.escape(piece) for piece in message.split("…")]
    return re.compile(".{0,200}?".join(pieces), re.DOTALL)


def shows(texts: list[tuple[str, str]], message: str) -> bool:
    """Whether the code shows ``message`` whole: a Python string that is exactly it, or a string
    or element of a script or template that holds exactly it (so "Offline" is not found in
    "Offline speech")."""
    pattern = message_pattern(message)
    bounded = re.compile(r"""(?:^|[>"'`])\s*(?:""" + pattern.pattern + r""")\s*(?:$|[<"'`])""", re.DOTALL)
    return any(
        pattern.fullmatch(text.strip()) if kind == "py" else bounded.search(text) for kind, text in texts
    )


@pytest.fixture(scope="module")
def texts():
    return code_texts()


@pytest.mark.parametrize("page,message", quoted_messages(), ids=[m[:40] for _, m in quoted_messages()])
def test_every_quoted_message_is_shown_by_the_code(texts, page, message):
    assert shows(texts, message), f"{page} quotes a message no screen shows any more: {message!r}"


def test_a_message_is_found_whole_with_its_values_and_not_once_changed():
    texts = [
        ("py", "Printer \x00 tidak ditemukan: periksa kabel dan dayanya"),
        ("py", "Offline speech, driven by one worker thread."),
        ("page", "say(`Memanggil ${n} ke ${counter}.`); <span>Offline</span>"),
    ]
    assert shows(texts, "Printer … tidak ditemukan: periksa kabel dan dayanya")
    assert shows(texts, "Memanggil … ke ….")
    assert shows(texts, "Offline")
    assert not shows(texts, "Printer … hilang: periksa kabel dan dayanya")
    assert not shows(texts, "Offline speech")  # part of a Python string, not all of it
    assert not shows(texts[:2], "Offline")


def test_every_troubleshooting_entry_quotes_what_the_screen_shows():
    text = TROUBLESHOOTING.read_text("utf-8")
    entries = re.split(r"^## ", text, flags=re.MULTILINE)[1:]
    assert len(entries) >= 6
    for entry in entries:
        title = entry.splitlines()[0]
        assert MARKER.search(entry), f"'{title}' names no message from the screen"
    titles = {entry.splitlines()[0] for entry in entries}
    for needed in (
        "TV tidak bersuara",
        "Printer tidak mencetak",
        "Tulisan Offline di layar",
        "Kiosk menolak memberi nomor",
        "Jam komputer salah",
        "Disk penuh",
    ):
        assert needed in titles


def test_python_strings_join_implicit_concatenation(tmp_path):
    module = tmp_path / "m.py"
    module.write_text('X = (f"Sisa {n} MB. "\n     "Hapus berkas.")\n')
    assert "Sisa \x00 MB. Hapus berkas." in _python_strings(module)


# ---- the pages --------------------------------------------------------------------------------


def test_every_page_renders_with_its_table_of_contents(client):
    for stem, title in guide.PAGES:
        url = "/bantuan" if stem == guide.INDEX else f"/bantuan/{stem}"
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.get_data(as_text=True)
        assert 'aria-label="Daftar isi panduan"' in html
        for _stem, other_title in guide.PAGES:
            assert f">{other_title}</a>" in html
        assert ".md" not in re.sub(r"<code>.*?</code>|<pre>.*?</pre>", "", html, flags=re.DOTALL), url
        assert title in html


def test_links_and_images_become_bantuan_addresses(client):
    html = client.get("/bantuan/petugas-loket").get_data(as_text=True)
    assert 'href="/bantuan/supervisor#menandai-waktu-yang-salah"' in html
    assert 'src="/bantuan/img/petugas.png"' in html
    assert 'id="tombol-dan-huruf-pintasnya"' in html
    assert '<a href="#tombol-dan-huruf-pintasnya">' in html


def test_guide_is_public_and_images_come_only_from_its_folder(client):
    assert client.get("/bantuan/img/petugas.png").headers["Content-Type"] == "image/png"
    for url in (
        "/bantuan/tidak-ada",
        "/bantuan/README",
        "/bantuan/img/tidak-ada.png",
        "/bantuan/img/..%2F..%2F..%2Fsetup.cfg",
        "/bantuan/img/loket.toml",
    ):
        assert client.get(url).status_code == 404, url


def test_anchors_are_the_code_hosts():
    assert guide.slugify("Skip atau selesai?") == "skip-atau-selesai"
    assert guide.slugify("Printer tiket (USB, LAN, serial)") == "printer-tiket-usb-lan-serial"
    assert guide.slugify("Median dan P90") == "median-dan-p90"
    assert guide.slugify("Tidak hadir — atau selesai") == "tidak-hadir--atau-selesai"


def test_every_link_between_pages_names_a_page_and_a_heading_that_exist():
    """Checked on the Markdown itself, as read on the code host."""
    anchors = {}
    for page in GUIDE.glob("*.md"):
        headings = re.findall(r"^#{1,6} (.+)$", page.read_text("utf-8"), re.MULTILINE)
        anchors[page.name] = {guide.slugify(h) for h in headings}
    for page in GUIDE.glob("*.md"):
        for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text("utf-8")):
            if target.startswith(("http://", "https://")):
                continue
            name, _, anchor = target.partition("#")
            name = name or page.name
            if name.startswith("img/"):
                assert (GUIDE / name).is_file(), (page.name, target)
                continue
            assert name in anchors, (page.name, target)
            assert not anchor or anchor in anchors[name], (page.name, target)
