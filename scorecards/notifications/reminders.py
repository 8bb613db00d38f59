"""Reminders of scorecards not submitted: queued by the scheduler, or by HR's button.

Each reminder is a row of scorecard_reminders, numbered per scorecard; the schedule
(core/reminders.py) is worked out from those rows, so running the scheduler twice, or two of
them at once, sends each reminder once: the second insert of the same number is refused by
the database.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload

from ..core.reminders import ago, escalates, next_reminder_at
from ..core.vocabulary import OWED_STATUSES
from ..extensions import db
from ..hr.services.candidates import CLOSING_STATUSES
from ..models import (
    Application,
    Interview,
    Opening,
    Scorecard,
    ScorecardReminder,
    User,
    utcnow,
)
from . import outbox


@dataclass(frozen=True)
class Schedule:
    """The reminder settings, as durations."""

    length: timedelta  # of an interview
    first: timedelta
    every: timedelta
    escalate: timedelta

    @classmethod
    def configured(cls) -> Schedule:
        """Return the schedule the app's settings give."""
        config = current_app.config
        return cls(timedelta(minutes=config["INTERVIEW_MINUTES"]),
                   timedelta(hours=config["SCORECARD_FIRST_REMINDER_HOURS"]),
                   timedelta(hours=config["SCORECARD_REMINDER_EVERY_HOURS"]),
                   timedelta(days=config["REMINDER_ESCALATE_DAYS"]))


class ReminderTooSoon(Exception):
    """Raised when a reminder would go sooner than the schedule allows."""


def _sent():
    """Return each scorecard's reminders: how many, and the last one's time."""
    return (sa.select(ScorecardReminder.scorecard_id,
                      sa.func.count().label("count"),
                      sa.func.max(ScorecardReminder.sent_at).label("last"))
            .group_by(ScorecardReminder.scorecard_id).subquery())


def last_reminders(scorecard_ids: list[int]) -> dict[int, tuple[int, datetime]]:
    """Return, for these scorecards, how many reminders went and when the last one did."""
    if not scorecard_ids:
        return {}
    rows = db.session.execute(
        sa.select(ScorecardReminder.scorecard_id, sa.func.count(),
                  sa.func.max(ScorecardReminder.sent_at))
        .where(ScorecardReminder.scorecard_id.in_(scorecard_ids))
        .group_by(ScorecardReminder.scorecard_id))
    return {scorecard: (count, _aware(last)) for scorecard, count, last in rows}


def _aware(moment: datetime | None) -> datetime | None:
    """Return an aggregate's time as UTC: max() over SQLite hands back naive text."""
    if isinstance(moment, str):
        moment = datetime.fromisoformat(moment)
    return moment.replace(tzinfo=UTC) if moment is not None and moment.tzinfo is None \
        else moment


def _owed(now: datetime, schedule: Schedule) -> sa.Select:
    sent = _sent()
    return (sa.select(Scorecard.id, Scorecard.interview_at, sent.c.last)
            .join(Scorecard.interview).join(Interview.application)
            .outerjoin(sent, sent.c.scorecard_id == Scorecard.id)
            .where(Scorecard.status.in_(OWED_STATUSES), Interview.cancelled_at.is_(None),
                   Application.status.not_in(CLOSING_STATUSES),
                   Scorecard.interview_at <= now - schedule.length - schedule.first)
            .order_by(Scorecard.interview_at, Scorecard.id))


def due_scorecards(now: datetime, schedule: Schedule | None = None) -> list[int]:
    """Return the scorecards whose next reminder is due at now, oldest interview first."""
    schedule = schedule or Schedule.configured()
    due = []
    for scorecard_id, interview_at, last in db.session.execute(_owed(now, schedule)):
        end = interview_at + schedule.length
        if next_reminder_at(end, _aware(last), first=schedule.first,
                            every=schedule.every) <= now:
            due.append(scorecard_id)
    return due


def _end_of(scorecard: Scorecard, schedule: Schedule) -> datetime:
    return scorecard.interview_at + schedule.length


def send_due_reminders(now: datetime | None = None) -> int:
    """Queue every reminder the schedule says is due; return how many were queued."""
    now = now or utcnow()
    schedule = Schedule.configured()
    queued = 0
    for scorecard_id in due_scorecards(now, schedule):
        try:
            remind(scorecard_id, now, schedule)
            db.session.commit()
        except (IntegrityError, ReminderTooSoon):  # another scheduler got there first
            db.session.rollback()
        else:
            queued += 1
    return queued


def remind(scorecard_id: int, now: datetime, schedule: Schedule | None = None, *,
           by: User | None = None) -> ScorecardReminder:
    """Record the scorecard's next reminder and queue its mail, in the session's transaction.

    Raise ReminderTooSoon when the schedule does not allow one yet, LookupError when the
    scorecard is not owed any more. by is the HR user who pressed the button, if any: their
    reminder goes whatever the interviewer chose to get, as they asked for it.
    """
    schedule = schedule or Schedule.configured()
    scorecard = db.session.scalar(
        sa.select(Scorecard).where(Scorecard.id == scorecard_id)
        .options(joinedload(Scorecard.interviewer), joinedload(Scorecard.interview)
                 .joinedload(Interview.application).joinedload(Application.opening)
                 .joinedload(Opening.contacts)))
    if scorecard is None or scorecard.status not in OWED_STATUSES \
            or scorecard.interview.cancelled:
        raise LookupError(f"Scorecard {scorecard_id} is not owed.")
    count, last = last_reminders([scorecard_id]).get(scorecard_id, (0, None))
    end = _end_of(scorecard, schedule)
    allowed = next_reminder_at(end, last, first=schedule.first, every=schedule.every)
    if now < allowed:
        raise ReminderTooSoon(
            (f"{scorecard.interviewer.name} was reminded {ago(last, now)}; " if last else
             "The interview has not ended long enough ago; ")
            + f"the next reminder may go from {allowed:%a %d %b %Y at %H:%M} UTC.")
    copied = _copied(scorecard, now, end, schedule)
    reminder = ScorecardReminder(scorecard_id=scorecard.id, number=count + 1, sent_at=now,
                                 escalated_to=[user.id for user in copied],
                                 by_id=by.id if by else None)
    db.session.add(reminder)
    db.session.flush()  # a race with another scheduler ends here, before any mail is queued
    _queue_mail(scorecard, copied, count + 1, now, forced=by is not None)
    return reminder


def _copied(scorecard: Scorecard, now: datetime, end: datetime,
            schedule: Schedule) -> list[User]:
    """Return who is copied on a reminder sent now: nobody until the escalation is due."""
    if not escalates(end, now, schedule.escalate):
        return []
    contacts = scorecard.interview.application.opening.contacts
    if contacts is None:
        return []
    for user in (contacts.hiring_manager, contacts.hr_contact):
        if user is not None and user.id != scorecard.interviewer_id:
            return [user] if outbox.wants(user, outbox.REMINDER) else []
    return []


def _queue_mail(scorecard: Scorecard, copied: list[User], number: int, now: datetime,
                forced: bool) -> None:
    interview = scorecard.interview
    application = interview.application
    candidate, stage = application.candidate.name, outbox.stage_name(interview)
    interviewer = scorecard.interviewer
    body = (f"Hello {interviewer.name},\n\n"
            f"your scorecard for {candidate} ({stage}, {application.opening.title}) is not in "
            f"yet. The interview was on {interview.scheduled_at:%a %d %b %Y at %H:%M} UTC. "
            "Please fill it in while you remember the interview:\n\n"
            f"{outbox.link('interviews.scorecard', scorecard_id=scorecard.id)}\n\n"
            f"This is reminder {number}.")
    if copied:
        body += (f" {', '.join(user.name for user in copied)} is copied, as the scorecard is "
                 "overdue.")
    subject = f"Scorecard overdue: {candidate}, {stage}"
    common = {"application_id": application.id, "interview_id": interview.id,
              "scorecard_id": scorecard.id, "now": now}
    if forced or outbox.wants(interviewer, outbox.REMINDER):
        outbox.queue(outbox.REMINDER, interviewer, subject, body,
                     cc=[user.email for user in copied], **common)
    else:  # the interviewer chose not to be reminded; whoever is copied still hears of it
        for user in copied:
            outbox.queue(outbox.REMINDER, user, subject, body, **common)
