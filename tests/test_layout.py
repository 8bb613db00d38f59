"""The package's layout: services load no web layer, and modules import without cycles."""

from __future__ import annotations

import ast
import functools
import json
import subprocess
import sys
from pathlib import Path

import pytest

PACKAGE = Path(__file__).parents[1] / "scorecards"
SERVICES = sorted([f"scorecards.{path.parent.name}.services"
                   for path in PACKAGE.glob("*/services.py")]
                  + [f"scorecards.{path.parent.parent.name}.services.{path.stem}"
                     for path in PACKAGE.glob("*/services/*.py") if path.stem != "__init__"])
# Modules of the package that may be imported inside a function, each for a reason other
# than a cycle: the factory wires the app only when called (so importing a piece loads no
# app), an `rq worker` process builds its app when it takes a job, and WeasyPrint, heavy to
# load, loads where a packet is made rather than in every process.
LATE_IMPORTS_ALLOWED = {"scorecards", "scorecards.packets.render"}
WIRING = "scorecards/__init__.py"


# Imports the libraries every module shares once, then each module in a fork of its own, so
# each answer is what that module alone loads, at the cost of one interpreter start.
_PROBE = """
import json, os, sys
import flask, sqlalchemy, pydantic
found = {}
for module in sys.argv[1:]:
    read, write = os.pipe()
    if os.fork() == 0:
        os.close(read)
        __import__(module)
        os.write(write, " ".join(m for m in sys.modules if m.startswith("scorecards")).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        found[module] = pipe.read().split()
    os.wait()
print(json.dumps(found))
"""


@functools.cache
def _loaded() -> dict[str, set[str]]:
    modules = ["scorecards.core.decision", *SERVICES]
    out = subprocess.run([sys.executable, "-c", _PROBE, *modules], capture_output=True,
                         text=True, check=True).stdout
    return {module: set(loaded) for module, loaded in json.loads(out).items()}


def _web_layer(modules: set[str]) -> set[str]:
    return {m for m in modules if m.rsplit(".", 1)[-1] in ("views", "cli", "errors", "blueprint")
            and m != "scorecards.core.errors" or m in ("scorecards.cli", "scorecards.errors")
            or ".views." in m}  # an area's views split into a package of pages


@pytest.mark.parametrize("module", ["scorecards.core.decision", *SERVICES])
def test_importing_a_service_or_the_core_loads_no_view_blueprint_or_command(module):
    loaded = _loaded()[module]
    assert module in loaded
    assert _web_layer(loaded) == set()


def test_a_service_creates_no_blueprint():
    probe = (f"import flask, sys; import {', '.join(SERVICES)}; "
             "print(sum(isinstance(v, flask.Blueprint) for m in list(sys.modules.values()) "
             "if m and m.__name__.startswith('scorecards') for v in vars(m).values()))")
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                         check=True).stdout
    assert out.strip() == "0"


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _resolve(importer: str, is_package: bool, node: ast.ImportFrom) -> list[str]:
    if node.level == 0:
        base = node.module or ""
    else:
        parts = importer.split(".")
        parts = parts if is_package else parts[:-1]
        parts = parts[: len(parts) - (node.level - 1)]
        base = ".".join([*parts, node.module] if node.module else parts)
    names = [f"{base}.{alias.name}" for alias in node.names]
    return [base, *names]


def _import_graph() -> tuple[dict[str, set[str]], list[tuple[str, str]]]:
    """Return each module's top-level imports of the package, and the imports inside functions."""
    files = {_module_name(path): path for path in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    late: list[tuple[str, str]] = []
    for name, path in files.items():
        tree = ast.parse(path.read_text(), str(path))
        is_package = path.name == "__init__.py"
        graph[name] = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                for inner in ast.walk(node):
                    if isinstance(inner, ast.ImportFrom):
                        targets = [t for t in _resolve(name, is_package, inner) if t in files]
                        late += [(str(path.relative_to(PACKAGE.parent)), t) for t in targets]
        for node in tree.body:
            if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
                continue
            if isinstance(node, ast.ImportFrom):
                graph[name] |= {t for t in _resolve(name, is_package, node) if t in files}
            elif isinstance(node, ast.Import):
                graph[name] |= {a.name for a in node.names if a.name in files}
    return graph, late


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    found, state = [], {}

    def visit(node: str, trail: list[str]) -> None:
        state[node] = "open"
        for target in sorted(graph.get(node, ())):
            if target == node or target == node.rsplit(".", 1)[0]:
                continue  # a module importing its own package's docstring-only __init__
            if state.get(target) == "open":
                found.append([*trail[trail.index(target):], target])
            elif target not in state:
                visit(target, [*trail, target])
        state[node] = "done"

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    return found


def test_the_package_has_no_import_cycles():
    graph, _ = _import_graph()
    assert _cycles(graph) == []


def test_the_cycle_finder_sees_a_cycle():
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == [["a", "b", "c", "a"]]


def test_modules_import_the_package_at_the_top_not_inside_functions():
    _, late = _import_graph()
    assert {(path, target) for path, target in late
            if path != WIRING and target not in LATE_IMPORTS_ALLOWED} == set()
