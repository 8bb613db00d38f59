"""What Scorecards needs from the machine beyond Python packages: check it, and install it.

``python -m scorecards.system`` explains what is missing and how to install it, instead
of letting WeasyPrint fail later with an obscure library error.
``--strict`` also fails on what only degrades the service (as the test suite needs).
``--install run|test`` first installs the Debian packages that serving (or testing) needs and
the machine lacks, when it runs as root or may use sudo without a password; otherwise it
prints the one command to run. ``make run`` and ``make test`` call it, and so does CI, so the
lists below are the only ones.
``python -m scorecards.system --postgres URL`` tells (by exit code) whether PostgreSQL answers.
"""

from __future__ import annotations

import ctypes.util
import os
import shlex
import shutil
import subprocess
import sys
from collections.abc import Callable

# Debian packages. Serving: WeasyPrint's text libraries, font subsetting (without it WeasyPrint
# warns), and fonts for Latin, CJK and emoji names in packets.
RUN_PACKAGES = ("libpango-1.0-0", "libpangoft2-1.0-0", "libharfbuzz-subset0", "fonts-dejavu-core",
                "fonts-noto-cjk", "fonts-noto-color-emoji")
# Testing adds the browser the browser tests drive, the PDF tools the packet tests read with, and
# the reverse proxy the deployment test puts in front of the app servers (make test-deploy).
TEST_PACKAGES = (*RUN_PACKAGES, "poppler-utils", "chromium", "chromium-driver", "nginx")
PACKAGES = {"run": RUN_PACKAGES, "test": TEST_PACKAGES}

INSTALL_HINT = f"""\
WeasyPrint, which renders the PDF packets, needs the Pango text libraries.
  Debian/Ubuntu: sudo apt-get install {' '.join(RUN_PACKAGES[:4])}
  Fedora:        sudo dnf install pango harfbuzz fonts-dejavu
  macOS:         brew install pango
See https://doc.courtbouillon.org/weasyprint/stable/first_steps.html#installation"""


def check_libraries() -> tuple[list[str], list[str]]:
    """Return the missing libraries that stop Scorecards, and those that only degrade it."""
    errors, warnings = [], []
    try:
        import weasyprint  # noqa: F401  (loads Pango through cffi on import)
    except OSError as error:
        errors.append(f"WeasyPrint cannot load its libraries: {error}")
    if ctypes.util.find_library("harfbuzz-subset") is None:
        warnings.append("libharfbuzz-subset is missing: PDFs embed whole fonts and WeasyPrint "
                        "warns (the test suite treats warnings as errors)")
    return errors, warnings


def is_installed(package: str) -> bool:
    """Tell whether dpkg holds this package as installed."""
    # The names are this module's own, never input.
    found = subprocess.run(["dpkg-query", "-W", "-f=${Status}", package],  # noqa: S603 S607
                           capture_output=True, text=True, check=False)
    return found.returncode == 0 and found.stdout.endswith(" installed")


def missing_packages(purpose: str, installed: Callable[[str], bool] = is_installed,
                     which: Callable[[str], str | None] = shutil.which) -> list[str]:
    """Return the Debian packages serving or testing needs that the machine lacks.

    Testing also needs npm (for axe-core). npm usually comes with Node from outside Debian,
    where Debian's npm would conflict with it: it is asked of Debian only when Node is absent.
    """
    if which("dpkg-query") is None or which("apt-get") is None:
        return []  # not Debian: the library check says what is missing, for any system
    missing = [package for package in PACKAGES[purpose] if not installed(package)]
    if purpose == "test" and which("npm") is None and which("node") is None:
        missing.append("npm")
    return missing


def may_install(uid: int, which: Callable[[str], str | None] = shutil.which) -> list[str] | None:
    """Return the prefix that runs apt-get as root here ([] or ["sudo"]), or None if none can."""
    if uid == 0:
        return []
    if which("sudo") and subprocess.run(["sudo", "-n", "true"],  # noqa: S607
                                        capture_output=True, check=False).returncode == 0:
        return ["sudo"]
    return None


def install(purpose: str, missing: list[str], prefix: list[str] | None) -> int:
    """Install the missing packages with the prefix, or print the command; return the exit code.

    Without a way to install, serving goes on (the library check says what that costs) and
    testing stops, since the suite would fail on what is missing.
    """
    if not missing:
        return 0
    command = ["apt-get", "install", "--no-install-recommends", *missing]
    if prefix is None:
        print(f"Scorecards needs Debian packages this machine lacks for {purpose}: "
              f"{', '.join(missing)}. Install them with:\n"
              f"  sudo {shlex.join(command)}", file=sys.stderr)
        return 1 if purpose == "test" else 0
    print(f"Installing Debian packages Scorecards needs for {purpose}: {', '.join(missing)}",
          file=sys.stderr)
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for step in (["apt-get", "update", "-qq"],
                 ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]):
        done = subprocess.run([*prefix, *step], env=quiet,  # noqa: S603 (our own names)
                              stdout=subprocess.DEVNULL, check=False)
        if done.returncode != 0:
            print(f"'{shlex.join([*prefix, *step])}' failed (exit {done.returncode}); "
                  f"run it yourself to see why.", file=sys.stderr)
            return 1
    return 0


def postgres_answers(url: str) -> bool:
    """Tell whether a PostgreSQL server accepts a connection at this SQLAlchemy URL."""
    import sqlalchemy as sa

    engine = sa.create_engine(url, connect_args={"connect_timeout": 3})
    try:
        with engine.connect():
            return True
    except sa.exc.OperationalError:
        return False
    finally:
        engine.dispose()


def main(argv: list[str]) -> int:
    """Run the checks the arguments ask for and return the exit code."""
    if argv[:1] == ["--postgres"]:
        return 0 if postgres_answers(argv[1]) else 1
    if "--install" in argv:
        purpose = (argv[argv.index("--install") + 1:] or [""])[0]
        if purpose not in PACKAGES:
            print(f"--install takes {' or '.join(PACKAGES)}.", file=sys.stderr)
            return 2
        missing = missing_packages(purpose)
        code = install(purpose, missing, may_install(os.getuid()) if missing else [])
        if code:
            return code
    errors, warnings = check_libraries()
    problems = errors + warnings if "--strict" in argv else errors
    for warning in [] if "--strict" in argv else warnings:
        print(f"Warning: {warning}", file=sys.stderr)
    if problems:
        print("Scorecards cannot run on this machine yet:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print(INSTALL_HINT, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
