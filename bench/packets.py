"""Measure committee packets: one candidate cold and cached, beside Chromium; a committee's.

Run: .venv/bin/python bench/packets.py [--repeat 5]
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
CHROMIUM = ["/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
            "--no-first-run", "--disable-background-networking", "--disable-component-update",
            "--disable-sync", "--no-pdf-header-footer"]
OPENING, PANEL = "bench-backend", 4
STAGES = ("hr-screen", "project-deep-dive", "cs-fundamentals", "technical-problem-solving",
          "case-study", "system-design")
INTERVIEWERS = ("Ana Souza", "Ben Carter", "Chen Wei", "Dara O'Neill", "Elif Yilmaz",
                "Femi Adeyemi", "Gustav Lindqvist", "Hana Kobayashi", "Ivan Petrov", "Julia Costa")
FIRST = ("Amara", "Bruno", "Camille", "Dmitri", "Esther", "Farid", "Greta", "Hiro", "Ines", "Jonas")
LAST = ("Mensah", "Oliveira", "Laurent", "Volkov", "Cohen", "Haddad", "Nilsson", "Tanaka")
EVIDENCE = (
    "Asked about peak load and data size before drawing anything.",
    "Needed a hint to consider a provider timeout mid-request.",
    "Weighed a queue against a synchronous call by latency budget.",
    "Walked the renewal flow end to end and caught a missing state.",
    "Chose PostgreSQL for the ledger because of transactions.",
    "Got a working solution in twenty minutes, then made it O(n log n).",
    "Tested empty input and duplicate keys before being asked to.",
    "Told their own part of the migration apart from the team's.",
    "Could not say what happens if the cache is down during a deploy.",
    "Estimated five years of play counts at 2 TB and planned partitions.",
    "Spent long on the happy path and ran out of time for retries.",
    "Named idempotency keys as the fix for double charges.",
    "Stayed general; concrete examples came only after two follow-ups.",
    "Wants to work closer to payments and reliability; clear motive.",
)
TAKEAWAYS = (
    "Solid fundamentals and a structured approach throughout the interview.",
    "Strongest when reasoning about data; weaker on failure handling.",
    "Communicates clearly and asks good clarifying questions.",
    "Would need support on operational topics in the first months.",
    "Shows ownership: talks about what they did, not only what the team did.",
    "Pace was slow, but the final answers were correct and well argued.",
)
NOTES = (
    "I interviewed them at a previous company as well; no conflict, but noting it.",
    "They seemed nervous at the start; the second half is more representative.",
    "Salary expectations came up and are above the band; HR should follow up.",
    "",
)


@dataclass
class Row:
    """One measured thing: each run's seconds, its CPU seconds and others', the pages made."""

    what: str
    seconds: list[float]
    cpu: list[float]
    others: list[float]  # CPU seconds the rest of the machine used meanwhile
    pages: int = 0


def seed(rng: random.Random, candidates: int) -> list[int]:
    """Store an opening and its candidates at the committee; return the application ids."""
    from scorecards import models
    from scorecards.catalog import services as catalog
    from scorecards.core.vocabulary import ApplicationStatus, Role, Source
    from scorecards.extensions import db

    interviewers = []
    for number, name in enumerate(INTERVIEWERS):
        interviewers.append(models.User(email=f"interviewer{number}@example.com", name=name))
        interviewers[-1].grant(Role.INTERVIEWER)
    opening = models.Opening(key=OPENING, title="Backend engineer", team="Payments platform",
                             loop_version=catalog.latest_loop_version("backend-engineer"))
    loop, start = catalog.loop_of(opening.loop_version), datetime.now(UTC) - timedelta(days=60)
    applications = []
    for number in range(candidates):
        source = rng.choice(list(Source))
        applications.append(models.Application(
            candidate=models.Candidate(name=f"{FIRST[number % 10]} {LAST[number % 8]}",
                                       email=f"candidate{number}@example.com"),
            opening=opening, source=source, status=ApplicationStatus.COMMITTEE,
            referrer=rng.choice(INTERVIEWERS) if source == Source.REFERRAL else None))
        level = rng.uniform(1.8, 3.7)  # the candidate's true level; panelists' scores scatter
        for day, stage in enumerate(STAGES):
            version = catalog.latest_rubric_version(loop.stage(stage).rubric)
            interview = models.Interview(
                application=applications[-1], stage_key=stage, rubric_version=version,
                scheduled_at=start + timedelta(days=number + 2 * day, hours=10))
            for user in rng.sample(interviewers, PANEL):
                interview.scorecards.append(scorecard(rng, user, interview, level,
                                                      catalog.rubric_of(version)))
    db.session.add_all(applications)
    db.session.commit()
    return [application.id for application in applications]


def scorecard(rng: random.Random, user, interview, level: float, rubric):
    """Return one panelist's submitted scorecard, with a rating of every competency."""
    from scorecards import models
    from scorecards.core.vocabulary import Recommendation, ScorecardStatus
    from scorecards.interviews.services import answers_of

    card = models.Scorecard(
        interviewer=user, status=ScorecardStatus.SUBMITTED, private_note=rng.choice(NOTES),
        takeaways=" ".join(rng.sample(TAKEAWAYS, rng.randint(2, 3))),
        submitted_at=interview.scheduled_at + timedelta(hours=rng.uniform(1, 20)))
    for competency in rubric.competencies:
        card.ratings.append(models.Rating(
            competency_key=competency.key, score=min(4, max(1, round(rng.gauss(level, 0.7)))),
            evidence=" ".join(rng.sample(EVIDENCE, rng.randint(2, 4)))))
    mean = statistics.mean(rating.score for rating in card.ratings)
    card.recommendation = list(Recommendation)[min(3, max(0, round(mean - 1.2)))]
    card.revisions.append(models.ScorecardRevision(
        number=1, content=answers_of(card).to_document(), author=user))
    return card


def pages_of(pdf: bytes) -> int:
    """Return the number of pages of a PDF."""
    from scorecards.packets.render import page_count

    return page_count(pdf)


def cpu_seconds() -> tuple[float, float]:
    """Return the CPU seconds of this process and its waited-for children, and of the machine."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    with open("/proc/stat") as stat:  # user nice system idle iowait irq softirq steal ...
        ticks = [int(field) for field in stat.readline().split()[1:9]]
    machine = (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")
    return time.process_time() + children.ru_utime + children.ru_stime, machine


# run, returning the PDF made (its pages are counted after the clock stops: reading a tagged
# PDF with pypdf takes about 0.3 s) or the pages; then the untimed set-up.
Case = tuple[Callable[[], bytes | int], Callable[[], object]]


def measure(cases: dict[str, Case], repeat: int) -> list[Row]:
    """Time each case repeat times, all cases in turn, so that drift touches every case alike."""
    rows = {what: Row(what, [], [], []) for what in cases}
    if len(cases) > 1:
        print("each round, seconds of: " + "; ".join(cases), flush=True)
    for number in range(1, repeat + 1):
        for what, (run, before) in cases.items():
            row = rows[what]
            before()
            started, (own, machine) = time.perf_counter(), cpu_seconds()
            made = run()
            row.seconds.append(time.perf_counter() - started)
            own_now, machine_now = cpu_seconds()
            row.pages = pages_of(made) if isinstance(made, bytes) else made
            row.cpu.append(own_now - own)
            row.others.append(max(0.0, machine_now - machine - row.cpu[-1]))
        print(f"{f'round {number}' if len(cases) > 1 else next(iter(cases))}: "
              + ", ".join(f"{row.seconds[-1]:.3f}" for row in rows.values()) + " s", flush=True)
    return list(rows.values())


def measure_all(app, ids: list[int], tmp: Path, repeat: int, committee_too: bool
                ) -> tuple[list[Row], int]:
    """Measure every case; return the rows and how often a cache hit rendered."""
    from scorecards.committee.services import candidate_summary
    from scorecards.packets import render as packet_render
    from scorecards.packets import services
    from scorecards.packets.services import _html, candidate_context, fingerprint

    def clear() -> None:
        shutil.rmtree(app.config["PACKET_CACHE_DIR"], ignore_errors=True)

    def single() -> bytes:
        with app.app_context():
            return services.candidate_packet(None, ids[0]).data

    renders, render = [], packet_render.render

    def cache_hit() -> bytes:
        # services imports render() at call time, so a stand-in on its module counts calls.
        packet_render.render = lambda *args: renders.append(args) or render(*args)
        try:
            return single()
        finally:
            packet_render.render = render

    def committee(cached: bool) -> Case:
        def run() -> bytes:
            with app.app_context():
                return services.meeting_packet(None, OPENING, as_zip=False).data
        return run, nothing if cached else clear

    def nothing() -> None:
        pass

    first = measure({"first render in the process, cold cache": (single, clear)}, 1)
    with app.test_request_context():
        context = candidate_context(candidate_summary(None, ids[0]), True)
        html = _html(context, fingerprint(context))
    page, out, profile = tmp / "packet.html", tmp / "chromium.pdf", tmp / "chromium-profile"
    page.write_text(html, encoding="utf-8")
    command = [*CHROMIUM, f"--user-data-dir={profile}", f"--print-to-pdf={out}", page.as_uri()]

    def chromium() -> bytes:
        subprocess.run(command, check=True, capture_output=True, timeout=120)
        return out.read_bytes()

    chromium()  # untimed: the first start fills the new profile folder
    committees = {
        f"committee, {len(ids)} candidates, cache emptied": committee(cached=False),
        f"committee, {len(ids)} candidates, all cached": committee(cached=True),
    } if committee_too else {}
    rows = measure({
        "import weasyprint, fresh interpreter": (lambda: subprocess.run(
            [BIN / "python", "-c", "import weasyprint"], check=True).returncode, nothing),
        "candidate packet, cold cache": (single, clear),
        "candidate packet, cache hit": (cache_hit, nothing),  # the cold case just stored it
        "render() of its HTML, in-process": (
            lambda: render(html, Path(app.static_folder)).pages, nothing),
        "Chromium print of that HTML, with start": (chromium, nothing),
        **committees,
    }, repeat)
    return [rows[0], *first, *rows[1:]], len(renders)


def report(rows: list[Row], cache_renders: int) -> None:
    """Print the median and fastest run of each case, and the aims beside them."""
    print(f"\n{'what':<44}{'median s':>9}{'min s':>8}{'pages':>6}{'pages/s':>8}{'CPU s':>7}"
          f"{'others':>7}")
    median = {}
    for row in rows:
        median[row.what] = statistics.median(row.seconds)
        rate = f"{row.pages / median[row.what]:>8.1f}" if row.pages else f"{'—':>8}"
        print(f"{row.what:<44}{median[row.what]:>9.3f}{min(row.seconds):>8.3f}"
              f"{row.pages or '—':>6}{rate}{statistics.median(row.cpu):>7.2f}"
              f"{statistics.median(row.others):>7.2f}")
    single, hit, weasy, chromium, *committee = (median[row.what] for row in rows[2:])
    verdict = {True: "met", False: "MISSED"}
    print(f"\naims ({os.cpu_count()} cores):")
    print(f"  warm single packet < 1 s: {single:.2f} s, {verdict[single < 1]}")
    print(f"  warm single packet as fast as Chromium printing its HTML: {single:.2f} s vs "
          f"{chromium:.2f} s (ratio {single / chromium:.2f}), {verdict[single <= chromium]} "
          f"(render() alone: {weasy:.2f} s)")
    print(f"  cache hit served without rendering: {cache_renders} render(s) in "
          f"{len(rows[3].seconds)} hits, {hit * 1000:.1f} ms, {verdict[cache_renders == 0]}")
    if committee:
        emptied, cached = committee
        print(f"  committee packet: {emptied:.2f} s with the cache emptied, {cached:.2f} s with "
              "every candidate cached")
    print("  (Chromium's time includes starting the browser. CPU s counts the child processes\n"
          "  waited for; Chromium's helper processes are not among them and show under others.)")


def main() -> None:
    """Build and seed a database, measure each case, report, and clean up."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per case; the median counts")
    parser.add_argument("--seed", type=int, default=7, help="seed of the random scores")
    parser.add_argument("--candidates", type=int, default=20,
                        help="candidates of the committee packet; 0 measures no committee")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} CPUs", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="scorecards-bench-"))
    try:
        os.environ.update(DATABASE_URL=f"sqlite:///{tmp / 'bench.db'}",
                          SECRET_KEY="bench-" + os.urandom(16).hex())
        for command in (["db", "upgrade"], ["rubrics", "sync"]):
            subprocess.run([BIN / "flask", "--app", "wsgi", *command], cwd=ROOT, check=True,
                           capture_output=True)
        sys.path.insert(0, str(ROOT))
        from scorecards import create_app

        app = create_app({"PACKET_CACHE_DIR": str(tmp / "cache")})
        with app.app_context():
            rng = random.Random(args.seed)  # noqa: S311 - repeatable scores, not secrets
            ids = seed(rng, max(1, args.candidates))
        print(f"seeded {len(ids)} candidates; measuring {args.repeat} rounds", flush=True)
        report(*measure_all(app, ids, tmp, args.repeat, args.candidates > 0))
        print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
