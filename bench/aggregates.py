"""Measure the pages that read precomputed aggregates, and the refresh that computes them.

Run against a database the app can reach (DATABASE_URL), e.g. a copy of the year:
    DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/scorecards_year_copy \\
        .venv/bin/python bench/aggregates.py [--repeat 3] [--refresh]

Each page is requested through the test client, signed in as the year's HR or committee
user; the figures are the median and the slowest of the runs, and the answer's size.
--refresh also times ``aggregates refresh`` summary by summary and its peak memory.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

HR = "hr-0001@bench.example"
COMMITTEE = "committee-0001@bench.example"


def pages(db, sa) -> list[tuple[str, str, str]]:
    """Return (label, user, path) of each page measured, on the year's busiest opening."""
    from scorecards.models import Application, Opening

    busiest = db.session.execute(
        sa.select(Opening.key).join(Application.opening).group_by(Opening.key)
        .order_by(sa.func.count().desc()).limit(1)).scalar_one()
    waiting = db.session.scalar(sa.select(Application.id).where(Application.status == "committee")
                                .order_by(Application.id.desc()).limit(1))
    return [
        ("agreement", HR, "/analytics/agreement"),
        ("HR home (openings)", HR, "/hr/"),
        (f"report of {busiest}", HR, f"/hr/openings/{busiest}/report"),
        (f"pipeline of {busiest}", HR, f"/hr/openings/{busiest}"),
        ("committee summary", COMMITTEE, f"/committee/applications/{waiting}"),
    ]


def measure(repeat: int) -> None:
    """Print the median and slowest time and the size of each page."""
    import sqlalchemy as sa

    from scorecards import create_app
    from scorecards.extensions import db
    from scorecards.models import User

    app = create_app()
    with app.app_context():
        measured = pages(db, sa)
        ids = {email: db.session.scalar(sa.select(User).where(User.email == email)).get_id()
               for email in (HR, COMMITTEE)}
        db.session.remove()
    clients = {}
    for email, identity in ids.items():
        clients[email] = app.test_client()
        with clients[email].session_transaction() as session:
            session["_user_id"], session["_fresh"] = identity, True
    print(f"load average {os.getloadavg()[0]:.2f}")
    print(f"{'page':<34}{'median s':>10}{'max s':>10}{'KB':>9}")
    for label, email, path in measured:
        runs, size = [], 0
        for _ in range(repeat):
            started = time.perf_counter()
            response = clients[email].get(path)
            runs.append(time.perf_counter() - started)
            assert response.status_code == 200, (path, response.status_code)
            size = len(response.data)
        print(f"{label:<34}{statistics.median(runs):>10.3f}{max(runs):>10.3f}"
              f"{size / 1024:>9.0f}")
    print(f"load average {os.getloadavg()[0]:.2f}")


def refresh() -> None:
    """Time each summary's refresh and print the process's peak memory."""
    from scorecards import create_app
    from scorecards.analytics.summaries import refresh as run

    app = create_app()
    with app.app_context():
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"load average {os.getloadavg()[0]:.2f}; peak memory before {before / 1024:.0f} MB")
        run(progress=lambda d: print(
            f"{d.summary:<14}{d.rows:>12,} rows{d.seconds:>8.1f} s; peak memory "
            f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB"))
    print(f"load average {os.getloadavg()[0]:.2f}")


def main() -> None:
    """Parse the command line and measure."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--refresh", action="store_true",
                        help="time the refresh of every summary instead of the pages")
    args = parser.parse_args()
    refresh() if args.refresh else measure(args.repeat)


if __name__ == "__main__":
    main()
