"""Candidates and their applications: adding them, finding a returning one, closing.

A person is one candidate however many openings they apply to: an email HR types is looked
up, trimmed and in lower case as every email is stored, among the candidates on file (erased
candidates keep no email, so they never match). Each use case checks authorization, runs in
one transaction and records an audit event; bad input raises PipelineError naming its field.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

import sqlalchemy as sa
from sqlalchemy.orm import joinedload, selectinload

from ... import audit
from ...authz import Action, Area, owed_applications, require
from ...core.errors import Conflict
from ...core.pipeline import transition
from ...core.vocabulary import ApplicationStatus, OpeningStatus, Source
from ...extensions import db
from ...models import Application, Candidate, Decision, Interview, Opening, Scorecard, User, utcnow
from .fields import PipelineError, email_address, optional, required

CLOSING_STATUSES = (ApplicationStatus.WITHDRAWN, ApplicationStatus.REJECTED)
# Statuses past which nothing is scheduled or closed any more.
FINAL_STATUSES = frozenset({ApplicationStatus.DECIDED, *CLOSING_STATUSES})
MAX_REASON = 2000


class CandidateExists(PipelineError, Conflict):
    """Raised when a new candidate's email is a candidate's on file; names that candidate."""

    def __init__(self, message: str, candidate_id: int):
        super().__init__(message, "email")
        self.candidate_id = candidate_id


class AlreadyApplied(PipelineError, Conflict):
    """Raised when a candidate applies to an opening a second time; names the application."""

    def __init__(self, message: str, field: str, application_id: int):
        super().__init__(message, field)
        self.application_id = application_id


class Personal(NamedTuple):
    """A candidate's personal data as typed, checked and trimmed, the email in lower case."""

    name: str
    email: str | None
    phone: str | None
    location: str | None


@dataclass(frozen=True)
class Kept:
    """A detail typed for a returning candidate that differs from the one their record keeps."""

    field: str
    typed: str
    stored: str


@dataclass(frozen=True)
class AddedApplication:
    """An application added from HR's form, and whose record it went to."""

    application: Application
    returning: bool  # the email was a candidate's on file, and their record was used
    kept: tuple[Kept, ...] = ()  # typed details that differ from the record, not stored
    filled: tuple[str, ...] = ()  # fields the record lacked, stored as typed


@dataclass(frozen=True)
class OtherApplication:
    """Another application of the same candidate, as an application's page lists it."""

    id: int
    opening_key: str
    opening_title: str
    status: ApplicationStatus
    applied_at: datetime
    interviews: int
    final_outcome: str | None  # of the committee's newest decision, if there is one
    owed: bool = False  # the viewer owes a scorecard on it, so its outcome is not shown


def candidate_by_email(email: str | None) -> Candidate | None:
    """Return the candidate on file with this email, compared trimmed and without case.

    Should older data hold one email twice, the earliest record is the one returned.
    """
    email = (email or "").strip().lower()
    if not email:
        return None
    # Every writer stores emails in lower case, so the plain index on email serves this.
    return db.session.scalar(
        sa.select(Candidate).where(Candidate.email == email, Candidate.erased_at.is_(None))
        .order_by(Candidate.id).limit(1))


def add_candidate(actor: User, name: str, email: str | None = None, phone: str | None = None,
                  location: str | None = None) -> Candidate:
    """Store a new candidate's personal data, apart from any application.

    An email that a candidate on file has already is refused with CandidateExists, which
    names them: the person is applied with their record rather than stored twice.
    """
    require(actor, Action.VIEW, Area.PIPELINE)
    typed = _personal(name, email, phone, location)
    existing = candidate_by_email(typed.email)
    if existing is not None:
        raise CandidateExists(f"{typed.email} is the email of candidate {existing.id}, "
                              f"{existing.name}, on file already; apply that candidate rather "
                              "than adding them again.", existing.id)
    candidate = _new_candidate(actor, typed)
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
                    location: str | None = None, referrer: str | None = None
                    ) -> AddedApplication:
    """Store an application from HR's form, with a new candidate or the one the email names.

    A returning candidate's record is never overwritten: a typed name, phone or location
    that differs from it is not stored (the answer shows both), and only a phone or location
    the record lacks is added. A refused application stores nothing.
    """
    require(actor, Action.VIEW, Area.PIPELINE)
    try:
        typed = _personal(name, email, phone, location)
        candidate = candidate_by_email(typed.email)
        if candidate is None:
            application = _new_application(actor, _new_candidate(actor, typed), opening,
                                           source, referrer, None)
            added = AddedApplication(application, returning=False)
        else:
            application = _new_application(actor, candidate, opening, source, referrer, None,
                                           named_by="email")
            added = AddedApplication(application, returning=True, kept=_kept(typed, candidate),
                                     filled=_fill_in(actor, typed, candidate))
    except PipelineError:
        db.session.rollback()
        raise
    db.session.commit()
    return added


def _personal(name: str, email: str | None, phone: str | None,
              location: str | None) -> Personal:
    return Personal(required(name, "name", 200), email_address(email),
                    optional(phone, 40, "phone"), optional(location, 200, "location"))


def _new_candidate(actor: User, typed: Personal) -> Candidate:
    candidate = Candidate(name=typed.name, email=typed.email, phone=typed.phone,
                          location=typed.location)
    db.session.add(candidate)
    db.session.flush()
    # Personal data stays out of the trail, so that erasing the candidate erases it.
    audit.record(actor, "candidate.added", candidate)
    return candidate


def _kept(typed: Personal, candidate: Candidate) -> tuple[Kept, ...]:
    fields = (("name", typed.name, candidate.name), ("phone", typed.phone, candidate.phone),
              ("location", typed.location, candidate.location))
    return tuple(Kept(field, given, stored) for field, given, stored in fields
                 if given is not None and stored is not None and given != stored)


def _fill_in(actor: User, typed: Personal, candidate: Candidate) -> tuple[str, ...]:
    filled = tuple(field for field in ("phone", "location")
                   if getattr(candidate, field) is None and getattr(typed, field) is not None)
    for field in filled:
        setattr(candidate, field, getattr(typed, field))
    if filled:
        audit.record(actor, "candidate.completed", candidate, fields=list(filled))
    return filled


def _new_application(actor: User, candidate: Candidate, opening: Opening, source: Source | str,
                     referrer: str | None, applied_at: datetime | None, *,
                     named_by: str = "candidate_id") -> Application:
    """Add an application; named_by is the field that named the candidate, for a refusal."""
    try:
        source = Source(source)
    except ValueError:
        choices = ", ".join(s.value for s in Source)
        raise PipelineError(f"Unknown source '{source}': choose one of {choices}.",
                            "source") from None
    referrer = optional(referrer, 200, "referrer")
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
    if candidate.id is not None:
        _refuse_second_application(candidate, opening, named_by)
    application = Application(candidate=candidate, opening=opening, source=source,
                              referrer=referrer, applied_at=applied_at or utcnow())
    db.session.add(application)
    db.session.flush()
    audit.record(actor, "application.created", application, opening=opening.key,
                 source=source.value)
    return application


def _refuse_second_application(candidate: Candidate, opening: Opening, named_by: str) -> None:
    # One application per candidate and opening, whatever its status: the database holds
    # the same rule as a unique constraint.
    existing = db.session.execute(
        sa.select(Application.id, Application.status)
        .where(Application.candidate_id == candidate.id,
               Application.opening_id == opening.id)).first()
    if existing is None:
        return
    who = (f"{candidate.email} is the email of {candidate.name}, who"
           if named_by == "email" else candidate.name)
    raise AlreadyApplied(f"{who} has applied to opening '{opening.key}' already: application "
                         f"{existing.id}, {existing.status}.", named_by, existing.id)


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
    application.status = transition(previous, status)
    application.closed_at = utcnow()
    application.closed_reason = reason
    audit.record(actor, "application.closed", application, status=status.value,
                 previous=previous)
    db.session.commit()


def load_application(application_id: int) -> Application | None:
    """Return an application with its candidate, opening, interviews and their panels."""
    return db.session.scalar(
        sa.select(Application).where(Application.id == application_id)
        .options(joinedload(Application.candidate),
                 joinedload(Application.opening).joinedload(Opening.loop_version),
                 selectinload(Application.interviews).selectinload(Interview.scorecards)
                 .joinedload(Scorecard.interviewer),
                 selectinload(Application.interviews).options(
                     joinedload(Interview.cancelled_by), joinedload(Interview.noted_by)),
                 selectinload(Application.decisions)))


def other_applications(application: Application,
                       viewer: User | None = None) -> list[OtherApplication]:
    """Return the candidate's applications to other openings, newest first, in one query.

    The committee's outcome of an application the viewer owes a scorecard on is left out.
    """
    interviews = (sa.select(sa.func.count(Interview.id))
                  .where(Interview.application_id == Application.id)
                  .correlate(Application).scalar_subquery())
    owed = (sa.false() if viewer is None
            else Application.id.in_(owed_applications(viewer)))
    newest_outcome = sa.case((owed, None), else_=(
        sa.select(Decision.final_outcome)
        .where(Decision.application_id == Application.id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc()).limit(1)
        .correlate(Application).scalar_subquery()))
    rows = db.session.execute(
        sa.select(Application.id, Opening.key, Opening.title, Application.status,
                  Application.applied_at, interviews, newest_outcome, owed)
        .join(Application.opening)
        .where(Application.candidate_id == application.candidate_id,
               Application.id != application.id)
        .order_by(Application.applied_at.desc(), Application.id.desc()))
    return [OtherApplication(id_, key, title, ApplicationStatus(status), applied_at, count,
                             outcome, bool(hidden))
            for id_, key, title, status, applied_at, count, outcome, hidden in rows]
