"""Set-up: the Debian packages make run and make test install, or name in one command."""

from __future__ import annotations

import pytest

from scorecards import system


def debian(*present: str):
    """Return a `which` for a Debian machine holding these commands besides dpkg and apt."""
    found = {"dpkg-query", "apt-get", *present}
    return lambda name: f"/usr/bin/{name}" if name in found else None


def test_testing_needs_what_serving_needs_and_the_browser_and_pdf_tools():
    assert set(system.RUN_PACKAGES) < set(system.TEST_PACKAGES)
    assert {"libharfbuzz-subset0", "fonts-noto-cjk"} <= set(system.RUN_PACKAGES)
    assert {"chromium", "poppler-utils"} <= set(system.TEST_PACKAGES)


def test_only_what_is_missing_is_asked_for():
    missing = system.missing_packages("test", installed=lambda name: name != "poppler-utils",
                                      which=debian("node", "npm"))
    assert missing == ["poppler-utils"]
    assert system.missing_packages("run", installed=lambda name: False,
                                   which=debian()) == list(system.RUN_PACKAGES)


@pytest.mark.parametrize(("present", "asks_npm"), [
    ((), True),  # no Node at all: Debian's npm brings it
    (("node",), False),  # Node from elsewhere: Debian's npm would conflict with it
    (("node", "npm"), False),
])
def test_npm_is_asked_of_debian_only_where_node_is_absent(present, asks_npm):
    missing = system.missing_packages("test", installed=lambda name: True,
                                      which=debian(*present))
    assert ("npm" in missing) is asks_npm
    assert "npm" not in system.missing_packages("run", installed=lambda name: True,
                                                which=debian())


def test_a_machine_without_dpkg_is_left_to_the_library_check():
    assert system.missing_packages("test", installed=lambda name: False,
                                   which=lambda name: None) == []


def test_root_installs_without_sudo_and_a_user_without_sudo_cannot():
    assert system.may_install(0) == []
    assert system.may_install(1000, which=lambda name: None) is None


@pytest.mark.parametrize(("purpose", "code"), [("test", 1), ("run", 0)])
def test_without_a_way_to_install_the_one_command_is_printed(capsys, purpose, code):
    assert system.install(purpose, ["poppler-utils", "npm"], prefix=None) == code
    lines = capsys.readouterr().err.splitlines()
    assert lines[-1] == "  sudo apt-get install --no-install-recommends poppler-utils npm"
    assert f"lacks for {purpose}: poppler-utils, npm" in lines[0]


def test_nothing_missing_means_nothing_run_and_nothing_said(capsys):
    assert system.install("test", [], prefix=None) == 0
    assert capsys.readouterr().err == ""


def test_this_machine_has_what_the_suite_needs():
    """The suite runs after make test installed its packages: dpkg knows every name."""
    assert system.missing_packages("test") == []


def test_an_unknown_purpose_is_refused():
    assert system.main(["--install", "deploy"]) == 2
    assert system.main(["--install"]) == 2
