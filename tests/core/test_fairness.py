"""Adverse impact and validity statistics against the Uniform Guidelines and published values."""

import math
import random

import numpy as np
import pytest
from scipy.stats import fisher_exact

from scorecards.core.fairness import (
    MIN_CELL,
    MIN_COMPARED,
    Scores,
    Selection,
    compare_scores,
    corrected_for_range_restriction,
    correlation_interval,
    fisher_p,
    impact,
    standardised_difference,
    two_proportion_z,
)


def test_the_uniform_guidelines_example_is_flagged_at_one_half():
    # Questions and Answers on the Uniform Guidelines, Q. 12: 80 applicants of one group,
    # 48 selected (60%); 40 of another, 12 selected (30%): a ratio of 30/60 = .50.
    found = {row.group: row for row in impact({"A": Selection(80, 48), "B": Selection(40, 12)})}
    assert found["A"].selection.rate == pytest.approx(0.60)
    assert found["B"].selection.rate == pytest.approx(0.30)
    assert found["B"].impact_ratio == pytest.approx(0.50)
    assert found["B"].adverse
    assert (found["A"].impact_ratio, found["A"].adverse, found["A"].fisher_p) == (1.0, False,
                                                                                 None)
    # Pooled rate 60 / 120 = .5: SE = sqrt(.25 (1/40 + 1/80)); Z = (.3 - .6) / SE = -3.10
    assert found["B"].z == pytest.approx(-0.3 / math.sqrt(0.25 * (1 / 40 + 1 / 80)))
    assert found["B"].z < -1.96
    assert found["B"].fisher_p < 0.01


def test_fisher_is_scipys_two_sided_test_and_gives_the_lady_tasting_tea_value():
    # Fisher (1935): 3 of 4 cups named right each way; two-sided p = 34/70 = .4857.
    assert fisher_p(Selection(4, 3), Selection(4, 1)) == pytest.approx(34 / 70)
    rng = random.Random(1)
    for _ in range(50):
        first = Selection(rng.randint(5, 60), 0)
        first = Selection(first.reached, rng.randint(0, first.reached))
        second = Selection(rng.randint(5, 60), 0)
        second = Selection(second.reached, rng.randint(0, second.reached))
        expected = fisher_exact([[first.passed, first.reached - first.passed],
                                 [second.passed, second.reached - second.passed]]).pvalue
        assert fisher_p(first, second) == pytest.approx(expected)


def test_a_small_group_is_withheld_and_never_the_reference():
    small = Selection(MIN_CELL - 1, MIN_CELL - 1)  # every one passed, but too few to show
    found = {row.group: row for row in impact({"small": small, "A": Selection(50, 20),
                                               "B": Selection(50, 10)})}
    assert found["small"].suppressed
    assert (found["small"].impact_ratio, found["small"].fisher_p, found["small"].z) == \
        (None, None, None)
    assert found["A"].impact_ratio == 1.0
    assert found["B"].impact_ratio == pytest.approx(0.5)


@pytest.mark.parametrize("selection", [Selection(100, 4), Selection(100, 96), Selection(4, 2)])
def test_a_group_is_withheld_when_any_of_its_counts_is_small(selection):
    found = {row.group: row for row in impact({"A": Selection(50, 20), "small": selection})}
    assert found["small"].suppressed
    assert found["small"].impact_ratio is None


def test_four_fifths_exactly_is_not_adverse():
    found = {row.group: row for row in impact({"A": Selection(100, 50), "B": Selection(100, 40)})}
    assert found["B"].impact_ratio == pytest.approx(0.8)
    assert not found["B"].adverse


def test_no_difference_when_every_rate_is_the_same_and_none_when_nothing_varies():
    assert two_proportion_z(Selection(20, 10), Selection(40, 20)) == 0
    assert two_proportion_z(Selection(20, 20), Selection(40, 40)) is None
    with pytest.raises(ValueError, match="6 passed of 5 reached"):
        Selection(5, 6)


def test_the_standardised_difference_and_its_interval():
    # Means 10 and 8 with SD 2 in groups of 50: d = 1; SE = sqrt(100/2500 + 1/200) = .2121.
    found = standardised_difference(10, 2, 50, 8, 2, 50)
    assert found.d == pytest.approx(1.0)
    assert (found.low, found.high) == pytest.approx((1 - 1.96 * math.sqrt(0.045),
                                                     1 + 1.96 * math.sqrt(0.045)), abs=1e-3)
    assert found.flagged
    assert not standardised_difference(10, 2, 5, 9.8, 2, 5).flagged
    assert standardised_difference(10, 0, 5, 10, 0, 5) is None
    assert standardised_difference(10, 2, 1, 9, 2, 5) is None


def test_a_correlation_interval_by_fishers_z():
    found = correlation_interval(0.5, 28)  # z = .5493 +- 1.96 / 5
    assert (found.low, found.high) == pytest.approx((math.tanh(0.5493 - 0.392),
                                                     math.tanh(0.5493 + 0.392)), abs=1e-3)
    assert correlation_interval(0.5, 3) is None


def test_thorndikes_case_ii_correction():
    # r = .30 among the hired, whose spread is two thirds of the pool's: u = 1.5,
    # r_c = .45 / sqrt(1 - .09 + .09 * 2.25) = .4266.
    assert corrected_for_range_restriction(0.30, 2.0, 3.0) == pytest.approx(0.4266, abs=1e-4)
    assert corrected_for_range_restriction(0.30, 3.0, 3.0) == pytest.approx(0.30)
    assert corrected_for_range_restriction(-0.2, 1.0, 2.0) < -0.2
    with pytest.raises(ValueError, match="positive"):
        corrected_for_range_restriction(0.3, 0, 1)


def test_scores_from_sums_match_numpy():
    rng = random.Random(7)
    values = [rng.choice([1, 2, 3, 4]) + rng.random() for _ in range(37)]
    kept = Scores(len(values), sum(values), sum(v * v for v in values))
    assert kept.mean == pytest.approx(np.mean(values))
    assert kept.sd == pytest.approx(np.std(values, ddof=1))
    halves = (Scores(20, sum(values[:20]), sum(v * v for v in values[:20]))
              + Scores(17, sum(values[20:]), sum(v * v for v in values[20:])))
    assert halves.sd == pytest.approx(kept.sd)
    assert Scores(3, 9.0, 27.0).sd == 0.0  # every score the same


def test_a_difference_is_flagged_only_on_samples_large_enough():
    def group(n, mean):  # n scores alternating mean - 0.5 and mean + 0.5
        values = [mean + (0.5 if k % 2 else -0.5) for k in range(n)]
        return Scores(n, sum(values), sum(v * v for v in values))

    found = {c.group: c for c in compare_scores(
        {"men": group(60, 3.0), "women": group(40, 2.6), "few": group(4, 1.0),
         "small": group(12, 2.0)}, reference="men")}
    assert found["men"].difference is None
    women = found["women"].difference
    assert women.d == pytest.approx((2.6 - 3.0) / math.sqrt(
        (59 * group(60, 3.0).sd ** 2 + 39 * group(40, 2.6).sd ** 2) / 98))
    assert women.high < 0
    assert found["women"].flagged
    assert found["few"].withheld
    assert found["few"].difference is None
    small = found["small"]
    assert small.difference.high < 0  # the interval leaves zero out...
    assert not small.flagged  # ...but 12 scores are too few to flag
    assert min(women.first, women.second) >= MIN_COMPARED > small.difference.first
