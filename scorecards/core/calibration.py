"""Interviewers' leniency, and scores with it taken out.

An interviewer's calibration offset is their rater effect in the crossed model of
core/variance.py, fitted on every submitted scorecard of a window (analytics/measurement.py):
how many points of the scale their stage scores sit above (+) or below (-) what the model
expects, given how every candidate they met scored with everyone else, at every stage. The
estimate is shrunk toward zero the fewer scorecards it rests on, by the ratio of the noise to
the spread of leniency that the same data estimate, so no constant is chosen by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from .scale import clamp


@dataclass(frozen=True)
class Offset:
    """One interviewer's leniency with one rubric, as the last fit found it."""

    interviewer_id: int
    rubric_key: str
    effect: float  # points above (+) or below (-) an average interviewer
    error: float  # its standard error
    scorecards: int  # the interviewer's scorecards of the window with this rubric
    window_start: datetime
    window_end: datetime
    computed_at: datetime

    @property
    def low(self) -> float:
        """Return the lower end of the effect's 95% interval."""
        return self.effect - 1.96 * self.error

    @property
    def high(self) -> float:
        """Return the upper end of the effect's 95% interval."""
        return self.effect + 1.96 * self.error


def calibrate(score: int, offset: float) -> float:
    """Return the score with the interviewer's offset taken out, kept on the 1-4 scale."""
    return clamp(score - offset)
