"""The served OpenAPI document passes redocly's recommended rules and spectral's oas rules.

Both linters are npm packages, which `make test` installs into tests/api/node_modules. Where
they are missing the test fails and says how to get them: a skipped check proves nothing.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from pathlib import Path

import pytest

BIN = Path(__file__).parent / "node_modules" / ".bin"
REDOCLY, SPECTRAL = BIN / "redocly", BIN / "spectral"
# Neither linter may reach out: no telemetry, no update check.
QUIET = {"REDOCLY_TELEMETRY": "off", "REDOCLY_SUPPRESS_UPDATE_NOTICE": "true",
         "NO_UPDATE_NOTIFIER": "1"}


@pytest.fixture
def served_document(client, tmp_path: Path) -> Path:
    """Write the document the API serves to a file, and return its path."""
    path = tmp_path / "openapi.json"
    path.write_text(json.dumps(client.get("/api/v1/openapi.json").get_json()))
    return path


def _linter(path: Path) -> str:
    if not path.exists():
        if shutil.which("npm") is None:
            pytest.fail(f"npm is not installed, so {path.name} is missing: install Node.js "
                        "and npm, then run `make test`, which installs the API linters.")
        pytest.fail(f"{path} is missing: `make test` installs it with npm.")
    return str(path)


def _run(*command: str, cwd: Path) -> subprocess.CompletedProcess:
    return subprocess.run(command, capture_output=True, text=True, timeout=300, check=False,
                          cwd=cwd, env={**os.environ, **QUIET})


def test_the_document_passes_redoclys_recommended_rules(served_document: Path):
    config = served_document.parent / "redocly.yaml"
    config.write_text("extends:\n  - recommended\n")
    run = _run(_linter(REDOCLY), "lint", "--config", str(config), "--format", "json",
               str(served_document), cwd=served_document.parent)
    report = json.loads(run.stdout)
    problems = [(p["ruleId"], p["severity"], p["message"]) for p in report["problems"]]
    assert report["totals"]["errors"] == 0, problems
    assert report["totals"]["warnings"] == 0, problems
    assert run.returncode == 0, run.stderr


def test_the_document_passes_spectrals_oas_rules(served_document: Path):
    ruleset = served_document.parent / ".spectral.yaml"
    ruleset.write_text('extends: ["spectral:oas"]\n')
    run = _run(_linter(SPECTRAL), "lint", str(served_document), "--ruleset", str(ruleset),
               "--format", "json", "--quiet", "--fail-severity", "warn",
               cwd=served_document.parent)
    problems = json.loads(run.stdout or "[]")
    assert problems == [], [(p["code"], p["message"], p["path"]) for p in problems]
    assert run.returncode == 0, run.stderr
