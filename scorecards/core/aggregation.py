"""From a panel's submitted scorecards to scores per competency, stage and loop.

Plain data in, plain data out. Not-assessed ratings are left out of every figure (never
counted as zero), and only submitted scorecards ever reach this module.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from statistics import fmean

from .calibration import calibrate
from .panel import PanelScorecard
from .rubric import Loop, Rubric


@dataclass(frozen=True)
class CompetencyScore:
    """The panel's ratings of one competency at one stage."""

    key: str
    title: str
    weight: float
    scores: tuple[float, ...]  # one per panelist who assessed it, in interviewer order
    must_pass: float | None
    required: bool = True

    @property
    def count(self) -> int:
        """Return how many panelists assessed the competency."""
        return len(self.scores)

    @cached_property
    def mean(self) -> float | None:
        """Return the mean rating, or None when nobody assessed it."""
        return fmean(self.scores) if self.scores else None

    @property
    def low(self) -> float | None:
        """Return the lowest rating."""
        return min(self.scores, default=None)

    @property
    def high(self) -> float | None:
        """Return the highest rating."""
        return max(self.scores, default=None)

    @property
    def spread(self) -> float | None:
        """Return how far apart the highest and lowest ratings are."""
        return self.high - self.low if self.scores else None


@dataclass(frozen=True)
class StageScore:
    """A stage's competencies, its weighted score and how complete its panel is."""

    key: str
    title: str
    weight: float
    min_panel: int
    submitted: int  # scorecards in, across the stage's interviews
    competencies: tuple[CompetencyScore, ...]
    # Each panelist's own rubric-weighted score, for the spread between panelists.
    panelists: tuple[float, ...] = ()
    min_ratings: int = 1  # ratings each required competency needs

    @cached_property
    def score(self) -> float | None:
        """Return the rubric-weighted mean of the competencies anyone assessed."""
        return weighted_mean((c.mean, c.weight) for c in self.competencies)

    @property
    def unrated(self) -> tuple[CompetencyScore, ...]:
        """Return the required competencies with fewer ratings than the policy asks for."""
        return tuple(c for c in self.competencies
                     if c.required and c.count < self.min_ratings)

    @property
    def complete(self) -> bool:
        """Tell whether the stage has its minimum panel and every required competency rated."""
        return self.submitted >= self.min_panel and not self.unrated


@dataclass(frozen=True)
class Aggregate:
    """Every stage of the loop, scored, and the loop-weighted overall score."""

    stages: tuple[StageScore, ...]

    @property
    def overall(self) -> float | None:
        """Return the loop-weighted mean of the stages that have a score."""
        return weighted_mean((s.score, s.weight) for s in self.stages)

    def stage(self, key: str) -> StageScore:
        """Return the stage with this key."""
        return next(stage for stage in self.stages if stage.key == key)


def weighted_mean(pairs: Iterable[tuple[float | None, float]]) -> float | None:
    """Return the weighted mean of the values that are not None, or None if there are none."""
    total = weights = 0.0
    for value, weight in pairs:
        if value is not None:
            total += value * weight
            weights += weight
    return total / weights if weights else None


def aggregate(loop: Loop, rubrics: Mapping[str, Rubric], scorecards: Iterable[PanelScorecard],
              offsets: Mapping[tuple[str, int], float] | None = None) -> Aggregate:
    """Score every stage of the loop from its submitted scorecards.

    rubrics maps each stage key to the rubric version its interviews used. With offsets
    (interviewer -> calibration offset), each rating has its interviewer's offset removed.
    """
    by_stage: dict[str, list[PanelScorecard]] = defaultdict(list)
    for scorecard in sorted(scorecards, key=lambda s: (s.interviewer_id, s.interview_id)):
        by_stage[scorecard.stage].append(scorecard)
    return Aggregate(tuple(
        aggregate_stage(loop, stage.key, rubrics.get(stage.key), by_stage.get(stage.key, []),
                        offsets)
        for stage in loop.stages))


def aggregate_stage(loop: Loop, key: str, rubric: Rubric | None,
                    panel: list[PanelScorecard],
                    offsets: Mapping[tuple[str, int], float] | None = None) -> StageScore:
    """Score one stage from its panel's submitted scorecards, in interviewer order."""
    stage = loop.stage(key)
    competencies = () if rubric is None else tuple(
        CompetencyScore(c.key, c.title, c.weight,
                        tuple(_adjusted(s, c.key, offsets) for s in panel
                              if s.scores.get(c.key) is not None),
                        _bar(loop, stage.key, c.key, c.must_pass), c.required)
        for c in rubric.competencies)
    own = (weighted_mean((_adjusted(s, c.key, offsets) if s.scores.get(c.key) is not None
                          else None, c.weight) for c in competencies) for s in panel)
    return StageScore(stage.key, stage.title, stage.weight, stage.min_panel, len(panel),
                      competencies, tuple(score for score in own if score is not None),
                      loop.policy.min_ratings)


def _adjusted(scorecard: PanelScorecard, competency: str,
              offsets: Mapping[tuple[str, int], float] | None) -> float:
    score = scorecard.scores[competency]
    if not offsets:
        return float(score)
    return calibrate(score, offsets.get((scorecard.stage, scorecard.interviewer_id), 0.0))


def _bar(loop: Loop, stage: str, competency: str, rubric_bar: float | None) -> float | None:
    """Return the must-pass bar of a competency: the loop's, else the rubric's."""
    for bar in loop.policy.must_pass:
        if bar.stage == stage and bar.competency == competency:
            return bar.bar
    return rubric_bar
