"""The README is a short front door and the topic pages under docs/ hang together: the README stays
under 200 lines, every topic page is linked from the README and from ARCHITECTURE.md, and every
relative link of the README and the topic pages reaches an existing file and heading. The office's
guide (docs/panduan/) has its own tests (test_guide.py)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"
ARCHITECTURE = ROOT / "ARCHITECTURE.md"
TOPIC_PAGES = sorted((ROOT / "docs").glob("*.md"))
MAX_README_LINES = 200
SET_UP_COMMANDS = (
    "bash scripts/demo      # installs what is missing, then serves the demo office on port 8000",
    "bash scripts/test      # installs what is missing, then runs the linters and the whole test suite",
)

_FENCE = re.compile(r"^(```|~~~).*?^\1[^\n]*$", re.MULTILINE | re.DOTALL)
_CODE_SPAN = re.compile(r"(`+)(?!`).*?(?<!`)\1(?!`)", re.DOTALL)
_LINK = re.compile(r"\[(?:[^\[\]]|\[[^\]]*\])*\]\(([^()\s]+)\)")
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*\s*$", re.MULTILINE)


def _prose(text: str) -> str:
    """The text without fenced code blocks (whose lines are kept empty) and inline code spans."""
    text = _FENCE.sub(lambda block: "\n" * block.group(0).count("\n"), text)
    return _CODE_SPAN.sub(lambda span: "`" + "x" * (len(span.group(0)) - 2) + "`", text)


def links(text: str) -> list[str]:
    """The targets of the inline links of a Markdown text, outside code."""
    return _LINK.findall(_prose(text))


def anchors(text: str) -> set[str]:
    """The anchors of a Markdown page's headings, as the code host makes them: lowercase, inline
    code marks and punctuation dropped, spaces turned into hyphens, repeats numbered -1, -2, …"""
    found: set[str] = set()
    for title in _HEADING.findall(_FENCE.sub("", text)):
        slug = re.sub(r"[^\w\- ]", "", title.replace("`", "").strip().lower()).replace(" ", "-")
        anchor, n = slug, 0
        while anchor in found:
            n += 1
            anchor = f"{slug}-{n}"
        found.add(anchor)
    return found


def broken_links(page: Path, text: str) -> list[str]:
    """The relative links of ``text`` (the contents of ``page``) that reach no file or heading."""
    broken = []
    for target in links(text):
        if re.match(r"[a-z][a-z0-9+.-]*:", target, re.IGNORECASE):
            continue  # http:, https:, mailto: …
        path, _, anchor = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif anchor and file.is_file() and file.suffix == ".md":
            if anchor not in anchors(file.read_text(encoding="utf-8")):
                broken.append(f"{target}: no such heading")
        elif anchor:
            broken.append(f"{target}: an anchor in a file that is not a Markdown page")
    return broken


def linked_pages(page: Path, text: str) -> set[Path]:
    """The files that ``page`` links to (anchors dropped)."""
    targets = (target.partition("#")[0] for target in links(text))
    return {(page.parent / target).resolve() for target in targets if target and ":" not in target}


def test_the_readme_is_a_short_front_door():
    text = README.read_text(encoding="utf-8")
    assert len(text.splitlines()) < MAX_README_LINES
    for command in SET_UP_COMMANDS:
        assert f"\n{command}\n" in text, command


def test_there_are_topic_pages():
    names = {page.name for page in TOPIC_PAGES}
    assert {"setup.md", "configuration.md", "api.md", "security.md", "running.md"} <= names
    assert {"benchmarks.md", "development.md"} <= names


def test_every_topic_page_is_linked_from_the_readme_and_the_architecture():
    for index in (README, ARCHITECTURE):
        linked = linked_pages(index, index.read_text(encoding="utf-8"))
        missing = [page.relative_to(ROOT).as_posix() for page in TOPIC_PAGES if page not in linked]
        assert missing == [], f"{index.name} does not link to {missing}"


def test_every_relative_link_reaches_a_file_and_heading():
    broken = {
        page.relative_to(ROOT).as_posix(): broken_links(page, page.read_text(encoding="utf-8"))
        for page in [README, ARCHITECTURE, *TOPIC_PAGES]
    }
    assert {page: found for page, found in broken.items() if found} == {}


def test_a_broken_link_or_a_missing_page_is_caught():
    setup = ROOT / "docs" / "setup.md"
    text = (
        "[a](configuration.md#office) [b](configuration.md#offices) [c](nowhere.md) [d](#set-up)"
        " [e](#nowhere) [f](https://example.org/x.md) `[g](inside-code.md)` [h](../bench/run.py#x)\n"
    )
    assert broken_links(setup, text) == [
        "configuration.md#offices: no such heading",
        "nowhere.md: no such file",
        "#nowhere: no such heading",
        "../bench/run.py#x: an anchor in a file that is not a Markdown page",
    ]
    readme = README.read_text(encoding="utf-8")
    assert "(docs/benchmarks.md)" in readme
    unlinked = readme.replace("(docs/benchmarks.md)", "(bench/RESULTS.md)")
    assert ROOT / "docs" / "benchmarks.md" not in linked_pages(README, unlinked)


def test_anchors_follow_the_code_host():
    text = "# Configuration: `loket.toml`\n## `[office]`\n### Voice packs: the office's own voice\n## Logs\n## Logs\n"
    assert anchors(text) == {
        "configuration-lokettoml",
        "office",
        "voice-packs-the-offices-own-voice",
        "logs",
        "logs-1",
    }
