"""Validity: how well a loop's scores predict how the people hired with it turned out.

For a loop (every opening interviewing with it) and the applications of whole months, each
predictor (the overall score and each stage's score, raw and calibrated) is correlated with
each outcome HR recorded for the hires (hr/services/outcomes.py): the performance ratings at
6 and 12 months and still being employed at 12 months (0/1, so r is point-biserial). Each
correlation comes with its n and a 95% interval by Fisher's z. Below MIN_PAIRS pairs no r is
shown.

People are hired because they scored well, so the hired spread less than the applicants did
and r among them understates r in the pool. Where the pool's spread is known, Thorndike's
case II gives the corrected r. It is known for raw scores, which are stored for every
application (application_outcomes), and measured by the database over the loop's scored
applications of the period; calibrated scores are computed for the hires only, so theirs is
not corrected.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ..analytics.outcomes import OVERALL, score_column
from ..authz import Action, Area, require
from ..catalog.services import loop_of, newest_rubrics, rubric_of
from ..committee.services import calibration, panels
from ..core.decision import recommend
from ..core.fairness import (
    Correlation,
    corrected_for_range_restriction,
    correlation_interval,
    pearson,
    sample_sd,
)
from ..core.rubric import stage_rubrics
from ..core.scale import rounded
from ..extensions import db
from ..hr.services.outcomes import hires_in_force
from ..models import (
    Application,
    ApplicationOutcome,
    HireOutcome,
    Interview,
    LoopVersion,
    Opening,
    RubricVersion,
    User,
)
from .counts import month_start, shift_month
from .reports import ReportRefused, csv_of, round_figure

DEFAULT_MONTHS = 36  # months of application covered unless asked: outcomes come a year on
MIN_PAIRS = 10  # fewer hires with a score and an outcome than this: no r is shown
OUTCOMES = {"rating_6_months": "Performance rating at 6 months",
            "rating_12_months": "Performance rating at 12 months",
            "employed_12_months": "Still employed at 12 months"}
RAW, CALIBRATED = "raw", "calibrated"


@dataclass(frozen=True)
class Spread:
    """A raw score's spread over the loop's scored applications of the period."""

    n: int
    sd: float | None  # sample standard deviation; None below two scores


@dataclass(frozen=True)
class Validity:
    """One predictor against one outcome among the hires."""

    predictor: str  # "overall" or "score_<stage>"
    title: str
    kind: str  # raw or calibrated
    outcome: str
    n: int  # hires with both the score and the outcome
    correlation: Correlation | None  # r and its interval; None below MIN_PAIRS or no spread
    hired_sd: float | None
    pool_sd: float | None  # None where the pool's spread is not known
    corrected: float | None  # Thorndike case II; None without the pool's spread

    @property
    def enough(self) -> bool:
        """Tell whether there are enough pairs to show r."""
        return self.n >= MIN_PAIRS


@dataclass(frozen=True)
class ValidityReport:
    """The validity report of one loop over a period."""

    loop: str
    title: str
    first: str  # "YYYY-MM": the first month of application covered
    last: str  # and the last, included
    hires: int  # hires of the period with an outcome recorded
    predictors: list[tuple[str, str]]  # (key, title): overall, then the loop's stages
    spreads: dict[str, Spread]  # raw scores' spread in the pool, by predictor key
    rows: list[Validity]  # per outcome, per predictor, raw then calibrated

    def of(self, outcome: str) -> list[Validity]:
        """Return the rows of one outcome."""
        return [row for row in self.rows if row.outcome == outcome]


def validity_report(actor: User, *, loop: str, first: str, last: str) -> ValidityReport:
    """Return the validity report of a loop's applications of the months first to last.

    For the fairness role and admins. Raises ReportRefused naming a loop that does not exist.
    """
    require(actor, Action.VIEW, Area.FAIRNESS)
    versions = db.session.scalars(sa.select(LoopVersion).where(LoopVersion.key == loop)
                                  .order_by(LoopVersion.version.desc())).all()
    if not versions:
        raise ReportRefused(f"no loop {loop!r}")
    newest = loop_of(versions[0])
    predictors = [(OVERALL, "Overall score"),
                  *((score_column(stage.key), stage.title) for stage in newest.stages)]
    scope = sa.and_(
        Application.opening_id.in_(sa.select(Opening.id).where(
            Opening.loop_version_id.in_([version.id for version in versions]))),
        Application.applied_at >= month_start(first),
        Application.applied_at < month_start(shift_month(last, 1)))
    hires = _hires(scope)
    # The applicants' spreads read every scored application: only worth it with hires to
    # correlate (their r needs MIN_PAIRS of them).
    spreads = (_pool_spreads(scope, [key for key, _ in predictors])
               if len(hires) >= MIN_PAIRS else dict.fromkeys((key for key, _ in predictors),
                                                             Spread(0, None)))
    calibrated = calibrated_scores([hire[0] for hire in hires])
    rows = []
    for outcome in OUTCOMES:
        for key, title in predictors:
            for kind in (RAW, CALIBRATED):
                pairs = [(float(score), float(value)) for application_id, values, scores in hires
                         if (value := values[outcome]) is not None
                         and (score := (scores if kind == RAW else calibrated.get(
                             application_id, {})).get(key)) is not None]
                pool = spreads[key].sd if kind == RAW else None
                rows.append(_validity(key, title, kind, outcome, pairs, pool))
    return ValidityReport(loop, newest.title, first, last, len(hires), predictors, spreads, rows)


def _validity(key: str, title: str, kind: str, outcome: str,
              pairs: list[tuple[float, float]], pool_sd: float | None) -> Validity:
    """Correlate one predictor with one outcome, and correct r where the pool's spread is known."""
    n = len(pairs)
    r = pearson(pairs) if n >= MIN_PAIRS else None
    found = correlation_interval(r, n) if r is not None else None
    hired_sd = sample_sd([score for score, _ in pairs])
    corrected = None
    if found is not None and pool_sd and hired_sd:
        corrected = corrected_for_range_restriction(found.r, hired_sd, pool_sd)
    return Validity(key, title, kind, outcome, n, found, hired_sd,
                    pool_sd if kind == RAW else None, corrected)


def _pool_spreads(scope: sa.ColumnElement[bool], keys: list[str]) -> dict[str, Spread]:
    """Return each raw score's count and sample SD over the scope's scored applications.

    The database sums the scores and their squares in one pass, whatever the number of
    applications; none of them is loaded here.
    """
    columns = []
    for key in keys:
        score = ApplicationOutcome.scores[key].as_float()
        columns += [sa.func.count(score), sa.func.sum(score), sa.func.sum(score * score)]
    found = db.session.execute(
        sa.select(*columns).select_from(ApplicationOutcome)
        .join(Application, Application.id == ApplicationOutcome.application_id)
        .where(scope)).one()
    spreads = {}
    for at, key in enumerate(keys):
        n, total, squares = found[3 * at], found[3 * at + 1], found[3 * at + 2]
        n = int(n or 0)
        sd = None
        if n >= 2:
            variance = (float(squares) - float(total) ** 2 / n) / (n - 1)
            sd = max(variance, 0.0) ** 0.5
        spreads[key] = Spread(n, sd)
    return spreads


def _hires(scope: sa.ColumnElement[bool]) -> list[tuple[int, dict, dict]]:
    """Return the scope's hires with an outcome: (application id, outcomes, raw scores)."""
    hired = hires_in_force().subquery()
    rows = db.session.execute(
        sa.select(HireOutcome.application_id, HireOutcome.rating_6_months,
                  HireOutcome.rating_12_months, HireOutcome.employed_12_months,
                  ApplicationOutcome.scores)
        .join(Application, Application.id == HireOutcome.application_id)
        .join(hired, hired.c.application_id == Application.id)
        .outerjoin(ApplicationOutcome, ApplicationOutcome.application_id == Application.id)
        .where(scope).order_by(HireOutcome.application_id))
    found = []
    for application_id, six, twelve, employed, scores in rows:
        values = {"rating_6_months": six, "rating_12_months": twelve,
                  "employed_12_months": None if employed is None else int(employed)}
        found.append((application_id, values, scores or {}))
    return found


def calibrated_scores(application_ids: Iterable[int]) -> dict[int, dict[str, float | None]]:
    """Return each application's calibrated stage and overall scores, as the committee reads them.

    The committee's path (committee/services.py): the submitted panel, each interviewer's
    stored rater effect with the interview's rubric as the offset of their stage, and the
    engine's calibrated aggregate; rounded as the stored raw scores are.
    """
    ids = sorted(set(application_ids))
    if not ids:
        return {}
    loops: dict[int, int] = {}
    used: dict[int, dict[str, int]] = {}
    rubric_keys: dict[int, str] = {}  # interview id -> its rubric's key
    # Later interviews of a stage win, as on the committee's summary.
    for application_id, loop_id, interview_id, stage, rubric_id, rubric_key in db.session.execute(
            sa.select(Interview.application_id, Opening.loop_version_id, Interview.id,
                      Interview.stage_key, Interview.rubric_version_id, RubricVersion.key)
            .join(Interview.application).join(Application.opening)
            .join(Interview.rubric_version)
            .where(Interview.application_id.in_(ids))
            .order_by(Interview.scheduled_at, Interview.id)):
        loops[application_id] = loop_id
        used.setdefault(application_id, {})[stage] = rubric_id
        rubric_keys[interview_id] = rubric_key
    parsed_loops = {version.id: loop_of(version) for version in db.session.scalars(
        sa.select(LoopVersion).where(LoopVersion.id.in_(set(loops.values()))))}
    parsed_rubrics = {version.id: rubric_of(version) for version in db.session.scalars(
        sa.select(RubricVersion).where(RubricVersion.id.in_(
            {rubric for stages in used.values() for rubric in stages.values()})))}
    found_panels = panels(list(loops))
    offsets = calibration({(rubric_keys[card.interview_id], card.interviewer_id)
                           for panel in found_panels.values() for card in panel})
    newest = newest_rubrics()
    scores = {}
    for application_id, loop_id in loops.items():
        loop = parsed_loops[loop_id]
        panel = found_panels.get(application_id, [])
        effects = {(card.stage, card.interviewer_id): offset.effect for card in panel
                   if (offset := offsets.get((rubric_keys[card.interview_id],
                                              card.interviewer_id))) is not None}
        rubrics = stage_rubrics(loop, {stage: parsed_rubrics[version] for stage, version
                                       in used[application_id].items()}, newest)
        summary = recommend(loop, rubrics, panel, effects)
        aggregate = summary.calibrated or summary.raw
        found = {score_column(stage.key): rounded(stage.score) for stage in aggregate.stages}
        found[OVERALL] = rounded(aggregate.overall)
        scores[application_id] = found
    return scores


CSV_HEADER = ("outcome", "predictor", "kind", "n", "r", "ci_low", "ci_high", "hired_sd",
              "pool_sd", "corrected_r")


def report_rows(report: ValidityReport):
    """Yield the report's rows as the CSV gives them: r and its interval empty below MIN_PAIRS."""
    for row in report.rows:
        found = row.correlation
        yield (row.outcome, row.predictor, row.kind, row.n,
               round_figure(found.r if found else None), round_figure(found.low if found else None),
               round_figure(found.high if found else None), round_figure(row.hired_sd),
               round_figure(row.pool_sd), round_figure(row.corrected))


def report_csv(report: ValidityReport) -> str:
    """Return the report as CSV: one row per outcome, predictor and kind of score."""
    return csv_of(CSV_HEADER, report_rows(report))
