"""Interviewers' scoring habits: each figure by hand, its interval, and when it is flagged."""

import math

import numpy as np
import pytest

from scorecards.core.habits import (
    MIN_SCORECARDS,
    Figure,
    Sheets,
    contradictions,
    habits,
    halo,
    median_delay,
    middle,
    on_time,
    spread,
)

NA = np.nan


def sheets(rows, passing=None, delay=None):
    """Return Sheets from (rater, [scores]) rows."""
    raters = np.array([rater for rater, _ in rows])
    scores = np.array([scores for _, scores in rows], dtype=float)
    return Sheets(raters, scores,
                  np.array(passing if passing is not None else [0] * len(rows)),
                  np.array(delay if delay is not None else [1.0] * len(rows), dtype=float))


def test_the_share_of_inner_levels_counts_ratings_not_scorecards():
    found = middle(sheets([(0, [2, 3, 4]), (0, [1, NA, NA]), (1, [2, 2, 3])]))
    assert found[0].value == pytest.approx(2 / 4)
    assert found[1].value == 1.0
    assert found[0].norm == pytest.approx(5 / 7)
    assert found[0].scorecards == 2


def test_the_spread_within_a_scorecard_is_the_standard_deviation_of_its_ratings():
    found = spread(sheets([(0, [1, 3, NA]), (0, [2, 2, 2]), (0, [4, NA, NA])]))
    # [1, 3] has deviation 1, [2, 2, 2] 0, and a single rating has none to measure.
    assert found[0].value == pytest.approx(0.5)
    assert found[0].scorecards == 2


def test_a_recommendation_against_most_ratings_is_a_contradiction():
    rows = [(0, [1, 2, 3]), (0, [3, 4, 1]), (0, [1, 1, 4]), (0, [2, 3, NA])]
    # hire over two lows of three; no hire over two highs; no hire over lows; hire over a tie
    found = contradictions(sheets(rows, passing=[1, -1, -1, 1]))
    assert found[0].value == pytest.approx(2 / 4)


def test_on_time_and_the_median_delay():
    rows = [(0, [3]), (0, [3]), (0, [3]), (1, [2])]
    found = sheets(rows, delay=[2.0, 30.0, 10.0, 50.0])
    assert on_time(found, 24)[0].value == pytest.approx(2 / 3)
    assert on_time(found, 24)[1].value == 0.0
    assert median_delay(found) == [10.0, 50.0]


def test_halo_is_the_mean_correlation_between_competencies():
    rng = np.random.default_rng(4)
    level = rng.normal(size=200)
    # Rater 0 lets one impression set every rating; rater 1 rates each competency apart.
    steady = np.stack([level + rng.normal(0, 0.2, 200) for _ in range(3)], axis=1)
    apart = rng.normal(size=(200, 3))
    found = halo(Sheets(np.repeat([0, 1], 200), np.vstack([steady, apart]),
                        np.zeros(400), np.zeros(400)))
    expected = np.mean([np.corrcoef(steady[:, a], steady[:, b])[0, 1]
                        for a, b in ((0, 1), (0, 2), (1, 2))])
    assert found[0].value == pytest.approx(expected, abs=0.01)
    assert abs(found[1].value) < 0.15
    assert found[0].flagged
    assert found[0].value > found[0].norm
    assert found[1].flagged
    assert found[1].value < found[1].norm


def test_a_habit_is_flagged_only_when_its_interval_leaves_the_norm_out_on_enough_scorecards():
    assert Figure(0.9, 0.8, 0.95, 0.5, MIN_SCORECARDS).flagged
    assert not Figure(0.9, 0.4, 0.95, 0.5, MIN_SCORECARDS).flagged
    assert not Figure(0.9, 0.8, 0.95, 0.5, MIN_SCORECARDS - 1).flagged
    assert not Figure(None, None, None, 0.5, 50).flagged


def test_the_interval_of_a_share_covers_the_truth_about_as_often_as_it_says():
    rng = np.random.default_rng(9)
    covered = 0
    for _ in range(400):
        # 40 scorecards of 4 ratings, each rating inner with probability 0.6
        scores = np.where(rng.random((40, 4)) < 0.6, 2.0, 4.0)
        found = middle(Sheets(np.zeros(40, dtype=int), scores, np.zeros(40), np.zeros(40)))[0]
        covered += found.low <= 0.6 <= found.high
    assert 0.91 < covered / 400 < 0.98


def test_a_lenient_or_central_interviewer_is_flagged_and_an_ordinary_one_is_not():
    rng = np.random.default_rng(2)
    rows = []
    for rater in range(12):
        for _ in range(30):
            if rater == 0:  # never commits: 2s and 3s only
                scores = rng.choice([2, 3], 4)
            else:
                scores = rng.choice([1, 2, 3, 4], 4, p=[0.15, 0.35, 0.35, 0.15])
            rows.append((rater, list(scores)))
    found = habits(sheets(rows, passing=[1] * len(rows), delay=[3.0] * len(rows)), 24)
    assert found["middle"][0].flagged
    assert sum(figure.flagged for figure in found["middle"][1:]) <= 1
    assert found["on_time"][0].value == 1.0
    document = found["middle"][0].to_document()
    assert document["flagged"] is True
    assert set(document) == {"value", "low", "high", "norm", "scorecards", "flagged"}
    assert all(isinstance(document[k], float) for k in ("value", "low", "high", "norm"))
    assert not any(math.isnan(document[k]) for k in ("value", "low", "high", "norm"))
