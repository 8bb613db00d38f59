"""Use cases of HR: openings, candidates and applications, schedules, the pipeline, nudges.

Each use case checks authorization, runs in one transaction and records an audit event.
Bad input raises PipelineError with a message that says what is wrong and where; the field
it is about, when there is one, lets a form show the message beside that field.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from .. import audit
from ..authz import Action, Area, require
from ..catalog.services import latest_loop_version, latest_rubric_version, loop_of
from ..core.rubric import Loop
from ..core.scorecard import display_status
from ..core.vocabulary import ApplicationStatus, OpeningStatus, Role, ScorecardStatus, Source
from ..extensions import db
from ..models import (
    Application,
    Candidate,
    Interview,
    LoopVersion,
    Opening,
    Scorecard,
    User,
    UserRole,
    utcnow,
)
from . import mail

OPENING_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
CLOSING_STATUSES = (ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED)
# Statuses past which nothing is scheduled or closed any more.
FINAL_STATUSES = frozenset({ApplicationStatus.DECIDED, *CLOSING_STATUSES})
MAX_REASON = 2000


class PipelineError(ValueError):
    """Raised when HR's input cannot be stored as given; the message says what and where."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


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


@dataclass(frozen=True)
class StageCount:
    """How many applications of an opening have an interview of one stage."""

    key: str
    title: str
    applications: int  # with at least one interview of the stage
    scorecards: int  # of the stage, in any state
    submitted: int


@dataclass(frozen=True)
class Pipeline:
    """An opening's applications counted by status and by stage."""

    total: int
    by_status: dict[ApplicationStatus, int]
    by_stage: list[StageCount]


@dataclass(frozen=True)
class OpeningRow:
    """One opening of the list, with its applications counted by status."""

    opening: Opening
    loop_title: str
    total: int
    by_status: dict[ApplicationStatus, int]


@dataclass(frozen=True)
class StageProgress:
    """How far one application is with one stage: submitted of the panel's scorecards."""

    key: str
    title: str
    submitted: int
    scorecards: int
    min_panel: int

    @property
    def complete(self) -> bool:
        """Tell whether the stage has its minimum panel of submitted scorecards."""
        return self.submitted >= self.min_panel


@dataclass(frozen=True)
class ApplicationRow:
    """One application of an opening's pipeline."""

    application: Application
    progress: list[StageProgress]  # stages with at least one interview, in loop order


# Openings, candidates, applications.


def create_opening(actor: User, key: str, title: str, loop_key: str,
                   team: str | None = None) -> Opening:
    """Open a job requisition interviewed with the newest version of a loop."""
    require(actor, Action.VIEW, Area.PIPELINE)
    key, title, team = (key or "").strip(), _required(title, "title", 200), _optional(team, 200)
    if not OPENING_KEY.match(key) or len(key) > 64:
        raise PipelineError(f"Opening key '{key}': use lower-case letters, digits and single "
                            "hyphens, at most 64 characters (like 'backend-payments').", "key")
    loop_version = latest_loop_version((loop_key or "").strip())
    if loop_version is None:
        known = ", ".join(loop_keys()) or "none is stored; run flask rubrics sync"
        raise PipelineError(f"Unknown loop '{loop_key}': the stored loops are {known}.", "loop")
    if db.session.scalar(sa.select(Opening.id).where(Opening.key == key)) is not None:
        raise PipelineError(f"An opening with the key '{key}' exists already.", "key")
    opening = Opening(key=key, title=title, team=team, loop_version=loop_version)
    db.session.add(opening)
    db.session.flush()
    audit.record(actor, "opening.created", opening, key=key,
                 loop=f"{loop_version.key}:v{loop_version.version}")
    db.session.commit()
    return opening


def add_candidate(actor: User, name: str, email: str | None = None, phone: str | None = None,
                  location: str | None = None) -> Candidate:
    """Store a candidate's personal data, apart from any application."""
    require(actor, Action.VIEW, Area.PIPELINE)
    candidate = _new_candidate(actor, name, email, phone, location)
    db.session.commit()
    return candidate


def apply(actor: User, candidate: Candidate, opening: Opening, source: Source | str,
          referrer: str | None = None, applied_at: datetime | None = None) -> Application:
    """Put a candidate into an opening's pipeline, with where the application came from."""
    require(actor, Action.VIEW, Area.PIPELINE)
    application = _new_application(actor, candidate, opening, source, referrer, applied_at)
    db.session.commit()
    return application


def add_application(actor: User, opening: Opening, name: str, source: Source | str, *,
                    email: str | None = None, phone: str | None = None,
                    location: str | None = None, referrer: str | None = None) -> Application:
    """Store a new candidate and their application together, or neither."""
    require(actor, Action.VIEW, Area.PIPELINE)
    try:
        candidate = _new_candidate(actor, name, email, phone, location)
        application = _new_application(actor, candidate, opening, source, referrer, None)
    except PipelineError:
        db.session.rollback()
        raise
    db.session.commit()
    return application


def _new_candidate(actor: User, name: str, email: str | None, phone: str | None,
                   location: str | None) -> Candidate:
    candidate = Candidate(name=_required(name, "name", 200), email=_email(email),
                          phone=_optional(phone, 40, "phone"),
                          location=_optional(location, 200, "location"))
    db.session.add(candidate)
    db.session.flush()
    # Personal data stays out of the trail, so that erasing the candidate erases it.
    audit.record(actor, "candidate.added", candidate)
    return candidate


def _new_application(actor: User, candidate: Candidate, opening: Opening, source: Source | str,
                     referrer: str | None, applied_at: datetime | None) -> Application:
    try:
        source = Source(source)
    except ValueError:
        choices = ", ".join(s.value for s in Source)
        raise PipelineError(f"Unknown source '{source}': choose one of {choices}.",
                            "source") from None
    referrer = _optional(referrer, 200, "referrer")
    if source is Source.REFERRAL and referrer is None:
        raise PipelineError("A referral needs the name of the referrer.", "referrer")
    if source is not Source.REFERRAL and referrer is not None:
        raise PipelineError(f"A referrer is named only for a referral, not for source "
                            f"'{source.value}'.", "referrer")
    if applied_at is not None and applied_at.tzinfo is None:
        raise PipelineError("The application time has no time zone; give it in UTC.",
                            "applied_at")
    if opening.status != OpeningStatus.OPEN:
        raise PipelineError(f"Opening '{opening.key}' is closed to new applications.")
    if candidate.erased_at is not None:
        raise PipelineError("The candidate's data was erased; they cannot apply again.")
    if candidate.id is not None and db.session.scalar(
            sa.select(Application.id).where(Application.candidate_id == candidate.id,
                                            Application.opening_id == opening.id)) is not None:
        raise PipelineError(f"{candidate.name} has applied to opening '{opening.key}' already.")
    application = Application(candidate=candidate, opening=opening, source=source,
                              referrer=referrer, applied_at=applied_at or utcnow())
    db.session.add(application)
    db.session.flush()
    audit.record(actor, "application.created", application, opening=opening.key,
                 source=source.value)
    return application


def close_application(actor: User, application: Application, status: ApplicationStatus,
                      reason: str) -> None:
    """Withdraw or reject an application, with the reason kept beside it."""
    require(actor, Action.MANAGE, application)
    try:
        status = ApplicationStatus(status)
    except ValueError:
        status = None
    if status not in CLOSING_STATUSES:
        raise PipelineError("An application is closed as withdrawn or rejected.", "status")
    reason = (reason or "").strip()
    if not reason:
        raise PipelineError(f"Say why the application is {status.value}.", "reason")
    if len(reason) > MAX_REASON:
        raise PipelineError(f"The reason has {len(reason)} characters; keep it within "
                            f"{MAX_REASON}.", "reason")
    if application.status in FINAL_STATUSES or application.closed_at is not None:
        raise PipelineError(f"The application of {application.candidate.name} is "
                            f"{application.status} already; it cannot be {status.value}.")
    previous = application.status
    application.status = status
    application.closed_at = utcnow()
    application.closed_reason = reason
    audit.record(actor, "application.closed", application, status=status.value,
                 previous=previous)
    db.session.commit()


# Interviews.


def find_interviewers(emails: list[str]) -> list[User]:
    """Return the active interviewers with these emails, in the order given.

    Every email that names nobody, a deactivated user or someone who does not interview
    is reported in one PipelineError.
    """
    wanted = [email.strip().lower() for email in emails if email and email.strip()]
    if not wanted:
        raise PipelineError("Name at least one interviewer for the panel.", "panel")
    found = {user.email: user for user in db.session.scalars(
        sa.select(User).where(User.email.in_(set(wanted)))).unique()}
    problems = []
    for email in dict.fromkeys(wanted):
        user = found.get(email)
        if user is None:
            problems.append(f"{email} is not a user")
        elif not user.active:
            problems.append(f"{email} is deactivated")
        elif not user.has_role(Role.INTERVIEWER):
            problems.append(f"{email} is not an interviewer")
    if problems:
        raise PipelineError("Panel: " + "; ".join(problems) + ".", "panel")
    return [found[email] for email in wanted]


def schedule_interview(actor: User, application: Application, stage_key: str,
                       scheduled_at: datetime, panel: list[User]) -> Interview:
    """Schedule one stage of the application's loop with a panel, one scorecard each.

    The interview is scored with the newest version of the stage's rubric. Past times are
    accepted, for interviews recorded after they took place.
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
    if scheduled_at.tzinfo is None:
        raise PipelineError("The interview time has no time zone; give it in UTC.",
                            "scheduled_at")
    _check_panel(panel)
    interview = Interview(application=application, stage_key=stage.key,
                          rubric_version=rubric_version,
                          scheduled_at=scheduled_at.astimezone(UTC))
    for interviewer in panel:
        interview.scorecards.append(Scorecard(interviewer=interviewer))
    db.session.add(interview)
    if application.status == ApplicationStatus.APPLIED:
        application.status = ApplicationStatus.INTERVIEWING
    db.session.flush()
    audit.record(actor, "interview.scheduled", interview, application_id=application.id,
                 stage=stage.key, scheduled_at=interview.scheduled_at.isoformat(),
                 panel=[user.id for user in panel])
    db.session.commit()
    return interview


def _check_panel(panel: list[User]) -> None:
    if not panel:
        raise PipelineError("Name at least one interviewer for the panel.", "panel")
    seen: set[int] = set()
    for user in panel:
        if user.id in seen:
            raise PipelineError(f"Panel: {user.email} is named twice.", "panel")
        seen.add(user.id)
        if not user.active or not user.has_role(Role.INTERVIEWER):
            raise PipelineError(f"Panel: {user.email} is not an active interviewer.", "panel")


def active_interviewers() -> list[User]:
    """Return every active interviewer, by name."""
    return list(db.session.scalars(
        sa.select(User).join(UserRole).where(User.active, UserRole.role == Role.INTERVIEWER)
        .order_by(User.name, User.email)).unique())


# Overdue scorecards and reminders.


def overdue_scorecards(now: datetime, overdue_after: timedelta, *,
                       limit: int | None = None) -> list[OverdueRow]:
    """Return the scorecards not submitted overdue_after their interview, oldest first.

    Applications that were withdrawn or rejected owe nothing.
    """
    return _overdue(now, overdue_after, limit=limit)


def _overdue(now: datetime, overdue_after: timedelta, *, scorecard_id: int | None = None,
             limit: int | None = None) -> list[OverdueRow]:
    query = (
        sa.select(Scorecard.id, Interview.id, Application.id, User.name, User.email,
                  Candidate.name, Opening.title, Interview.stage_key, Interview.scheduled_at,
                  LoopVersion)
        .join(Scorecard.interview).join(Interview.application)
        .join(Application.candidate).join(Application.opening).join(Opening.loop_version)
        .join(Scorecard.interviewer)
        .where(Scorecard.status != ScorecardStatus.SUBMITTED,
               Interview.scheduled_at <= now - overdue_after,
               Application.status.not_in(CLOSING_STATUSES))
        .order_by(Interview.scheduled_at, Scorecard.id)
        .limit(limit))
    if scorecard_id is not None:
        query = query.where(Scorecard.id == scorecard_id)
    rows = []
    for (scorecard, interview, application, name, email, candidate, opening, stage_key, when,
         loop_version) in db.session.execute(query):
        due = when + overdue_after
        rows.append(OverdueRow(scorecard, interview, application, name, email, candidate,
                               opening, stage_title(loop_of(loop_version), stage_key), when,
                               (now - due).total_seconds() / 3600))
    return rows


def reminder_text(row: OverdueRow, scorecard_url: str) -> str:
    """Return the text of a reminder to an interviewer who owes a scorecard."""
    return (f"Hello {row.interviewer_name},\n\n"
            f"your scorecard for {row.candidate} ({row.stage}, {row.opening}) is not in yet. "
            f"The interview was on {row.scheduled_at:%a %d %b %Y at %H:%M} UTC. Please fill "
            f"it in while you remember the interview:\n\n{scorecard_url}\n\nThank you.")


def send_reminder(actor: User, scorecard_id: int, scorecard_url: str, now: datetime,
                  overdue_after: timedelta) -> OverdueRow:
    """Remind an interviewer of an overdue scorecard by mail, and record the nudge."""
    require(actor, Action.VIEW, Area.PIPELINE)
    found = _overdue(now, overdue_after, scorecard_id=scorecard_id)
    if not found:
        raise PipelineError(f"Scorecard {scorecard_id} is not overdue: it was submitted, its "
                            "application closed, or it does not exist.")
    row = found[0]
    message = mail.Message(to=row.interviewer_email,
                           subject=f"Scorecard overdue: {row.candidate}, {row.stage}",
                           body=reminder_text(row, scorecard_url))
    try:
        mail.sender().send(message)
    except mail.MailError as failed:
        raise PipelineError(f"The reminder to {row.interviewer_email} was not sent: "
                            f"{failed}") from failed
    audit.record(actor, "scorecard.nudged", db.session.get(Scorecard, scorecard_id),
                 to=row.interviewer_email, hours_overdue=round(row.hours_overdue, 1))
    db.session.commit()
    return row


# What the pages read.


def loop_keys() -> list[str]:
    """Return the keys of the stored loops."""
    return list(loop_choices())


def loop_choices() -> dict[str, str]:
    """Return key -> title of every stored loop, as its newest version names it."""
    rows = db.session.execute(sa.select(LoopVersion.key, LoopVersion.title)
                              .order_by(LoopVersion.key, LoopVersion.version))
    return dict(rows.all())


def openings() -> list[OpeningRow]:
    """Return every opening with its applications counted by status, newest first."""
    found = db.session.scalars(
        sa.select(Opening).options(joinedload(Opening.loop_version))
        .order_by(Opening.created_at.desc(), Opening.id.desc())).all()
    counts: dict[int, dict[ApplicationStatus, int]] = defaultdict(_zero_statuses)
    for opening_id, status, count in db.session.execute(
            sa.select(Application.opening_id, Application.status, sa.func.count())
            .group_by(Application.opening_id, Application.status)):
        counts[opening_id][ApplicationStatus(status)] = count
    return [OpeningRow(o, o.loop_version.title, sum(counts[o.id].values()), counts[o.id])
            for o in found]


def opening_by_key(key: str) -> Opening | None:
    """Return the opening with this key, with its loop version."""
    return db.session.scalar(sa.select(Opening).where(Opening.key == key)
                             .options(joinedload(Opening.loop_version)))


def pipeline(opening: Opening) -> Pipeline:
    """Return the opening's applications counted by status and by stage, by the database."""
    by_status = _zero_statuses()
    for status, count in db.session.execute(
            sa.select(Application.status, sa.func.count())
            .where(Application.opening_id == opening.id).group_by(Application.status)):
        by_status[ApplicationStatus(status)] = count
    submitted = sa.case((Scorecard.status == ScorecardStatus.SUBMITTED, 1), else_=0)
    stages = {key: (applications, scorecards, done or 0)
              for key, applications, scorecards, done in db.session.execute(
                  sa.select(Interview.stage_key,
                            sa.func.count(sa.distinct(Interview.application_id)),
                            sa.func.count(Scorecard.id), sa.func.sum(submitted))
                  .join(Interview.application).outerjoin(Interview.scorecards)
                  .where(Application.opening_id == opening.id)
                  .group_by(Interview.stage_key))}
    loop = loop_of(opening.loop_version)
    by_stage = [StageCount(s.key, s.title, *stages.get(s.key, (0, 0, 0))) for s in loop.stages]
    by_stage += [StageCount(key, key, *counts) for key, counts in stages.items()
                 if key not in {s.key for s in loop.stages}]
    return Pipeline(sum(by_status.values()), by_status, by_stage)


def applications(opening: Opening, *, status: ApplicationStatus | None = None,
                 limit: int = 50, offset: int = 0) -> list[ApplicationRow]:
    """Return a page of the opening's applications, newest first, with their stage progress."""
    query = (sa.select(Application).where(Application.opening_id == opening.id)
             .options(joinedload(Application.candidate))
             .order_by(Application.applied_at.desc(), Application.id.desc())
             .limit(limit).offset(offset))
    if status is not None:
        query = query.where(Application.status == status)
    found = db.session.scalars(query).all()
    progress = _progress(opening, (a.id for a in found))
    return [ApplicationRow(a, progress.get(a.id, [])) for a in found]


def _progress(opening: Opening, application_ids: Iterable[int]) -> dict[int, list[StageProgress]]:
    ids = list(application_ids)
    if not ids:
        return {}
    submitted = sa.case((Scorecard.status == ScorecardStatus.SUBMITTED, 1), else_=0)
    counts = {(application_id, stage): (done or 0, total)
              for application_id, stage, done, total in db.session.execute(
                  sa.select(Interview.application_id, Interview.stage_key,
                            sa.func.sum(submitted), sa.func.count(Scorecard.id))
                  .outerjoin(Interview.scorecards)
                  .where(Interview.application_id.in_(ids))
                  .group_by(Interview.application_id, Interview.stage_key))}
    loop = loop_of(opening.loop_version)
    found: dict[int, list[StageProgress]] = defaultdict(list)
    for application_id in ids:
        for stage in loop.stages:
            if (application_id, stage.key) in counts:
                done, total = counts[(application_id, stage.key)]
                found[application_id].append(
                    StageProgress(stage.key, stage.title, done, total, stage.min_panel))
    return found


def load_application(application_id: int) -> Application | None:
    """Return an application with its candidate, opening, interviews and panels."""
    return db.session.scalar(
        sa.select(Application).where(Application.id == application_id)
        .options(joinedload(Application.candidate),
                 joinedload(Application.opening).joinedload(Opening.loop_version),
                 selectinload(Application.interviews).selectinload(Interview.scorecards)
                 .joinedload(Scorecard.interviewer),
                 selectinload(Application.decisions)))


def scorecard_state(scorecard: Scorecard, now: datetime, overdue_after: timedelta) -> str:
    """Return the state of a scorecard as its pages show it (overdue included)."""
    return display_status(ScorecardStatus(scorecard.status), scorecard.interview.scheduled_at,
                          now, overdue_after)


def stage_title(loop: Loop, stage_key: str) -> str:
    """Return the title of a stage of the loop, or its key if the loop has no such stage."""
    try:
        return loop.stage(stage_key).title
    except KeyError:
        return stage_key


def _zero_statuses() -> dict[ApplicationStatus, int]:
    return dict.fromkeys(ApplicationStatus, 0)


def _required(value: str | None, field: str, limit: int) -> str:
    value = (value or "").strip()
    if not value:
        raise PipelineError(f"The {field} is missing.", field)
    if len(value) > limit:
        raise PipelineError(f"The {field} has {len(value)} characters; keep it within {limit}.",
                            field)
    return value


def _optional(value: str | None, limit: int, field: str = "team") -> str | None:
    value = (value or "").strip()
    if len(value) > limit:
        raise PipelineError(f"The {field} has {len(value)} characters; keep it within {limit}.",
                            field)
    return value or None


def _email(value: str | None) -> str | None:
    email = _optional(value, 254, "email")
    if email is not None and not EMAIL.match(email):
        raise PipelineError(f"'{email}' is not an email address.", "email")
    return email.lower() if email else None
