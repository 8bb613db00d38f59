"""Reminders of scorecards not submitted: one hour after the interview ends, then daily, the
hiring manager copied from day N; each recorded, never more often than the schedule allows."""

import re
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import Role
from scorecards.extensions import db
from scorecards.models import OpeningContacts, ScorecardReminder
from scorecards.notifications.outbox import set_preferences
from scorecards.notifications.reminders import send_due_reminders
from tests.notifications.conftest import body_of

# Held ten days ago, so every "now" of these tests is in the past and mail goes at once.
HELD = (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)
END = HELD + timedelta(minutes=60)


@pytest.fixture
def owed(interviewers, make_application, make_interview, make_user):
    """Return Ana's scorecard, not started, of an interview held at HELD; Maya manages."""
    ana, _ben = interviewers
    application = make_application("Ada Lovelace")
    manager = make_user(Role.INTERVIEWER, name="Maya Manager", email="maya@example.com")
    application.opening.contacts = OpeningContacts(hiring_manager=manager)
    db.session.commit()
    interview = make_interview(application, stage="design", panel=[ana], when=HELD)
    return interview.scorecards[0]


def reminders() -> list[ScorecardReminder]:
    return list(db.session.scalars(sa.select(ScorecardReminder)
                                   .order_by(ScorecardReminder.number)))


def test_the_schedule_is_an_hour_after_the_end_then_daily_then_copied(inbox, owed):
    assert send_due_reminders(END + timedelta(minutes=59)) == 0
    assert send_due_reminders(END + timedelta(hours=1)) == 1
    assert send_due_reminders(END + timedelta(hours=1)) == 0  # the tick ran twice
    assert send_due_reminders(END + timedelta(hours=24, minutes=59)) == 0
    assert send_due_reminders(END + timedelta(hours=25)) == 1
    assert send_due_reminders(END + timedelta(days=3)) == 1  # the escalation day
    first, second, third = inbox.to("ana@example.com")
    assert first["Subject"] == "Scorecard overdue: Ada Lovelace, Design"
    assert f"https://cards.example.com/scorecards/{owed.id}" in body_of(first)
    assert first["Cc"] is None
    assert second["Cc"] is None
    assert third["Cc"] == "maya@example.com"
    assert inbox.messages[-1][0] == ["ana@example.com", "maya@example.com"]
    assert "Maya Manager is copied" in body_of(third)
    assert [(r.number, r.escalated_to, r.by_id) for r in reminders()] == [
        (1, [], None), (2, [], None), (3, [owed.interview.application.opening.contacts
                                          .hiring_manager_id], None)]


def test_a_submitted_scorecard_is_not_reminded_of(inbox, owed, submit):
    submit(owed, {"understanding": 3})
    assert send_due_reminders(END + timedelta(days=2)) == 0
    assert inbox.messages == []


def test_an_interviewer_who_opted_out_is_not_mailed_but_the_copy_still_goes(
        inbox, owed, interviewers):
    ana, _ben = interviewers
    set_preferences(ana, {"panel": True, "reminders": False, "committee": True})
    assert send_due_reminders(END + timedelta(hours=1)) == 1
    assert inbox.messages == []
    assert send_due_reminders(END + timedelta(days=3)) == 1
    ((recipients, message),) = inbox.messages
    assert recipients == ["maya@example.com"]
    assert message["To"] == "maya@example.com"


def test_hr_nudging_too_soon_is_refused_and_the_list_says_when_the_last_went(
        inbox, owed, hr_user, sign_in):
    now = datetime.now(UTC)
    assert send_due_reminders(now - timedelta(hours=2)) == 1
    hr = sign_in(hr_user)
    response = hr.post(f"/hr/overdue/{owed.id}/reminder", follow_redirects=True)
    assert "No reminder sent: Ana Souza was reminded 2 h ago; the next reminder may go " \
           "from" in response.text
    assert len(inbox.messages) == 1
    assert len(reminders()) == 1
    assert re.search(r"Last reminded <time [^>]*>2 hours ago</time>", hr.get("/hr/overdue").text)


def test_hr_nudging_when_due_records_the_reminder_and_moves_the_schedule(
        inbox, owed, hr_user, sign_in):
    response = sign_in(hr_user).post(f"/hr/overdue/{owed.id}/reminder")
    assert response.status_code == 302
    (reminder,) = reminders()
    assert reminder.by_id == hr_user.id
    assert len(inbox.to("ana@example.com")) == 1
    # The next scheduled one counts from the nudge: not before a day has passed.
    assert send_due_reminders(reminder.sent_at + timedelta(hours=23)) == 0
