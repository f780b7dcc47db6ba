"""The office's guide (Panduan) at /bantuan: the Markdown of docs/panduan/ rendered to HTML.

The same files are read on the code host before anything is installed, so links between pages
are written as ``petugas-loket.md#panggil-berikutnya`` and images as ``img/petugas.png``; here
they are rewritten to /bantuan addresses. Headings get the anchors the code host gives them
(lowercase, punctuation dropped, spaces to hyphens), so one anchor works in both places.

Public on purpose: the IT staff read it before any account exists, and it holds no secret.
Pages are rendered once per file change and kept; images are served only from the guide's
``img/`` folder.
"""

from __future__ import annotations

import re
import sys
import threading
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from pathlib import Path

import markdown
from flask import Blueprint, abort, render_template, send_from_directory, url_for
from markdown.extensions import Extension
from markdown.treeprocessors import Treeprocessor

bp = Blueprint("guide", __name__)

#: The pages in reading order: file stem and its title in the table of contents.
PAGES = (
    ("README", "Daftar isi"),
    ("memasang-loket", "Memasang Loket"),
    ("petugas-loket", "Petugas loket"),
    ("supervisor", "Supervisor dan kepala kantor"),
    ("admin", "Admin"),
    ("jika-ada-masalah", "Jika ada masalah"),
)
INDEX = "README"
IMAGE_TYPES = {".png": "image/png", ".jpg": "image/jpeg", ".svg": "image/svg+xml"}
_MD_LINK = re.compile(r"^(?:\./)?([a-z0-9-]+|README)\.md(#[a-z0-9_-]+)?$", re.IGNORECASE)


def guide_dir() -> Path:
    """Where the guide's Markdown lives: the repository's docs/panduan (a clone, the usual
    install), else the copy a wheel installs under ``share/loket/panduan``."""
    beside = Path(__file__).resolve().parents[2] / "docs" / "panduan"
    if beside.is_dir():
        return beside
    return Path(sys.prefix) / "share" / "loket" / "panduan"


def slugify(text: str, separator: str = "-") -> str:
    """The code host's heading anchor: lowercase, only letters, digits, spaces, hyphens and
    underscores kept, each space a hyphen ("Skip atau selesai?" -> "skip-atau-selesai")."""
    text = re.sub(r"<[^>]+>", "", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return text.replace(" ", separator)


def page_url(stem: str, anchor: str = "") -> str:
    """The /bantuan address of a guide page (and a section of it)."""
    url = url_for("guide.index") if stem == INDEX else url_for("guide.page", name=stem)
    return url + (f"#{anchor}" if anchor else "")


class _Links(Treeprocessor):
    """Rewrite links to sibling .md files and relative images to /bantuan addresses."""

    def run(self, root: etree.Element) -> None:
        for link in root.iter("a"):
            match = _MD_LINK.match(link.get("href", ""))
            if match:
                stem, anchor = match.group(1), (match.group(2) or "")
                link.set("href", page_url(stem) + anchor)
        for image in root.iter("img"):
            src = image.get("src", "")
            if src.startswith(("img/", "./img/")):
                image.set("src", url_for("guide.image", filename=src.split("img/", 1)[1]))
                image.set("loading", "lazy")


class _LinksExtension(Extension):
    def extendMarkdown(self, md) -> None:  # noqa: N802 (Python-Markdown's name)
        md.treeprocessors.register(_Links(md), "loket_guide_links", 5)


@dataclass(frozen=True)
class Page:
    """One rendered page: its body HTML and its sections (h2/h3) for the table of contents."""

    stem: str
    title: str
    html: str
    sections: tuple[tuple[int, str, str], ...]  # (level, anchor, text)


_cache: dict[str, tuple[float, Page]] = {}
_cache_lock = threading.Lock()


def render(stem: str) -> Page:
    """The page ``stem`` rendered (kept until its file changes)."""
    path = guide_dir() / f"{stem}.md"
    mtime = path.stat().st_mtime
    with _cache_lock:
        cached = _cache.get(stem)
        if cached and cached[0] == mtime:
            return cached[1]
    converter = markdown.Markdown(
        extensions=["toc", "tables", "fenced_code", "sane_lists", _LinksExtension()],
        extension_configs={"toc": {"slugify": slugify, "toc_depth": "2-3"}},
        output_format="html",
    )
    html = converter.convert(path.read_text(encoding="utf-8"))
    sections = tuple(_flatten(converter.toc_tokens))
    title = dict(PAGES).get(stem, stem)
    page = Page(stem, title, html, sections)
    with _cache_lock:
        _cache[stem] = (mtime, page)
    return page


def _flatten(tokens: list[dict]):
    for token in tokens:
        yield token["level"], token["id"], token["name"]
        yield from _flatten(token["children"])


def _show(stem: str):
    if not (guide_dir() / f"{stem}.md").is_file():
        abort(404)
    page = render(stem)
    pages = [(s, title, page_url(s)) for s, title in PAGES if (guide_dir() / f"{s}.md").is_file()]
    return render_template("guide.html", page=page, pages=pages)


@bp.get("/bantuan")
def index():
    """The guide's first page: what is in it, for whom."""
    return _show(INDEX)


@bp.get("/bantuan/<name>")
def page(name: str):
    """One page of the guide."""
    if name not in dict(PAGES) or name == INDEX:
        abort(404)
    return _show(name)


@bp.get("/bantuan/img/<filename>")
def image(filename: str):
    """A screenshot or figure of the guide (only from its img/ folder)."""
    suffix = Path(filename).suffix.lower()
    if suffix not in IMAGE_TYPES:
        abort(404)
    return send_from_directory(str(guide_dir() / "img"), filename, mimetype=IMAGE_TYPES[suffix], max_age=3600)
