"""How far each interviewer's scores sit from their co-panelists', and scores with that removed."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from .agreement import scores_by_unit
from .panel import PanelRating
from .scale import clamp

# An offset resting on a few shared interviews is mostly the noise of those few candidates, so
# it is pulled toward zero as if it had been averaged with this many interviews of no offset:
# with 5 shared interviews half of the raw offset is kept, with 45 nine tenths.
PRIOR_INTERVIEWS = 5


@dataclass(frozen=True)
class Offset:
    """How far one interviewer's scores sit above (+) or below (-) their co-panelists'."""

    interviewer_id: int
    raw: float  # mean of (score - mean of the co-panelists' scores of the same competency)
    shrunk: float  # raw pulled toward zero while shared interviews are few
    ratings: int  # scores that had a co-panelist's score to compare with
    shared_interviews: int  # interviews those scores come from


def shrink(raw: float, shared_interviews: int, prior: float = PRIOR_INTERVIEWS) -> float:
    """Return the raw offset pulled toward zero, the harder the fewer interviews it rests on."""
    if shared_interviews < 0 or prior < 0:
        raise ValueError(f"shared interviews ({shared_interviews}) and prior ({prior}) "
                         "cannot be negative")
    if shared_interviews == 0:
        return 0.0  # no shared interview, no evidence of any offset
    kept = shared_interviews / (shared_interviews + prior)
    return raw * kept


def offsets(ratings: Iterable[PanelRating]) -> dict[int, Offset]:
    """Return each interviewer's offset from their co-panelists, by interviewer id.

    Each score is compared with the mean of the other panelists' scores of the same
    competency in the same interview; not-assessed ratings and scores no co-panelist gave
    are left out, and an interviewer with no score left has no offset.
    """
    deviations: dict[int, list[float]] = {}
    interviews: dict[int, set[int]] = {}
    for (interview_id, _), scores in scores_by_unit(ratings).items():
        if len(scores) < 2:
            continue
        total = sum(scores.values())
        for interviewer_id, score in scores.items():
            others_mean = (total - score) / (len(scores) - 1)
            deviations.setdefault(interviewer_id, []).append(score - others_mean)
            interviews.setdefault(interviewer_id, set()).add(interview_id)
    result = {}
    for interviewer_id in sorted(deviations):
        shared = len(interviews[interviewer_id])
        # fsum is exact, so the offset does not depend on the order the ratings came in
        raw = math.fsum(deviations[interviewer_id]) / len(deviations[interviewer_id])
        result[interviewer_id] = Offset(interviewer_id, raw, shrink(raw, shared),
                                        len(deviations[interviewer_id]), shared)
    return result


def calibrate(score: int, offset: float) -> float:
    """Return the score with the interviewer's offset taken out, kept on the 1-4 scale."""
    return clamp(score - offset)


def calibrated_ratings(
    ratings: Iterable[PanelRating], offsets: Mapping[int, Offset]
) -> list[tuple[PanelRating, float | None]]:
    """Return each rating beside its score calibrated by its interviewer's shrunk offset.

    A not-assessed rating stays None; an interviewer without an offset keeps their score.
    """
    calibrated: list[tuple[PanelRating, float | None]] = []
    for rating in ratings:
        if rating.score is None:
            calibrated.append((rating, None))
            continue
        offset = offsets.get(rating.interviewer_id)
        calibrated.append((rating, calibrate(rating.score, offset.shrunk if offset else 0.0)))
    return calibrated
