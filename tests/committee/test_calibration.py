"""Calibration offsets computed by the database agree with the pure reference computation."""

import random

import pytest

from scorecards.committee.services import calibration, panels
from scorecards.core.calibration import offsets
from scorecards.core.panel import flatten
from scorecards.core.vocabulary import ApplicationStatus


@pytest.fixture
def history(make_user, make_application, make_interview, submit):
    """Return interviewers who sat on random panels together, some far harsher than others."""
    rng = random.Random(7)
    people = [make_user(name=f"Interviewer {i}") for i in range(5)]
    harshness = {person.id: rng.choice((-1, 0, 0, 1)) for person in people}
    applications = []
    for _ in range(8):
        application = make_application()
        panel = rng.sample(people, rng.randint(2, 3))
        interview = make_interview(application, stage="design", panel=panel)
        for scorecard in list(interview.scorecards):
            scores = {key: min(4, max(1, rng.randint(2, 3) + harshness[scorecard.interviewer_id]))
                      for key in ("understanding", "approach", "code")}
            scores["testing"] = None  # not assessed: left out on both sides
            submit(scorecard, scores)
        application.status = ApplicationStatus.COMMITTEE
        applications.append(application.id)
    return people, applications


def test_the_database_offsets_equal_the_reference_computation(history):
    people, applications = history
    ratings = flatten(card for cards in panels(applications).values() for card in cards)
    expected = offsets(ratings)
    found = calibration(person.id for person in people)
    assert set(found) == set(expected)
    for who, offset in expected.items():
        assert found[who].raw == pytest.approx(offset.raw)
        assert found[who].shrunk == pytest.approx(offset.shrunk)
        assert (found[who].ratings, found[who].shared_interviews) == \
            (offset.ratings, offset.shared_interviews)


def test_no_interviewers_means_no_query_and_no_offsets():
    assert calibration([]) == {}
