"""Measure every page and API route people use against its budget, under gunicorn, on a year.

Run: .venv/bin/python bench/budgets.py [--database-url URL] [--tenth-url URL] [--requests 30]
[--repeat 3] [--workers 2] [--only PATTERN]

The database is one that bench/year.py generated (its users share its password). The script
picks what it measures from the data (the largest opening, an application at the committee, the
interviewer with most scorecards, an owed scorecard of a past interview), signs in once per role,
then requests the routes in turn, one request at a time, so that drift touches every route alike.
A tenth of the year given with --tenth-url is measured the same way, and each route's median
there is compared with the full year's: a route whose cost grows with the data shows it.
"""

from __future__ import annotations

import argparse
import http.client
import http.cookies
import json
import os
import re
import secrets
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
YEAR_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/scorecards_year"
PASSWORD = "year-bench-password"  # bench/year.py's shared password (a bench data set)
LOOP = "backend-engineer"  # bench/year.py's loop
USER_AGENT = "scorecards-budgets"  # Flask-Login ties a session to the User-Agent it began with
TOKEN_NAME = "budgets"
DEEP_PAGES = 20  # how far a cursor walk goes before its page is measured


@dataclass(frozen=True)
class Budget:
    """How fast a kind of route must answer, in milliseconds."""

    name: str
    median_ms: float
    p99_ms: float


METRICS_TOKEN = secrets.token_hex(16)
PAGE = Budget("page", median_ms=50, p99_ms=150)
REPORT = Budget("report", median_ms=1000, p99_ms=1000)
# Prometheus scrapes every 15 to 60 s, and nobody waits on it: it counts from the database.
SCRAPE = Budget("scrape", median_ms=200, p99_ms=500)
TRIVIAL = Budget("trivial", median_ms=50, p99_ms=150)
FLAT = 1.5  # a route's median on the full year within this many times the tenth's


@dataclass(frozen=True)
class Subjects:
    """The rows the routes are measured on, picked from the data by the same rules each time."""

    opening: str  # the key of the opening with most applications
    at_committee: int  # an application waiting for the committee
    decided: int  # a decided application
    candidate: int  # the decided application's candidate
    interview: int  # an interview of the application at the committee
    scorecard: int  # an owed scorecard of a past interview
    owner: str  # its interviewer's email
    heaviest: str  # the email of the interviewer with most scorecards
    heaviest_id: int  # and their id


@dataclass(frozen=True)
class Route:
    """One request to time: who makes it, what, and which budget it has."""

    label: str
    role: str  # a key of Client sessions: hr, committee, owner, heaviest, api-hr, ...
    method: str
    path: str | Callable[[], str]
    budget: Budget = PAGE
    body: Callable[[], tuple[str, str]] | None = None  # content type and body, made per request
    expect: int = 200


@dataclass
class Samples:
    """Milliseconds per request of one route in one run, and answers other than expected."""

    times: list[float] = field(default_factory=list)
    wrong: list[int] = field(default_factory=list)

    def median(self) -> float:
        return statistics.median(self.times)

    def p99(self) -> float:
        return statistics.quantiles(self.times, n=100, method="inclusive")[98]


def pick(url: str) -> Subjects:
    """Pick the measured rows from the database."""
    engine = sa.create_engine(url)
    with engine.connect() as connection:
        def one(sql: str, **params) -> sa.Row:
            return connection.execute(sa.text(sql), params).one()

        opening, = one("SELECT o.key FROM openings o JOIN applications a ON a.opening_id = o.id "
                       "GROUP BY o.id, o.key ORDER BY count(*) DESC, o.id LIMIT 1")
        at_committee, = one("SELECT min(id) FROM applications WHERE status = 'committee'")
        decided, candidate = one("SELECT id, candidate_id FROM applications "
                                 "WHERE status = 'decided' ORDER BY id LIMIT 1")
        interview, = one("SELECT min(id) FROM interviews WHERE application_id = :id",
                         id=at_committee)
        scorecard, owner = one(
            "SELECT s.id, u.email FROM scorecards s JOIN interviews i ON i.id = s.interview_id "
            "JOIN users u ON u.id = s.interviewer_id WHERE s.status IN ('not_started', 'draft') "
            "AND i.cancelled_at IS NULL AND i.scheduled_at < CURRENT_TIMESTAMP "
            "ORDER BY i.scheduled_at DESC, s.id LIMIT 1")
        heaviest, heaviest_id = one(
            "SELECT u.email, u.id FROM scorecards s JOIN users u ON u.id = s.interviewer_id "
            "GROUP BY u.id, u.email ORDER BY count(*) DESC, u.id LIMIT 1")
    engine.dispose()
    return Subjects(opening, at_committee, decided, candidate, interview, scorecard, owner,
                    heaviest, heaviest_id)


class Client:
    """A signed-in person on a kept-alive connection: cookies for pages, a token for the API."""

    def __init__(self, port: int, *, email: str | None = None, token: str | None = None):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        self.cookies: dict[str, str] = {}
        self.token = token
        if email is not None:
            self.sign_in(email)

    def request(self, method: str, path: str, body: str | None = None,
                content_type: str | None = None) -> tuple[int, bytes]:
        headers = {"User-Agent": USER_AGENT}
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        if content_type:
            headers["Content-Type"] = content_type
        self.connection.request(method, path, body=body, headers=headers)
        answer = self.connection.getresponse()
        content = answer.read()
        for header in answer.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return answer.status, content

    def sign_in(self, email: str) -> None:
        _, page = self.request("GET", "/sign-in")
        form = {"email": email, "password": PASSWORD, "csrf_token": csrf_token(page)}
        status, _ = self.request("POST", "/sign-in", urllib.parse.urlencode(form),
                                 "application/x-www-form-urlencoded")
        if status != 302:
            raise RuntimeError(f"signing in as {email} answered {status}")


def csrf_token(page: bytes) -> str:
    """Return the value of a page's csrf_token input, whatever the order of its attributes."""
    tag = re.search(rb'<input\b[^>]*\bname="csrf_token"[^>]*>', page)
    return re.search(rb'\bvalue="([^"]*)"', tag[0])[1].decode()


class Draft:
    """The autosave form of one scorecard, whose version follows each save's answer."""

    def __init__(self, client: Client, scorecard: int):
        status, page = client.request("GET", f"/scorecards/{scorecard}")
        if status != 200:
            raise RuntimeError(f"the scorecard page answered {status}")
        self.token = csrf_token(page)
        self.version = int(re.search(rb'name="version"[^>]*value="(\d+)"', page)[1])
        self.keys = [key.decode() for key in re.findall(rb'name="rating-([\w-]+?)-score"', page)]

    def body(self) -> tuple[str, str]:
        fields = {"csrf_token": self.token, "version": self.version, "recommendation": "hire",
                  "takeaways": "Measured by bench/budgets.py."}
        for key in dict.fromkeys(self.keys):
            fields |= {f"rating-{key}-score": "3",
                       f"rating-{key}-evidence": "Estimated the peak load before choosing."}
        return "application/x-www-form-urlencoded", urllib.parse.urlencode(fields)

    def saved(self, content: bytes) -> None:
        self.version = json.loads(content)["version"]


def deep(client: Client, path: str, follow: Callable[[bytes], str | None]) -> str:
    """Walk DEEP_PAGES pages from path by the link follow finds; return the last path reached."""
    for _ in range(DEEP_PAGES):
        _, content = client.request("GET", path)
        found = follow(content)
        if found is None:
            break
        path = found
    return path


def older_link(content: bytes) -> str | None:
    """Return a page's link to its next (older) page: the first href carrying after=."""
    found = re.search(rb'href="([^"]*[?&](?:amp;)?after=[^"]*)"', content)
    return found[1].decode().replace("&amp;", "&") if found else None


def next_cursor(base: str) -> Callable[[bytes], str | None]:
    def follow(content: bytes) -> str | None:
        cursor = json.loads(content).get("next_cursor")
        return f"{base}&cursor={urllib.parse.quote(cursor)}" if cursor else None
    return follow


def routes(s: Subjects, draft: Draft, clients: dict[str, Client]) -> list[Route]:
    """Every route measured, with its budget; deep pages are found by walking their cursors."""
    pipeline_deep = deep(clients["hr"], f"/hr/openings/{s.opening}", older_link)
    rejected_deep = deep(clients["hr"], f"/hr/openings/{s.opening}?status=rejected", older_link)
    api_deep = deep(clients["api-hr"], "/api/v1/applications?limit=50",
                    next_cursor("/api/v1/applications?limit=50"))
    return [
        Route("health (trivial)", "hr", "GET", "/health", TRIVIAL),
        Route("HR home", "hr", "GET", "/hr/"),
        Route("pipeline, first page", "hr", "GET", f"/hr/openings/{s.opening}"),
        Route(f"pipeline, page {DEEP_PAGES + 1}", "hr", "GET", pipeline_deep),
        Route(f"pipeline rejected, page {DEEP_PAGES + 1}", "hr", "GET", rejected_deep),
        Route("application (HR)", "hr", "GET", f"/hr/applications/{s.at_committee}"),
        Route("application decided (HR)", "hr", "GET", f"/hr/applications/{s.decided}"),
        Route("interview (HR)", "hr", "GET", f"/hr/interviews/{s.interview}"),
        # What the panel picker asks as HR types a name's first letters.
        Route("panel picker search", "hr", "GET", "/hr/interviewers?q=an"),
        Route("overdue", "hr", "GET", "/hr/overdue"),
        Route("opening report", "hr", "GET", f"/hr/openings/{s.opening}/report", REPORT),
        Route("search", "hr", "GET", "/hr/search?q=smith"),
        Route("files", "hr", "GET", "/files/"),
        Route("exports page", "hr", "GET", "/hr/exports/"),
        Route("home (committee)", "committee", "GET", "/"),
        Route("committee queue", "committee", "GET", "/committee/"),
        Route("decided list", "committee", "GET", "/committee/decided"),
        Route("summary", "committee", "GET", f"/committee/applications/{s.at_committee}"),
        Route("agreement", "hr", "GET", "/analytics/agreement", REPORT),
        Route("agreement of a rubric", "hr", "GET", "/analytics/rubrics/system-design", REPORT),
        Route("interviewers", "hr", "GET", "/analytics/interviewers", REPORT),
        Route("interviewer report (heaviest)", "hr", "GET",
              f"/analytics/interviewers/{s.heaviest_id}", REPORT),
        Route("adverse impact, loop", "admin", "GET",
              f"/fairness/impact?scope=loop:{LOOP}&question=race_ethnicity", REPORT),
        Route("adverse impact, busiest opening", "admin", "GET",
              f"/fairness/impact?scope=opening:{s.opening}&question=sex", REPORT),
        Route("scores by group, loop", "admin", "GET",
              f"/fairness/scores?scope=loop:{LOOP}&question=sex", REPORT),
        Route("scores by group, busiest opening", "admin", "GET",
              f"/fairness/scores?scope=opening:{s.opening}&question=race_ethnicity", REPORT),
        Route("validity, loop", "admin", "GET", f"/fairness/validity?loop={LOOP}", REPORT),
        Route("home (interviewer)", "owner", "GET", "/"),
        Route("home (heaviest interviewer)", "heaviest", "GET", "/"),
        # The year has no opening contacts: HR's cards count over every opening, the most.
        Route("home (HR)", "hr", "GET", "/"),
        Route("home (admin)", "admin", "GET", "/"),
        Route("my interviews (heaviest)", "heaviest", "GET", "/interviews"),
        Route("my interviews", "owner", "GET", "/interviews"),
        Route("scorecard page", "owner", "GET", f"/scorecards/{s.scorecard}"),
        Route("interview kit", "owner", "GET", f"/scorecards/{s.scorecard}/kit"),
        Route("draft save", "owner", "POST", f"/scorecards/{s.scorecard}/draft", body=draft.body),
        Route("API openings", "api-hr", "GET", "/api/v1/openings"),
        Route("API applications", "api-hr", "GET", "/api/v1/applications?limit=50"),
        Route(f"API applications, page {DEEP_PAGES + 1}", "api-hr", "GET", api_deep),
        Route("API application", "api-hr", "GET", f"/api/v1/applications/{s.decided}"),
        Route("API candidate", "api-hr", "GET", f"/api/v1/candidates/{s.candidate}"),
        Route("API candidate search", "api-hr", "GET", "/api/v1/candidates?q=smith"),
        Route("API interview", "api-hr", "GET", f"/api/v1/interviews/{s.interview}"),
        Route("API summary", "api-committee", "GET",
              f"/api/v1/applications/{s.at_committee}/summary"),
        Route("API scorecard", "api-owner", "GET", f"/api/v1/scorecards/{s.scorecard}"),
        Route("API rubric", "api-hr", "GET", "/api/v1/rubrics/system-design"),
        Route("API agreement", "api-hr", "GET", "/api/v1/analytics/agreement?rubric=system-design",
              REPORT),
        Route("API interviewer (heaviest)", "api-hr", "GET",
              f"/api/v1/analytics/interviewers/{s.heaviest_id}", REPORT),
        Route("users (admin)", "admin", "GET", "/admin/users/"),
        Route("users search (admin)", "admin", "GET", "/admin/users/?q=an"),
        Route("API users", "api-admin", "GET", "/api/v1/users?limit=50"),
        Route("mail preferences", "owner", "GET", "/account/notifications"),
        Route("account settings", "owner", "GET", "/account/settings"),
        # What a Prometheus scrape costs, with the overdue count and the jobs' figures.
        Route("metrics scrape", "metrics", "GET", "/metrics", SCRAPE),
        Route("API adverse impact, loop", "api-admin", "GET",
              f"/api/v1/fairness/adverse-impact?loop={LOOP}&question=sex", REPORT),
        Route("API scores by group, loop", "api-admin", "GET",
              f"/api/v1/fairness/score-differences?loop={LOOP}&question=sex", REPORT),
    ]


def flask(url: str, *args: str) -> str:
    env = {**os.environ, "DATABASE_URL": url}
    done = subprocess.run([BIN / "flask", "--app", "wsgi", *args], cwd=ROOT, env=env,
                          capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(f"flask {' '.join(args)}: {done.stderr.strip()}")
    return done.stdout.strip()


class Server:
    """gunicorn serving the app on a database, with tokens issued for the API's users."""

    def __init__(self, url: str, workers: int, emails: dict[str, str]):
        self.url, self.emails = url, emails
        self.tokens = {role: flask(url, "users", "token", email, "--name", TOKEN_NAME)
                       for role, email in emails.items()}
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.log = tempfile.NamedTemporaryFile("w+", prefix="budgets-", suffix=".log")
        env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
               "SCORECARDS_METRICS_TOKEN": METRICS_TOKEN}
        self.process = subprocess.Popen(
            [BIN / "gunicorn", "-w", str(workers), "-b", f"127.0.0.1:{self.port}",
             "--timeout", "120", "wsgi:app"],
            cwd=ROOT, env=env, stdout=self.log, stderr=self.log)
        deadline = time.monotonic() + 60
        while True:
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=1):
                    return
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    self.log.seek(0)
                    raise RuntimeError("gunicorn did not start:\n" + self.log.read()) from None
                time.sleep(0.2)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)
        for email in self.emails.values():
            flask(self.url, "users", "revoke-token", email, "--name", TOKEN_NAME)


def measure(url: str, args) -> tuple[list[Route], list[list[Samples]]]:
    """Serve the database, sign everyone in, and time each route over args.repeat runs."""
    s = pick(url)
    people = {"hr": "hr-0001@bench.example", "committee": "committee-0001@bench.example",
              "admin": "admin-0001@bench.example", "owner": s.owner, "heaviest": s.heaviest}
    server = Server(url, args.workers, {f"api-{role}": people[role]
                                        for role in ("hr", "committee", "owner", "admin")})
    try:
        clients = {role: Client(server.port, email=email) for role, email in people.items()}
        clients |= {role: Client(server.port, token=token)
                    for role, token in server.tokens.items()}
        clients["metrics"] = Client(server.port, token=METRICS_TOKEN)
        draft = Draft(clients["owner"], s.scorecard)
        measured = [route for route in routes(s, draft, clients)
                    if re.search(args.only, route.label)]
        runs = []
        for _ in range(args.repeat):
            samples = [Samples() for _ in measured]
            for _ in range(args.requests):
                for route, sample in zip(measured, samples, strict=True):
                    time_one(clients[route.role], route, sample, draft)
            runs.append(samples)
        return measured, runs
    finally:
        server.stop()


def time_one(client: Client, route: Route, sample: Samples, draft: Draft) -> None:
    path = route.path() if callable(route.path) else route.path
    content_type, body = route.body() if route.body else (None, None)
    started = time.perf_counter()
    status, content = client.request(route.method, path, body, content_type)
    sample.times.append((time.perf_counter() - started) * 1000)
    if status != route.expect:
        sample.wrong.append(status)
    elif route.body is not None:
        draft.saved(content)


def medians(runs: list[list[Samples]], index: int) -> tuple[float, float, list[int]]:
    """Return the median over runs of a route's median and p99, and its wrong answers."""
    return (statistics.median(run[index].median() for run in runs),
            statistics.median(run[index].p99() for run in runs),
            [status for run in runs for status in run[index].wrong])


def report(measured: list[Route], runs, tenth_runs=None) -> int:
    """Print the table; return how many routes missed their budget or answered wrongly."""
    trivial = medians(runs, 0)[0]
    header = f"{'route':<34} {'budget':>7} {'median ms':>10} {'p99 ms':>8} {'x health':>9}"
    header += f" {'tenth ms':>9} {'x tenth':>8}" if tenth_runs else ""
    print(header + "  verdict")
    missed = 0
    for index, route in enumerate(measured):
        median, p99, wrong = medians(runs, index)
        verdicts = []
        if median > route.budget.median_ms:
            verdicts.append(f"median > {route.budget.median_ms:g}")
        if p99 > route.budget.p99_ms:
            verdicts.append(f"p99 > {route.budget.p99_ms:g}")
        line = (f"{route.label:<34} {route.budget.name:>7} {median:>10.1f} {p99:>8.1f} "
                f"{median / trivial:>9.1f}")
        if tenth_runs:
            tenth = medians(tenth_runs, index)[0]
            line += f" {tenth:>9.1f} {median / tenth:>8.2f}"
            if median / tenth > FLAT and median > 5:
                verdicts.append(f"grows: > {FLAT}x the tenth")
        if wrong:
            verdicts.append(f"answered {sorted(set(wrong))} ({len(wrong)} times)")
        missed += bool(verdicts)
        print(line + "  " + ("; ".join(verdicts) or "ok"))
    return missed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=YEAR_URL, help="the year (bench/year.py)")
    parser.add_argument("--tenth-url", help="a tenth of the year, to check costs stay flat")
    parser.add_argument("--requests", type=int, default=30, help="requests per route per run")
    parser.add_argument("--repeat", type=int, default=3, help="runs; figures are their medians")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn's sync workers")
    parser.add_argument("--only", default="", help="measure the routes whose label matches")
    args = parser.parse_args()
    if args.only and not re.search(args.only, "health (trivial)"):
        args.only = f"health \\(trivial\\)|{args.only}"
    print(f"load average at start: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    measured, runs = measure(args.database_url, args)
    tenth_runs = measure(args.tenth_url, args)[1] if args.tenth_url else None
    missed = report(measured, runs, tenth_runs)
    print(f"{args.repeat} runs of {args.requests} requests per route, one at a time, "
          f"{args.workers} workers; figures are the medians of the runs' medians and p99s.")
    print(f"load average at end: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print(f"{missed} of {len(measured)} routes missed their budget." if missed
          else "Every route kept its budget.")
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
