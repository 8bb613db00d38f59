"""Inter-rater reliability of interview panels: ICCs, Krippendorff's alpha, panel agreement."""

import krippendorff
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards.core.agreement import (
    LEVELS_OF_MEASUREMENT,
    icc,
    krippendorff_alpha,
)
from scorecards.core.panel import PanelRating
from scorecards.core.scale import LEVELS

# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges; their Table 4 gives the six
# coefficients.
SHROUT_FLEISS = [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9],
                 [6, 2, 4, 7]]


def coefficients(result):
    return (result.icc1_1, result.icc2_1, result.icc3_1, result.icc1_k, result.icc2_k,
            result.icc3_k)


def same_coefficients(first, second):
    for one, other in zip(coefficients(first), coefficients(second), strict=True):
        assert (one is None) == (other is None)
        if one is not None:
            assert one == pytest.approx(other, abs=1e-9)


def rating(interview_id, interviewer_id, score, competency="design"):
    return PanelRating(interview_id, "onsite", interviewer_id, competency, score)


matrices = st.integers(2, 8).flatmap(lambda raters: st.lists(
    st.lists(st.integers(0, 10), min_size=raters, max_size=raters), min_size=2, max_size=8))

panel_ratings = st.dictionaries(
    st.tuples(st.integers(1, 5), st.sampled_from(["design", "coding", "culture"]),
              st.integers(1, 6)),
    st.none() | st.integers(1, 4),
    max_size=40,
).map(lambda scores: [PanelRating(interview_id, "onsite", interviewer_id, competency, score)
                      for (interview_id, competency, interviewer_id), score in scores.items()])


# Krippendorff (2011), "Computing Krippendorff's alpha-reliability", section C: 4 observers,
# 12 units, values 1-5, with gaps; alpha at each level of measurement as published.
KRIPPENDORFF = [[1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
                [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
                [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
                [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None]]
KRIPPENDORFF_ALPHAS = {"nominal": 0.743, "ordinal": 0.815, "interval": 0.849, "ratio": 0.797}


def units_of(rows) -> dict:
    """Return an observers x units matrix (None for a gap) as the units' values by rater."""
    return {unit: {rater: row[unit] for rater, row in enumerate(rows) if row[unit] is not None}
            for unit in range(len(rows[0]))}


def test_icc_matches_shrout_and_fleiss_table_4():
    result = icc(SHROUT_FLEISS)
    assert (result.targets, result.raters) == (6, 4)
    assert [round(value, 2) for value in coefficients(result)] == \
        [0.17, 0.29, 0.71, 0.44, 0.62, 0.91]


def test_perfect_agreement_gives_an_icc_of_one():
    result = icc([[1, 1, 1], [3, 3, 3], [2, 2, 2], [4, 4, 4]])
    assert coefficients(result) == (1.0,) * 6


def test_an_icc_with_a_zero_denominator_is_undefined_not_a_division_by_zero():
    assert coefficients(icc([[3, 3], [3, 3], [3, 3]])) == (None,) * 6
    # Targets alike, raters apart: no variation between targets for ICC(3,1) to explain.
    assert icc([[1.1, 2.2], [1.1, 2.2]]).icc3_1 is None
    # Two raters exactly reversed on two targets: the ICC(2,1) denominator cancels out.
    assert coefficients(icc([[1, 2], [2, 1]]))[:3] == (-1.0, None, -1.0)


@pytest.mark.parametrize("level", LEVELS_OF_MEASUREMENT)
def test_alpha_matches_krippendorffs_own_example_at_every_level(level):
    alpha = krippendorff_alpha(units_of(KRIPPENDORFF), level)
    assert round(alpha, 3) == KRIPPENDORFF_ALPHAS[level]


def test_alpha_refuses_an_unknown_level_of_measurement():
    with pytest.raises(ValueError, match="no level of measurement 'ordinl'"):
        krippendorff_alpha(units_of(KRIPPENDORFF), "ordinl")


@given(st.lists(st.lists(st.none() | st.integers(1, 7), min_size=6, max_size=6),
                min_size=2, max_size=5), st.sampled_from(LEVELS_OF_MEASUREMENT), st.randoms())
def test_renumbering_or_reordering_raters_and_units_changes_no_alpha(rows, level, random):
    units = units_of(rows)
    alpha = krippendorff_alpha(units, level)
    names = dict(enumerate(random.sample(range(1000, 2000), len(rows))))  # other ids
    shuffled = list(units.items())
    random.shuffle(shuffled)
    renamed = {f"unit {unit}": {names[rater]: value for rater, value in
                                random.sample(list(values.items()), len(values))}
               for unit, values in shuffled}
    again = krippendorff_alpha(renamed, level)
    assert (alpha is None) == (again is None)
    if alpha is not None:
        assert again == pytest.approx(alpha, abs=1e-12)


@pytest.mark.parametrize(("matrix", "message"), [
    ([[1, 2, 3]], "at least 2 targets"),
    ([], "at least 2 targets"),
    ([[1], [2]], "at least 2 raters"),
    ([[1, 2], [3]], "row 1 has 1 ratings"),
    ([[1, 2], [3, None]], "row 1 has a missing rating"),
    ([[1, 2], [3, float("nan")]], "missing"),
])
def test_icc_refuses_a_matrix_that_is_too_small_ragged_or_incomplete(matrix, message):
    with pytest.raises(ValueError, match=message):
        icc(matrix)


@given(matrices, st.randoms(use_true_random=False))
def test_the_order_of_targets_and_raters_does_not_change_the_icc(matrix, random):
    shuffled = [row[:] for row in matrix]
    random.shuffle(shuffled)
    columns = list(range(len(matrix[0])))
    random.shuffle(columns)
    shuffled = [[row[column] for column in columns] for row in shuffled]
    same_coefficients(icc(matrix), icc(shuffled))


@given(matrices, st.integers(-100, 100) | st.floats(-1000, 1000))
def test_adding_a_constant_to_every_rating_does_not_change_the_icc(matrix, constant):
    same_coefficients(icc(matrix), icc([[value + constant for value in row] for row in matrix]))


def test_alpha_is_one_when_raters_agree_on_every_unit():
    assert krippendorff_alpha({"a": {1: 1, 2: 1}, "b": {1: 3, 2: 3, 3: 3}}) == 1.0


def test_alpha_is_below_zero_when_raters_disagree_more_than_chance():
    # Pairable values 1, 1, 2, 2; every observed pair is a disagreement: 1 - 16 / (32 / 3).
    assert krippendorff_alpha({"a": {1: 1, 2: 2}, "b": {1: 1, 2: 2}}) == pytest.approx(-0.5)


def test_a_score_without_a_second_rater_does_not_count_toward_alpha():
    paired = {"a": {1: 1, 2: 2}, "b": {1: 4, 2: 4}}
    assert krippendorff_alpha(paired | {"c": {3: 1}}) == krippendorff_alpha(paired)


@pytest.mark.parametrize("units", [
    {},
    {"a": {1: 2, 2: 3}},  # one unit: the package says 0.0, which means nothing
    {"a": {1: 2, 2: 3}, "b": {1: 4}},
    {"a": {1: 3, 2: 3}, "b": {1: 3, 2: 3}},  # the package divides 0 by 0 here
    {"a": {1: 3, 2: 3}, "b": {1: 3, 2: 3}, "c": {1: 1}},
])
def test_alpha_is_undefined_without_two_paired_units_or_any_variation(units):
    assert krippendorff_alpha(units) is None


def test_alpha_refuses_a_score_off_a_given_scale_and_reads_any_scale_without_one():
    with pytest.raises(ValueError, match=r"unit 'a' has values \[5\] outside \[1, 2, 3, 4\]"):
        krippendorff_alpha({"a": {1: 5, 2: 4}, "b": {1: 1, 2: 1}}, scale=LEVELS)
    assert krippendorff_alpha({"a": {1: 5, 2: 5}, "b": {1: 1, 2: 1}}) == 1.0


@given(st.lists(st.lists(st.none() | st.integers(1, 4), min_size=6, max_size=6),
                min_size=2, max_size=5))
def test_alpha_from_score_counts_equals_alpha_from_the_raters_by_units_matrix(rows):
    units = {unit: {rater: row[unit] for rater, row in enumerate(rows) if row[unit] is not None}
             for unit in range(6)}
    alpha = krippendorff_alpha(units, scale=LEVELS)
    if alpha is not None:
        reliability_data = [[np.nan if score is None else score for score in row] for row in rows]
        expected = krippendorff.alpha(reliability_data=reliability_data, value_domain=[1, 2, 3, 4],
                                      level_of_measurement="ordinal")
        assert alpha == pytest.approx(expected)
        assert krippendorff_alpha(units) == pytest.approx(expected)  # the scale given or not
