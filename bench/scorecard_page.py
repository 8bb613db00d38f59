"""Measure the scorecard page and draft autosaves against the trivial route, under gunicorn.

Run: .venv/bin/python bench/scorecard_page.py [--seconds 10] [--connections 16] [--workers 2]
[--threads 1] [--repeat 3]
"""

from __future__ import annotations

import argparse
import http.cookiejar
import os
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
LUA = Path(__file__).with_name("draft_save.lua")
EMAIL, PASSWORD = "bench@example.com", "bench-password"
# Sent on every request, as a browser does: Flask-Login ties the session to it, and a session
# used with another User-Agent is marked non-fresh and sent back re-signed on every answer.
USER_AGENT = "scorecards-bench"
WRK_THREADS = 2
BAND = 1_000_000  # scorecard N starts at version N * BAND; see draft_save.lua
POOL_PER_CONNECTION = 8  # scorecards per connection, so that a thread always has one idle
HEALTH, PAGE, DRAFT = "GET /health", "GET /scorecards/<id>", "POST /scorecards/<id>/draft"


@dataclass(frozen=True)
class Run:
    """What one wrk run measured."""

    rps: float
    p99_ms: float
    non_2xx: int
    cpu_ms: float  # CPU time of the server's workers per answered request


@dataclass
class RowCheck:
    """What the database says about the draft saves that wrk saw answered."""

    saved: int = 0  # 200 answers
    lost: int = 0  # 200 answers without a new version in the database
    duplicated: int = 0  # new versions without a 200 answer (beyond requests cut off at stop)
    wrong_rows: int = 0  # saved scorecards not in draft status with one rating per competency
    conflicts: int = 0  # 409 answers
    failures: int = 0  # other answers


@dataclass(frozen=True)
class Target:
    """The running server, the signed-in interviewer and the rows they work on."""

    base: str
    cookie: str
    token: str
    page: int  # the scorecard whose page is measured
    keys: list[str]  # competency keys of the rubric
    tmp: Path  # holds the database, gunicorn's log and the files draft_save.lua reads and writes
    server_pid: int  # gunicorn's master; its children are the workers


def seed(pool_size: int) -> tuple[int, list[str]]:
    """Store the interviewer and their scorecards; return the page's scorecard, competencies."""
    sys.path.insert(0, str(ROOT))
    import sqlalchemy as sa

    from scorecards import create_app
    from scorecards.catalog.services import latest_loop_version, latest_rubric_version, rubric_of
    from scorecards.core.vocabulary import Role
    from scorecards.extensions import db
    from scorecards.models import Application, Candidate, Interview, Opening, Scorecard, User

    with create_app().app_context():
        user = User(email=EMAIL, name="Bench Interviewer")
        user.grant(Role.INTERVIEWER)
        user.set_password(PASSWORD)
        opening = Opening(key="bench-backend", title="Backend engineer",
                          loop_version=latest_loop_version("backend-engineer"))
        application = Application(candidate=Candidate(name="Bench Candidate"), opening=opening,
                                  source="applied")
        rubric_version = latest_rubric_version("system-design")
        scheduled = datetime.now(UTC) - timedelta(hours=2)
        scorecards = [Scorecard(interviewer=user, interview=Interview(
            application=application, stage_key="system-design", rubric_version=rubric_version,
            scheduled_at=scheduled)) for _ in range(1 + pool_size)]
        db.session.add_all(scorecards)
        db.session.commit()
        page, *pool = [scorecard.id for scorecard in scorecards]
        db.session.execute(sa.update(Scorecard).where(Scorecard.id.in_(pool))
                           .values(version=Scorecard.id * BAND)
                           .execution_options(synchronize_session=False))
        db.session.commit()
        keys = [competency.key for competency in rubric_of(rubric_version).competencies]
        db.engine.dispose()
    return page, keys


def start_server(args, tmp: Path) -> tuple[subprocess.Popen, str]:
    """Start gunicorn on a free port and return it with its base URL once /health answers."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    command = [BIN / "gunicorn", "-w", str(args.workers), "-b", f"127.0.0.1:{port}"]
    if args.threads > 1:
        command += ["--worker-class", "gthread", "--threads", str(args.threads)]
    with open(tmp / "gunicorn.log", "w") as log:
        server = subprocess.Popen([*command, "wsgi:app"], cwd=ROOT, stdout=log, stderr=log)
    base, deadline = f"http://127.0.0.1:{port}", time.monotonic() + 30
    while True:
        try:
            urllib.request.urlopen(base + "/health", timeout=1).close()
            return server, base
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError("gunicorn did not start:\n" + (tmp / "gunicorn.log")
                                   .read_text()) from None
            time.sleep(0.2)


def hidden_token(html: str) -> str:
    """Return the value of the csrf_token input, whatever the order of its attributes."""
    tag = re.search(r'<input\b[^>]*\bname="csrf_token"[^>]*>', html)
    return re.search(r'\bvalue="([^"]*)"', tag[0])[1]


def sign_in(base: str, scorecard_id: int) -> tuple[str, str]:
    """Sign in as the interviewer; return the session cookie and the scorecard form's token."""
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    opener.addheaders = [("User-Agent", USER_AGENT)]
    token = hidden_token(opener.open(base + "/sign-in").read().decode())
    form = urllib.parse.urlencode({"email": EMAIL, "password": PASSWORD, "csrf_token": token})
    opener.open(base + "/sign-in", data=form.encode()).close()
    with opener.open(f"{base}/scorecards/{scorecard_id}") as page:
        if page.status != 200 or not page.url.endswith(f"/scorecards/{scorecard_id}"):
            raise RuntimeError(f"signing in failed: the scorecard page led to {page.url}")
        token = hidden_token(page.read().decode())
    return next(c.value for c in jar if c.name == "session"), token


def workers_cpu(server_pid: int) -> float:
    """Return the CPU seconds that the server's worker processes have used so far."""
    children = Path(f"/proc/{server_pid}/task/{server_pid}/children").read_text().split()
    ticks = 0
    for pid in children:
        # utime and stime: fields 14 and 15, counted from the state after the command's ")".
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        ticks += int(fields[11]) + int(fields[12])
    return ticks / os.sysconf("SC_CLK_TCK")


def wrk(args, url: str, target: Target, script: Path | None = None, env=None) -> Run:
    """Run wrk once; return requests/s, 99th percentile, non-2xx answers, CPU per request."""
    command = ["wrk", f"-t{WRK_THREADS}", f"-c{args.connections}", f"-d{args.seconds}s",
               "--latency", "-H", f"Cookie: session={target.cookie}",
               "-H", f"User-Agent: {USER_AGENT}"]
    command += ["-s", str(script)] if script else []
    cpu = workers_cpu(target.server_pid)
    out = subprocess.run([*command, url], capture_output=True, text=True, check=True,
                         env=env).stdout
    cpu = workers_cpu(target.server_pid) - cpu
    value, unit = re.search(r"^\s+99%\s+([\d.]+)(us|ms|s)$", out, re.M).groups()
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    requests = int(re.search(r"(\d+) requests in", out)[1])
    return Run(rps=float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1]),
               p99_ms=float(value) * {"us": 0.001, "ms": 1, "s": 1000}[unit],
               non_2xx=int(non_2xx[1]) if non_2xx else 0,
               cpu_ms=cpu * 1000 / max(requests, 1))


def pool_versions(db_path: Path) -> dict[int, tuple[int, str, int]]:
    """Return each autosaved scorecard's version, status and number of ratings."""
    with sqlite3.connect(db_path) as connection:
        rows = connection.execute(
            "SELECT s.id, s.version, s.status, COUNT(r.competency_key) FROM scorecards s "
            "LEFT JOIN ratings r ON r.scorecard_id = s.id WHERE s.version >= ? GROUP BY s.id",
            (BAND,)).fetchall()
    return {id_: (version, status, ratings) for id_, version, status, ratings in rows}


def draft_body(token: str, keys: list[str]) -> str:
    """Return the autosave form without version and takeaways, which draft_save.lua adds."""
    fields = {"csrf_token": token, "recommendation": "hire"}
    for key in keys:
        fields |= {f"rating-{key}-score": "3",
                   f"rating-{key}-evidence": "Estimated peak load before choosing storage."}
    return urllib.parse.urlencode(fields)


def save_drafts(args, target: Target, check: RowCheck) -> Run:
    """Autosave the pool's drafts with wrk, then check every save against the database."""
    db_path, pool_file, report_file = (target.tmp / name for name in
                                       ("bench.db", "pool.txt", "report.txt"))
    before = pool_versions(db_path)
    pool_file.write_text("".join(f"{id_} {row[0]}\n" for id_, row in before.items()))
    env = {**os.environ, "BENCH_POOL": str(pool_file), "BENCH_REPORT": str(report_file),
           "BENCH_BODY": draft_body(target.token, target.keys), "BENCH_BAND": str(BAND),
           "BENCH_THREADS": str(WRK_THREADS)}
    run = wrk(args, target.base, target, LUA, env)
    time.sleep(1)  # let the workers finish the saves that wrk stopped waiting for
    ok, in_flight = {}, set()
    for line in report_file.read_text().splitlines():
        kind, *numbers = line.split()
        if kind == "ok":
            ok[int(numbers[0])] = int(numbers[1])
        elif kind == "in_flight":
            in_flight.add(int(numbers[0]))
        else:  # conflicts or failures, one line per wrk thread
            setattr(check, kind, getattr(check, kind) + int(numbers[0]))
    for id_, (version, status, ratings) in pool_versions(db_path).items():
        answered, stored = ok.get(id_, 0), version - before[id_][0]
        check.saved += answered
        check.lost += max(answered - stored, 0)
        # A save that wrk cut off at the end of the run may or may not have been stored.
        check.duplicated += max(stored - answered - (id_ in in_flight), 0)
        check.wrong_rows += stored > 0 and (status != "draft" or ratings != len(target.keys))
    return run


def measure(args, target: Target) -> tuple[dict[str, list[Run]], RowCheck]:
    """Run wrk on each route --repeat times, in turn, so that drift touches every route alike."""
    runs: dict[str, list[Run]] = {HEALTH: [], PAGE: [], DRAFT: []}
    check = RowCheck()
    for number in range(1, args.repeat + 1):
        runs[HEALTH].append(wrk(args, target.base + "/health", target))
        runs[PAGE].append(wrk(args, f"{target.base}/scorecards/{target.page}", target))
        runs[DRAFT].append(save_drafts(args, target, check))
        figures = (f"{route} {rs[-1].rps:.0f}/s p99 {rs[-1].p99_ms:.1f} ms "
                   f"CPU {rs[-1].cpu_ms:.2f} ms" for route, rs in runs.items())
        print(f"run {number}: " + ", ".join(figures), flush=True)
    return runs, check


def report(runs: dict[str, list[Run]], check: RowCheck) -> None:
    """Print the median of each route's runs beside the aims, and the row check."""
    rps = {route: statistics.median(r.rps for r in rs) for route, rs in runs.items()}
    p99 = {route: statistics.median(r.p99_ms for r in rs) for route, rs in runs.items()}
    cpu = {route: statistics.median(r.cpu_ms for r in rs) for route, rs in runs.items()}
    ratio = {route: rps[route] / rps[HEALTH] for route in runs}
    clean = check.lost == check.duplicated == check.wrong_rows == 0
    verdict = {True: "met", False: "MISSED"}
    aims = {HEALTH: "",
            PAGE: "ratio >= 0.33 and p99 < 50 ms: "
                  + verdict[ratio[PAGE] >= 1 / 3 and p99[PAGE] < 50],
            DRAFT: "ratio >= 0.20, no lost or duplicated rows: "
                   + verdict[ratio[DRAFT] >= 1 / 5 and clean]}
    print(f"\n{'route':<29}{'requests/s':>11}{'p99 ms':>9}{'ratio':>7}{'CPU ms':>8}  aim")
    for route in runs:
        print(f"{route:<29}{rps[route]:>11.1f}{p99[route]:>9.1f}{ratio[route]:>7.2f}"
              f"{cpu[route]:>8.2f}  {aims[route]}".rstrip())
    non_2xx = ", ".join(f"{route} {sum(r.non_2xx for r in rs)}" for route, rs in runs.items())
    print(f"\nnon-2xx answers over all runs: {non_2xx}")
    print(f"row check: {check.saved} draft saves answered 200; lost {check.lost}, duplicated "
          f"{check.duplicated}, scorecards with wrong rows {check.wrong_rows}; "
          f"conflicts (409) {check.conflicts}, other failures {check.failures}")
    print("CPU ms: the workers' CPU time per answered request, which other work on the "
          "machine moves far less than requests/s")


def main() -> None:
    """Set up a database and a server, measure each route, report, and clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=10, help="length of each wrk run")
    parser.add_argument("--connections", type=int, default=16, help="wrk connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers")
    parser.add_argument("--threads", type=int, default=1,
                        help="threads per worker; above 1 uses gunicorn's gthread workers")
    parser.add_argument("--repeat", type=int, default=3, help="runs per route; the median counts")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="scorecards-bench-") as tmp_name:
        tmp = Path(tmp_name)
        os.environ.update(DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}",
                          SECRET_KEY="bench-" + os.urandom(16).hex())
        for command in (["db", "upgrade"], ["rubrics", "sync"]):  # before the workers fork
            subprocess.run([BIN / "flask", "--app", "wsgi", *command], cwd=ROOT, check=True,
                           capture_output=True)
        page, keys = seed(POOL_PER_CONNECTION * args.connections)
        server, base = start_server(args, tmp)
        try:
            cookie, token = sign_in(base, page)
            # Other work on the machine moves every figure; the load average tells if there was.
            load = os.getloadavg()[0]
            report(*measure(args, Target(base, cookie, token, page, keys, tmp, server.pid)))
            print(f"load average at the start: {load:.1f} on {os.cpu_count()} CPUs")
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()


if __name__ == "__main__":
    main()
