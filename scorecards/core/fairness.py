"""Adverse impact and validity: the statistics a fairness review reads, on counts and scores.

- Selection rates per group at a step of the process, each group's impact ratio against the
  group with the highest rate, and the four-fifths rule of the Uniform Guidelines on Employee
  Selection Procedures (29 CFR 1607.4(D)): a ratio below 0.8 is evidence of adverse impact.
- Two tests of whether a group's rate differs from the highest group's more than chance would
  make it: Fisher's exact test on the 2 x 2 table (any sample size; scipy's), and the
  two-standard-deviation test of the difference of two proportions (pooled standard error;
  for larger samples, as agencies use it: |Z| above 1.96).
- The standardised mean difference d of scores between two groups, with the large-sample
  confidence interval of Hedges & Olkin (1985, Statistical Methods for Meta-Analysis, 5.B),
  from kept sums (n, total, total of squares). A difference is flagged only when its interval
  leaves zero out and each group has MIN_COMPARED scores or more: with fewer, the interval's
  normal approximation is poor and one bad interview moves d a lot. A group with fewer than
  MIN_CELL scores shows nothing.
- For validity: a correlation's confidence interval by Fisher's z, and Thorndike's case II
  correction for direct range restriction (Thorndike 1949; Sackett & Yang 2000, Journal of
  Applied Psychology 85): what the correlation would be in the whole applicant pool, given
  how much wider the pool's spread of scores is than the hired people's.
- Small cells are suppressed: a group with fewer than MIN_CELL people who reached a step,
  passed it or did not shows neither counts nor rate, ratio or tests, so that no individual
  can be picked out of a table (nor worked out from a rate).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from scipy.stats import fisher_exact

FOUR_FIFTHS = 0.8
MIN_CELL = 5  # fewer applicants or selections than this in a group: counts and rates withheld
MIN_COMPARED = 20  # fewer scores than this in either group: a difference is never flagged
TWO_DEVIATIONS = 1.96
Z95 = 1.959963984540054


@dataclass(frozen=True)
class Selection:
    """How many of a group reached a step and how many passed it."""

    reached: int
    passed: int

    def __post_init__(self) -> None:
        if self.reached < 0 or not 0 <= self.passed <= self.reached:
            raise ValueError(f"{self.passed} passed of {self.reached} reached: passed must lie "
                             "between 0 and reached")

    @property
    def rate(self) -> float | None:
        """Return the share that passed, None when nobody reached the step."""
        return self.passed / self.reached if self.reached else None

    @property
    def suppressed(self) -> bool:
        """Tell whether the group is too small to show.

        Fewer than MIN_CELL reached the step, passed it or did not: any count shown, or
        derived from a count and a rate, would then be below MIN_CELL.
        """
        return min(self.reached, self.passed, self.reached - self.passed) < MIN_CELL


@dataclass(frozen=True)
class Impact:
    """One group's selection at a step, against the group with the highest rate."""

    group: str
    selection: Selection
    impact_ratio: float | None  # its rate over the highest rate; None if not comparable
    adverse: bool  # below four fifths of the highest rate
    fisher_p: float | None  # two-sided, against the highest group; None for that group
    z: float | None  # difference of proportions in pooled standard errors
    suppressed: bool  # too few to show: counts, rate, ratio and tests withheld


def impact(groups: Mapping[str, Selection]) -> list[Impact]:
    """Return each group's impact ratio and tests against the group with the highest rate.

    Groups too small to show (suppressed) are neither compared nor the reference: a rate of
    3 out of 4 says nothing. The reference is the shown group with the highest rate (the
    larger group on a tie); it has a ratio of 1 and no tests.
    """
    shown = {name: found for name, found in groups.items()
             if not found.suppressed and found.rate is not None}
    reference = max(shown, key=lambda name: (shown[name].rate, shown[name].reached),
                    default=None)
    result = []
    for name, found in groups.items():
        if name not in shown or reference is None:
            result.append(Impact(name, found, None, False, None, None, True))
            continue
        best = shown[reference]
        ratio = found.rate / best.rate if best.rate else None
        tests = (None, None) if name == reference else (fisher_p(found, best),
                                                        two_proportion_z(found, best))
        result.append(Impact(name, found, ratio, ratio is not None and ratio < FOUR_FIFTHS,
                             *tests, False))
    return result


def fisher_p(first: Selection, second: Selection) -> float:
    """Return the two-sided p-value of Fisher's exact test on two groups' pass/fail counts."""
    table = [[first.passed, first.reached - first.passed],
             [second.passed, second.reached - second.passed]]
    return float(fisher_exact(table, alternative="two-sided").pvalue)


def two_proportion_z(first: Selection, second: Selection) -> float | None:
    """Return (first's rate - second's) in pooled standard errors; None if nothing varies."""
    passed, reached = first.passed + second.passed, first.reached + second.reached
    pooled = passed / reached
    error = math.sqrt(pooled * (1 - pooled) * (1 / first.reached + 1 / second.reached))
    if error == 0:
        return None
    return (first.rate - second.rate) / error  # type: ignore[operator]


@dataclass(frozen=True)
class Difference:
    """The standardised mean difference of two groups' scores, with its 95% interval."""

    d: float
    low: float
    high: float
    first: int  # scores in each group
    second: int

    @property
    def flagged(self) -> bool:
        """Tell whether the interval leaves zero out."""
        return self.low > 0 or self.high < 0


def standardised_difference(first_mean: float, first_sd: float, first_n: int,
                            second_mean: float, second_sd: float,
                            second_n: int) -> Difference | None:
    """Return d = (first mean - second mean) / pooled SD with its 95% interval.

    None when either group has fewer than two scores or the scores do not vary.
    """
    if first_n < 2 or second_n < 2:
        return None
    pooled = math.sqrt(((first_n - 1) * first_sd**2 + (second_n - 1) * second_sd**2)
                       / (first_n + second_n - 2))
    if pooled == 0:
        return None
    d = (first_mean - second_mean) / pooled
    error = math.sqrt((first_n + second_n) / (first_n * second_n)
                      + d * d / (2 * (first_n + second_n)))
    return Difference(d, d - Z95 * error, d + Z95 * error, first_n, second_n)


@dataclass(frozen=True)
class Scores:
    """A group's scores, as sums kept without them: how many, their total, their squares'."""

    n: int
    total: float
    squares: float

    @property
    def mean(self) -> float:
        """Return the mean score (nan for none)."""
        return self.total / self.n if self.n else math.nan

    @property
    def sd(self) -> float:
        """Return the sample standard deviation (0 below two scores)."""
        if self.n < 2:
            return 0.0
        # Rounding can leave a hair below zero when every score is the same.
        return math.sqrt(max(self.squares - self.total**2 / self.n, 0.0) / (self.n - 1))

    def __add__(self, other: Scores) -> Scores:
        """Return the scores of both."""
        return Scores(self.n + other.n, self.total + other.total, self.squares + other.squares)


@dataclass(frozen=True)
class Comparison:
    """One group's scores against the reference group's."""

    group: str
    scores: Scores
    difference: Difference | None  # None when withheld, or when the scores do not vary

    @property
    def withheld(self) -> bool:
        """Tell whether the group is too small to show anything of."""
        return self.scores.n < MIN_CELL

    @property
    def flagged(self) -> bool:
        """Tell whether the groups differ beyond chance, on samples large enough to say so."""
        found = self.difference
        return (found is not None and found.flagged
                and min(found.first, found.second) >= MIN_COMPARED)


def compare_scores(groups: Mapping[str, Scores], reference: str) -> list[Comparison]:
    """Return each group's d against the reference group's, in the order given.

    The reference group itself gets no difference; so does any group, the reference
    included, with fewer than MIN_CELL scores.
    """
    base = groups.get(reference, Scores(0, 0.0, 0.0))
    found = []
    for group, scores in groups.items():
        difference = None
        if group != reference and min(scores.n, base.n) >= MIN_CELL:
            difference = standardised_difference(scores.mean, scores.sd, scores.n,
                                                 base.mean, base.sd, base.n)
        found.append(Comparison(group, scores, difference))
    return found


@dataclass(frozen=True)
class Correlation:
    """A correlation with its 95% interval and sample size."""

    r: float
    low: float
    high: float
    n: int


def correlation_interval(r: float, n: int) -> Correlation | None:
    """Return r with its 95% interval by Fisher's z; None below four pairs."""
    if n < 4 or not -1 < r < 1:
        return None
    z, half = math.atanh(r), Z95 / math.sqrt(n - 3)
    return Correlation(r, math.tanh(z - half), math.tanh(z + half), n)


def corrected_for_range_restriction(r: float, restricted_sd: float,
                                    unrestricted_sd: float) -> float:
    """Return Thorndike's case II correction of r for direct range restriction.

    r was observed among the selected, whose scores spread restricted_sd; in the whole pool
    they spread unrestricted_sd. With u = unrestricted / restricted,
    r_c = r u / sqrt(1 - r^2 + r^2 u^2).
    """
    if restricted_sd <= 0 or unrestricted_sd <= 0:
        raise ValueError("the spreads of scores must be positive")
    u = unrestricted_sd / restricted_sd
    return r * u / math.sqrt(1 - r * r + r * r * u * u)


def pearson(pairs: Sequence[tuple[float, float]]) -> float | None:
    """Return Pearson's r of the pairs; None below two pairs or when either side never varies.

    With one side 0/1 this is the point-biserial correlation.
    """
    n = len(pairs)
    if n < 2:
        return None
    mean_x = math.fsum(x for x, _ in pairs) / n
    mean_y = math.fsum(y for _, y in pairs) / n
    sxx = math.fsum((x - mean_x) ** 2 for x, _ in pairs)
    syy = math.fsum((y - mean_y) ** 2 for _, y in pairs)
    if sxx <= 0 or syy <= 0:
        return None
    sxy = math.fsum((x - mean_x) * (y - mean_y) for x, y in pairs)
    return max(-1.0, min(1.0, sxy / math.sqrt(sxx * syy)))


def sample_sd(values: Sequence[float]) -> float | None:
    """Return the sample standard deviation (n - 1 in the denominator); None below two values."""
    n = len(values)
    if n < 2:
        return None
    mean = math.fsum(values) / n
    return math.sqrt(math.fsum((v - mean) ** 2 for v in values) / (n - 1))
