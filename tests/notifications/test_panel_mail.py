"""Panel mail: an invitation with its .ics when someone is put on a panel, an update with a
higher SEQUENCE when the interview moves, a cancellation when it is cancelled or they leave."""

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.extensions import db
from scorecards.hr.services.scheduling import (
    InterviewConflict,
    cancel_interview,
    change_interview,
    schedule_interview,
)
from scorecards.jobs.queue import rq_queue
from scorecards.models import Notification, NotificationStatus
from scorecards.notifications.outbox import set_preferences
from tests.jobs.test_rq import REDIS_TEST_URL
from tests.notifications.conftest import body_of, event_of, invitation

WHEN = (datetime.now(UTC) + timedelta(days=7)).replace(hour=14, minute=0, second=0,
                                                       microsecond=0)


def test_a_panelist_gets_an_invitation_with_the_interview_and_a_calendar_request(
        inbox, hr_user, interviewers, make_application):
    ana, ben = interviewers
    application = make_application("Ada Lovelace")
    interview = schedule_interview(hr_user, application, "design", WHEN, [ana, ben])
    (message,) = inbox.to("ana@example.com")
    assert message["Subject"] == "Interview panel: Ada Lovelace, Design"
    assert message["From"] == "scorecards@example.com"
    body = body_of(message)
    assert f"{WHEN:%a %d %b %Y at %H:%M} UTC" in body
    assert "Candidate: Ada Lovelace" in body
    assert "Stage: Design" in body
    seat = next(s for s in interview.scorecards if s.interviewer_id == ana.id)
    assert f"https://cards.example.com/scorecards/{seat.id}" in body
    method, calendar = invitation(message)
    assert method == "REQUEST" == str(calendar["method"])
    event = event_of(calendar)
    assert str(event["uid"]) == f"interview-{interview.id}@cards.example.com"
    assert event["sequence"] == 0
    assert event.decoded("dtstart") == WHEN
    assert event.decoded("dtstart").utcoffset() == timedelta(0)
    assert event.decoded("dtend") == WHEN + timedelta(minutes=60)
    assert str(event["attendee"]) == "mailto:ana@example.com"
    assert len(inbox.to("ben@example.com")) == 1
    assert set(db.session.scalars(sa.select(Notification.status))) == {NotificationStatus.SENT}


def test_moving_an_interview_sends_an_update_with_the_same_uid_and_a_higher_sequence(
        inbox, hr_user, interviewers, make_application):
    ana, ben = interviewers
    interview = schedule_interview(hr_user, make_application("Ada Lovelace"), "design", WHEN,
                                   [ana, ben])
    later = WHEN + timedelta(days=1, hours=2)
    change_interview(hr_user, interview, scheduled_at=later)
    first, update = inbox.to("ana@example.com")
    assert update["Subject"] == "Interview moved: Ada Lovelace, Design"
    method, calendar = invitation(update)
    assert method == "REQUEST"
    before, after = event_of(invitation(first)[1]), event_of(calendar)
    assert after["uid"] == before["uid"]
    assert after["sequence"] == before["sequence"] + 1 == 1
    assert after.decoded("dtstart") == later
    assert len(inbox.to("ben@example.com")) == 2


def test_cancelling_sends_a_cancel_and_leaving_the_panel_cancels_for_that_person_only(
        inbox, hr_user, interviewers, make_user, make_application):
    ana, ben = interviewers
    interview = schedule_interview(hr_user, make_application("Ada Lovelace"), "design", WHEN,
                                   [ana, ben])
    change_interview(hr_user, interview, panel=[ana])
    _invited, left = inbox.to("ben@example.com")
    method, calendar = invitation(left)
    assert method == "CANCEL" == str(calendar["method"])
    assert left["Subject"] == "Cancelled: interview with Ada Lovelace, Design"
    assert "taken off the panel" in body_of(left)
    assert len(inbox.to("ana@example.com")) == 1  # Ana's invitation stands
    cancel_interview(hr_user, interview)
    _invited, cancelled = inbox.to("ana@example.com")
    method, calendar = invitation(cancelled)
    event = event_of(calendar)
    assert method == "CANCEL"
    assert str(event["status"]) == "CANCELLED"
    assert event["sequence"] == 2  # above the removal's, which was above the invitation's
    assert "The interview was cancelled." in body_of(cancelled)


def test_someone_who_opted_out_gets_no_invitation_but_still_the_cancellation_of_one_sent(
        inbox, hr_user, interviewers, make_application):
    ana, ben = interviewers
    set_preferences(ben, {"panel": False, "reminders": True, "committee": True})
    interview = schedule_interview(hr_user, make_application("Ada Lovelace"), "design", WHEN,
                                   [ana, ben])
    assert inbox.to("ben@example.com") == []
    set_preferences(ana, {"panel": False, "reminders": True, "committee": True})
    cancel_interview(hr_user, interview)
    assert inbox.to("ben@example.com") == []  # never invited by mail: nothing to cancel
    assert [invitation(m)[0] for m in inbox.to("ana@example.com")] == ["REQUEST", "CANCEL"]


def test_a_change_rolled_back_leaves_no_mail(inbox, hr_user, interviewers, make_application,
                                             submit):
    ana, ben = interviewers
    interview = schedule_interview(hr_user, make_application("Ada Lovelace"), "design",
                                   datetime.now(UTC) + timedelta(minutes=5), [ana, ben])
    submit(interview.scorecards[0], {"understanding": 3})
    with pytest.raises(InterviewConflict):  # a scorecard is submitted
        cancel_interview(hr_user, interview)
    assert len(inbox.messages) == 2  # the invitations, and no cancellation
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 2


def test_an_interview_recorded_after_it_took_place_sends_no_calendar_mail(
        inbox, hr_user, interviewers, make_application):
    interview = schedule_interview(hr_user, make_application("Ada Lovelace"), "design",
                                   datetime.now(UTC) - timedelta(hours=3), interviewers)
    cancel_interview(hr_user, interview)
    assert inbox.messages == []


def test_with_rq_the_mail_goes_when_a_worker_takes_the_delivery_job(
        inbox, app, hr_user, interviewers, make_application, monkeypatch):
    from redis import Redis
    from redis.exceptions import ConnectionError
    from rq import SimpleWorker

    app.config.update(JOBS_BACKEND="rq", REDIS_URL=REDIS_TEST_URL,
                      JOBS_QUEUE=f"notifications-test-{uuid.uuid4().hex[:8]}")
    try:
        Redis.from_url(REDIS_TEST_URL).ping()
    except ConnectionError:  # as tests/jobs/test_rq.py: an in-process stand-in
        import fakeredis

        server = fakeredis.FakeServer()
        monkeypatch.setattr(Redis, "from_url", classmethod(
            lambda cls, url, **kwargs: fakeredis.FakeRedis(server=server)))
    queue = rq_queue(app)
    try:
        schedule_interview(hr_user, make_application("Ada Lovelace"), "design", WHEN,
                           interviewers[:1])
        assert inbox.messages == []  # queued in Redis, not sent by the request
        assert queue.count == 1
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
        assert len(inbox.to("ana@example.com")) == 1
    finally:
        queue.delete(delete_jobs=True)
        queue.connection.close()
