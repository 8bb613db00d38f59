"""Measure exports: rows per second and peak memory, at two sizes, in every format.

Run: .venv/bin/python bench/exports.py [--repeat 3] [--sizes 10000 100000]
 or, on a database already filled (the year, bench/year.py), each export beside PostgreSQL's
 COPY of the same rows: .venv/bin/python bench/exports.py --database-url URL [--repeat 3]
 [--cases applications:csv ratings:csv ...]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = ROOT / ".venv" / "bin"
OPENING = "bench-backend"
PANEL = {"case-study": 3, "system-design": 2}  # other stages: one interviewer
INTERVIEWED = 10  # one application in ten reaches interviews, as the design plans for
CASES = [(kind, fmt) for kind in ("ratings", "applications") for fmt in ("csv", "xlsx", "jsonl")]


def seed(ratings: int) -> tuple[int, int]:
    """Store applications with every stage scored until about this many ratings exist.

    Bulk inserts of plain rows, not the ORM's unit of work: seeding must not be what the
    benchmark waits for. Return how many applications and ratings were stored.
    """
    import sqlalchemy as sa

    from scorecards import models
    from scorecards.catalog import services as catalog
    from scorecards.extensions import db

    loop_version = catalog.latest_loop_version("backend-engineer")
    loop = catalog.loop_of(loop_version)
    stages = [(stage.key, catalog.latest_rubric_version(stage.rubric)) for stage in loop.stages]
    competencies = {key: [c.key for c in catalog.rubric_of(version).competencies]
                    for key, version in stages}
    per_application = sum(PANEL.get(key, 1) * len(competencies[key]) for key, _ in stages)
    interviewed = -(-ratings // per_application)
    total = interviewed * INTERVIEWED
    opening = models.Opening(key=OPENING, title="Backend engineer", loop_version=loop_version)
    people = [models.User(email=f"interviewer{n}@example.com", name=f"Interviewer {n}")
              for n in range(12)]
    db.session.add_all([opening, *people])
    db.session.commit()
    start = datetime(2024, 1, 1, tzinfo=UTC)

    def insert(model, rows: list[dict]) -> list[int]:
        return list(db.session.scalars(
            sa.insert(model).returning(model.id, sort_by_parameter_order=True), rows))

    candidates = insert(models.Candidate, [
        {"name": f"Candidate {n}", "email": f"candidate{n}@example.org"} for n in range(total)])
    applications = insert(models.Application, [
        {"candidate_id": c, "opening_id": opening.id, "source": "applied",
         "status": "committee" if n % INTERVIEWED == 0 else "applied",
         "applied_at": start + timedelta(minutes=n)} for n, c in enumerate(candidates)])
    chosen = applications[::INTERVIEWED]
    held = [{"application_id": a, "stage_key": key, "rubric_version_id": version.id,
             "scheduled_at": start + timedelta(days=day)}
            for a in chosen for day, (key, version) in enumerate(stages)]
    interviews = insert(models.Interview, held)
    stage_of = [key for _ in chosen for key, _ in stages]
    cards, card_stage = [], []
    for n, (interview, key, row) in enumerate(zip(interviews, stage_of, held, strict=True)):
        for seat in range(PANEL.get(key, 1)):
            cards.append({"interview_id": interview, "interviewer_id": people[(n + seat) % 12].id,
                          "interview_at": row["scheduled_at"],
                          "status": "submitted", "recommendation": "hire",
                          "submitted_at": start + timedelta(days=n % 300, hours=seat)})
            card_stage.append(key)
    scorecards = insert(models.Scorecard, cards)
    rows = [{"scorecard_id": s, "competency_key": c, "score": 1 + (s * 7 + i) % 4,
             "evidence": "Weighed a queue against a synchronous call by latency budget."}
            for s, key in zip(scorecards, card_stage, strict=True)
            for i, c in enumerate(competencies[key])]
    for first in range(0, len(rows), 20_000):
        db.session.execute(sa.insert(models.Rating), rows[first:first + 20_000])
    db.session.commit()
    return total, len(rows)


def measure_copy(kind: str, as_json: bool = False) -> dict:
    """COPY the export's rows (typed, as a workbook gets them) to nowhere; return seconds.

    as_json: each row as PostgreSQL's own JSON object (row_to_json), the database's speed at
    writing JSON lines of the same rows.
    """
    import sqlalchemy as sa

    from scorecards import create_app
    from scorecards.exports import rows
    from scorecards.extensions import db

    app = create_app()
    with app.app_context():
        where = rows.Filter(None, None, None, None, None)
        query = rows.ratings_query(where) if kind == "ratings" else rows.applications_query(where)
        if as_json:
            rows_of = query.subquery("exported")
            query = sa.select(sa.func.row_to_json(sa.literal_column("exported")))\
                .select_from(rows_of)
        compiled = query.compile(dialect=db.engine.dialect,
                                 compile_kwargs={"render_postcompile": True})
        connection = db.engine.raw_connection()
        started, size = time.perf_counter(), 0
        with connection.cursor() as cursor, cursor.copy(
                f"COPY ({compiled.string}) TO STDOUT", compiled.params) as copy:
            for data in copy:
                size += len(data)
        seconds = time.perf_counter() - started
        connection.close()
    return {"seconds": seconds, "bytes": size, "maxrss_kib": memory_kib("VmHWM")}


def measure(kind: str, fmt: str, traced: bool) -> dict:
    """Export into a temporary file in this process; return seconds, bytes and memory."""
    import tracemalloc

    from scorecards import create_app
    from scorecards.exports.services import ExportFilter, export

    app = create_app()
    with app.app_context():
        baseline = memory_kib("VmRSS")
        if traced:
            tracemalloc.start()
        started, size = time.perf_counter(), 0
        made = export(None, kind, fmt, ExportFilter())  # its checks and queries count too
        with tempfile.TemporaryFile() as out:
            for chunk in made.chunks:
                size += len(chunk)
                out.write(chunk)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if traced else None
        tracemalloc.stop()
    return {"seconds": seconds, "bytes": size, "traced_peak": peak, "baseline_kib": baseline,
            "maxrss_kib": memory_kib("VmHWM")}


def memory_kib(field: str) -> int:
    """Return VmRSS (resident now) or VmHWM (its peak) of this process, in KiB.

    Not getrusage's ru_maxrss: Linux carries that across exec from the parent, so a child
    started by a parent that seeded a large database would report the parent's peak.
    """
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith(field + ":"))


def run_child(database: Path | str, kind: str, fmt: str, traced: bool) -> dict:
    """Measure one export (fmt "copy": COPY) in a fresh interpreter, so its maxrss is its own."""
    url = database if isinstance(database, str) else f"sqlite:///{database}"
    output = subprocess.run(
        [BIN / "python", __file__, "--child", kind, fmt] + (["--traced"] if traced else []),
        cwd=ROOT, check=True, capture_output=True, text=True,
        env={**os.environ, "DATABASE_URL": url})
    return json.loads(output.stdout.splitlines()[-1])


def against_copy(url: str, cases: list[tuple[str, str]], repeat: int) -> None:
    """Time each export beside COPY of the same rows, in turn, and print medians and ratios."""
    print(f"{'export':<20}{'median s':>9}{'COPY s':>8}{'ratio':>7}{'maxrss MiB':>11}  runs",
          flush=True)
    for kind, fmt in cases:
        exports, copies, as_json = [], [], []
        for _ in range(repeat):  # alternating, so that drift touches both alike
            exports.append(run_child(url, kind, fmt, False))
            copies.append(run_child(url, kind, "copy", False))
            if fmt == "jsonl":
                as_json.append(run_child(url, kind, "copy-json", False))
        seconds = statistics.median(r["seconds"] for r in exports)
        floor = statistics.median(r["seconds"] for r in copies)
        print(f"{kind + ' ' + fmt:<20}{seconds:>9.1f}{floor:>8.1f}{seconds / floor:>7.2f}"
              f"{max(r['maxrss_kib'] for r in exports) / 1024:>11.0f}  "
              + ", ".join(f"{r['seconds']:.1f}" for r in exports) + " / COPY "
              + ", ".join(f"{r['seconds']:.1f}" for r in copies), flush=True)
        if as_json:
            json_floor = statistics.median(r["seconds"] for r in as_json)
            print(f"{'  COPY as JSON':<20}{'':>9}{json_floor:>8.1f}{seconds / json_floor:>7.2f}"
                  f"{'':>11}  row_to_json: "
                  + ", ".join(f"{r['seconds']:.1f}" for r in as_json), flush=True)


def prepare(tmp: Path, ratings: int) -> tuple[Path, int, int]:
    """Build, migrate and seed a database of about this many ratings."""
    database = tmp / f"bench-{ratings}.db"
    env = {**os.environ, "DATABASE_URL": f"sqlite:///{database}"}
    for command in (["db", "upgrade"], ["rubrics", "sync"]):
        subprocess.run([BIN / "flask", "--app", "wsgi", *command], cwd=ROOT, check=True,
                       capture_output=True, env=env)
    os.environ["DATABASE_URL"] = env["DATABASE_URL"]
    from scorecards import create_app

    app = create_app()
    started = time.perf_counter()
    with app.app_context():
        applications, stored = seed(ratings)
    print(f"seeded {stored:,} ratings and {applications:,} applications in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    return database, applications, stored


def main() -> None:
    """Seed a database per size, export every kind and format, and report the medians."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per case")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000],
                        help="ratings to seed, one database each")
    parser.add_argument("--database-url", help="a filled PostgreSQL database: compare with COPY")
    parser.add_argument("--cases", nargs="+", metavar="KIND:FORMAT",
                        default=[f"{kind}:{fmt}" for kind, fmt in CASES],
                        help="with --database-url: the exports to time")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "FORMAT"), help=argparse.SUPPRESS)
    parser.add_argument("--traced", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    sys.path.insert(0, str(ROOT))
    if args.child:
        kind, fmt = args.child
        print(json.dumps(measure_copy(kind, fmt == "copy-json") if fmt.startswith("copy")
                         else measure(kind, fmt, args.traced)))
        return
    load = os.getloadavg()
    print(f"load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} CPUs", flush=True)
    if args.database_url:
        os.environ.setdefault("SECRET_KEY", "bench-" + os.urandom(16).hex())
        against_copy(args.database_url, [tuple(case.split(":", 1)) for case in args.cases],
                     args.repeat)
        print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))
        return
    tmp = Path(tempfile.mkdtemp(prefix="scorecards-bench-"))
    results = []
    try:
        os.environ.setdefault("SECRET_KEY", "bench-" + os.urandom(16).hex())
        for size in args.sizes:
            database, applications, ratings = prepare(tmp, size)
            for kind, fmt in CASES:
                rows = ratings if kind == "ratings" else applications
                runs = [run_child(database, kind, fmt, False) for _ in range(args.repeat)]
                traced = run_child(database, kind, fmt, True)
                seconds = statistics.median(r["seconds"] for r in runs)
                growth = statistics.median(r["maxrss_kib"] - r["baseline_kib"] for r in runs)
                results.append((size, kind, fmt, rows, seconds, runs[0]["bytes"],
                                statistics.median(r["maxrss_kib"] for r in runs), growth,
                                traced["traced_peak"]))
                print(f"  {size:>7,} {kind} {fmt}: " + ", ".join(
                    f"{r['seconds']:.2f}" for r in runs) + " s", flush=True)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    report(results)
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


def report(results: list[tuple]) -> None:
    """Print one line per case, then how much the peaks grew from the smallest size."""
    print(f"\n{'seeded':>8} {'kind':<13}{'fmt':<6}{'rows':>8}{'median s':>9}{'rows/s':>9}"
          f"{'MiB out':>8}{'maxrss':>8}{'growth':>8}{'traced':>8}")
    peaks: dict[tuple[str, str], list[float]] = {}
    growths: dict[tuple[str, str], list[float]] = {}
    for size, kind, fmt, rows, seconds, size_out, maxrss, growth, traced in results:
        print(f"{size:>8,} {kind:<13}{fmt:<6}{rows:>8,}{seconds:>9.2f}{rows / seconds:>9,.0f}"
              f"{size_out / 2**20:>8.1f}{maxrss / 1024:>8.1f}{growth / 1024:>8.1f}"
              f"{traced / 2**20:>8.1f}")
        peaks.setdefault((kind, fmt), []).append(traced / 2**20)
        growths.setdefault((kind, fmt), []).append(growth / 1024)
    print("\n(MiB: maxrss is the peak resident size of the process, every import included; "
          "growth: that peak minus the resident size before exporting; traced: peak of Python "
          "allocations while streaming)")
    print("constant memory: traced peak and growth of the resident size, smallest size -> "
          "largest")
    for (kind, fmt), values in peaks.items():
        grown = growths[kind, fmt]
        print(f"  {kind} {fmt}: traced {values[0]:.1f} -> {values[-1]:.1f} MiB "
              f"({values[-1] / values[0]:.2f}x), growth {grown[0]:.1f} -> {grown[-1]:.1f} MiB")


if __name__ == "__main__":
    main()
