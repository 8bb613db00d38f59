"""Fixtures of the analytics tests: a small hiring year to count."""

import random
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus, Role, ScorecardStatus, Source
from scorecards.extensions import db
from scorecards.hr.services.candidates import add_application, close_application
from scorecards.hr.services.scheduling import cancel_interview, schedule_interview
from scorecards.models import Rating

COMPETENCIES = ("understanding", "approach", "code", "testing")


@pytest.fixture
def year(make_user, make_application, make_interview, submit):
    """Return a small hiring year made through the services and a few direct edits.

    Panels of two or three score at random with some harsh and some lenient interviewers;
    some interviews are cancelled, some scorecards withdrawn, some applications closed,
    one score amended after submission.
    """
    rng = random.Random(12)
    hr = make_user(Role.HR)
    people = [make_user(name=f"Interviewer {i}") for i in range(6)]
    lean = {person.id: rng.choice((-1, 0, 0, 1)) for person in people}
    opening = make_application().opening
    when = datetime.now(UTC) - timedelta(days=30)
    for n in range(14):
        source = rng.choice(list(Source))
        application = add_application(
            hr, opening, f"Candidate {n}", source, email=f"c{n}@example.org",
            referrer="A colleague" if source == Source.REFERRAL else None).application
        for stage in rng.sample(["coding", "design"], rng.randint(0, 2)):
            interview = schedule_interview(hr, application, stage, when,
                                           rng.sample(people, rng.randint(2, 3)))
            if rng.random() < 0.15:
                cancel_interview(hr, interview)
                continue
            for scorecard in list(interview.scorecards):
                roll = rng.random()
                if roll < 0.1:
                    scorecard.status = ScorecardStatus.WITHDRAWN
                    db.session.commit()
                elif roll < 0.85:
                    scores = {key: min(4, max(1, rng.randint(2, 3) + lean[
                        scorecard.interviewer_id])) for key in COMPETENCIES[:3]}
                    scores["testing"] = rng.choice((None, 2, 3))
                    submit(scorecard, scores, rng.choice(("hire", "no_hire", "strong_hire")))
        if rng.random() < 0.2 and application.status != ApplicationStatus.DECIDED:
            close_application(hr, application, ApplicationStatus.REJECTED, "Not this time.")
    amended = db.session.scalars(sa.select(Rating).where(Rating.score == 3)).first()
    amended.score = 1
    db.session.commit()
    return opening
