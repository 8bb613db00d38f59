"""The rules a scorecard must meet to be submitted, and how its answers are described."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from scorecards.core.rubric import Rubric
from scorecards.core.scorecard import (
    Answers,
    Contradiction,
    RatingAnswer,
    display_status,
    find_contradiction,
    review_submission,
    too_early_to_submit,
)
from scorecards.core.vocabulary import Recommendation, ScorecardStatus

RUBRIC = Rubric.model_validate(yaml.safe_load(
    (Path(__file__).parents[1] / "data/rubrics/test-coding.yaml").read_text()))
REQUIRED = ("understanding", "approach", "code")


def answers(recommendation=Recommendation.HIRE, **ratings) -> Answers:
    ratings = {"understanding": 3, "approach": 3, "code": 3} | ratings
    return Answers(
        ratings={key: value if isinstance(value, RatingAnswer) else RatingAnswer(score=value)
                 for key, value in ratings.items() if value is not None},
        recommendation=recommendation,
    )


def problem_fields(review) -> set[tuple[str, ...]]:
    return {problem.field for problem in review.problems}


def test_a_complete_scorecard_passes_review():
    review = review_submission(RUBRIC, answers())
    assert review.ok
    assert review.warnings == ()


@pytest.mark.parametrize("key", REQUIRED)
def test_every_required_competency_needs_an_answer(key):
    review = review_submission(RUBRIC, answers(**{key: None}))
    assert problem_fields(review) == {(key, "score")}


def test_an_optional_competency_may_be_left_blank():
    assert review_submission(RUBRIC, answers(testing=None)).ok


def test_not_assessed_needs_a_reason_on_a_required_competency():
    blank = review_submission(RUBRIC, answers(code=RatingAnswer(not_assessed=True)))
    assert problem_fields(blank) == {("code", "evidence")}
    reasoned = answers(code=RatingAnswer(not_assessed=True, evidence="Ran out of time."))
    assert review_submission(RUBRIC, reasoned).ok


def test_not_assessed_needs_no_reason_on_an_optional_competency():
    assert review_submission(RUBRIC, answers(testing=RatingAnswer(not_assessed=True))).ok


@pytest.mark.parametrize(("score", "needs_evidence"), [(1, True), (2, False), (3, False),
                                                       (4, True)])
def test_the_extreme_ratings_need_evidence(score, needs_evidence):
    review = review_submission(RUBRIC, answers(approach=RatingAnswer(score=score),
                                               recommendation=None))
    assert (("approach", "evidence") in problem_fields(review)) == needs_evidence
    with_evidence = answers(approach=RatingAnswer(score=score, evidence="Derived O(n log n)."))
    assert review_submission(RUBRIC, with_evidence).ok


def test_whitespace_is_not_evidence():
    review = review_submission(RUBRIC, answers(code=RatingAnswer(score=4, evidence="  \n ")))
    assert problem_fields(review) == {("code", "evidence")}


def test_an_overall_recommendation_is_required():
    assert problem_fields(review_submission(RUBRIC, answers(recommendation=None))) == \
        {("recommendation",)}


def test_problems_name_the_competency_they_are_about():
    (problem,) = review_submission(RUBRIC, answers(approach=None)).problems
    assert problem.message.startswith("Approach:")


@pytest.mark.parametrize(("recommendation", "scores", "warned"), [
    (Recommendation.STRONG_HIRE, (1, 2, 2, 3), True),
    (Recommendation.STRONG_HIRE, (2, 2, 3, 3), False),  # half is not most
    (Recommendation.STRONG_NO_HIRE, (3, 4, 3, 2), True),
    (Recommendation.STRONG_NO_HIRE, (1, 2, 3), False),
    (Recommendation.HIRE, (1, 1, 1, 1), False),
    (Recommendation.NO_HIRE, (4, 4, 4, 4), False),
])
def test_a_recommendation_against_most_ratings_is_a_warning_not_an_error(recommendation, scores,
                                                                          warned):
    evidence = {key: RatingAnswer(score=s, evidence="seen") for key, s in
                zip(("understanding", "approach", "code", "testing"), scores, strict=False)}
    review = review_submission(RUBRIC, Answers(ratings=evidence, recommendation=recommendation))
    assert review.ok
    assert bool(review.warnings) == warned


def test_not_assessed_ratings_do_not_count_toward_a_contradiction():
    ratings = {"understanding": RatingAnswer(score=2), "approach": RatingAnswer(score=3),
               "code": RatingAnswer(score=3),
               "testing": RatingAnswer(not_assessed=True, evidence="no time")}
    review = review_submission(RUBRIC, Answers(ratings, Recommendation.STRONG_HIRE))
    assert review.warnings == ()


@pytest.mark.parametrize(("recommendation", "scores", "found"), [
    (Recommendation.STRONG_HIRE, (1, 2, 3), Contradiction(Recommendation.STRONG_HIRE, 2, 3, 2.0)),
    (Recommendation.STRONG_NO_HIRE, (4, 3, 1, 3),
     Contradiction(Recommendation.STRONG_NO_HIRE, 3, 4, 2.75)),
    (Recommendation.STRONG_HIRE, (1, 3, 3), None),
    (Recommendation.NO_HIRE, (4, 4, 4), None),
])
def test_a_contradiction_carries_the_numbers_its_warning_names(recommendation, scores, found):
    ratings = dict(zip(("understanding", "approach", "code", "testing"), scores, strict=False))
    given = answers(recommendation, **ratings)
    assert find_contradiction(RUBRIC, given) == found
    warnings = review_submission(RUBRIC, given).warnings
    assert warnings == ((found.message,) if found else ())


def test_answers_round_trip_through_their_document_without_blank_ratings():
    original = Answers(ratings={"code": RatingAnswer(score=2, evidence="ok"),
                                "testing": RatingAnswer()},
                       recommendation=Recommendation.NO_HIRE, takeaways="t", private_note="p")
    document = original.to_document()
    assert set(document["ratings"]) == {"code"}
    again = Answers.from_document(document)
    assert again.to_document() == document
    assert again.rating("testing") == RatingAnswer()


@pytest.mark.parametrize("bad", [{"score": 0}, {"score": 5}, {"score": 3, "not_assessed": True}])
def test_a_rating_answer_cannot_hold_an_impossible_value(bad):
    with pytest.raises(ValueError, match="score|both"):
        RatingAnswer(**bad)


NOW = datetime(2026, 11, 25, 12, tzinfo=UTC)


@pytest.mark.parametrize(("status", "hours_ago", "shown"), [
    (ScorecardStatus.NOT_STARTED, 23, "not_started"),
    (ScorecardStatus.NOT_STARTED, 24, "overdue"),
    (ScorecardStatus.DRAFT, 30, "overdue"),
    (ScorecardStatus.SUBMITTED, 300, "submitted"),
    (ScorecardStatus.NOT_STARTED, -5, "not_started"),
])
def test_a_scorecard_is_overdue_once_the_window_after_its_interview_passes(status, hours_ago,
                                                                             shown):
    scheduled = NOW - timedelta(hours=hours_ago)
    assert display_status(status, scheduled, NOW, timedelta(hours=24)) == shown


@pytest.mark.parametrize(("starts_in", "early", "refused"), [
    (timedelta(hours=3), timedelta(minutes=15), True),
    (timedelta(minutes=16), timedelta(minutes=15), True),
    (timedelta(minutes=15), timedelta(minutes=15), False),
    (timedelta(minutes=1), timedelta(0), True),
    (timedelta(0), timedelta(0), False),
    (timedelta(days=-2), timedelta(minutes=15), False),
])
def test_a_scorecard_is_submitted_from_the_start_of_its_interview_less_the_margin(
        starts_in, early, refused):
    problem = too_early_to_submit(NOW + starts_in, NOW, early)
    assert (problem is not None) == refused
    if refused:
        assert (problem.starts_at, problem.opens_at) == (NOW + starts_in, NOW + starts_in - early)


def test_the_reason_for_refusing_an_early_submission_names_both_times():
    problem = too_early_to_submit(NOW + timedelta(days=3), NOW, timedelta(minutes=15))
    assert problem.message == ("The interview starts Sat 28 Nov 2026, 12:00 UTC, and its "
                               "scorecard can be submitted from Sat 28 Nov 2026, 11:45 UTC.")
