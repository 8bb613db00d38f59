"""The outbox: mails written in the transaction of the change they tell of.

Nothing here sends: a mail is a row of notifications until delivery (delivery.py) takes it,
so a change rolled back leaves no mail, and a committed one is never lost. Each person chooses
which mails they get (preferences); the choice is read when the mail is written.

What the choices cover: ``panel`` the invitations to interviews, their moves and
cancellations; ``reminders`` the reminders of scorecards owed, and the copies of them sent to
an opening's hiring manager or HR contact; ``committee`` the news that an application is ready
for a decision. A cancellation or update of an interview someone was already invited to by
mail goes to them whatever they chose since, so that no stale event stays in their calendar.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app

from ..catalog.services import loop_of
from ..core.vocabulary import Role, ScorecardStatus
from ..extensions import db
from ..languages import N_
from ..models import (
    Application,
    Interview,
    Notification,
    NotificationPreference,
    User,
    UserRole,
    utcnow,
)
from ..proxy import external_url
from . import calendar

INVITATION, UPDATE, CANCELLATION = "invitation", "update", "cancellation"
REMINDER, COMMITTEE_READY = "reminder", "committee"
# Which preference each kind of mail answers to.
CHOICE = {INVITATION: "panel", UPDATE: "panel", CANCELLATION: "panel",
          REMINDER: "reminders", COMMITTEE_READY: "committee"}
# Marked for translation here, translated where the preferences page shows them.
CHOICES = {"panel": N_("Invitations to interviews, and their moves and cancellations"),
           "reminders": N_("Reminders of scorecards I owe, and copies of overdue ones for my "
                           "openings"),
           "committee": N_("Applications ready for the committee's decision")}
QUEUED_FLAG = "scorecards.notifications_queued"  # in Session.info: deliver after commit
# In Session.info: the session's owner delivers itself (the scheduler's tick), not each commit.
DELIVERS_ITSELF = "scorecards.notifications_delivered_by_owner"


def preferences(user: User) -> dict[str, bool]:
    """Return which mails the user gets, by choice (all of them until they choose)."""
    row = db.session.get(NotificationPreference, user.id)
    return {choice: row is None or getattr(row, choice) for choice in CHOICES}


def set_preferences(user: User, chosen: dict[str, bool]) -> None:
    """Store which mails the user gets, and commit."""
    row = db.session.get(NotificationPreference, user.id)
    if row is None:
        row = NotificationPreference(user_id=user.id)
        db.session.add(row)
    for choice in CHOICES:
        setattr(row, choice, bool(chosen.get(choice)))
    db.session.commit()


def wants(user: User, kind: str) -> bool:
    """Tell whether the user chose to get mails of this kind (and can still sign in)."""
    return user.active and preferences(user)[CHOICE[kind]]


def queue(kind: str, recipient: User, subject: str, body: str, *, cc: Iterable[str] = (),
          ics: str | None = None, method: str | None = None,
          application_id: int | None = None, interview_id: int | None = None,
          scorecard_id: int | None = None, now: datetime | None = None) -> Notification:
    """Add a mail to the outbox in the session's transaction; it goes once that commits."""
    found = Notification(kind=kind, recipient=recipient, cc=list(cc), subject=subject[:300],
                         body=body, calendar=ics, calendar_method=method if ics else None,
                         application_id=application_id, interview_id=interview_id,
                         scorecard_id=scorecard_id, next_attempt_at=now or utcnow())
    db.session.add(found)
    db.session.info[QUEUED_FLAG] = True
    return found


def link(endpoint: str, **values: object) -> str:
    """Return the address of a page, as mails give it (from PUBLIC_URL)."""
    return external_url(endpoint, **values)


def stage_name(interview: Interview) -> str:
    """Return the title of the interview's stage, as its loop names it."""
    try:
        return loop_of(interview.application.opening.loop_version).stage(interview.stage_key).title
    except KeyError:
        return interview.stage_key


def tell_panel(interview: Interview, *, invited: Iterable[User] = (),
               cancelled: Iterable[User] = (), moved: bool = False,
               whole: bool = False) -> None:
    """Queue the calendar mails a change of an interview calls for.

    invited are new on the panel (or back on it); cancelled are off it; moved tells that the
    time changed, so everyone else seated gets an update; whole tells that the interview itself
    is cancelled. The invitation's SEQUENCE is raised by any change others already hold. An
    interview that is over (one recorded after it took place) sends no invitation.
    """
    invited, cancelled = list(invited), list(cancelled)
    ends = interview.scheduled_at + timedelta(minutes=current_app.config["INTERVIEW_MINUTES"])
    over = ends <= utcnow()
    if over:  # recorded after it took place: no calendar needs it any more
        invited, moved = [], False
    if moved or cancelled:
        interview.calendar_sequence = (interview.calendar_sequence or 0) + 1
    fresh = {user.id for user in invited}
    for user in invited:
        if wants(user, INVITATION):
            _calendar_mail(interview, user, INVITATION)
    if moved:
        for scorecard in interview.scorecards:
            user = scorecard.interviewer
            if (scorecard.status != ScorecardStatus.WITHDRAWN and user.id not in fresh
                    and _told(interview, user, UPDATE)):
                _calendar_mail(interview, user, UPDATE)
    for user in cancelled:
        if _invited(interview, user) if over else _told(interview, user, CANCELLATION):
            _calendar_mail(interview, user, CANCELLATION, whole=whole)


def _told(interview: Interview, user: User, kind: str) -> bool:
    """Tell whether a follow-up goes: to whoever was invited by mail, or who wants them now."""
    return _invited(interview, user) or wants(user, kind)


def _invited(interview: Interview, user: User) -> bool:
    """Tell whether the user was sent an invitation to the interview (still in the outbox)."""
    return bool(db.session.scalar(sa.select(sa.exists().where(
        Notification.interview_id == interview.id, Notification.recipient_id == user.id,
        Notification.kind == INVITATION))))


def _calendar_mail(interview: Interview, user: User, kind: str, whole: bool = False) -> None:
    application = interview.application
    candidate, stage = application.candidate.name, stage_name(interview)
    opening = application.opening.title
    minutes = current_app.config["INTERVIEW_MINUTES"]
    start = interview.scheduled_at
    at = f"{start:%a %d %b %Y at %H:%M} UTC"
    seat = next((s for s in interview.scorecards if s.interviewer_id == user.id), None)
    scorecard_link = link("interviews.scorecard", scorecard_id=seat.id) if seat and seat.id \
        else None
    if kind == CANCELLATION:
        subject = f"Cancelled: interview with {candidate}, {stage}"
        said = ("The interview was cancelled." if whole else
                "You were taken off the panel of this interview.")
        body = (f"Hello {user.name},\n\n{said}\n\nCandidate: {candidate}\nOpening: {opening}\n"
                f"Stage: {stage}\nWas: {at}\n")
    else:
        subject = (f"Interview moved: {candidate}, {stage}" if kind == UPDATE
                   else f"Interview panel: {candidate}, {stage}")
        opening_line = ("The interview was moved." if kind == UPDATE
                        else "You are on the panel of an interview.")
        body = (f"Hello {user.name},\n\n{opening_line}\n\nWhen: {at} ({minutes} minutes)\n"
                f"Candidate: {candidate}\nOpening: {opening}\nStage: {stage}\n")
        if scorecard_link:
            body += f"\nYour scorecard: {scorecard_link}\n"
    host = urlsplit(external_url("home.index")).hostname or "localhost"
    method = calendar.CANCEL if kind == CANCELLATION else calendar.REQUEST
    ics = calendar.invitation(
        method=method, uid=calendar.interview_uid(interview.id, host),
        sequence=interview.calendar_sequence or 0, start=start, minutes=minutes,
        summary=f"Interview: {candidate}, {stage}", description=body,
        organizer=current_app.config.get("MAIL_FROM", "scorecards@localhost"),
        attendee=user.email, stamp=utcnow())
    queue(kind, user, subject, body, ics=ics, method=method, application_id=application.id,
          interview_id=interview.id, scorecard_id=seat.id if seat else None)


def application_ready(application: Application) -> int:
    """Tell the committee members who chose to hear of it that an application awaits them."""
    members = db.session.scalars(
        sa.select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.role == Role.COMMITTEE, User.active.is_(True))
        .order_by(User.id)).unique().all()
    candidate, opening = application.candidate.name, application.opening.title
    told = 0
    for member in members:
        if not wants(member, COMMITTEE_READY):
            continue
        queue(COMMITTEE_READY, member, f"Ready for a decision: {candidate}, {opening}",
              f"Hello {member.name},\n\nevery stage of {candidate}'s application to "
              f"{opening} has its scorecards in: it is ready for the committee's decision.\n\n"
              f"{link('committee.summary', application_id=application.id)}\n",
              application_id=application.id)
        told += 1
    return told

