"""Voluntary self-identification: recorded from the candidate or an import, read by few.

The answers live in their own table and reach only the fairness role and admins, through
read_answers, which audits every read (who read whose answers, never the answers). No page,
packet, export or API answer others get joins them.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased

from .. import audit
from ..analytics.services import REFRESH_KIND, refresh_under_way
from ..authz import Action, Area, require
from ..core.errors import Invalid, NotVisible
from ..core.vocabulary import ApplicationStatus
from ..extensions import db
from ..hr.services import mail
from ..jobs import services as jobs
from ..models import (
    Application,
    Candidate,
    Decision,
    Job,
    SelfIdentification,
    SelfIdentificationLink,
    User,
    utcnow,
)
from ..privacy.services import months_before
from . import counts
from .questionnaire import configured

SOURCES = ("candidate", "import")
RECOUNT = ("fairness",)  # the summary the aggregates job counts again


class AnswersRefused(Invalid):
    """Raised when answers name a question or an answer the questionnaire does not have."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{key}: {why}" for key, why in sorted(problems.items())))


questionnaire = configured


@dataclass(frozen=True)
class Answers:
    """A candidate's answers by question key, and when they were last given."""

    candidate_id: int
    answers: dict[str, str]
    answered_at: datetime | None  # None when nothing was answered


def record_answers(actor: User | None, candidate_id: int, answers: dict[str, str],
                   source: str) -> None:
    """Replace a candidate's answers with these; questions left out are unanswered.

    actor None is the candidate through their own link (the caller checked it); otherwise
    HR or an admin importing them. Refuses (AnswersRefused) a question or answer the
    questionnaire does not have, naming the allowed ones, and stores nothing then.
    """
    if source not in SOURCES:
        raise ValueError(f"source must be one of {', '.join(SOURCES)}")
    if actor is not None:
        require(actor, Action.MANAGE, Area.PIPELINE)
    candidate = _candidate(candidate_id)
    problems = questionnaire().problems(answers)
    if problems:
        raise AnswersRefused(problems)
    db.session.execute(sa.delete(SelfIdentification)
                       .where(SelfIdentification.candidate_id == candidate.id))
    now = utcnow()
    db.session.add_all(SelfIdentification(candidate_id=candidate.id, item=item, answer=answer,
                                          source=source, answered_at=now)
                       for item, answer in answers.items())
    audit.record(actor, "self_identification.recorded", candidate, questions=len(answers),
                 source=source)
    db.session.commit()


def read_answers(actor: User, candidate_id: int) -> Answers:
    """Return a candidate's answers to the fairness role or an admin, and audit the read."""
    require(actor, Action.VIEW, Area.FAIRNESS)
    candidate = _candidate(candidate_id)
    rows = db.session.scalars(sa.select(SelfIdentification)
                              .where(SelfIdentification.candidate_id == candidate.id)).all()
    audit.record(actor, "self_identification.read", candidate, questions=len(rows))
    db.session.commit()
    return Answers(candidate.id, {row.item: row.answer for row in rows},
                   max((row.answered_at for row in rows), default=None))


def answers_due(now: datetime, months: int) -> list[int]:
    """Return the candidates whose answers the retention rule says are due to go.

    Due when every application of theirs ended more than `months` calendar months before
    now: closed (rejected or withdrawn) then, or decided then, whatever the decision in force.
    """
    cutoff = months_before(now, months)
    later = aliased(Decision)
    decided = sa.exists().where(Decision.application_id == Application.id,
                                Decision.decided_at < cutoff,
                                ~sa.exists().where(later.supersedes_id == Decision.id))
    ended = sa.or_(sa.and_(Application.closed_at.is_not(None), Application.closed_at < cutoff),
                   sa.and_(Application.status == ApplicationStatus.DECIDED, decided))
    answered = sa.exists().where(SelfIdentification.candidate_id == Candidate.id)
    return list(db.session.scalars(
        sa.select(Candidate.id)
        .where(answered, sa.exists().where(Application.candidate_id == Candidate.id),
               ~sa.exists().where(Application.candidate_id == Candidate.id, ~ended))
        .order_by(Candidate.id)))


def retire_answers(now: datetime, months: int, batch: int = 500) -> int:
    """Delete the answers the retention rule says are due; return how many candidates had them.

    What their applications contributed to the selection counts is kept first (counts.keep),
    so reports of the past add up as before.
    """
    due = answers_due(now, months)
    for start in range(0, len(due), batch):
        chunk = due[start:start + batch]
        counts.keep(questionnaire(), chunk)
        for table in (SelfIdentification, SelfIdentificationLink):
            db.session.execute(sa.delete(table).where(table.candidate_id.in_(chunk)))
        db.session.commit()
    audit.record(None, "self_identification.retention_applied", None, months=months,
                 candidates=len(due))
    db.session.commit()
    return len(due)


def request_recount(actor: User) -> Job:
    """Start counting the selections again in the background; return the job.

    A count already under way is returned instead of a second one.
    """
    require(actor, Action.VIEW, Area.FAIRNESS)
    return refresh_under_way(RECOUNT) or jobs.start(actor, REFRESH_KIND, "Selection counts",
                                                    {"summaries": list(RECOUNT)})


def _candidate(candidate_id: int) -> Candidate:
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or candidate.erased_at is not None:
        raise NotVisible("There is no such candidate.")
    return candidate


class LinkRefused(Exception):
    """Raised when a self-identification link cannot be used; the message says why."""

    def __init__(self, message: str, gone: bool):
        super().__init__(message)
        self.gone = gone  # it existed but expired or was used (410), rather than never (404)


class LinkNotSent(Exception):
    """Raised when the link could not be mailed; the message says why."""


@dataclass(frozen=True)
class SentLink:
    """A link made for a candidate: where it was sent, the link itself and its end."""

    to: str
    url: str
    expires_at: datetime


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def send_link(actor: User, candidate_id: int, url_of) -> SentLink:
    """Make a single-use, expiring link for the candidate to answer, and mail it to them.

    url_of(token) gives the page's address. Only the token's hash is kept: the token leaves
    in the mail (and in what this returns) and nowhere else.
    """
    require(actor, Action.MANAGE, Area.PIPELINE)
    candidate = _candidate(candidate_id)
    if not candidate.email:
        raise LinkNotSent("The candidate has no email address to send the link to.")
    token = secrets.token_urlsafe(32)
    expires = utcnow() + timedelta(days=current_app.config["SELF_IDENTIFICATION_LINK_DAYS"])
    url = url_of(token)
    form = questionnaire()
    body = (f"Hello {candidate.name},\n\n{form.purpose}\n\nIf you wish to answer, the "
            f"questions are here, until {expires:%d %b %Y}:\n\n{url}\n\nThank you.")
    try:
        mail.sender().send(mail.Message(to=candidate.email, subject=form.title, body=body))
    except mail.MailError as failed:
        raise LinkNotSent(f"The link to {candidate.email} was not sent: {failed}") from failed
    db.session.add(SelfIdentificationLink(candidate_id=candidate.id, token_hash=_digest(token),
                                          created_by=actor, expires_at=expires))
    audit.record(actor, "self_identification.link_sent", candidate,
                 days=current_app.config["SELF_IDENTIFICATION_LINK_DAYS"])
    db.session.commit()
    return SentLink(candidate.email, url, expires)


def open_link(token: str) -> SelfIdentificationLink:
    """Return the link this token opens; LinkRefused if it never existed, expired or was used."""
    link = db.session.scalar(sa.select(SelfIdentificationLink)
                             .where(SelfIdentificationLink.token_hash == _digest(token)))
    if link is None or link.candidate.erased_at is not None:
        raise LinkRefused("This link is not valid. Check that you copied all of it.", gone=False)
    if link.used_at is not None:
        raise LinkRefused("This link was already used to answer: each link works once. "
                          "Your answers were kept.", gone=True)
    if link.expires_at <= utcnow():
        raise LinkRefused(f"This link expired on {link.expires_at:%d %b %Y}. If you still "
                          "wish to answer, ask the recruiter for a new one.", gone=True)
    return link


def answer_by_link(token: str, answers: dict[str, str]) -> None:
    """Store the candidate's own answers and use up the link, together.

    Raises LinkRefused for a link that cannot be used, AnswersRefused for answers the
    questionnaire does not have (nothing is stored then, and the link still works).
    """
    link = open_link(token)
    problems = questionnaire().problems(answers)
    if problems:
        raise AnswersRefused(problems)
    link.used_at = utcnow()
    record_answers(None, link.candidate_id, answers, "candidate")
