"""The year generator makes the same coherent data for the same seed, in the funnel's shares."""

import hashlib
import importlib.util
import io
import sqlite3
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from scorecards import create_app
from scorecards.committee.services import candidate_summary, queue
from scorecards.extensions import db
from scorecards.hr.services.openings import opening_rows
from scorecards.models import AgreementFit, User

SCRIPT = Path(__file__).resolve().parent.parent / "bench" / "year.py"
END = datetime(2026, 6, 1, tzinfo=UTC)
SCALE = 0.002  # 3,000 applications: enough for the shares, a second or two to make


@pytest.fixture(scope="module")
def year():
    """Return the bench/year.py module."""
    spec = importlib.util.spec_from_file_location("bench_year", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclasses look their module up by name
    spec.loader.exec_module(module)
    return module


def _generate(year, path: Path, seed: int = 7) -> dict:
    return year.generate(f"sqlite:///{path}", SCALE, seed, END, out=io.StringIO())


def _rows_hash(path: Path, year) -> str:
    digest = hashlib.sha256()
    conn = sqlite3.connect(path)
    try:
        for table in year.TABLES:
            columns = year.COLUMNS[table]
            # The names are the script's own, not input.
            query = f"SELECT {', '.join(columns)} FROM {table} ORDER BY 1, 2"  # noqa: S608
            for row in conn.execute(query):
                digest.update(repr(row).encode())
    finally:
        conn.close()
    return digest.hexdigest()


def test_same_seed_same_rows_and_funnel_shares(year, tmp_path):
    first, second, other = tmp_path / "a.db", tmp_path / "b.db", tmp_path / "c.db"
    figures = _generate(year, first)
    _generate(year, second)
    _generate(year, other, seed=8)
    assert _rows_hash(first, year) == _rows_hash(second, year)
    assert _rows_hash(first, year) != _rows_hash(other, year)

    rows, stats = figures["rows"], figures["stats"]
    assert rows["applications"] == 3000
    assert 0.07 < stats["HR call"] / rows["applications"] < 0.13
    assert 0.2 < stats["Technical interview"] / stats["HR call"] < 0.45
    assert 0.15 < stats["Onsite"] / stats["Technical interview"] < 0.45
    assert 4 < rows["ratings"] / rows["scorecards"] < 6
    conn = sqlite3.connect(first)
    try:
        one = conn.execute
        assert one("SELECT count(*) FROM scorecards s WHERE status = 'submitted' AND NOT EXISTS "
                   "(SELECT 1 FROM scorecard_revisions r WHERE r.scorecard_id = s.id "
                   "AND r.number = 1)").fetchone() == (0,)
        assert one("SELECT count(*) FROM applications WHERE status = 'decided' AND id NOT IN "
                   "(SELECT application_id FROM decisions)").fetchone() == (0,)
        assert one("SELECT count(*) FROM applications WHERE status IN ('rejected', 'withdrawn')"
                   " AND (closed_at IS NULL OR closed_reason IS NULL)").fetchone() == (0,)
        referrals = one("SELECT count(*) FROM applications WHERE referrer IS NOT NULL"
                        ).fetchone()[0]
        assert referrals == stats_referrals(one)
        assert referrals > 0
        owed = one("SELECT count(*) FROM scorecards s JOIN interviews i ON i.id = "
                   "s.interview_id WHERE s.status IN ('not_started', 'draft') AND "
                   "i.scheduled_at < ?", (END.strftime("%Y-%m-%d"),)).fetchone()[0]
        assert owed > 0  # some scorecards are overdue, as in any real year
        end = END.strftime("%Y-%m-%d %H:%M:%S.%f")  # as SQLite stores them
        for table, column in [("applications", "updated_at"), ("applications", "closed_at"),
                              ("interviews", "created_at"), ("scorecards", "updated_at"),
                              ("scorecards", "submitted_at"), ("decisions", "decided_at")]:
            later = one(f"SELECT count(*) FROM {table} WHERE {column} > ?",  # noqa: S608
                        (end,)).fetchone()[0]
            assert later == 0, f"{table}.{column} after the year's end"
    finally:
        conn.close()


def stats_referrals(one) -> int:
    """Return how many applications came by referral."""
    return one("SELECT count(*) FROM applications WHERE source = 'referral'").fetchone()[0]


def test_the_committee_reads_the_generated_year(year, tmp_path):
    path = tmp_path / "year.db"
    _generate(year, path)
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{path}", "TESTING": True,
                      "SECRET_KEY": "test"})
    with app.app_context():
        member = db.session.scalar(db.select(User).where(
            User.email == "committee-0001@bench.example"))
        assert member.check_password(year.PASSWORD)
        queue(member)
        decided = db.session.execute(db.text(
            "SELECT application_id FROM decisions ORDER BY id LIMIT 3")).scalars().all()
        assert decided
        for application_id in decided:
            summary = candidate_summary(None, application_id)
            assert summary.summary.outcome.value in {"hire", "strong_hire", "no_hire",
                                                     "strong_no_hire"}
        # The rows were loaded around the app, so the generator counts the summaries itself.
        applications = db.session.execute(db.text("SELECT count(*) FROM applications")).scalar()
        assert sum(row.total for row in opening_rows(limit=1000).rows) == applications
        assert any(db.session.scalars(db.select(AgreementFit.paired)).all())
        db.session.remove()
        db.engine.dispose()
