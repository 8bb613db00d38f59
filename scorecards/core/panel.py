"""A panel's submitted scorecards as plain data: what aggregation and statistics read."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field

from .vocabulary import Recommendation


@dataclass(frozen=True)
class PanelRating:
    """One rating of a submitted scorecard."""

    interview_id: int
    stage: str
    interviewer_id: int
    competency: str
    score: int | None  # None: not assessed, left out of every statistic


@dataclass(frozen=True)
class PanelScorecard:
    """One interviewer's submitted scorecard of one interview."""

    interview_id: int
    stage: str
    interviewer_id: int
    recommendation: Recommendation
    scores: Mapping[str, int | None] = field(default_factory=dict)  # competency -> score

    def ratings(self) -> Iterator[PanelRating]:
        """Yield the scorecard's ratings one by one."""
        for competency, score in self.scores.items():
            yield PanelRating(self.interview_id, self.stage, self.interviewer_id, competency,
                              score)


def flatten(scorecards: Iterable[PanelScorecard]) -> list[PanelRating]:
    """Return the ratings of all these scorecards."""
    return [rating for scorecard in scorecards for rating in scorecard.ratings()]
