"""How sure a score is: standard errors and intervals from the spread between panelists.

A stage score is the mean of its panelists' own (rubric-weighted) scores, so its standard
error is the spread between panelists divided by the square root of how many there were.
One panelist shows no spread, and two who happen to agree show none either, so the spread a
panel shows is blended with the spread the same rubric showed on its past panels (or, with no
history, the policy's assumed spread), which counts as `prior_weight` panelists. This is the
moderated variance of Smyth (2004): s² = (d·s_panel² + d₀·s_prior²) / (d + d₀), with d the
panel's degrees of freedom (panelists - 1) and d₀ the prior's weight.

The overall score is a weighted mean of independent stage scores, so its variance is the
weighted sum of theirs: Var(Σ wᵢSᵢ / Σ wᵢ) = Σ wᵢ² Var(Sᵢ) / (Σ wᵢ)².
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from math import sqrt
from statistics import NormalDist, fmean, variance

from .rubric import Uncertainty as Settings
from .scale import clamp


@dataclass(frozen=True)
class Spread:
    """How far apart a stage's panelists' scores are (a standard deviation), and from where."""

    value: float
    # panel: this panel alone; history: the rubric's past panels; assumed: the policy's
    # figure; "panel and history" / "panel and assumed": the panel's blended with the other.
    source: str


@dataclass(frozen=True)
class Interval:
    """A score with its standard error and the interval that likely holds the true score."""

    score: float
    standard_error: float
    low: float
    high: float

    def contains(self, value: float) -> bool:
        """Tell whether the value lies inside the interval (ends included)."""
        return self.low <= value <= self.high


def pooled_spread(panels: Iterable[Sequence[float]]) -> tuple[float, int] | None:
    """Return the pooled standard deviation within panels of two or more, and how many.

    Each panel contributes its squared deviations from its own mean and its degrees of
    freedom, so panels of different means do not inflate the spread. None without any panel
    of two or more.
    """
    squares = 0.0
    freedom = panels_used = 0
    for scores in panels:
        if len(scores) < 2:
            continue
        mean = fmean(scores)
        squares += sum((score - mean) ** 2 for score in scores)
        freedom += len(scores) - 1
        panels_used += 1
    return (sqrt(squares / freedom), panels_used) if freedom else None


def stage_spread(panelists: Sequence[float], history: float | None,
                 settings: Settings) -> Spread:
    """Return the spread to use for a stage: its panel's, blended with the past or assumed one."""
    prior, source = (history, "history") if history is not None \
        else (settings.prior_spread, "assumed")
    freedom = len(panelists) - 1
    if freedom < 1:
        return Spread(prior, source)
    if settings.prior_weight == 0:
        return Spread(sqrt(variance(panelists)), "panel")
    blended = (freedom * variance(panelists) + settings.prior_weight * prior ** 2) / (
        freedom + settings.prior_weight)
    return Spread(sqrt(blended), f"panel and {source}")


def standard_error(spread: float, panelists: int) -> float:
    """Return the standard error of a mean of this many panelists' scores."""
    return spread / sqrt(panelists)


def combined_error(parts: Iterable[tuple[float, float]]) -> float | None:
    """Return the standard error of a weighted mean of independent scores.

    parts are (weight, standard error) of each score that counts; None if there are none.
    """
    parts = list(parts)
    total = sum(weight for weight, _ in parts)
    if not total:
        return None
    return sqrt(sum((weight * error) ** 2 for weight, error in parts)) / total


def interval(score: float, error: float, confidence: float) -> Interval:
    """Return the two-sided normal interval of the score, kept on the rating scale."""
    half = NormalDist().inv_cdf(0.5 + confidence / 2) * error
    return Interval(score, error, clamp(score - half), clamp(score + half))
