"""Voluntary self-identification: recorded from the candidate or an import, read by few.

The answers live in their own table and reach only the fairness role and admins, through
read_answers, which audits every read (who read whose answers, never the answers). No page,
packet, export or API answer others get joins them.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from .. import audit
from ..authz import Action, Area, require
from ..core.errors import Invalid, NotVisible
from ..extensions import db
from ..models import Candidate, SelfIdentification, User, utcnow
from .questionnaire import DEFAULT, Questionnaire, load

SOURCES = ("candidate", "import")


class AnswersRefused(Invalid):
    """Raised when answers name a question or an answer the questionnaire does not have."""

    def __init__(self, problems: dict[str, str]):
        self.problems = problems
        super().__init__("; ".join(f"{key}: {why}" for key, why in sorted(problems.items())))


def questionnaire() -> Questionnaire:
    """Return the configured questionnaire (SELF_IDENTIFICATION_FILE, the US set by default)."""
    return load(current_app.config.get("SELF_IDENTIFICATION_FILE") or DEFAULT)


@dataclass(frozen=True)
class Answers:
    """A candidate's answers by question key, and when they were last given."""

    candidate_id: int
    answers: dict[str, str]
    answered_at: object  # datetime, or None when nothing was answered


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


def _candidate(candidate_id: int) -> Candidate:
    candidate = db.session.get(Candidate, candidate_id)
    if candidate is None or candidate.erased_at is not None:
        raise NotVisible("There is no such candidate.")
    return candidate
