"""How close the stored calibration offsets come to the leniencies bench/year.py drew.

    .venv/bin/python bench/calibration.py [--database-url URL] [--seed 2026]

The year generator draws each interviewer's leniency (points added to every rating they give)
from its seed; this draws them again the same way and compares them with the rater effects the
last measurement fit stored (``flask aggregates refresh --only measurement``), and with the
co-panelist comparison the model replaced (each score against the mean of the other panelists'
scores of the same competency, raw and shrunk by n / (n + 5) shared interviews), computed here
in SQL. It prints, per rubric and over all, the root mean square error against the truth (both
centred on the rubric's interviewers), the correlation, and how often the 95% interval holds
the truth. Needs the year as generated (same seed), fitted.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
from pathlib import Path
from types import SimpleNamespace

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from year import DEFAULT_URL, Year  # noqa: E402 (bench/year.py)

CO_PANELISTS = """
    SELECT v.key, s.interviewer_id,
           sum(score - CAST(total - score AS FLOAT) / (raters - 1)) / count(*),
           count(DISTINCT s.interview_id)
    FROM (SELECT s.interviewer_id, s.interview_id, r.score,
                 sum(r.score) OVER (PARTITION BY s.interview_id, r.competency_key) AS total,
                 count(r.score) OVER (PARTITION BY s.interview_id, r.competency_key) AS raters
          FROM scorecards s JOIN ratings r ON r.scorecard_id = s.id
          WHERE s.status = 'submitted' AND r.score IS NOT NULL) AS s
    JOIN interviews i ON i.id = s.interview_id
    JOIN rubric_versions v ON v.id = i.rubric_version_id
    WHERE raters > 1
    GROUP BY v.key, s.interviewer_id"""


class _Nowhere:
    """A sink that keeps nothing: only the generator's random draws are wanted."""

    def add(self, table: str, row: tuple) -> None:
        """Drop the row."""


def leniencies(seed: int) -> dict[int, float]:
    """Return the leniency bench/year.py gave each user id, drawn again from the seed."""
    from datetime import UTC, datetime

    catalog = SimpleNamespace(loop=SimpleNamespace(stages=[]))
    year = Year(_Nowhere(), catalog, 1.0, seed, datetime(2026, 12, 1, tzinfo=UTC), "")
    return dict(year.users().bias)


def compare(truth: dict, found: dict) -> tuple[float, float, int]:
    """Return (RMSE, correlation, n) of found against truth, both centred on the same people."""
    people = sorted(set(truth) & set(found))
    t = np.array([truth[p] for p in people])
    f = np.array([found[p] for p in people])
    t, f = t - t.mean(), f - f.mean()
    return float(np.sqrt(np.mean((f - t) ** 2))), float(np.corrcoef(f, t)[0, 1]), len(people)


def main() -> None:
    """Compare the stored offsets and the co-panelist ones with the generator's leniencies."""
    import sqlalchemy as sa

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL", DEFAULT_URL))
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    bias = leniencies(args.seed)
    engine = sa.create_engine(args.database_url)
    with engine.connect() as connection:
        model = connection.execute(sa.text(
            "SELECT rubric_key, interviewer_id, effect, error FROM rater_effects "
            "WHERE span = 'window'")).all()
        window = connection.execute(sa.text(
            "SELECT min(period_start), max(period_end) FROM rater_effects "
            "WHERE span = 'window'")).one()
        panels = connection.execute(sa.text(CO_PANELISTS)).all()
    engine.dispose()
    if not model:
        sys.exit("No rater effects stored: run flask aggregates refresh --only measurement.")
    print(f"window {window[0]:%Y-%m-%d} to {window[1]:%Y-%m-%d}; leniency sd of the year: "
          f"{np.std(list(bias.values())):.3f}")
    print(f"{'rubric':<20}{'interviewers':>13}{'model rmse':>11}{'r':>6}{'cover':>7}"
          f"{'raw rmse':>10}{'r':>6}{'shrunk':>8}{'r':>6}")
    rubrics = sorted({key for key, *_ in model})
    totals: dict[str, list] = {"model": [], "raw": [], "shrunk": [], "cover": []}
    for key in rubrics:
        found = {who: effect for k, who, effect, _ in model if k == key}
        errors = {who: error for k, who, _, error in model if k == key}
        truth = {who: bias[who] for who in found}
        rmse, r, n = compare(truth, found)
        centre_t = np.mean([truth[w] for w in found])
        centre_f = np.mean(list(found.values()))
        cover = np.mean([abs((found[w] - centre_f) - (truth[w] - centre_t)) <= 1.96 * errors[w]
                         for w in found])
        raw = {who: offset for k, who, offset, _ in panels if k == key}
        shrunk = {who: offset * shared / (shared + 5) for k, who, offset, shared in panels
                  if k == key}
        raw_rmse, raw_r, _ = compare(truth, raw) if len(raw) > 2 else (math.nan, math.nan, 0)
        shrunk_rmse, shrunk_r, _ = compare(truth, shrunk) if len(shrunk) > 2 else (
            math.nan, math.nan, 0)
        print(f"{key:<20}{n:>13,}{rmse:>11.3f}{r:>6.2f}{cover:>7.0%}{raw_rmse:>10.3f}"
              f"{raw_r:>6.2f}{shrunk_rmse:>8.3f}{shrunk_r:>6.2f}")
        totals["model"].append((rmse, n))
        totals["cover"].append((cover, n))
        if len(raw) > 2:
            totals["raw"].append((raw_rmse, len(raw)))
            totals["shrunk"].append((shrunk_rmse, len(shrunk)))

    def pooled(rows):  # root of the interviewer-weighted mean square
        return math.sqrt(sum(v * v * n for v, n in rows) / sum(n for _, n in rows))

    print(f"all rubrics: model rmse {pooled(totals['model']):.3f}, interval coverage "
          f"{sum(c * n for c, n in totals['cover']) / sum(n for _, n in totals['cover']):.0%}; "
          f"co-panelists raw {pooled(totals['raw']):.3f}, shrunk {pooled(totals['shrunk']):.3f} "
          f"(rubrics with shared panels only)")


if __name__ == "__main__":
    main()
