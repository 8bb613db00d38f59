"""Measure the committee's candidate summary: with its flips and the rubrics' past spreads.

The spreads are timed as the measurement fit measures them, then as the pages read them once
stored.

Run: .venv/bin/python bench/summary.py [--repeat 7] [--sizes 100000 1000000]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))


def timed(work, repeat: int) -> list[float]:
    """Return the seconds of each of `repeat` runs of work()."""
    runs = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        runs.append(time.perf_counter() - started)
    return runs


def measure(repeat: int) -> list[tuple[str, list[float]]]:
    """Time the summary with the spreads measured afresh, then kept, and the engine alone."""
    import sqlalchemy as sa

    from scorecards import create_app
    from scorecards.analytics.measurement import past_spread, spread_rows
    from scorecards.catalog.services import latest_rubric_version, rubric_of
    from scorecards.committee import services
    from scorecards.core.decision import recommend
    from scorecards.extensions import db
    from scorecards.models import Application, PanelSpread, utcnow

    app = create_app()
    with app.app_context():
        application_id = db.session.scalar(
            sa.select(Application.id).where(Application.status == "committee")
            .order_by(Application.id.desc()).limit(1))
        rubrics = [rubric_of(latest_rubric_version(key)) for key in (
            "hr-screen", "project-deep-dive", "cs-fundamentals", "problem-solving",
            "backend-case-study", "system-design", "culture-fit")]

        def measured():
            for rubric in rubrics:
                past_spread(rubric)
            db.session.rollback()

        def stored():
            services.rubric_spreads(rubrics)
            db.session.rollback()

        def summary():
            services.candidate_summary(None, application_id)
            db.session.rollback()

        found = services.candidate_summary(None, application_id)
        loop, panel = found.loop, services.panels([application_id])[application_id]
        pairs = {(s.interview.rubric_version.key, s.interviewer_id) for s in found.scorecards}
        spreads_measured = timed(measured, repeat)
        db.session.execute(sa.insert(PanelSpread), spread_rows(rubrics, utcnow()))
        db.session.commit()
        results = [("past spreads of 7 rubrics, measured", spreads_measured),
                   ("past spreads of 7 rubrics, as stored", timed(stored, repeat)),
                   ("summary: calibration of the panel", timed(
                       lambda: services.calibration(pairs), repeat)),
                   ("summary, spreads kept", timed(summary, repeat)),
                   ("engine without flips", timed(
                       lambda: recommend(loop, found.rubrics, panel), repeat * 10)),
                   ("engine with flips", timed(
                       lambda: recommend(loop, found.rubrics, panel, with_flips=True),
                       repeat * 10))]
        print(f"  panel of {len(panel)} scorecards; outcome {found.summary.outcome}, "
              f"{len(found.summary.flips)} flips", flush=True)
    return results


def main() -> None:
    """Seed a database per size and report the medians."""
    from exports import prepare

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7, help="timed runs per case")
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000],
                        help="ratings to seed, one database each")
    args = parser.parse_args()
    load = os.getloadavg()
    print(f"load average at the start: {load[0]:.2f} {load[1]:.2f} {load[2]:.2f} "
          f"on {os.cpu_count()} CPUs", flush=True)
    tmp = Path(tempfile.mkdtemp(prefix="scorecards-bench-"))
    os.environ.setdefault("SECRET_KEY", "bench-" + os.urandom(16).hex())
    rows = []
    try:
        for size in args.sizes:
            prepare(tmp, size)
            rows += [(size, name, runs) for name, runs in measure(args.repeat)]
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print(f"\n{'ratings':>9}  {'case':<38}{'median ms':>10}{'fastest ms':>11}")
    for size, name, runs in rows:
        print(f"{size:>9,}  {name:<38}{statistics.median(runs) * 1000:>10.1f}"
              f"{min(runs) * 1000:>11.1f}")
    print("load average at the end: {:.2f} {:.2f} {:.2f}".format(*os.getloadavg()))


if __name__ == "__main__":
    main()
