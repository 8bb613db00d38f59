"""Measure HR's candidate search on a database: names, prefixes, emails, openings, a next page.

Run: DATABASE_URL=... .venv/bin/python bench/search.py [--repeat 7]
Each query goes through the service HR's page and the API call (search_candidates, a page of
50 with the applications of each candidate found), then as HR's whole page through the test
client; prints the median and slowest of the service's runs, its next page, and the page's median.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

QUERIES = [  # what HR types: (what it stands for, the query)
    ("full name", "Åsa Schmidt"),
    ("full name, no accents", "zoe simek"),
    ("name and prefix", "fatima nov"),
    ("first name alone", "emma"),
    ("short prefix", "an"),
    ("email, exact", None),  # the newest candidate's, looked up when run
    ("email, prefix", None),
    ("name and opening", "ana search"),
    ("opening alone", "payments"),
    ("nobody", "qwertyuiop"),
]


def main() -> None:
    """Print the figures of each query."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()

    import sqlalchemy as sa

    from scorecards import create_app
    from scorecards.core.vocabulary import Role
    from scorecards.extensions import db
    from scorecards.hr.services.search import search_candidates
    from scorecards.models import Candidate, User, UserRole

    app = create_app({"SQLALCHEMY_DATABASE_URI": os.environ["DATABASE_URL"]})
    with app.app_context():
        hr = db.session.scalar(sa.select(User).join(UserRole).where(UserRole.role == Role.HR)
                               .order_by(User.id).limit(1))
        email = db.session.scalar(sa.select(Candidate.email).where(Candidate.email.is_not(None))
                                  .order_by(Candidate.id.desc()).limit(1))
        queries = [(what, query or (email if what.endswith("exact") else email[:12]))
                   for what, query in QUERIES]
        print(f"{db.session.scalar(sa.select(sa.func.count()).select_from(Candidate)):,} "
              f"candidates; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = hr.get_id()
            session["_fresh"] = True
        print(f"{'query':<24} {'q':<36} {'found':>5} {'median ms':>9} {'max ms':>7} "
              f"{'page 2 ms':>9} {'HTML ms':>7}")
        for what, query in queries:
            runs, second = [], []
            for _ in range(args.repeat):
                db.session.remove()
                started = time.perf_counter()
                page = search_candidates(hr, query)
                runs.append((time.perf_counter() - started) * 1000)
                if page.next_cursor:
                    started = time.perf_counter()
                    search_candidates(hr, query, cursor=page.next_cursor)
                    second.append((time.perf_counter() - started) * 1000)
            html = []
            for _ in range(args.repeat):
                started = time.perf_counter()
                assert client.get("/hr/search", query_string={"q": query}).status_code == 200
                html.append((time.perf_counter() - started) * 1000)
            print(f"{what:<24} {query:<36} {len(page.candidates):>5} "
                  f"{statistics.median(runs):>9.1f} {max(runs):>7.1f} "
                  f"{statistics.median(second) if second else float('nan'):>9.1f} "
                  f"{statistics.median(html):>7.1f}")
        print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
