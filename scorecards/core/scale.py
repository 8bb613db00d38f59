"""The rating scale every rubric shares: four behaviourally anchored levels, 1 to 4.

Everything that knows the scale (rubric files, the form, the database's check, agreement
statistics, calibration, charts) takes it from here.
"""

from __future__ import annotations

LEVELS = (1, 2, 3, 4)
LOWEST, HIGHEST = LEVELS[0], LEVELS[-1]
# The halves of the scale: a recommendation to hire against mostly low scores, or the other
# way round, is a contradiction the interviewer is asked to confirm.
LOW = frozenset(level for level in LEVELS if level <= (LOWEST + HIGHEST) / 2)
HIGH = frozenset(LEVELS) - LOW
# Scores people read and files carry are rounded to this many decimals.
PLACES = 2


def on_scale(score: float) -> bool:
    """Tell whether a score lies within the scale."""
    return LOWEST <= score <= HIGHEST


def clamp(score: float) -> float:
    """Return the score moved onto the scale if it fell outside it."""
    return min(float(HIGHEST), max(float(LOWEST), score))


def rounded(score: float | None) -> float | None:
    """Return a score rounded as people read it, or None for no score."""
    return None if score is None else round(score, PLACES)
