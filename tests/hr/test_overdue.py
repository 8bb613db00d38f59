"""Overdue scorecards: the list HR works from, and reminders sent and recorded."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.extensions import db
from scorecards.hr.services import mail, scheduling
from scorecards.models import AuditEvent, Interview, Scorecard


@pytest.fixture
def late(make_user, make_application, make_interview):
    """Return Ana's scorecard of an interview held two days ago, not started."""
    ana = make_user(name="Ana Souza", email="ana@example.com")
    interview = make_interview(make_application("Ada Lovelace"), stage="design", panel=[ana],
                               when=datetime.now(UTC) - timedelta(days=2))
    return interview.scorecards[0]


def test_the_list_shows_who_owes_what_with_a_reminder_to_copy(hr, late, make_interview,
                                                                make_user):
    make_interview(panel=[make_user(name="On Time")], when=datetime.now(UTC) - timedelta(hours=1))
    html = hr.get("/hr/overdue").text
    assert "Ana Souza" in html
    assert "ana@example.com" in html
    assert "On Time" not in html
    assert "Hello Ana Souza,\n\nyour scorecard for Ada Lovelace (Design, Backend Engineer, " \
           "Test) is not in yet." in html
    assert f"http://localhost/scorecards/{late.id}" in html
    assert "24 hours" in html  # two days less the 24-hour window


def test_a_reminder_goes_through_the_log_sender_and_is_recorded(hr, app, late, hr_user):
    response = hr.post(f"/hr/overdue/{late.id}/reminder")
    assert response.headers["Location"] == "/hr/overdue"
    (sent,) = mail.sender().sent
    assert sent.to == "ana@example.com"
    assert sent.characters > 0  # what it said is not kept: it names the candidate
    event = db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "scorecard.nudged"))
    assert (event.actor_id, event.object_id, event.details["to"]) == (hr_user.id, late.id,
                                                                      "ana@example.com")
    assert "Reminder sent to Ana Souza (ana@example.com)." in hr.get("/hr/overdue").text


def test_a_submitted_scorecard_gets_no_reminder(hr, late, submit):
    submit(late, {"understanding": 3})
    response = hr.post(f"/hr/overdue/{late.id}/reminder", follow_redirects=True)
    assert f"Scorecard {late.id} is not overdue" in response.text
    assert list(mail.sender().sent) == []
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "scorecard.nudged")) is None


def test_a_reminder_is_a_post_for_hr_only(late, make_user, sign_in):
    client = sign_in(make_user())
    assert client.post(f"/hr/overdue/{late.id}/reminder").status_code == 404
    assert list(mail.sender().sent) == []


def test_an_unknown_mail_sender_is_named(config):
    from scorecards import create_app

    app = create_app({**config, "MAIL_SENDER": "pigeon"})
    with app.app_context(), pytest.raises(ValueError, match="MAIL_SENDER is 'pigeon'"):
        mail.sender()


def test_the_list_is_paged_longest_overdue_first(hr, make_user, make_application,
                                                 make_interview, monkeypatch):
    from scorecards.hr.views import overdue

    monkeypatch.setattr(overdue, "PAGE_SIZE", 2)
    ana = make_user(name="Ana Souza")
    for days in (3, 5, 4):
        make_interview(make_application(f"Overdue {days} days"), panel=[ana],
                       when=datetime.now(UTC) - timedelta(days=days))
    first = hr.get("/hr/overdue").text
    assert first.index("Overdue 5 days") < first.index("Overdue 4 days")
    assert "Overdue 3 days" not in first
    older = re.search(r'href="([^"]*after=[^"]*)" rel="next"', first)
    second = hr.get(older[1].replace("&amp;", "&")).text
    assert "Overdue 3 days" in second
    assert "Overdue 5 days" not in second
    assert hr.get("/hr/overdue?after=bm9wZQ").status_code == 400


def _times(interview) -> set[datetime]:
    """Return the interview times its scorecards keep, as stored."""
    db.session.expire_all()
    return set(db.session.scalars(sa.select(Scorecard.interview_at)
                                  .where(Scorecard.interview_id == interview.id)))


def test_a_moved_interview_takes_its_scorecards_off_the_list_and_back(hr, hr_user, late,
                                                                       make_user):
    interview = late.interview
    ahead = (datetime.now(UTC) + timedelta(days=3)).replace(microsecond=0)
    ben = make_user(name="Ben Okafor", email="ben@example.com")
    scheduling.change_interview(hr_user, interview, scheduled_at=ahead,
                                panel=[late.interviewer, ben])
    assert _times(interview) == {ahead}  # the one there and the one added with the move
    assert "Ana Souza" not in hr.get("/hr/overdue").text
    back = (datetime.now(UTC) - timedelta(days=3)).replace(microsecond=0)
    scheduling.change_interview(hr_user, db.session.get(Interview, interview.id),
                                scheduled_at=back)
    assert _times(interview) == {back}
    html = hr.get("/hr/overdue").text
    assert "Ana Souza" in html
    assert "Ben Okafor" in html


def test_an_interview_moved_past_the_services_moves_its_scorecards(hr, late):
    # As a bulk update or a hand-made fix would: the database keeps the copies right.
    ahead = (datetime.now(UTC) + timedelta(days=1)).replace(microsecond=0)
    db.session.execute(sa.update(Interview).where(Interview.id == late.interview_id)
                       .values(scheduled_at=ahead))
    db.session.commit()
    assert _times(late.interview) == {ahead}
    assert "Ana Souza" not in hr.get("/hr/overdue").text


@pytest.mark.parametrize("page", ["application", "interview"])
def test_the_application_and_interview_pages_offer_a_reminder_with_when_the_last_went(
        hr, late, page):
    path = {"application": f"/hr/applications/{late.interview.application_id}",
            "interview": f"/hr/interviews/{late.interview_id}"}[page]
    html = hr.get(path).text
    assert "Not reminded yet" in html
    assert f'action="/hr/overdue/{late.id}/reminder"' in html
    response = hr.post(f"/hr/overdue/{late.id}/reminder", data={"back": path})
    assert response.headers["Location"] == path
    html = hr.get(path).text
    assert "Reminder sent to Ana Souza (ana@example.com)." in html
    assert re.search(r'<p class="muted last-reminded">Last reminded <time datetime="[^"]+" '
                     r'title="[^"]+ UTC">just now</time></p>',
                     html)


def test_a_scorecard_not_overdue_has_no_reminder_button(hr, make_user, make_interview):
    interview = make_interview(panel=[make_user()], when=datetime.now(UTC) - timedelta(hours=1))
    assert "Send reminder" not in hr.get(f"/hr/applications/{interview.application_id}").text


@pytest.mark.parametrize("back", ["https://elsewhere.example/", "//elsewhere.example/hr/",
                                  "/hr/openings/test-opening", "/hr/applications/x", ""])
def test_a_reminder_comes_back_only_to_an_application_or_interview_page(hr, late, back):
    response = hr.post(f"/hr/overdue/{late.id}/reminder", data={"back": back})
    assert response.headers["Location"] == "/hr/overdue"
