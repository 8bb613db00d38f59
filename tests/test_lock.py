"""requirements.lock pins every package pyproject.toml asks for, within its ranges, with hashes."""

import re
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parent.parent
PIN = re.compile(r"^([A-Za-z0-9._-]+)(?:\[[^\]]*\])?==([^\s;]+)(?:\s*;\s*([^\\]+?))?\s*\\?$")


def pins() -> dict[str, str]:
    found = {}
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    for number, line in enumerate(lines):
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match[1])] = match[2]
            assert lines[number + 1].strip().startswith("--hash=sha256:"), \
                f"{match[1]} is pinned without a hash"
    return found


def asked() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = project["optional-dependencies"]
    return [Requirement(text) for text in
            [*project["dependencies"], *extras["dev"], *extras["sentry"]]]


def test_every_requirement_is_pinned_within_its_range():
    pinned = pins()
    for requirement in asked():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is not in requirements.lock: run make lock"
        assert requirement.specifier.contains(pinned[name], prereleases=True), \
            f"requirements.lock has {name} {pinned[name]}, outside {requirement.specifier}: " \
            "run make lock"


def test_the_lock_was_written_from_this_project():
    header = (ROOT / "requirements.lock").read_text().splitlines()[:3]
    assert any("uv pip compile pyproject.toml" in line for line in header)
    assert len(pins()) > len(asked())  # with what the requirements need in turn
