"""The front-end's house rules, read from the files themselves:

- only ``server/static/lib/socket.js`` opens Socket.IO (``io(``) and only ``lib/clock.js`` reads
  the PC's clock (``Date.now()``, ``new Date()`` without an argument): every page follows the
  server's time and reconnects the same way. ``performance.now()`` stays allowed: it measures
  durations (the kiosk's time-outs, the TV's highlights and sound queue) on a monotonic clock
  that a PC's clock being set right cannot stretch or cut; it never tells the time of day;
- no stylesheet but ``server/static/tokens.css`` holds a literal colour (hex, rgb(), hsl(), a
  named colour): every colour is a design token, used as var(--…);
- every page loads the tokens (base.html);
- script names follow one rule: lower-case words, ``<page>.<part>.js`` for a page's parts,
  underscores inside a several-word name, never a hyphen or capital.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
STATIC = [ROOT / "server" / "static", ROOT / "kiosk" / "static", ROOT / "display" / "static"]
LIB = ROOT / "server" / "static" / "lib"
TOKENS = ROOT / "server" / "static" / "tokens.css"


def page_files(suffix: str) -> list[Path]:
    return sorted(p for folder in STATIC for p in folder.rglob(f"*{suffix}") if "vendor" not in p.parts)


def code_of(text: str) -> str:
    """The script without its comments (a comment may name what the code must not do)."""
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    return re.sub(r"(?m)(^|[^:\"'`])//.*$", r"\1", text)


SOCKET_OPEN = re.compile(r"(?<![\w.$])(?:window\.)?io\s*\(")
CLOCK_READ = re.compile(r"\bDate\.now\s*\(|\bnew\s+Date\s*\(\s*\)|\bnew\s+Date\b(?!\s*\()")


def offences(pattern: re.Pattern, allowed: Path) -> list[str]:
    found = []
    for path in page_files(".js"):
        if path == allowed:
            continue
        for number, line in enumerate(code_of(path.read_text(encoding="utf-8")).splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    return found


def test_only_lib_socket_opens_socket_io():
    assert offences(SOCKET_OPEN, LIB / "socket.js") == []


def test_only_lib_clock_reads_the_time():
    assert offences(CLOCK_READ, LIB / "clock.js") == []


def test_the_rules_catch_what_they_forbid():
    # The patterns themselves: each forbidden form is seen, the allowed ones are not.
    for bad in [
        "window.io({})",
        "const s = io();",
        "Date.now()",
        "new Date()",
        "new Date",
        "x = new Date ( )",
    ]:
        assert SOCKET_OPEN.search(bad) or CLOCK_READ.search(bad), bad
    for fine in [
        "new Date(now())",
        "new Date(ticket.issued_at)",
        "performance.now()",
        "socket.io.engine",
        "radio(",
        "audio(",
        "Date.parse(x)",
    ]:
        assert not SOCKET_OPEN.search(fine) and not CLOCK_READ.search(fine), fine


# ---- colours -------------------------------------------------------------------------------

NAMED_COLOURS = (
    "white black red green blue yellow orange purple pink brown gray grey silver gold navy maroon "
    "olive lime teal aqua cyan magenta fuchsia indigo violet crimson coral salmon tomato khaki "
    "beige ivory tan chocolate firebrick darkred darkgreen darkblue lightgray lightgrey whitesmoke "
    "gainsboro dimgray dimgrey slategray slategrey steelblue skyblue seagreen forestgreen orchid"
).split()
LITERAL_COLOUR = re.compile(
    r"#[0-9a-fA-F]{3,8}\b|\b(?:rgba?|hsla?|hwb|lab|lch|oklab|oklch)\s*\(|(?<![\w-])(?:"
    + "|".join(NAMED_COLOURS)
    + r")(?![\w-])",
    re.I,
)


def css_values(text: str):
    """(line number, value) of each declaration, comments and selectors left out."""
    text = re.sub(r"/\*.*?\*/", lambda m: "\n" * m.group(0).count("\n"), text, flags=re.S)
    for match in re.finditer(r"([\w-]+)\s*:\s*([^;{}]+)[;}]", text):
        line = text.count("\n", 0, match.start()) + 1
        yield line, match.group(1), match.group(2)


def colour_offences(paths) -> list[str]:
    return [f"{path.relative_to(ROOT)}:{found}" for path in paths for found in colour_offences_at(path)]


def test_no_literal_colour_outside_the_tokens():
    sheets = [p for p in page_files(".css") if p != TOKENS]
    assert sheets, "no stylesheets found"
    assert colour_offences(sheets) == []


def test_the_colour_rule_sees_each_kind_of_literal(tmp_path):
    sheet = tmp_path / "x.css"
    for bad in [
        "#fff",
        "#0b6b3a",
        "rgb(0 0 0 / 40%)",
        "rgba(0, 0, 0, 0.2)",
        "hsl(120 50% 50%)",
        "white",
        "Black",
    ]:
        sheet.write_text(f".a {{\n  color: {bad};\n}}\n")
        assert colour_offences_at(sheet), bad
    sheet.write_text(
        ".a {\n  color: var(--ink);\n  border: 1px solid transparent;\n  fill: currentColor;\n"
        '  background: url("white.png");\n  font-family: var(--font);\n'
        "  box-shadow: 0 1px 2px color-mix(in srgb, var(--black) 20%, transparent);\n}\n"
    )
    assert colour_offences_at(sheet) == []


def colour_offences_at(path: Path) -> list[str]:
    """Each declaration of the stylesheet at `path` whose value holds a literal colour."""
    found = []
    for line, prop, value in css_values(path.read_text(encoding="utf-8")):
        value = re.sub(r"url\([^)]*\)", "", value)  # image names are not colours
        value = re.sub(r"\"[^\"]*\"|'[^']*'", "", value)  # nor are strings and font names
        if LITERAL_COLOUR.search(value):
            found.append(f"{line}: {prop}: {value.strip()}")
    return found


def test_one_gold_and_one_red():
    tokens = TOKENS.read_text(encoding="utf-8")
    assert len(re.findall(r"^\s*--gold:", tokens, re.M)) == 1
    assert len(re.findall(r"^\s*--red:", tokens, re.M)) == 1
    for path in page_files(".css"):
        if path != TOKENS:
            defined = re.findall(r"^\s*(--[\w-]+)\s*:", path.read_text(encoding="utf-8"), re.M)
            palette = set(re.findall(r"^\s*(--[\w-]+)\s*:", tokens, re.M))
            assert not palette & set(defined), f"{path.name} redefines {palette & set(defined)}"


def test_every_page_loads_the_tokens_first():
    base = (ROOT / "server" / "templates" / "base.html").read_text(encoding="utf-8")
    links = re.findall(r"filename='([^']+\.css)'", base)
    assert links[0] == "tokens.css"
    templates = [
        p
        for folder in ("server/templates", "kiosk/templates", "display/templates")
        for p in (ROOT / folder).rglob("*.html")
    ]
    for path in templates:
        text = path.read_text(encoding="utf-8")
        if "<html" in text:
            assert path.name == "base.html", f"{path.name} is a page of its own without the tokens"


# ---- names ---------------------------------------------------------------------------------

NAME = re.compile(r"^[a-z][a-z0-9]*(?:_[a-z0-9]+)*(?:\.[a-z][a-z0-9]*(?:_[a-z0-9]+)*)*\.(?:js|css)$")


@pytest.mark.parametrize("suffix", [".js", ".css"])
def test_file_names_follow_one_rule(suffix):
    assert [p.name for p in page_files(suffix) if not NAME.match(p.name)] == []
    # A page's parts carry its name with a dot, never an underscore (admin.devices.js).
    pages = {p.name.split(".")[0] for p in page_files(".js") if p.name.count(".") >= 2}
    for path in page_files(suffix):
        stem = path.name.rsplit(".", 1)[0]
        head = stem.split("_")[0]
        assert not ("_" in stem and head in pages), f"{path.name}: a part of {head} is {head}.<part>"
