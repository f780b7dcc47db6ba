"""The wiring of the back end, read from the code itself (no import is executed).

- Every package of ``server/`` (and every module directly in it) says in its docstring which
  others it may import, on a line ``May import: a, b, c.``; an import of anything else fails.
- The declared graph has no cycle, so neither has the code.
- A ``server`` import inside a function is allowed only in the command line's modules
  (``cli.py``: what a command needs is loaded when it runs) or with a comment on the same line
  saying why.
- Nothing outside ``server/assembly.py`` assigns an attribute of another object (only ``self``'s):
  the parts are given what they need when they are built. The few library objects whose API is an
  attribute to set, and the work records filled in by their worker, are listed below with why.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SERVER = ROOT / "server"
ASSEMBLY = "server/assembly.py"

#: (file, assignment target) allowed outside the assembly, and why.
ATTRIBUTE_API = {
    # The store's own per-thread connection (a threading.local it owns).
    ("server/core/storage.py", "self._local.conn"): "the store's threading.local",
    # sqlite3: rows by column name is set on the connection or cursor.
    ("server/core/storage.py", "conn.row_factory"): "sqlite3 API",
    ("server/live/__init__.py", "record.msg"): "logging.Filter API: a filter rewrites the record",
    ("server/live/__init__.py", "record.args"): "logging.Filter API: a filter rewrites the record",
    ("server/live/__init__.py", "record.exc_info"): "logging.Filter API: a filter rewrites the record",
    ("server/live/__init__.py", "record.exc_text"): "logging.Filter API: a filter rewrites the record",
    ("server/live/__init__.py", "record.levelno"): "logging.Filter API: a filter rewrites the record",
    ("server/live/__init__.py", "record.levelname"): "logging.Filter API: a filter rewrites the record",
    ("server/reports/queries.py", "cursor.row_factory"): "sqlite3 API",
    # Flask and Werkzeug: per-request and per-response settings are attributes.
    ("server/devices/routes.py", "g.device"): "Flask's per-request store",
    ("server/webbase/auth.py", "session.permanent"): "Flask session API",
    ("server/voice/pack_routes.py", "request.max_content_length"): "Werkzeug request limit",
    ("server/web/admin/media.py", "request.max_content_length"): "Werkzeug request limit",
    ("server/voice/routes.py", "response.status_code"): "Werkzeug response",
    # Libraries configured by attribute.
    ("server/eventloop/loop.py", "_main_hub.threadpool.maxsize"): "gevent's thread pool size",
    ("server/printing/job.py", "buffer.profile"): "python-escpos printer profile",
    ("server/printing/job.py", "device.write_timeout"): "pyserial timeout",
    ("server/reports/export.py", "sheet.append"): "openpyxl: a row appended (an ast quirk of the loop)",
    ("server/reports/export.py", "book.create_sheet"): "openpyxl: a sheet made (an ast quirk of the loop)",
    # Work records: a job is filled in by the one worker that runs it, and read by its waiter.
    ("server/voice/synth.py", "job.ok"): "synthesis job result",
    ("server/voice/synth.py", "job.error"): "synthesis job result",
    ("server/voice/synth.py", "job.voice_id"): "synthesis job result",
    ("server/voice/worker.py", "job.ok"): "synthesis job result",
    ("server/voice/worker.py", "job.error"): "synthesis job result",
    ("server/voice/worker.py", "job.seq"): "synthesis job's place in the worker's queue",
    ("server/voice/worker.py", "job.seconds"): "synthesis job timing",
    ("server/voice/worker.py", "job.cancelled"): "synthesis job cancelled",
    ("server/voice/worker.py", "existing.kind"): "a queued job raised in priority",
    ("server/voice/worker.py", "existing.seq"): "a queued job raised in priority",
    # The simulator's visitors are its model's records.
    ("server/simulate/http_office.py", "visitor.number"): "simulated visitor's number",
    ("server/simulate/memory_office.py", "visitor.number"): "simulated visitor's number",
    ("server/simulate/model.py", "visitors[-1].transfer_duration"): "simulated visitor's plan",
}


def _sources() -> list[Path]:
    return sorted(p for p in SERVER.rglob("*.py") if "__pycache__" not in p.parts)


def _node(module: str) -> str:
    """The part of Loket a module belongs to: ``server.core.rules`` → ``core``; a module directly
    in ``server/`` is its own part (``server.runtime`` → ``runtime``); ``server`` → ``server``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "server"


def _module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def _declaration(node: str) -> set[str] | None:
    """The parts ``node`` may import, from its docstring; None when it says "any package"."""
    if node == "server":
        path = SERVER / "__init__.py"
    else:
        path = SERVER / node / "__init__.py" if (SERVER / node).is_dir() else SERVER / f"{node}.py"
    doc = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8"))) or ""
    match = re.search(r"^May import: (.+?)\.?$", doc, re.M)
    assert match, f"{path.relative_to(ROOT)}: the docstring must say 'May import: …'"
    text = match.group(1)
    if text.startswith("any package"):
        return None
    if text.startswith("nothing of Loket"):
        return set()
    return {name.strip() for name in text.split(",")}


def _imports(path: Path, module: str | None = None) -> list[tuple[str, int, bool, str]]:
    """(imported server module, line, inside a function?, the line's text) of ``path``."""
    source = path.read_text(encoding="utf-8")
    lines = source.splitlines()
    tree = ast.parse(source)
    module = module or _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found = []

    def visit(node, in_function: bool):
        for child in ast.iter_child_nodes(node):
            inside = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            names: list[str] = []
            if isinstance(child, ast.Import):
                names = [alias.name for alias in child.names]
            elif isinstance(child, ast.ImportFrom):
                if child.level:
                    base = package.split(".")
                    base = base[: len(base) - (child.level - 1)]
                    names = [".".join(base + ([child.module] if child.module else []))]
                elif child.module:
                    names = [child.module]
            for name in names:
                if name == "server" or name.startswith("server."):
                    found.append((name, child.lineno, in_function, lines[child.lineno - 1]))
            visit(child, inside)

    visit(tree, False)
    return found


def _graph() -> dict[str, set[str]]:
    edges: dict[str, set[str]] = {}
    for path in _sources():
        source = _node(_module_name(path))
        for name, *_ in _imports(path):
            target = _node(name)
            if target != source:
                edges.setdefault(source, set()).add(target)
    return edges


def _cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph, or None."""
    state: dict[str, int] = {}

    def walk(node, trail):
        state[node] = 1
        for nxt in sorted(edges.get(node, ())):
            if state.get(nxt) == 1:
                return trail[trail.index(nxt) :] + [nxt] if nxt in trail else [node, nxt]
            if nxt not in state:
                found = walk(nxt, trail + [nxt])
                if found:
                    return found
        state[node] = 2
        return None

    for start in sorted(edges):
        if start not in state:
            found = walk(start, [start])
            if found:
                return found
    return None


def test_every_import_between_parts_is_one_the_docstring_allows():
    wrong = []
    for path in _sources():
        source = _node(_module_name(path))
        allowed = _declaration(source)
        for name, line, _inside, _text in _imports(path):
            target = _node(name)
            if allowed is not None and target != source and target not in allowed:
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {source} imports {name}")
    assert not wrong, "imports the package docstring forbids:\n" + "\n".join(wrong)


def test_no_cycle_between_parts_declared_or_in_the_code():
    declared = {}
    for node in {_node(_module_name(p)) for p in _sources()}:
        allowed = _declaration(node)
        if allowed is not None:
            declared[node] = allowed
    assert _cycle(declared) is None, f"the docstrings allow a cycle: {_cycle(declared)}"
    assert _cycle(_graph()) is None, f"the code has an import cycle: {_cycle(_graph())}"


def test_imports_inside_functions_are_the_command_lines_or_say_why():
    unexplained = []
    for path in _sources():
        if path.name == "cli.py":
            continue
        for name, line, inside, text in _imports(path):
            if inside and "#" not in text:
                unexplained.append(f"{path.relative_to(ROOT)}:{line}: {name}")
    assert not unexplained, "imports inside functions without a reason:\n" + "\n".join(unexplained)


def _attribute_assignments(path: Path) -> list[tuple[int, str]]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, ast.AugAssign | ast.AnnAssign):
            targets = [node.target]
        else:
            continue
        for target in targets:
            for sub in ast.walk(target):
                if isinstance(sub, ast.Attribute) and isinstance(sub.ctx, ast.Store):
                    if isinstance(sub.value, ast.Name) and sub.value.id in ("self", "cls"):
                        continue
                    found.append((sub.lineno, ast.unparse(sub)))
    return found


def test_only_the_assembly_sets_attributes_of_other_objects():
    wrong = []
    for path in _sources():
        relative = path.relative_to(ROOT).as_posix()
        if relative == ASSEMBLY:
            continue
        for line, target in _attribute_assignments(path):
            if (relative, target) not in ATTRIBUTE_API:
                wrong.append(f"{relative}:{line}: {target} = …")
    assert not wrong, "attributes of other objects set outside server/assembly.py:\n" + "\n".join(wrong)


def test_the_checks_catch_what_they_are_for(tmp_path):
    """The readers above see a forbidden import, a cycle, a late import and a mutation."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        "from server.web import app\n"
        "def f(office):\n"
        "    from server.core import rules\n"
        "    office.queue = rules\n",
        encoding="utf-8",
    )
    imports = _imports(sample, module="server.sample")
    assert [(name, inside) for name, _line, inside, _text in imports] == [
        ("server.web", False),
        ("server.core", True),
    ]
    assert _attribute_assignments(sample) == [(4, "office.queue")]
    assert _cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) is not None
    assert _cycle({"a": {"b"}, "b": {"c"}}) is None


@pytest.mark.parametrize("needle", ["def issue(", '"/tickets/<int:ticket_id>/recall"'])
def test_the_code_that_runs_is_found_by_its_name(needle):
    """``grep "def issue"`` and ``grep /recall`` find the code that runs: no generated methods
    or routes."""
    hits = [p for p in _sources() if needle in p.read_text(encoding="utf-8")]
    assert hits, needle
