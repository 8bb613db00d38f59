"""Erase a candidate's personal data, and apply the retention rule.

Erasure removes what identifies the person (their name and contact details, and every free
text written about them: evidence, takeaways, private notes, withdrawn drafts, revisions,
decision rationales, closing reasons, HR's notes on interviews, the mails about them and
the record of reminders; the candidate's row of the search
table goes with their name, by the triggers of migration 0008, and SQLite's search index is
compacted so that no word of it stays in the file) and keeps the anonymous
scores, so that statistics such as calibration and panel agreement stay true. The audit trail
records that an erasure happened, never what was erased, and keeps no free text about anyone
(events recorded before that rule lose theirs here).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from .. import audit
from ..authz import Action, Area, require
from ..core.vocabulary import ApplicationStatus, FinalOutcome
from ..extensions import db
from ..fairness import counts
from ..fairness.questionnaire import configured
from ..hr.services.outcomes import hires_in_force
from ..hr.services.search import compact_index
from ..jobs.services import cancel_jobs_touching, expire_files, files_touching
from ..models import (
    Application,
    Candidate,
    Decision,
    HireOutcome,
    Interview,
    Notification,
    Rating,
    Scorecard,
    ScorecardReminder,
    ScorecardRevision,
    SelfIdentification,
    SelfIdentificationLink,
    User,
    utcnow,
)
from ..packets.services import forget_packets
from .lock import hold_erasure_lock

ERASED_NAME = "Erased candidate"
ERASED_TEXT = ""
ERASED_RATIONALE = "(erased)"  # a decision must keep a non-empty rationale


def erase_candidate(actor: User | None, candidate_id: int, *, compact: bool = True) -> None:
    """Erase one candidate's personal data; raise LookupError if there is no such candidate.

    actor None is the command line (the retention rule), which may erase anyone. compact False
    leaves the search index's file to be compacted once after a batch of erasures.
    """
    if actor is not None:
        require(actor, Action.VIEW, Area.PIPELINE)
    # Jobs are neither claimed nor stored until this commits (privacy/lock.py).
    hold_erasure_lock(shared=False)
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None:
        db.session.rollback()
        raise LookupError(f"There is no candidate {candidate_id}.")
    applications = _erase(candidate)
    db.session.flush()  # the candidate's row is held from here: no packet is cached meanwhile
    # Jobs that may be reading the person stop; prepared files that may hold them go.
    cancelled = cancel_jobs_touching(applications) if applications else 0
    files = expire_files(files_touching(applications)) if applications else 0
    audit.record(actor, "candidate.erased", candidate, applications=len(applications),
                 jobs_cancelled=cancelled, prepared_files_deleted=files)
    if compact:
        compact_index()
    db.session.commit()
    forget_packets(applications)


def _erase(candidate: Candidate) -> list[int]:
    """Blank the candidate's data and the free text about them; return their applications."""
    candidate.name = ERASED_NAME
    candidate.email = candidate.phone = candidate.location = None
    candidate.erased_at = utcnow()
    # Voluntary self-identification goes whole, with the links that asked for it, once what
    # the candidate's applications contributed is in the kept, anonymous selection counts.
    counts.keep(configured(), [candidate.id])
    for table in (SelfIdentification, SelfIdentificationLink):
        db.session.execute(sa.delete(table).where(table.candidate_id == candidate.id))
    applications = [a.id for a in candidate.applications]
    if not applications:
        return applications
    # How a hire turned out is about the person, ratings and note alike: it goes whole.
    db.session.execute(sa.delete(HireOutcome).where(HireOutcome.application_id.in_(applications)))
    scorecards = (sa.select(Scorecard.id).join(Scorecard.interview)
                  .where(Interview.application_id.in_(applications)))
    # Mails about the person, queued or sent, name them; so may the record of reminders.
    db.session.execute(sa.delete(Notification).where(
        Notification.application_id.in_(applications)))
    db.session.execute(sa.delete(ScorecardReminder).where(
        ScorecardReminder.scorecard_id.in_(scorecards)))
    db.session.execute(sa.update(Rating).where(Rating.scorecard_id.in_(scorecards))
                       .values(evidence=ERASED_TEXT)
                       .execution_options(synchronize_session=False))
    db.session.execute(sa.update(Scorecard).where(Scorecard.id.in_(scorecards))
                       .values(takeaways=ERASED_TEXT, private_note=ERASED_TEXT,
                               version=Scorecard.version + 1)
                       .execution_options(synchronize_session=False))
    # Revisions keep their scores and recommendation; their words go.
    for revision in db.session.scalars(sa.select(ScorecardRevision)
                                       .where(ScorecardRevision.scorecard_id.in_(scorecards))):
        content = dict(revision.content)
        content["ratings"] = {key: {**value, "evidence": ERASED_TEXT}
                              for key, value in content.get("ratings", {}).items()}
        content["takeaways"] = content["private_note"] = ERASED_TEXT
        revision.content = content
        if revision.reason:
            revision.reason = ERASED_RATIONALE
    # Events recorded before the trail refused free text may still quote an amendment's reason.
    audit.forget_text("scorecards", db.session.scalars(scorecards).all())
    audit.forget_text("interviews", db.session.scalars(
        sa.select(Interview.id).where(Interview.application_id.in_(applications))).all())
    audit.forget_text("applications", applications)
    db.session.execute(sa.update(Decision).where(Decision.application_id.in_(applications))
                       .values(rationale=ERASED_RATIONALE)
                       .execution_options(synchronize_session=False))
    db.session.execute(sa.update(Interview).where(Interview.application_id.in_(applications),
                                                  Interview.note.is_not(None))
                       .values(note=ERASED_RATIONALE)
                       .execution_options(synchronize_session=False))
    # The referrer's name and the closing reason could point to the person too.
    db.session.execute(
        sa.update(Application).where(Application.id.in_(applications))
        .values(referrer=sa.case((Application.referrer.is_not(None), ERASED_RATIONALE),
                                 else_=None),
                closed_reason=sa.case((Application.closed_reason.is_not(None),
                                       ERASED_RATIONALE), else_=None))
        .execution_options(synchronize_session=False))
    return applications


def expired_candidates(now: datetime, months: int) -> list[int]:
    """Return the candidates due for erasure under the retention rule.

    A candidate is due when every application of theirs has ended more than `months`
    calendar months before now: rejected or withdrawn then, or decided no hire then (by the
    decision in force, the one no later decision supersedes).
    """
    cutoff = months_before(now, months)
    later = aliased(Decision)
    no_hire_in_force = sa.exists().where(
        Decision.application_id == Application.id,
        Decision.final_outcome == FinalOutcome.NO_HIRE,
        Decision.decided_at < cutoff,
        ~sa.exists().where(later.supersedes_id == Decision.id))
    ended = sa.or_(
        sa.and_(Application.status.in_([ApplicationStatus.REJECTED,
                                        ApplicationStatus.WITHDRAWN]),
                Application.closed_at < cutoff),
        sa.and_(Application.status == ApplicationStatus.DECIDED, no_hire_in_force))
    live = sa.exists().where(Application.candidate_id == Candidate.id, ~ended)
    applied = sa.exists().where(Application.candidate_id == Candidate.id)
    return list(db.session.scalars(
        sa.select(Candidate.id).where(Candidate.erased_at.is_(None), applied, ~live)
        .order_by(Candidate.id)))


def apply_retention(now: datetime, months: int,
                    progress: Callable[[int, int], None] | None = None) -> list[int]:
    """Erase every candidate due for it, each in its own transaction; return their ids.

    progress, if given, hears (candidates erased, candidates due) after each erasure. Hire
    outcomes older than HIRE_OUTCOME_RETENTION_MONTHS go too (expire_hire_outcomes).
    """
    erased, due = [], expired_candidates(now, months)
    for candidate_id in due:
        erase_candidate(None, candidate_id, compact=False)
        erased.append(candidate_id)
        if progress:
            progress(len(erased), len(due))
    compact_index()
    audit.record(None, "retention.applied", None, months=months, erased=len(erased))
    db.session.commit()
    expire_hire_outcomes(now, current_app.config["HIRE_OUTCOME_RETENTION_MONTHS"])
    return erased


def months_before(moment: datetime, months: int) -> datetime:
    """Return the same day and time `months` calendar months earlier (clamped to month end)."""
    if months < 0:
        raise ValueError("months cannot be negative")
    total = moment.year * 12 + moment.month - 1 - months
    year, month = divmod(total, 12)
    month += 1
    days = [31, 29 if year % 4 == 0 and (year % 100 or year % 400 == 0) else 28, 31, 30, 31,
            30, 31, 31, 30, 31, 30, 31][month - 1]
    return moment.replace(year=year, month=month, day=min(moment.day, days),
                          tzinfo=moment.tzinfo or UTC)


def expired_hire_outcomes(now: datetime, months: int) -> sa.Select:
    """Return a query of the applications whose outcomes are due for deletion.

    They are due `months` calendar months after the hire decision in force; an outcome whose
    application is no longer decided hire is due at once, as nothing justifies keeping it.
    """
    cutoff = months_before(now, months)
    hires = hires_in_force().subquery()
    kept = sa.select(hires.c.application_id).where(hires.c.decided_at >= cutoff)
    return sa.select(HireOutcome.application_id).where(HireOutcome.application_id.not_in(kept))


def expire_hire_outcomes(now: datetime, months: int) -> int:
    """Delete the hire outcomes the retention rule says are due, audited as a count; return it."""
    deleted = db.session.execute(
        sa.delete(HireOutcome).where(HireOutcome.application_id.in_(
            expired_hire_outcomes(now, months).scalar_subquery()))
        .execution_options(synchronize_session=False)).rowcount
    audit.record(None, "hire_outcomes.expired", None, months=months, deleted=deleted)
    db.session.commit()
    return deleted
