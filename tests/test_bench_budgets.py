"""The budgets bench reaches every route it measures on a generated year, signed in as its people.

Speed is not asserted here (the bench's figures are for a quiet machine and the full year); what
is asserted is that each route answered as a person sees it, so the bench cannot quietly measure
error pages, and that the table reads as the README says.
"""

import io
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from tests.test_bench_year import END, SCALE, year  # noqa: F401 - the module fixture

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bench" / "budgets.py"


@pytest.fixture
def year_url(year, tmp_path):  # noqa: F811 - the fixture imported above
    """Return the URL of a small generated year on the suite's kind of database."""
    server = os.environ.get("SCORECARDS_TEST_DATABASE_URL")
    if not server:
        url = f"sqlite:///{tmp_path / 'year.db'}"
        _generate(year, url)
        yield url
        return
    url = sa.make_url(server).set(database=f"scorecards_budgets_{uuid.uuid4().hex[:12]}")
    url = url.render_as_string(hide_password=False)
    try:
        _generate(year, url)
        yield url
    finally:
        admin = sa.create_engine(server, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            name = sa.make_url(url).database
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _generate(year, url: str) -> None:  # noqa: F811
    """Generate the year, and send its first decided application back to the committee.

    A year this small has no application waiting for the committee (a few hundred in the full
    year); one whose decision is taken back stands for them, its panel's scorecards all in.
    """
    year.generate(url, SCALE, 7, END, out=io.StringIO())
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        first = connection.scalar(sa.text("SELECT min(application_id) FROM decisions"))
        connection.execute(sa.text("DELETE FROM decisions WHERE application_id = :id"),
                           {"id": first})
        connection.execute(sa.text("UPDATE applications SET status = 'committee' "
                                   "WHERE id = :id"), {"id": first})
    engine.dispose()


def test_every_route_answers_as_expected_and_the_table_has_ratios(year_url):
    done = subprocess.run(
        [sys.executable, SCRIPT, "--database-url", year_url, "--requests", "2", "--repeat", "1",
         "--workers", "1"], cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode in (0, 1), done.stderr  # 1: some route missed its budget
    lines = done.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("route"))
    footer = next(i for i, line in enumerate(lines) if line.startswith("1 runs of"))
    rows = {line[:34].strip(): line[34:].split(maxsplit=4) for line in lines[header + 1:footer]}
    assert next(iter(rows)) == "health (trivial)"
    assert {"committee queue", "my interviews (heaviest)", "draft save", "search",
            "API candidate search", "agreement", "interviewer report (heaviest)",
            "API agreement", "API interviewer (heaviest)", "pipeline, page 21",
            "API applications, page 21"} <= rows.keys()
    assert [label for label, row in rows.items() if "answered" in row[-1]] == []
    health = float(rows["health (trivial)"][1])
    for label, (_, median, _, ratio, _) in rows.items():
        assert float(ratio) == pytest.approx(float(median) / health, rel=0.1, abs=0.06), label
    missed = sum(row[-1] != "ok" for row in rows.values())
    assert lines[-1] == (f"{missed} of {len(rows)} routes missed their budget." if missed
                         else "Every route kept its budget.")
