"""The tables of loket.toml in docs/configuration.md and what the loader accepts are the same: every
key accepted is documented, every documented key is accepted, and the defaults agree."""

import re
import tomllib
from pathlib import Path

from server.config.fields import keys
from server.config.loader import TABLES
from server.config.services import Counter, Service

PAGE = Path(__file__).resolve().parent.parent / "docs" / "configuration.md"
DECLARED = {f"[{name}]": section for name, section in TABLES.items()} | {
    "[[services]]": Service,
    "[[counters]]": Counter,
}
_HEADING = re.compile(r"^## `(\[\[?[a-z_]+\]\]?)`")
_ROW = re.compile(r"^\| `([a-z_]+)` \| (.+?) \| .+ \|$")


def documented_tables(text: str) -> dict[str, dict[str, str]]:
    """{"[office]": {"name": "—", "timezone": '`"Asia/Jakarta"`', ...}, ...} from the configuration
    page: the first two cells of every row under a "## `[table]`" heading."""
    assert text.startswith("# Configuration: `loket.toml`\n"), "not the configuration page"
    section = text
    tables: dict[str, dict[str, str]] = {}
    current = None
    for line in section.splitlines():
        heading = _HEADING.match(line)
        if heading:
            current = tables.setdefault(heading.group(1), {})
        elif line.startswith("#"):
            current = None
        elif current is not None and line.startswith("| `"):
            row = _ROW.match(line)
            assert row, f"{line!r} is not a '| `key` | default | meaning |' row"
            assert row.group(1) not in current, f"{row.group(1)} is documented twice"
            current[row.group(1)] = row.group(2)
    return tables


def _default_problem(key, cell: str) -> str | None:
    if key.required:
        return None if cell == "—" else "required, so its default is written —"
    if key.rule.doc_default:
        return None if cell == key.rule.doc_default else f"default is written {key.rule.doc_default}"
    literal = re.fullmatch(r"`([^`]+)`", cell)
    if not literal:
        return f"default {cell!r} is not one TOML value in backticks"
    expected = key.toml(key.default)
    return None if tomllib.loads(f"v = {literal.group(1)}")["v"] == expected else f"default is {expected!r}"


def differences(tables: dict[str, dict[str, str]]) -> list[str]:
    """Where the page's tables and the loader's declarations disagree."""
    found = [f"{table}: not documented" for table in DECLARED if table not in tables]
    found += [f"{table}: not a table of loket.toml" for table in tables if table not in DECLARED]
    for table, section in DECLARED.items():
        if table not in tables:
            continue
        documented = tables[table]
        declared = {key.name: key for key in keys(section)}
        found += [f"{table} {name}: accepted, not documented" for name in declared if name not in documented]
        found += [f"{table} {name}: documented, not accepted" for name in documented if name not in declared]
        for name in documented.keys() & declared.keys():
            problem = _default_problem(declared[name], documented[name])
            if problem:
                found.append(f"{table} {name}: {problem}")
    return sorted(found)


def test_the_page_documents_what_the_loader_accepts():
    assert differences(documented_tables(PAGE.read_text(encoding="utf-8"))) == []


def test_a_page_that_differs_is_caught():
    text = PAGE.read_text(encoding="utf-8")
    for old, new in (
        ("| `keep` | `14` |", "| `keep` | `7` |"),
        ("| `rate` | `150` |", "| `speed` | `150` |"),
        ("| `code` | — |", '| `code` | `"A"` |'),
        ("## `[survey]`", "## `[surveys]`"),
        ("| `slide_seconds` | `10` | how long each image stays (at least 3) |\n", ""),
    ):
        assert old in text
        text = text.replace(old, new)
    assert differences(documented_tables(text)) == [
        "[[services]] code: required, so its default is written —",
        "[backup] keep: default is 14",
        "[display] slide_seconds: accepted, not documented",
        "[survey]: not documented",
        "[surveys]: not a table of loket.toml",
        "[voice] rate: accepted, not documented",
        "[voice] speed: documented, not accepted",
    ]
