"""Check that the machine has what Scorecards needs beyond Python packages.

``python -m scorecards.system`` explains what is missing and how to install it, instead
of letting WeasyPrint fail later with an obscure library error.
``--strict`` also fails on what only degrades the service (as the test suite needs).
``python -m scorecards.system --postgres URL`` tells (by exit code) whether PostgreSQL answers.
"""

from __future__ import annotations

import ctypes.util
import sys

INSTALL_HINT = """\
WeasyPrint, which renders the PDF packets, needs the Pango text libraries.
  Debian/Ubuntu: sudo apt-get install libpango-1.0-0 libpangoft2-1.0-0 \
                   libharfbuzz-subset0 fonts-dejavu
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
