"""Interviewer offsets from co-panelists, their shrinkage, and calibrated scores."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scorecards.core.calibration import (
    PRIOR_INTERVIEWS,
    Offset,
    calibrate,
    calibrated_ratings,
    offsets,
    shrink,
)
from scorecards.core.panel import PanelRating

LENIENT, FIRST, SECOND = 1, 2, 3


def rating(interview_id, interviewer_id, score, competency="design"):
    return PanelRating(interview_id, "onsite", interviewer_id, competency, score)


# The lenient interviewer scores one point above the two others, every time.
PANELS = [
    rating(10, LENIENT, 3), rating(10, FIRST, 2), rating(10, SECOND, 2),
    rating(20, LENIENT, 4), rating(20, FIRST, 3), rating(20, SECOND, 3),
    rating(10, LENIENT, 2, "coding"), rating(10, FIRST, 1, "coding"),
    rating(10, SECOND, None, "coding"),
]


def panel_ratings(highest_score_of_lenient=4):
    """Return a strategy of ratings with unique (interview, competency, interviewer)."""
    return st.dictionaries(
        st.tuples(st.integers(1, 4), st.sampled_from(["design", "coding"]), st.integers(1, 4)),
        st.none() | st.integers(1, 4),
        max_size=30,
    ).map(lambda scores: [
        rating(interview_id, interviewer_id,
               min(score, highest_score_of_lenient)
               if score is not None and interviewer_id == LENIENT else score,
               competency)
        for (interview_id, competency, interviewer_id), score in scores.items()
    ])


def test_an_interviewer_always_a_point_above_the_panel_has_an_offset_of_one():
    result = offsets(PANELS)
    assert result[LENIENT] == Offset(LENIENT, raw=1.0, shrunk=pytest.approx(2 / 7), ratings=3,
                                     shared_interviews=2)
    # FIRST: 2 - (3 + 2) / 2, 3 - (4 + 3) / 2, and 1 - 2 on coding, which SECOND left out.
    assert result[FIRST] == Offset(FIRST, raw=pytest.approx(-2 / 3),
                                   shrunk=pytest.approx(-2 / 3 * 2 / 7), ratings=3,
                                   shared_interviews=2)
    assert result[SECOND] == Offset(SECOND, raw=-0.5, shrunk=pytest.approx(-1 / 7), ratings=2,
                                    shared_interviews=2)


def test_an_interviewer_with_no_co_panelist_has_no_offset():
    assert offsets([rating(10, LENIENT, 3), rating(20, FIRST, 2)]) == {}


@pytest.mark.parametrize(("raw", "shared_interviews", "shrunk"), [
    (1.0, 0, 0.0),
    (1.0, PRIOR_INTERVIEWS, 0.5),
    (-2.0, 45, -1.8),
    (0.0, 3, 0.0),
])
def test_shrinkage_keeps_more_of_the_offset_the_more_interviews_it_rests_on(
        raw, shared_interviews, shrunk):
    assert shrink(raw, shared_interviews) == pytest.approx(shrunk)


def test_shrinkage_refuses_a_negative_count():
    with pytest.raises(ValueError, match="cannot be negative"):
        shrink(1.0, -1)


@pytest.mark.parametrize(("score", "offset", "calibrated"), [
    (3, 1.0, 2.0),
    (3, -0.5, 3.5),
    (4, -0.5, 4.0),
    (1, 0.7, 1.0),
    (2, 0.0, 2.0),
])
def test_calibration_takes_the_offset_out_and_stays_on_the_scale(score, offset, calibrated):
    assert calibrate(score, offset) == pytest.approx(calibrated)


def test_calibrated_ratings_use_the_shrunk_offset_and_leave_not_assessed_alone():
    stranger = rating(30, 99, 2)
    result = calibrated_ratings([*PANELS, stranger], offsets(PANELS))
    assert [rating for rating, _ in result] == [*PANELS, stranger]
    calibrated = [score for _, score in result]
    assert calibrated[0] == pytest.approx(3 - 2 / 7)
    assert calibrated[2] == pytest.approx(2 + 1 / 7)
    assert calibrated[-2] is None
    assert calibrated[-1] == 2.0


@given(st.lists(st.tuples(st.integers(2, 3), st.lists(st.integers(0, 1), max_size=2)),
                min_size=1, max_size=6))
def test_an_interviewer_who_always_agrees_with_the_panel_has_no_offset(panels):
    ratings = []
    for interview_id, (consensus, spreads) in enumerate(panels):
        ratings.append(rating(interview_id, LENIENT, consensus))
        ratings.append(rating(interview_id, FIRST, consensus))
        # Co-panelists who disagree do so symmetrically, so their mean stays the consensus.
        for number, spread in enumerate(spreads):
            ratings.append(rating(interview_id, 10 + 2 * number, consensus - spread))
            ratings.append(rating(interview_id, 11 + 2 * number, consensus + spread))
    assert offsets(ratings)[LENIENT].raw == 0.0
    assert offsets(ratings)[LENIENT].shrunk == 0.0


@given(panel_ratings(highest_score_of_lenient=3))
def test_one_point_more_on_every_score_raises_the_raw_offset_by_one(ratings):
    ratings = [rating(0, LENIENT, 2), rating(0, FIRST, 3), *ratings]  # at least one shared
    before = offsets(ratings)
    raised = [rating(r.interview_id, r.interviewer_id, r.score + 1, r.competency)
              if r.interviewer_id == LENIENT and r.score is not None else r for r in ratings]
    assert offsets(raised)[LENIENT].raw == pytest.approx(before[LENIENT].raw + 1)


@given(panel_ratings())
def test_the_shrunk_offset_lies_between_zero_and_the_raw_offset(ratings):
    ratings = [rating(0, LENIENT, 2), rating(0, FIRST, 3), *ratings]  # at least one shared
    found = offsets(ratings)
    assert {LENIENT, FIRST} <= set(found)
    for offset in found.values():
        assert min(0.0, offset.raw) <= offset.shrunk <= max(0.0, offset.raw)
        assert 1 <= offset.shared_interviews <= offset.ratings


@given(st.floats(-3, 3), st.integers(0, 1000), st.floats(0, 100))
def test_shrink_never_moves_an_offset_away_from_zero_or_across_it(raw, shared, prior):
    assert min(0.0, raw) <= shrink(raw, shared, prior) <= max(0.0, raw)


@given(panel_ratings(), st.randoms(use_true_random=False))
def test_the_order_of_the_ratings_does_not_change_the_offsets(ratings, random):
    shuffled = ratings[:]
    random.shuffle(shuffled)
    assert offsets(shuffled) == offsets(ratings)


@given(panel_ratings(), st.integers(1, 4), st.integers(1, 4),
       st.sampled_from([(99, "design"), (1, "leadership")]))
def test_a_score_nobody_else_gave_is_ignored(ratings, interviewer_id, score, unit):
    interview_id, competency = unit
    lone = rating(interview_id, interviewer_id, score, competency)
    assert offsets([*ratings, lone]) == offsets(ratings)
