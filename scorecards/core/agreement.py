"""How far an interview panel agrees: intraclass correlations and Krippendorff's alpha."""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

import krippendorff
import numpy as np

# Floating-point sums of equal ratings leave noise of about 1e-16 times their size instead of
# an exact zero; a denominator within this fraction of the squared ratings is taken as zero.
_ROUNDING = 1e-12

Unit = TypeVar("Unit", bound=Hashable)
Rater = TypeVar("Rater", bound=Hashable)


LEVELS_OF_MEASUREMENT = ("nominal", "ordinal", "interval", "ratio")


@dataclass(frozen=True)
class IntraclassCorrelation:
    """Shrout & Fleiss intraclass correlations of one targets x raters matrix.

    The (x,1) forms are the reliability of one rater's rating; the (x,k) forms that of the
    mean of the k raters' ratings, what a panel of k decides on.
    """

    icc1_1: float | None  # raters differ per target (one-way random)
    icc2_1: float | None  # raters a random sample, their leniency counts as disagreement
    icc3_1: float | None  # these raters only, their leniency set aside (consistency)
    icc1_k: float | None
    icc2_k: float | None
    icc3_k: float | None
    targets: int
    raters: int


def icc(matrix: Sequence[Sequence[float]]) -> IntraclassCorrelation:
    """Return the six intraclass correlations of a complete targets x raters matrix.

    The coefficients are those of Shrout & Fleiss (1979), from the two-way ANOVA mean squares:
    ICC(1,1), ICC(2,1) and ICC(3,1) for one rater, ICC(1,k), ICC(2,k) and ICC(3,k) for the
    mean of the matrix's k raters.
    A coefficient whose denominator is zero, as when every rating is equal, is undefined and
    comes back as None rather than as a division by zero.
    """
    ratings = _complete_matrix(matrix)
    targets, raters = ratings.shape
    grand_mean = ratings.mean()
    target_means = ratings.mean(axis=1, keepdims=True)
    rater_means = ratings.mean(axis=0, keepdims=True)
    residuals = ratings - target_means - rater_means + grand_mean

    between_targets = raters * ((target_means - grand_mean) ** 2).sum() / (targets - 1)
    within_targets = ((ratings - target_means) ** 2).sum() / (targets * (raters - 1))
    between_raters = targets * ((rater_means - grand_mean) ** 2).sum() / (raters - 1)
    residual = (residuals**2).sum() / ((targets - 1) * (raters - 1))

    noise = _ROUNDING * float(np.abs(ratings).max()) ** 2
    return IntraclassCorrelation(
        icc1_1=_ratio(between_targets - within_targets,
                      between_targets + (raters - 1) * within_targets, noise),
        icc2_1=_ratio(between_targets - residual,
                      between_targets + (raters - 1) * residual
                      + raters * (between_raters - residual) / targets, noise),
        icc3_1=_ratio(between_targets - residual,
                      between_targets + (raters - 1) * residual, noise),
        icc1_k=_ratio(between_targets - within_targets, between_targets, noise),
        icc2_k=_ratio(between_targets - residual,
                      between_targets + (between_raters - residual) / targets, noise),
        icc3_k=_ratio(between_targets - residual, between_targets, noise),
        targets=targets,
        raters=raters,
    )


def krippendorff_alpha(units: Mapping[Unit, Mapping[Rater, float]], level: str = "ordinal",
                       scale: Sequence[float] | None = None) -> float | None:
    """Return Krippendorff's alpha of the values given per unit by raters.

    level is the level of measurement (nominal, ordinal, interval or ratio): how far apart
    two different values are. scale lists the values a rating may take, in order; a value
    off it is refused. Without one, the values given are the scale (ordinal alpha weighs a
    disagreement by the values given between the two, so values nobody gave change nothing).
    A rater who did not rate a unit is simply absent from its mapping. Alpha is None when
    fewer than two units have two or more values, or when every such value is the same: with
    no variation to explain, agreement is undefined.
    """
    if level not in LEVELS_OF_MEASUREMENT:
        raise ValueError(f"no level of measurement {level!r}; "
                         f"the levels are {', '.join(LEVELS_OF_MEASUREMENT)}")
    if scale is not None:
        for unit, values in units.items():
            unknown = sorted(set(values.values()) - set(scale))
            if unknown:
                raise ValueError(f"unit {unit!r} has values {unknown} outside {list(scale)}")
    paired = [values for values in units.values() if len(values) >= 2]
    domain = list(scale) if scale is not None else sorted(
        {value for values in paired for value in values.values()})
    counts = []
    for values in paired:
        tally = Counter(values.values())
        counts.append([tally[value] for value in domain])
    # Counts of each value per unit carry all alpha reads; a raters x units matrix would grow
    # with every interviewer who ever sat on a panel.
    return alpha_of_counts(np.asarray(counts, dtype=float).reshape(len(counts), len(domain)),
                           domain, level)


def alpha_of_counts(counts: np.ndarray, domain: Sequence[float],
                    level: str = "ordinal") -> float | None:
    """Return Krippendorff's alpha from how often each value was given to each unit.

    counts has a row per unit and a column per value of domain, in order. Units given fewer
    than two values carry no pair and are left out; alpha is None when fewer than two units
    remain or when every value given is the same.
    """
    if level not in LEVELS_OF_MEASUREMENT:
        raise ValueError(f"no level of measurement {level!r}; "
                         f"the levels are {', '.join(LEVELS_OF_MEASUREMENT)}")
    counts = counts[counts.sum(axis=1) >= 2]
    if len(counts) < 2 or np.count_nonzero(counts.sum(axis=0)) < 2:
        return None
    return float(krippendorff.alpha(value_counts=counts, value_domain=list(domain),
                                    level_of_measurement=level))


def _complete_matrix(matrix: Sequence[Sequence[float]]) -> np.ndarray:
    """Return the matrix as an array, refusing one too small, ragged or with gaps."""
    rows = [list(row) for row in matrix]
    if len(rows) < 2:
        raise ValueError(f"an ICC needs at least 2 targets (rows), got {len(rows)}")
    raters = len(rows[0])
    if raters < 2:
        raise ValueError(f"an ICC needs at least 2 raters (columns), got {raters}")
    for number, row in enumerate(rows):
        if len(row) != raters:
            raise ValueError(f"row {number} has {len(row)} ratings, row 0 has {raters}: "
                             "every rater must rate every target")
        if any(value is None for value in row):
            raise ValueError(f"row {number} has a missing rating: every rater must rate "
                             "every target")
    ratings = np.asarray(rows, dtype=float)
    if not np.isfinite(ratings).all():
        raise ValueError("the matrix has a missing (NaN) or infinite rating")
    return ratings


def _ratio(numerator: float, denominator: float, noise: float) -> float | None:
    """Return numerator / denominator, or None when the denominator is zero up to rounding."""
    if abs(denominator) <= noise:
        return None
    return float(numerator / denominator)
