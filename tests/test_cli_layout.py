"""Where commands live: each area's cli.py, registered once by scorecards/cli.py."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from scorecards import cli

ROOT = Path(__file__).resolve().parent.parent
AREA_CLIS = sorted((ROOT / "scorecards").glob("*/cli.py"))


def module_name(path: Path) -> str:
    return ".".join(path.relative_to(ROOT).with_suffix("").parts)


def test_every_area_cli_is_registered_and_offers_init_app():
    registered = {area.__name__ for area in cli.AREAS}
    assert registered == {module_name(path) for path in AREA_CLIS}
    assert all(callable(getattr(area, "init_app", None)) for area in cli.AREAS)


def imported_modules(path: Path) -> list[tuple[str, bool]]:
    """Return each module the file imports (resolved) and whether it is inside a function."""
    package = module_name(path).rsplit(".", 1)[0]
    found = []

    def visit(node: ast.AST, in_function: bool) -> None:
        for child in ast.iter_child_nodes(node):
            nested = in_function or isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef)
            if isinstance(child, ast.ImportFrom):
                base = package.split(".")[:len(package.split(".")) - child.level + 1]
                name = ".".join([*base, child.module or ""]) if child.level else child.module
                found.append((name.rstrip("."), in_function))
            elif isinstance(child, ast.Import):
                found.extend((alias.name, in_function) for alias in child.names)
            visit(child, nested)

    visit(ast.parse(path.read_text()), False)
    return found


@pytest.mark.parametrize("path", AREA_CLIS, ids=module_name)
def test_an_area_cli_never_reaches_back_to_the_registration(path):
    imports = imported_modules(path)
    assert ("scorecards.cli", False) not in imports
    assert ("scorecards.cli", True) not in imports
    # The one import left inside a function keeps RQ out of every command but the worker.
    assert [name for name, inside in imports if inside] in ([], ["rq"])


def test_each_area_cli_imports_first_in_a_fresh_interpreter():
    """Import order hides cycles: each module is imported first, in a process of its own."""
    processes = {name: subprocess.Popen([sys.executable, "-c", f"import {name}"], cwd=ROOT,
                                        stderr=subprocess.PIPE, text=True)
                 for name in map(module_name, AREA_CLIS)}
    failures = {name: process.communicate(timeout=120)[1]
                for name, process in processes.items()}
    assert {name: error for name, error in failures.items()
            if processes[name].returncode} == {}
