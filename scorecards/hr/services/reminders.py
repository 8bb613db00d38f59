"""Overdue scorecards: the list HR works from, and reminders mailed to whoever owes one."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa

from ... import audit
from ...authz import Action, Area, require
from ...catalog.services import loop_of
from ...core.vocabulary import OWED_STATUSES
from ...extensions import db
from ...models import (
    Application,
    Candidate,
    Interview,
    LoopVersion,
    Opening,
    Scorecard,
    ScorecardReminder,
    User,
    UTCDateTime,
)
from ...notifications.reminders import ReminderTooSoon, remind
from ...paging import Page, keyset_page
from .candidates import CLOSING_STATUSES
from .fields import PipelineError
from .openings import stage_title

OVERDUE = "overdue"  # the kind of the overdue list's cursors


@dataclass(frozen=True)
class OverdueRow:
    """A scorecard not submitted in time, with what a reminder needs to say."""

    scorecard_id: int
    interview_id: int
    application_id: int
    interviewer_name: str
    interviewer_email: str
    candidate: str
    opening: str
    stage: str
    scheduled_at: datetime
    hours_overdue: float
    last_reminded: datetime | None = None  # when the last reminder went, if one did


def overdue_scorecards(now: datetime, overdue_after: timedelta, *, limit: int = 50,
                       after: str | None = None, before: str | None = None) -> Page[OverdueRow]:
    """Return a page of the scorecards still owed overdue_after their interview, oldest first.

    Applications that were withdrawn or rejected, cancelled interviews and withdrawn drafts
    owe nothing. Paged by key: after continues below a page, before above it; either raises
    ValueError for a cursor this list never issued.
    """
    page = keyset_page(_overdue(now, overdue_after), (Scorecard.interview_at, Scorecard.id),
                       OVERDUE, limit=limit, after=after, before=before, descending=False)
    return replace(page, rows=_rows(page.rows, now, overdue_after))


# When the scorecard was last reminded of, read in the list's one query.
_LAST_REMINDED = sa.type_coerce(
    sa.select(sa.func.max(ScorecardReminder.sent_at))
    .where(ScorecardReminder.scorecard_id == Scorecard.id).scalar_subquery(), UTCDateTime)


def _overdue(now: datetime, overdue_after: timedelta) -> sa.Select:
    # Owed scorecards are a few thousand of the year's hundreds of thousands: a partial index
    # holds just them in the list's order, by the interview's time each keeps
    # (ix_scorecards_owed_interview_at), so a page is one walk of it from its cursor.
    return (
        sa.select(Scorecard.id, Interview.id, Application.id, User.name, User.email,
                  Candidate.name, Opening.title, Interview.stage_key, Scorecard.interview_at,
                  LoopVersion, _LAST_REMINDED)
        .join(Scorecard.interview).join(Interview.application)
        .join(Application.candidate).join(Application.opening).join(Opening.loop_version)
        .join(Scorecard.interviewer)
        .where(*overdue_conditions(now, overdue_after)))


def overdue_conditions(now: datetime, overdue_after: timedelta) -> tuple[sa.ColumnElement, ...]:
    """Return what makes a scorecard overdue, on scorecards, interviews and applications."""
    return (Scorecard.status.in_(OWED_STATUSES), Interview.cancelled_at.is_(None),
            Scorecard.interview_at <= now - overdue_after,
            Application.status.not_in(CLOSING_STATUSES))


def _rows(found: Iterable[sa.Row], now: datetime, overdue_after: timedelta) -> list[OverdueRow]:
    rows = []
    for (scorecard, interview, application, name, email, candidate, opening, stage_key, when,
         loop_version, last_reminded) in found:
        due = when + overdue_after
        rows.append(OverdueRow(scorecard, interview, application, name, email, candidate,
                               opening, stage_title(loop_of(loop_version), stage_key), when,
                               (now - due).total_seconds() / 3600,
                               last_reminded))
    return rows


def last_reminders(scorecard_ids: Iterable[int]) -> dict[int, datetime]:
    """Return when each of these scorecards was last reminded of; the others are left out."""
    ids = set(scorecard_ids)
    if not ids:
        return {}
    found = db.session.execute(
        sa.select(ScorecardReminder.scorecard_id, sa.func.max(ScorecardReminder.sent_at))
        .where(ScorecardReminder.scorecard_id.in_(ids)).group_by(ScorecardReminder.scorecard_id))
    return {scorecard_id: at for scorecard_id, at in found}


def reminder_text(row: OverdueRow, scorecard_url: str) -> str:
    """Return the text of a reminder to an interviewer who owes a scorecard."""
    return (f"Hello {row.interviewer_name},\n\n"
            f"your scorecard for {row.candidate} ({row.stage}, {row.opening}) is not in yet. "
            f"The interview was on {row.scheduled_at:%a %d %b %Y at %H:%M} UTC. Please fill "
            f"it in while you remember the interview:\n\n{scorecard_url}\n\nThank you.")


def send_reminder(actor: User, scorecard_id: int, now: datetime,
                  overdue_after: timedelta) -> OverdueRow:
    """Remind an interviewer of an overdue scorecard by mail, unless the schedule says too soon.

    The reminder is recorded with the scheduled ones, so the next scheduled reminder counts
    from it; the mail goes from the outbox once this commits.
    """
    require(actor, Action.VIEW, Area.PIPELINE)
    found = _rows(db.session.execute(_overdue(now, overdue_after).where(
        Scorecard.id == scorecard_id)), now, overdue_after)
    if not found:
        raise PipelineError(f"Scorecard {scorecard_id} is not overdue: it was submitted or "
                            "withdrawn, its interview cancelled, its application closed, or it "
                            "does not exist.")
    row = found[0]
    try:
        reminder = remind(scorecard_id, now, by=actor)
    except ReminderTooSoon as refused:
        db.session.rollback()
        raise PipelineError(f"No reminder sent: {refused}") from None
    audit.record(actor, "scorecard.nudged", db.session.get(Scorecard, scorecard_id),
                 to=row.interviewer_email, reminder=reminder.number,
                 hours_overdue=round(row.hours_overdue, 1))
    db.session.commit()
    return row


def overdue_count(now: datetime, overdue_after: timedelta) -> int:
    """Return how many scorecards are overdue now (the figure operators watch)."""
    # Only the tables the conditions name: the list's other joins would cost a scan here.
    return db.session.scalar(
        sa.select(sa.func.count()).select_from(Scorecard).join(Scorecard.interview)
        .join(Interview.application).where(*overdue_conditions(now, overdue_after)))
