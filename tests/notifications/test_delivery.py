"""Delivery and the scheduler: retries with back-off after an SMTP failure, one scheduler at a
time, committee mail, preferences, erasure and pruning of the outbox."""

import logging
import threading
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa

from scorecards.core.vocabulary import ApplicationStatus, Role
from scorecards.extensions import db
from scorecards.models import Notification, NotificationStatus, ScorecardReminder
from scorecards.notifications.delivery import deliver_due, prune_notifications
from scorecards.notifications.outbox import preferences, set_preferences
from scorecards.notifications.reminders import send_due_reminders
from scorecards.notifications.scheduler import release_lease, tick
from scorecards.privacy.services import erase_candidate
from tests.interviews.conftest import COMPLETE, form
from tests.notifications.conftest import body_of

HELD = (datetime.now(UTC) - timedelta(days=10)).replace(microsecond=0)
DUE = HELD + timedelta(hours=2)  # an hour after the interview's end


@pytest.fixture
def owed(interviewers, make_application, make_interview):
    """Return Ana's scorecard, not started, of an interview held at HELD."""
    interview = make_interview(make_application("Ada Lovelace"), stage="design",
                               panel=[interviewers[0]], when=HELD)
    return interview.scorecards[0]


def only() -> Notification:
    (found,) = db.session.scalars(sa.select(Notification)).all()
    db.session.refresh(found)
    return found


def test_a_refused_mail_is_retried_with_back_off_then_sent(inbox, owed, app, caplog):
    inbox.refuse = 2
    with caplog.at_level(logging.INFO, logger="scorecards"):
        tick("one", DUE, periodic=False)  # queued, and the first attempt refused
        mail = only()
        assert (mail.status, mail.attempts) == (NotificationStatus.QUEUED, 1)
        assert "451" in mail.last_error
        assert mail.next_attempt_at == DUE + timedelta(seconds=60)
        assert deliver_due(DUE + timedelta(seconds=59)) == 0  # not due yet
        assert deliver_due(DUE + timedelta(seconds=60)) == 0  # refused again
        mail = only()
        assert mail.next_attempt_at == DUE + timedelta(seconds=60 + 120)  # doubled
        assert deliver_due(DUE + timedelta(seconds=180)) == 1
    mail = only()
    assert (mail.status, mail.attempts, mail.last_error) == (NotificationStatus.SENT, 3, None)
    assert len(inbox.messages) == 1
    ours = "\n".join(r.getMessage() for r in caplog.records if r.name.startswith("scorecards"))
    assert f"notification {mail.id} (reminder) sent" in ours
    assert "Ada Lovelace" not in ours  # logs name mails by id
    assert "ana@example.com" not in ours


def test_a_mail_refused_every_time_fails_after_the_last_attempt(inbox, owed, app):
    app.config["NOTIFICATION_MAX_ATTEMPTS"] = 2
    inbox.refuse = 5
    tick("one", DUE, periodic=False)
    deliver_due(DUE + timedelta(hours=1))
    mail = only()
    assert (mail.status, mail.attempts) == (NotificationStatus.FAILED, 2)
    assert deliver_due(DUE + timedelta(days=1)) == 0
    assert inbox.messages == []


def test_two_schedulers_ticking_at_once_send_each_reminder_once(inbox, owed, app):
    start, acted = threading.Barrier(2), []

    def scheduler(name: str) -> None:
        with app.app_context():
            start.wait()
            acted.append(tick(name, DUE, periodic=False).acted)
            db.session.remove()

    threads = [threading.Thread(target=scheduler, args=(name,)) for name in ("a", "b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(acted) == [False, True]
    assert len(inbox.messages) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScorecardReminder)) == 1


def test_the_lease_passes_on_when_released_or_expired(app, owed, inbox):
    assert tick("a", DUE, periodic=False).acted
    assert not tick("b", DUE + timedelta(seconds=10), periodic=False).acted
    assert tick("a", DUE + timedelta(seconds=20), periodic=False).acted  # renewed
    lease = app.config["SCHEDULER_LEASE_SECONDS"]
    assert tick("b", DUE + timedelta(seconds=21 + lease), periodic=False).acted  # expired
    release_lease("b")
    assert tick("c", DUE + timedelta(seconds=22 + lease), periodic=False).acted
    assert len(inbox.messages) == 1  # each tick found the one reminder already recorded


def test_the_schedule_command_does_one_round_with_once(runner, owed, inbox, app):
    app.config["SCHEDULER_NIGHTLY_HOUR"] = 0
    result = runner.invoke(args=["jobs", "schedule", "--once"])
    assert result.exit_code == 0, result.output
    assert "Sent 1 mail(s); queued 1 reminder(s); ran prune, retention, summaries." \
        in result.output
    assert len(inbox.messages) == 1
    again = runner.invoke(args=["jobs", "schedule", "--once"])
    assert "Sent 0 mail(s); queued 0 reminder(s)." in again.output  # daily work done today


def test_the_committee_is_told_when_the_last_scorecard_of_the_last_stage_is_in(
        inbox, make_user, make_application, make_interview, submit, sign_in):
    ana, ben = make_user(name="Ana Souza"), make_user(name="Ben Carter")
    judge = make_user(Role.COMMITTEE, name="Johan Berg", email="johan@example.com")
    quiet = make_user(Role.COMMITTEE, name="Quiet One", email="quiet@example.com")
    set_preferences(quiet, {"panel": True, "reminders": True, "committee": False})
    application = make_application("Ada Lovelace")
    coding = make_interview(application, stage="coding", panel=[ana])
    design = make_interview(application, stage="design", panel=[ana, ben])
    submit(coding.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    submit(design.scorecards[0], {"understanding": 3, "approach": 3, "code": 3})
    application.status = ApplicationStatus.INTERVIEWING
    db.session.commit()
    assert inbox.messages == []
    last = design.scorecards[1]
    sign_in(ben).post(f"/scorecards/{last.id}", data=form(1, action="submit", **COMPLETE))
    db.session.expire_all()
    assert application.status == ApplicationStatus.COMMITTEE
    (message,) = inbox.to("johan@example.com")
    assert message["Subject"] == "Ready for a decision: Ada Lovelace, Backend Engineer, Test"
    assert f"https://cards.example.com/committee/applications/{application.id}" \
        in body_of(message)
    assert inbox.to("quiet@example.com") == []
    assert judge.active


def test_the_preferences_page_stores_each_choice(sign_in, make_user):
    ana = make_user(name="Ana Souza")
    client = sign_in(ana)
    page = client.get("/account/notifications")
    assert page.status_code == 200
    assert 'type="checkbox"' in page.text
    assert 'href="/account/settings"' in page.text  # the header's Account link
    assert 'href="/account/notifications"' in client.get("/account/settings").text
    response = client.post("/account/notifications", data={"panel": "y", "committee": "y"})
    assert response.headers["Location"] == "/account/notifications"
    db.session.expire_all()
    assert preferences(ana) == {"panel": True, "reminders": False, "committee": True}


def test_erasing_the_candidate_deletes_their_mails_and_reminders(inbox, owed, app):
    inbox.refuse = 1  # one mail stays queued, one is sent
    tick("one", DUE, periodic=False)
    tick("one", DUE + timedelta(days=1), periodic=False)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 2
    erase_candidate(None, owed.interview.application.candidate_id)
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScorecardReminder)) == 0


def test_sent_mails_are_pruned_after_the_keeping_days(inbox, owed):
    tick("one", DUE, periodic=False)
    assert prune_notifications(DUE + timedelta(days=29), 30) == 0
    assert prune_notifications(DUE + timedelta(days=31), 30) == 1


def test_a_second_scheduler_does_nothing_while_the_first_holds_the_lease(runner, owed, inbox):
    assert tick("first", datetime.now(UTC), periodic=False).acted
    sent = len(inbox.messages)
    db.session.execute(sa.delete(ScorecardReminder))  # as if the reminder were due again
    db.session.commit()
    result = runner.invoke(args=["jobs", "schedule", "--once"])
    assert result.exit_code == 0, result.output
    assert "Another scheduler holds the lease; waiting to take it over." in result.output
    assert len(inbox.messages) == sent
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScorecardReminder)) == 0


def test_two_rounds_racing_past_the_lease_still_record_each_reminder_once(inbox, owed, app):
    # As when a lease expired under a scheduler still at work: the database's unique
    # (scorecard, number) lets one of the two records through.
    start, queued = threading.Barrier(2), []

    def round_() -> None:
        with app.app_context():
            start.wait()
            queued.append(send_due_reminders(DUE))
            db.session.remove()

    threads = [threading.Thread(target=round_) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(queued) == [0, 1]
    assert db.session.scalar(sa.select(sa.func.count()).select_from(ScorecardReminder)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Notification)) == 1
