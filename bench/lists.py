"""Time the lists that grow with the year, through the app, on a generated year's database.

Signs in as the year's users (bench/year.py) with Flask's test client and times each list's
first page and a deep page (reached by following the page's own "next" links, untimed):
My interviews of the user with the most interviews, the committee queue and its Decided list,
the overdue list, a user's prepared files, an opening's pipeline, and HR's page of a decided
application. Prints the median of --repeat runs after one warm-up, the size of the answer,
and the load average before and after.

    .venv/bin/python bench/lists.py --database-url postgresql+psycopg://.../scorecards_year_x
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import time

import sqlalchemy as sa

from scorecards import create_app

PASSWORD = "year-bench-password"  # noqa: S105 (the generated year's shared password)


def _next(client, url: str, hops: int) -> str:
    """Follow the page's rel="next" link hops times; return where it leads."""
    for _ in range(hops):
        found = re.search(r'href="([^"]*)" rel="next"', client.get(url).text)
        if found is None:
            break
        url = found[1].replace("&amp;", "&")
    return url


def _time(client, url: str, repeat: int) -> tuple[float, int, int]:
    client.get(url)  # warm-up: caches and the first query plans
    times, answer = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        answer = client.get(url)
        times.append(time.perf_counter() - started)
    return statistics.median(times), answer.status_code, len(answer.data)


def main() -> None:
    """Parse the command line, sign in and print one line per list."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--depth", type=int, default=20, help="pages deep for the deep pages")
    args = parser.parse_args()
    app = create_app({"SQLALCHEMY_DATABASE_URI": args.database_url, "SECRET_KEY": "bench",
                      "WTF_CSRF_ENABLED": False, "RATELIMIT_STORAGE_URI": "memory://"})
    engine = sa.create_engine(args.database_url)
    with engine.connect() as connection:
        one = connection.execute
        heaviest = one(sa.text(
            "SELECT u.email FROM users u JOIN scorecards s ON s.interviewer_id = u.id "
            "GROUP BY u.email ORDER BY count(*) DESC, u.email LIMIT 1")).scalar_one()
        opening = one(sa.text(
            "SELECT o.key FROM openings o JOIN applications a ON a.opening_id = o.id "
            "GROUP BY o.key ORDER BY count(*) DESC, o.key LIMIT 1")).scalar_one()
        decided = one(sa.text("SELECT application_id FROM decisions ORDER BY id LIMIT 1")
                      ).scalar_one()
    engine.dispose()
    routes = [
        (heaviest, "My interviews", "/interviews", 0),
        (heaviest, "My interviews, deep", "/interviews", args.depth),
        ("committee-0001@bench.example", "Committee queue", "/committee/", 0),
        ("committee-0001@bench.example", "Decided, deep", "/committee/decided", args.depth),
        ("hr-0001@bench.example", "Overdue", "/hr/overdue", 0),
        ("hr-0001@bench.example", "Prepared files", "/files/", 0),
        ("hr-0001@bench.example", "Prepared files, deep", "/files/", args.depth),
        ("hr-0001@bench.example", f"Pipeline {opening}, deep", f"/hr/openings/{opening}",
         args.depth * 5),
        ("hr-0001@bench.example", "Decided application (HR)", f"/hr/applications/{decided}", 0),
    ]
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{'list':40} {'median ms':>10} {'status':>6} {'KB':>7}  url")
    clients = {}
    for who, label, url, hops in routes:
        if who not in clients:
            clients[who] = app.test_client()
            clients[who].post("/sign-in", data={"email": who, "password": PASSWORD})
        client = clients[who]
        url = _next(client, url, hops)
        median, status, size = _time(client, url, args.repeat)
        print(f"{label:40} {median * 1000:10.1f} {status:6} {size / 1024:7.1f}  {url[:60]}")
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
