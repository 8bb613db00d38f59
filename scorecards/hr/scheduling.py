"""Interviews and their panels: finding interviewers, scheduling a stage, scorecard states."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from .. import audit
from ..authz import Action, require
from ..catalog.services import latest_rubric_version, loop_of
from ..core.pipeline import transition
from ..core.schedule import interview_time_problem
from ..core.scorecard import display_status
from ..core.vocabulary import ApplicationStatus, Role, ScorecardStatus
from ..extensions import db
from ..models import Application, Interview, Scorecard, User, UserRole, utcnow
from .candidates import FINAL_STATUSES
from .fields import PipelineError


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
    audit.record(actor, "interview.scheduled", interview, application_id=application.id,
                 stage=stage.key, scheduled_at=interview.scheduled_at.isoformat(),
                 panel=[user.id for user in panel])
    db.session.commit()
    return interview


def _check_time(scheduled_at: datetime) -> None:
    problem = interview_time_problem(scheduled_at, utcnow())
    if problem:
        raise PipelineError(problem, "scheduled_at")


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


def scorecard_state(scorecard: Scorecard, now: datetime, overdue_after: timedelta) -> str:
    """Return the state of a scorecard as its pages show it (overdue included)."""
    return display_status(ScorecardStatus(scorecard.status), scorecard.interview.scheduled_at,
                          now, overdue_after)
