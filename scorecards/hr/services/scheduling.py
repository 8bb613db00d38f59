"""Interviews and their panels: scheduling a stage, changing, cancelling and annotating it.

Each use case checks authorization, runs in one transaction and records an audit event that
names no candidate. A submitted scorecard pins its interview: from then on it is neither
moved nor cancelled, and whoever submitted stays on its panel; only a note can be added.
A panelist taken off a panel, or whose interview is cancelled, keeps a draft as withdrawn
(theirs to read, counted nowhere); a scorecard not started goes with the seat.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from ... import audit
from ...authz import Action, require
from ...catalog.services import latest_rubric_version, loop_of
from ...core.errors import Conflict
from ...core.pipeline import SCORING_STATUSES, IllegalMove, status_from_scoring, transition
from ...core.schedule import interview_time_problem
from ...core.scorecard import display_status
from ...core.vocabulary import ApplicationStatus, Role, ScorecardStatus
from ...extensions import db
from ...models import Application, Interview, Opening, Scorecard, User, utcnow
from ...notifications import outbox
from .candidates import FINAL_STATUSES
from .fields import PipelineError, optional

MAX_NOTE = 500


class InterviewConflict(PipelineError, Conflict):
    """Raised when an interview cannot change as asked in the state it is in.

    reason names the state: "pinned" (a scorecard of it is submitted), "closed" (it was
    cancelled, or its application is closed), "status" (its application cannot move as the
    change would move it) or "busy" (a panelist wrote at the same moment).
    """

    def __init__(self, message: str, reason: str, field: str | None = None):
        super().__init__(message, field)
        self.reason = reason


@dataclass(frozen=True)
class InterviewChange:
    """What a change did to an interview and its panel, for HR to be told."""

    interview: Interview
    moved_from: datetime | None = None  # the time before a move
    added: tuple[User, ...] = ()  # new panelists, each with a new scorecard
    restored: tuple[User, ...] = ()  # back on the panel, with the draft withdrawn from them
    withdrawn: tuple[User, ...] = ()  # whose draft was withdrawn, and kept for them
    removed: tuple[User, ...] = ()  # taken off the panel with a scorecard not started
    status: tuple[str, str] | None = None  # the application's status, before and after

    @property
    def changed(self) -> bool:
        """Tell whether anything was stored."""
        return bool(self.moved_from or self.added or self.restored or self.withdrawn
                    or self.removed or self.status)


class PanelRefused(PipelineError):
    """Raised when a panel names people who cannot sit on it; unknown lists who are no users."""

    def __init__(self, message: str, unknown: list[str]):
        super().__init__(message, "panel")
        self.unknown = unknown  # emails of nobody yet, whom an admin could invite


def find_interviewers(emails: list[str], seated: Iterable[User] = ()) -> list[User]:
    """Return the active interviewers with these emails, in the order given.

    Every email that names nobody, a deactivated user or someone who does not interview
    is reported in one PipelineError. Those already seated on the panel (seated) may stay
    on it as they are, deactivated since or not.
    """
    wanted = [email.strip().lower() for email in emails if email and email.strip()]
    if not wanted:
        raise PipelineError("Name at least one interviewer for the panel.", "panel")
    kept = {user.email: user for user in seated}
    found = kept | {user.email: user for user in db.session.scalars(
        sa.select(User).where(User.email.in_(set(wanted) - set(kept)))).unique()}
    problems = []
    for email in dict.fromkeys(wanted):
        user = found.get(email)
        if email in kept:
            continue
        if user is None:
            problems.append(f"{email} is not a user")
        elif not user.active:
            problems.append(f"{email} is deactivated")
        elif not user.has_role(Role.INTERVIEWER):
            problems.append(f"{email} is not an interviewer")
    if problems:
        raise PanelRefused("Panel: " + "; ".join(problems) + ".",
                           [email for email in dict.fromkeys(wanted) if email not in found])
    return [found[email] for email in wanted]


def schedule_interview(actor: User, application: Application, stage_key: str,
                       scheduled_at: datetime, panel: list[User]) -> Interview:
    """Schedule one stage of the application's loop with a panel, one scorecard each.

    The interview is scored with the newest version of the stage's rubric. Past times are
    accepted, for interviews recorded after they took place, within five years of now either
    way.
    """
    require(actor, Action.MANAGE, application)
    if application.status in FINAL_STATUSES:
        raise PipelineError(f"The application of {application.candidate.name} is "
                            f"{application.status}; no more interviews are scheduled.")
    loop = loop_of(application.opening.loop_version)
    try:
        stage = loop.stage(stage_key)
    except KeyError:
        known = ", ".join(s.key for s in loop.stages)
        raise PipelineError(f"Unknown stage '{stage_key}' in loop '{loop.key}': its stages "
                            f"are {known}.", "stage") from None
    rubric_version = latest_rubric_version(stage.rubric)
    if rubric_version is None:
        raise PipelineError(f"Stage '{stage.key}' uses rubric '{stage.rubric}', which is not "
                            "stored; run flask rubrics sync.", "stage")
    _check_time(scheduled_at)
    _check_panel(panel)
    interview = Interview(application=application, stage_key=stage.key,
                          rubric_version=rubric_version,
                          scheduled_at=scheduled_at.astimezone(UTC))
    for interviewer in panel:
        interview.scorecards.append(Scorecard(interviewer=interviewer))
    db.session.add(interview)
    if application.status == ApplicationStatus.APPLIED:
        application.status = transition(application.status, ApplicationStatus.INTERVIEWING)
    db.session.flush()
    outbox.tell_panel(interview, invited=panel)
    audit.record(actor, "interview.scheduled", interview, application_id=application.id,
                 stage=stage.key, scheduled_at=interview.scheduled_at.isoformat(),
                 panel=[user.id for user in panel])
    db.session.commit()
    return interview


def _check_time(scheduled_at: datetime) -> None:
    problem = interview_time_problem(scheduled_at, utcnow())
    if problem:
        raise PipelineError(problem, "scheduled_at")


def _check_panel(panel: list[User], seated: Iterable[User] = ()) -> None:
    if not panel:
        raise PipelineError("Name at least one interviewer for the panel.", "panel")
    seen: set[int] = {user.id for user in seated}
    named: set[int] = set()
    for user in panel:
        if user.id in named:
            raise PipelineError(f"Panel: {user.email} is named twice.", "panel")
        named.add(user.id)
        if user.id not in seen and (not user.active or not user.has_role(Role.INTERVIEWER)):
            raise PipelineError(f"Panel: {user.email} is not an active interviewer.", "panel")


def scorecard_state(scorecard: Scorecard, now: datetime, overdue_after: timedelta) -> str:
    """Return the state of a scorecard as its pages show it (overdue and cancelled included)."""
    interview = scorecard.interview
    return display_status(ScorecardStatus(scorecard.status), interview.scheduled_at, now,
                          overdue_after, cancelled=interview.cancelled)


def load_interview(interview_id: int) -> Interview | None:
    """Return an interview with its application, candidate, loop and panel, in a few queries."""
    return db.session.scalar(
        sa.select(Interview).where(Interview.id == interview_id)
        .options(joinedload(Interview.application).joinedload(Application.candidate),
                 joinedload(Interview.application).joinedload(Application.opening)
                 .joinedload(Opening.loop_version),
                 selectinload(Interview.scorecards).joinedload(Scorecard.interviewer),
                 joinedload(Interview.cancelled_by), joinedload(Interview.noted_by)))


def seated(interview: Interview) -> list[User]:
    """Return the interview's panel: who holds a scorecard that is not withdrawn."""
    return [s.interviewer for s in interview.scorecards
            if s.status != ScorecardStatus.WITHDRAWN]


def change_interview(actor: User, interview: Interview, *, scheduled_at: datetime | None = None,
                     panel: list[User] | None = None) -> InterviewChange:
    """Move an interview, or give it a new panel (all of it, in order), in one transaction.

    A new panelist gets a scorecard; one put back on the panel gets their withdrawn draft
    back; one taken off keeps a draft as withdrawn and loses a scorecard not started. An
    interview with a submitted scorecard keeps its time, and its submitted panelists; a
    refused change stores nothing.
    """
    application = interview.application
    require(actor, Action.MANAGE, application)
    _check_open(interview)
    moved_from = None
    if scheduled_at is not None and scheduled_at != interview.scheduled_at:
        _check_time(scheduled_at)
        _refuse_if_pinned(interview, "moved", "scheduled_at")
        moved_from = interview.scheduled_at
    change = _panel_change(interview, panel, moved_from)
    if not change.changed:
        return change
    added, restored, withdrawn, removed = (change.added, change.restored, change.withdrawn,
                                           change.removed)
    seats = {s.interviewer_id: s for s in interview.scorecards}
    with _one_transaction():
        if moved_from is not None:
            interview.scheduled_at = scheduled_at.astimezone(UTC)
        for user in added:
            interview.scorecards.append(Scorecard(interviewer=user))
        for user in restored:
            seats[user.id].status = ScorecardStatus.DRAFT
        for user in withdrawn:
            seats[user.id].status = ScorecardStatus.WITHDRAWN
        for user in removed:
            interview.scorecards.remove(seats[user.id])  # deleted, as an orphan
        db.session.flush()
        outbox.tell_panel(interview, invited=(*added, *restored),
                          cancelled=(*withdrawn, *removed), moved=moved_from is not None)
        audit.record(actor, "interview.changed", interview, application_id=application.id,
                     **({"scheduled_at": interview.scheduled_at.isoformat(),
                         "moved_from": moved_from.isoformat()} if moved_from else {}),
                     **{name: [user.id for user in users] for name, users in (
                         ("added", added), ("restored", restored), ("withdrawn", withdrawn),
                         ("removed", removed)) if users})
    return change


def _panel_change(interview: Interview, panel: list[User] | None,
                  moved_from: datetime | None) -> InterviewChange:
    """Return who joins, comes back to, and leaves the panel; refuse a submitted one leaving."""
    if panel is None:
        return InterviewChange(interview, moved_from)
    current = seated(interview)
    _check_panel(panel, current)
    seats = {s.interviewer_id: s for s in interview.scorecards}
    staying = {user.id for user in panel}
    leaving = [seats[user.id] for user in current if user.id not in staying]
    for seat in leaving:
        if seat.status == ScorecardStatus.SUBMITTED:
            raise InterviewConflict(f"{seat.interviewer.name} cannot leave the panel: their "
                                    "scorecard is submitted and counts. Add a note to the "
                                    "interview instead.", "pinned", "panel")
    return InterviewChange(
        interview, moved_from,
        added=tuple(user for user in panel if user.id not in seats),
        restored=tuple(user for user in panel if user.id in seats
                       and seats[user.id].status == ScorecardStatus.WITHDRAWN),
        withdrawn=tuple(s.interviewer for s in leaving if s.status == ScorecardStatus.DRAFT),
        removed=tuple(s.interviewer for s in leaving
                      if s.status == ScorecardStatus.NOT_STARTED))


def cancel_interview(actor: User, interview: Interview) -> InterviewChange:
    """Cancel an interview no scorecard is submitted for, keeping it on record.

    Its panel's drafts are withdrawn and kept for their authors, scorecards not started are
    withdrawn empty, and the application's status is worked out again without it (the stage
    may be scheduled again). Cancelling a cancelled interview changes nothing.
    """
    application = interview.application
    require(actor, Action.MANAGE, application)
    if interview.cancelled:
        return InterviewChange(interview)
    _refuse_if_pinned(interview, "cancelled", None)
    drafts = [s.interviewer for s in interview.scorecards if s.status == ScorecardStatus.DRAFT]
    panel = seated(interview)
    with _one_transaction():
        for scorecard in interview.scorecards:
            scorecard.status = ScorecardStatus.WITHDRAWN
        interview.cancelled_at, interview.cancelled_by = utcnow(), actor
        status = _restate(application)
        outbox.tell_panel(interview, cancelled=panel, whole=True)
        if status and status[1] == ApplicationStatus.COMMITTEE:
            outbox.application_ready(application)
        audit.record(actor, "interview.cancelled", interview, application_id=application.id,
                     withdrawn=[user.id for user in drafts],
                     **({"status": list(status)} if status else {}))
    return InterviewChange(interview, withdrawn=tuple(drafts), status=status)


def annotate_interview(actor: User, interview: Interview, note: str | None) -> Interview:
    """Set HR's short note on an interview, or clear it with an empty one.

    A note may be added to any interview, pinned or cancelled ("a panelist left the
    company"); the audit trail records that it changed, not what it says.
    """
    require(actor, Action.MANAGE, interview.application)
    note = optional(note, MAX_NOTE, "note")
    if note == interview.note:
        return interview
    with _one_transaction():
        interview.note = note
        interview.noted_at, interview.noted_by = (utcnow(), actor) if note else (None, None)
        audit.record(actor, "interview.annotated", interview,
                     application_id=interview.application_id, cleared=note is None)
    return interview


def _check_open(interview: Interview) -> None:
    application = interview.application
    if interview.cancelled:
        raise InterviewConflict(f"The interview was cancelled on "
                                f"{interview.cancelled_at:%d %b %Y}; schedule a new one instead.",
                                "closed")
    if application.status in FINAL_STATUSES:
        raise InterviewConflict(f"The application of {application.candidate.name} is "
                                f"{application.status}; its interviews no longer change.",
                                "closed")


def pinned_by(interview: Interview) -> list[Scorecard]:
    """Return the submitted scorecards that pin the interview to its time and panel."""
    return [s for s in interview.scorecards if s.status == ScorecardStatus.SUBMITTED]


def _refuse_if_pinned(interview: Interview, change: str, field: str | None) -> None:
    submitted = pinned_by(interview)
    if submitted:
        first = min(submitted, key=lambda s: s.submitted_at)
        others = f" and {len(submitted) - 1} more" if len(submitted) > 1 else ""
        raise InterviewConflict(
            f"The interview cannot be {change}: {first.interviewer.name}{others} submitted a "
            f"scorecard for it, so it stays on record as held. Add a note to it instead.",
            "pinned", field)


def _restate(application: Application) -> tuple[str, str] | None:
    """Work the application's status out again from its interviews that are not cancelled."""
    if application.status not in SCORING_STATUSES:
        return None
    db.session.flush()
    live = sa.and_(Interview.application_id == application.id, Interview.cancelled_at.is_(None))
    counts = db.session.execute(
        sa.select(Interview.stage_key, sa.func.count()).join(Interview.scorecards)
        .where(live, Scorecard.status == ScorecardStatus.SUBMITTED)
        .group_by(Interview.stage_key)).all()
    interviewed = db.session.scalar(sa.select(sa.exists().where(live)))
    before = application.status
    try:
        application.status = transition(before, status_from_scoring(
            loop_of(application.opening.loop_version), Counter(dict(counts)), interviewed))
    except IllegalMove as refused:
        raise InterviewConflict(f"The interview was not cancelled: {refused}", "status") from None
    return None if application.status == before else (str(before), str(application.status))


@contextmanager
def _one_transaction() -> Iterator[None]:
    """Commit what the block changed, or roll all of it back.

    Scorecards carry a version that every write checks: a panelist who saved or submitted
    between HR loading the interview and this write makes it fail, and nothing is stored.
    """
    try:
        yield
        db.session.commit()
    except StaleDataError:
        db.session.rollback()
        raise InterviewConflict("A panelist changed their scorecard at the same moment; "
                                "nothing was changed. Look at the interview again and retry.",
                                "busy") from None
    except Exception:
        db.session.rollback()
        raise
