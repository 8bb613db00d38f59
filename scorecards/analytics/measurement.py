"""Fit the measurement models on a window of submitted scorecards, and store what they find.

One fit (``flask aggregates refresh --only measurement``, or the job the analytics pages
start) reads every scorecard submitted in the window (CALIBRATION_WINDOW_DAYS, a year by
default) and stores, each row with the window and the time:

- ``agreement_fits``: per rubric, how far its interviewers agree on the stage score and on
  each competency: variance components of candidate, interviewer and residual, the
  reliability of one interviewer and of the stage's panel with intervals, ordinal alpha;
- ``rater_effects``: each interviewer's leniency with each rubric over the window (the
  committee's calibration offset) and over each quarter of it (their drift);
- ``interviewer_habits``: each interviewer's habits with each rubric against its norm;
- ``panel_spreads``: per rubric, how far apart panelists' stage scores were on its latest
  SPREAD_INTERVIEWS interviews (not the window), which the committee's standard errors blend
  with each panel's own spread.

Agreement is fitted rubric by rubric with the interview as the candidate. Leniency is fitted
once over every rubric with the application as the candidate: a candidate's scores at other
stages tell how they compare, so an interviewer who sits alone (an HR screen) is calibrated
too, and so is a panel that is lenient together. Each scorecard enters as its stage score
(the weighted mean of its competencies, as the decision engine reads it) less its rubric's
mean; each interviewer has a separate effect per rubric.

Pages and the API read the stored rows; nothing here runs in a request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from math import sqrt

import numpy as np
import sqlalchemy as sa
from flask import current_app

from ..catalog.services import newest_rubrics
from ..core import habits as habit_figures
from ..core.agreement import alpha_of_counts
from ..core.rubric import Rubric
from ..core.scale import LEVELS
from ..core.variance import (
    Components,
    Ratings,
    calibration_components,
    rater_effects,
    reliability,
)
from ..core.vocabulary import Recommendation, ScorecardStatus
from ..extensions import db
from ..models import (
    AgreementFit,
    Interview,
    InterviewerHabits,
    PanelSpread,
    RaterEffect,
    Rating,
    RubricVersion,
    Scorecard,
    utcnow,
)

QUARTERS = 4
WINDOW = "window"
QUARTER = "quarter"
_BATCH = 10_000
# How many of a rubric's latest interviews its past spread is measured on.
SPREAD_INTERVIEWS = 2000
_PASSING = {Recommendation.HIRE.value: 1, Recommendation.STRONG_HIRE.value: 1,
            Recommendation.NO_HIRE.value: -1, Recommendation.STRONG_NO_HIRE.value: -1}


@dataclass
class RubricScorecards:
    """One rubric's submitted scorecards of the window, as arrays (one entry a scorecard)."""

    key: str
    competencies: list[str]
    interviews: np.ndarray
    applications: np.ndarray
    interviewers: np.ndarray
    submitted: np.ndarray  # seconds since the epoch
    delay: np.ndarray  # hours from the interview to the submission
    passing: np.ndarray
    scores: np.ndarray  # scorecards x competencies, NaN where not assessed
    stage: np.ndarray = field(init=False)  # the weighted mean of each scorecard's scores

    def weigh(self, rubric: Rubric | None) -> None:
        """Compute each scorecard's stage score with the weights of the rubric's newest version."""
        weights = {c.key: c.weight for c in rubric.competencies} if rubric else {}
        w = np.array([weights.get(key, 1.0) for key in self.competencies])
        scored = ~np.isnan(self.scores)
        total = np.where(scored, self.scores, 0.0) @ w
        self.stage = total / (scored @ w)


def window(now: datetime | None = None) -> tuple[datetime, datetime]:
    """Return the start and end of the window a fit made now reads."""
    end = now or utcnow()
    return end - timedelta(days=current_app.config["CALIBRATION_WINDOW_DAYS"]), end


def refit(now: datetime | None = None) -> int:
    """Fit every model on the window ending now and replace the stored results; return rows.

    The caller commits: until then, readers see the previous fit whole.
    """
    start, end = window(now)
    computed_at = utcnow()
    stamp = {"window_start": start, "window_end": end, "computed_at": computed_at}
    newest = newest_rubrics()
    keys = db.session.scalars(sa.select(RubricVersion.key).distinct()
                              .order_by(RubricVersion.key)).all()
    fits, sheets = [], []
    for key in keys:
        found = _read(key, newest(key), start, end)
        sheets.append(found)
        fits.extend(_agreement(found, stamp))
    effects = _effects(sheets, start, end, computed_at)
    habits = _habits(sheets, effects, stamp)
    spreads = spread_rows([rubric for key in keys if (rubric := newest(key))], computed_at)
    stored = ((AgreementFit, fits), (RaterEffect, effects), (InterviewerHabits, habits),
              (PanelSpread, spreads))
    for table, _ in stored:
        db.session.execute(sa.delete(table))
    for table, rows in stored:
        for at in range(0, len(rows), _BATCH):
            db.session.execute(sa.insert(table), rows[at:at + _BATCH])
    return sum(len(rows) for _, rows in stored)


def spread_rows(rubrics: Iterable[Rubric], computed_at: datetime) -> list[dict]:
    """Measure each rubric's past spread, as rows of panel_spreads (a null spread: no panel)."""
    rows = []
    for rubric in rubrics:
        spread, panels = past_spread(rubric) or (None, 0)
        rows.append({"rubric_key": rubric.key, "spread": spread, "panels": panels,
                     "computed_at": computed_at})
    return rows


def past_spread(rubric: Rubric) -> tuple[float, int] | None:
    """Measure the pooled spread of panelists' stage scores on the rubric's latest interviews.

    Returns the spread and how many panels of two or more it pools, or None without any. The
    database does the arithmetic in one statement that answers one row: each submitted
    scorecard's stage score (its ratings' mean by the rubric's weights), each panel's mean, and
    the squared deviations from it summed over the panels, with their degrees of freedom. It is
    core.uncertainty.pooled_spread worked in SQL, and tested against it.
    """
    weights = {c.key: float(c.weight) for c in rubric.competencies}
    weight = sa.case({key: sa.literal(value, sa.Float) for key, value in weights.items()},
                     value=Rating.competency_key)
    latest = (sa.select(Interview.id).join(Interview.rubric_version)
              .where(RubricVersion.key == rubric.key)
              .order_by(Interview.id.desc()).limit(SPREAD_INTERVIEWS).subquery())
    cards = (sa.select(Scorecard.interview_id.label("panel"),
                       (sa.func.sum(Rating.score * weight) / sa.func.sum(weight)).label("score"))
             .join(Rating, Rating.scorecard_id == Scorecard.id)
             .where(Scorecard.interview_id.in_(sa.select(latest.c.id)),
                    Scorecard.status == ScorecardStatus.SUBMITTED, Rating.score.is_not(None),
                    Rating.competency_key.in_(weights))
             .group_by(Scorecard.interview_id, Scorecard.id).subquery())
    within = sa.func.avg(cards.c.score).over(partition_by=cards.c.panel)
    panels = sa.select(cards.c.panel, (cards.c.score - within).label("off"),
                       sa.func.count().over(partition_by=cards.c.panel).label("size")).subquery()
    shared = panels.c.size >= 2
    squares, scorecards, shared_panels = db.session.execute(sa.select(
        sa.func.sum(panels.c.off * panels.c.off),
        sa.func.count(sa.case((shared, 1))),
        sa.func.count(sa.distinct(sa.case((shared, panels.c.panel)))))).one()
    freedom = scorecards - shared_panels  # each shared panel's size less one, summed
    return (sqrt(squares / freedom), shared_panels) if freedom else None


def _read(key: str, rubric: Rubric | None, start: datetime, end: datetime) -> RubricScorecards:
    """Read the rubric's scorecards submitted in the window, their scores as a matrix."""
    rows = db.session.execute(
        sa.select(Scorecard.id, Scorecard.interview_id, Interview.application_id,
                  Scorecard.interviewer_id, Scorecard.recommendation, Scorecard.interview_at,
                  Scorecard.submitted_at, Rating.competency_key, Rating.score)
        .select_from(Scorecard).join(Scorecard.interview).join(Interview.rubric_version)
        .join(Rating, Rating.scorecard_id == Scorecard.id)
        .where(RubricVersion.key == key, Scorecard.status == ScorecardStatus.SUBMITTED,
               Scorecard.submitted_at >= start, Scorecard.submitted_at < end,
               Rating.score.is_not(None))
        .order_by(Scorecard.id)
        .execution_options(yield_per=_BATCH))
    columns = {c.key: i for i, c in enumerate(rubric.competencies)} if rubric else {}
    cards: list[tuple] = []
    cells: list[tuple[int, int, int]] = []
    last = None
    for card_id, interview, application, who, recommendation, at, submitted, competency, score \
            in rows:
        if card_id != last:
            last = card_id
            cards.append((interview, application, who, submitted.timestamp(),
                          (submitted - at).total_seconds() / 3600,
                          _PASSING.get(recommendation, 0)))
        cells.append((len(cards) - 1, columns.setdefault(competency, len(columns)), score))
    meta = np.array(cards, dtype=float).reshape(len(cards), 6)
    scores = np.full((len(cards), len(columns)), np.nan)
    if cells:
        at = np.array(cells)
        scores[at[:, 0], at[:, 1]] = at[:, 2]
    found = RubricScorecards(
        key, list(columns), meta[:, 0].astype(np.int64), meta[:, 1].astype(np.int64),
        meta[:, 2].astype(np.int64), meta[:, 3], meta[:, 4], meta[:, 5], scores)
    found.weigh(rubric)
    return found


def _agreement(found: RubricScorecards, stamp: dict) -> list[dict]:
    """Return the agreement rows of one rubric: the stage score, then each competency."""
    rows = [_agreement_row(found.key, "", found.interviews, found.interviewers, found.stage,
                           None, stamp)]
    for column, competency in enumerate(found.competencies):
        scored = ~np.isnan(found.scores[:, column])
        rows.append(_agreement_row(
            found.key, competency, found.interviews[scored], found.interviewers[scored],
            found.scores[scored, column], _alpha(found.interviews[scored],
                                                 found.scores[scored, column]), stamp))
    return rows


def _agreement_row(key: str, competency: str, units: np.ndarray, raters: np.ndarray,
                   scores: np.ndarray, alpha: float | None, stamp: dict) -> dict:
    unit_index = np.unique(units, return_inverse=True)[1]
    rater_index = np.unique(raters, return_inverse=True)[1]
    per_unit = np.bincount(unit_index) if units.size else np.zeros(0, dtype=int)
    ratings = Ratings(unit_index, rater_index, scores)
    found = reliability(ratings, seed=0) if units.size else None
    parts = found.components if found else None
    return {
        "rubric_key": key, "competency_key": competency,
        "candidates": int(per_unit.size), "paired": int((per_unit >= 2).sum()),
        "raters": int(np.unique(raters).size), "ratings": int(units.size),
        "panel_size": found.panel_size if found else None,
        "candidate_variance": parts.candidate if parts else None,
        "rater_variance": parts.rater if parts else None,
        "residual_variance": parts.residual if parts else None,
        "one_rater": found.one_rater if found else None,
        "one_rater_low": _end(found and found.one_rater_interval, "low"),
        "one_rater_high": _end(found and found.one_rater_interval, "high"),
        "panel": found.panel if found else None,
        "panel_low": _end(found and found.panel_interval, "low"),
        "panel_high": _end(found and found.panel_interval, "high"),
        "consistency": parts.consistency() if parts else None,
        "alpha": alpha, **stamp,
    }


def _alpha(units: np.ndarray, scores: np.ndarray) -> float | None:
    """Return ordinal alpha of one competency's scores, each interview a unit."""
    if units.size == 0:
        return None
    unit_index = np.unique(units, return_inverse=True)[1]
    levels = np.searchsorted(LEVELS, scores)
    counts = np.zeros((int(unit_index.max()) + 1, len(LEVELS)))
    np.add.at(counts, (unit_index, levels), 1)
    return alpha_of_counts(counts, LEVELS)


def _end(interval, side: str) -> float | None:
    return getattr(interval, side) if interval else None


def _effects(sheets: Iterable[RubricScorecards], start: datetime, end: datetime,
             computed_at: datetime) -> list[dict]:
    """Return the rater effect rows: each (rubric, interviewer) over the window and quarters.

    One model over every rubric: the candidate is the application, the rater the
    (rubric, interviewer) pair, the score the stage score less its rubric's mean. The
    quarters are fitted with the window's variances, so that a quarter's effect differs from
    the window's only by what that quarter's scorecards say; their errors are the cheaper
    approximation (rater_effects), the window's the exact ones the committee reads.
    """
    sheets = [found for found in sheets if found.stage.size]
    if not sheets:
        return []
    applications = np.concatenate([found.applications for found in sheets])
    pairs = np.concatenate([
        np.stack([np.full(found.stage.size, number), found.interviewers], axis=1)
        for number, found in enumerate(sheets)])
    scores = np.concatenate([found.stage - found.stage.mean() for found in sheets])
    submitted = np.concatenate([found.submitted for found in sheets])
    keys, rater_index = np.unique(pairs, axis=0, return_inverse=True)
    rater_index = rater_index.ravel()
    unit_index = np.unique(applications, return_inverse=True)[1]
    rater_keys = tuple((sheets[int(number)].key, int(who)) for number, who in keys)
    everything = Ratings(unit_index, rater_index, scores, rater_keys)
    fitted = calibration_components(everything)
    if fitted is None:
        return []
    rows = _effect_rows(everything, fitted, WINDOW, start, end, computed_at)
    step = (end - start) / QUARTERS
    for quarter in range(QUARTERS):
        begins, ends = start + step * quarter, start + step * (quarter + 1)
        inside = (submitted >= begins.timestamp()) & (submitted < ends.timestamp())
        if inside.any():
            part = Ratings(unit_index[inside], rater_index[inside], scores[inside], rater_keys)
            rows += _effect_rows(part, fitted, QUARTER, begins, ends, computed_at,
                                 exact_errors=False)
    return rows


def _effect_rows(ratings: Ratings, fitted: Components, span: str, start: datetime,
                 end: datetime, computed_at: datetime, exact_errors: bool = True) -> list[dict]:
    return [{"rubric_key": key, "interviewer_id": who, "span": span, "period_start": start,
             "period_end": end, "effect": found.effect, "error": found.error,
             "scorecards": found.ratings, "computed_at": computed_at}
            for (key, who), found in rater_effects(ratings, fitted, exact_errors).items()]


def _habits(sheets: Iterable[RubricScorecards], effects: list[dict], stamp: dict) -> list[dict]:
    """Return the habit rows of every (rubric, interviewer) with a scorecard in the window."""
    leniency = {(row["rubric_key"], row["interviewer_id"]): row for row in effects
                if row["span"] == WINDOW}
    hours = current_app.config["SCORECARD_OVERDUE_HOURS"]
    rows = []
    for found in sheets:
        if not found.stage.size:
            continue
        people, index = np.unique(found.interviewers, return_inverse=True)
        sheet = habit_figures.Sheets(index.ravel(), found.scores, found.passing, found.delay)
        figures = habit_figures.habits(sheet, hours)
        delays = habit_figures.median_delay(sheet)
        cards = np.bincount(sheet.raters, minlength=people.size)
        for number, who in enumerate(people.tolist()):
            document = {name: figures[name][number].to_document() for name in figures}
            effect = leniency.get((found.key, who))
            document["leniency"] = habit_figures.Figure(
                effect["effect"], effect["effect"] - habit_figures.Z * effect["error"],
                effect["effect"] + habit_figures.Z * effect["error"], 0.0,
                effect["scorecards"]).to_document() if effect else None
            document["median_delay_hours"] = None if delays[number] is None else round(
                delays[number], 1)
            flags = sum(1 for value in document.values()
                        if isinstance(value, dict) and value["flagged"])
            rows.append({"rubric_key": found.key, "interviewer_id": who,
                         "scorecards": int(cards[number]), "flags": flags,
                         "figures": document, **stamp})
    return rows
