"""Constraints the database itself enforces, on SQLite and PostgreSQL alike."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from scorecards.core.vocabulary import Role, Source
from scorecards.extensions import db
from scorecards.models import (
    Application,
    AuditEvent,
    Candidate,
    Interview,
    Rating,
    Scorecard,
    User,
    UserRole,
)


def fails(change) -> None:
    """Assert that the change, once committed, violates a constraint; then roll back."""
    with pytest.raises(IntegrityError):
        apply(change)
    db.session.rollback()


def apply(change) -> None:
    change()
    db.session.commit()


def test_one_scorecard_per_interviewer_per_interview(make_user, make_interview):
    ana = make_user()
    interview = make_interview(panel=[ana])
    fails(lambda: db.session.add(Scorecard(interview=interview, interviewer=ana)))


def test_the_same_interviewer_may_score_other_interviews(make_user, make_interview):
    ana = make_user()
    application = make_interview(panel=[ana]).application
    make_interview(application=application, stage="design", panel=[ana])
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Scorecard)) == 2


@pytest.mark.parametrize("score", [0, 5, -1])
def test_a_rating_outside_1_to_4_is_refused(make_user, make_interview, score):
    (scorecard,) = make_interview(panel=[make_user()]).scorecards
    fails(lambda: db.session.add(Rating(scorecard=scorecard, competency_key="code", score=score)))


@pytest.mark.parametrize("score", [1, 4, None])
def test_ratings_are_1_to_4_or_null_for_not_assessed(make_user, make_interview, score):
    (scorecard,) = make_interview(panel=[make_user()]).scorecards
    db.session.add(Rating(scorecard=scorecard, competency_key="code", score=score))
    db.session.commit()
    assert db.session.scalar(sa.select(Rating.score)) == score


def test_a_competency_is_rated_once_per_scorecard(make_user, make_interview):
    (scorecard,) = make_interview(panel=[make_user()]).scorecards
    db.session.add(Rating(scorecard=scorecard, competency_key="code", score=3))
    db.session.commit()
    fails(lambda: db.session.execute(sa.insert(Rating).values(
        scorecard_id=scorecard.id, competency_key="code", score=2)))


def test_a_submitted_scorecard_needs_a_recommendation(make_user, make_interview):
    (scorecard,) = make_interview(panel=[make_user()]).scorecards
    scorecard.status = "submitted"
    scorecard.submitted_at = datetime.now(UTC)
    fails(lambda: None)


def test_an_unknown_scorecard_status_is_refused(make_user, make_interview):
    (scorecard,) = make_interview(panel=[make_user()]).scorecards
    scorecard.status = "lost"
    fails(lambda: None)


def test_an_unknown_recommendation_is_refused(make_user, make_interview):
    (scorecard,) = make_interview(panel=[make_user()]).scorecards
    scorecard.recommendation = "maybe"
    fails(lambda: None)


def test_a_referral_names_its_referrer_and_only_a_referral_does(make_application):
    fails(lambda: make_application(source=Source.REFERRAL))
    fails(lambda: make_application(source=Source.APPLIED, referrer="Ana Souza"))
    application = make_application(source=Source.REFERRAL, referrer="Ana Souza")
    assert application.referrer == "Ana Souza"


def test_a_candidate_applies_to_an_opening_once(make_application):
    application = make_application()
    fails(lambda: db.session.add(Application(
        candidate=application.candidate, opening=application.opening, source="applied")))


def test_an_unknown_role_is_refused(make_user):
    user = make_user()
    fails(lambda: db.session.add(UserRole(user_id=user.id, role="superuser")))


def test_emails_are_unique_and_stored_lower_case(make_user):
    make_user(email="ana@example.com")
    fails(lambda: make_user(email="ana@example.com"))
    fails(lambda: make_user(email="Bob@Example.com"))


def test_an_interviewer_with_scorecards_cannot_be_deleted(make_user, make_interview):
    ana = make_user()
    make_interview(panel=[ana])
    fails(lambda: db.session.execute(sa.delete(User).where(User.id == ana.id)))


def test_a_candidate_with_applications_cannot_be_deleted(make_application):
    candidate_id = make_application().candidate_id
    fails(lambda: db.session.execute(sa.delete(Candidate).where(Candidate.id == candidate_id)))


def test_deleting_an_application_removes_its_interviews_scorecards_and_ratings(
        make_user, make_interview):
    (scorecard,) = make_interview(panel=[make_user()]).scorecards
    db.session.add(Rating(scorecard=scorecard, competency_key="code", score=3))
    db.session.commit()
    application_id = scorecard.interview.application_id
    db.session.expunge_all()
    db.session.execute(sa.delete(Application).where(Application.id == application_id))
    db.session.commit()
    for model in (Interview, Scorecard, Rating):
        assert db.session.scalar(sa.select(sa.func.count()).select_from(model)) == 0


def test_removing_a_user_keeps_their_audit_events_unattributed(make_user):
    user = make_user()
    db.session.add(AuditEvent(actor=user, action="user.add", object_type="users",
                              object_id=user.id, details={}))
    db.session.commit()
    user_id = user.id
    db.session.expunge_all()
    db.session.execute(sa.delete(User).where(User.id == user_id))
    db.session.commit()
    event = db.session.scalar(sa.select(AuditEvent))
    assert event.actor_id is None
    assert event.action == "user.add"


def test_times_are_stored_in_utc_and_read_back_aware(make_application, make_interview):
    stockholm = timezone(timedelta(hours=1))
    interview = make_interview(when=datetime(2026, 3, 2, 10, 0, tzinfo=stockholm))
    db.session.expire_all()
    scheduled = db.session.get(Interview, interview.id).scheduled_at
    assert scheduled == datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
    assert scheduled.utcoffset() == timedelta(0)


def test_naive_datetimes_are_refused(make_interview):
    with pytest.raises(sa.exc.StatementError, match="naive datetime"):
        make_interview(when=datetime(2026, 3, 2, 10, 0))  # noqa: DTZ001
    db.session.rollback()


def test_roles_are_held_as_a_set(make_user):
    user = make_user(Role.INTERVIEWER, Role.COMMITTEE)
    user.grant(Role.COMMITTEE)
    db.session.commit()
    assert user.roles == {Role.INTERVIEWER, Role.COMMITTEE}
    assert user.has_role(Role.COMMITTEE, Role.HR)
    assert not user.has_role(Role.ADMIN)
