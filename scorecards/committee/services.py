"""Use cases of the hiring committee: the queue, an application's summary, the decision.

The database gathers the panel (one query for any number of applications) and the
interviewers' calibration (their stored rater effects); the pure core does the arithmetic.
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import aliased, joinedload, selectinload

from .. import audit
from ..analytics.measurement import WINDOW, past_spread
from ..authz import Action, can, owed_applications, require
from ..catalog.services import loop_of, newest_rubrics, rubric_of
from ..core.calibration import Offset
from ..core.decision import Summary, departs, rationale_problem, recommend
from ..core.panel import PanelScorecard
from ..core.pipeline import transition
from ..core.rubric import Loop, Rubric, stage_rubrics
from ..core.vocabulary import (
    ApplicationStatus,
    FinalOutcome,
    Outcome,
    Recommendation,
    ScorecardStatus,
)
from ..extensions import db
from ..models import (
    Application,
    Candidate,
    Decision,
    Interview,
    Opening,
    PanelSpread,
    RaterEffect,
    Rating,
    Scorecard,
    User,
)
from ..paging import Page, keyset_page

DECIDED = "d"  # the kind of the Decided list's cursors
QUEUE = "queue"  # and of the queue's
QUEUE_STATUSES = (ApplicationStatus.COMMITTEE,)
DECIDABLE_STATUSES = {ApplicationStatus.INTERVIEWING, ApplicationStatus.COMMITTEE,
                      ApplicationStatus.DECIDED}


class DecisionRefused(ValueError):
    """Raised when a decision cannot be recorded as given; the message says why."""


@dataclass(frozen=True)
class QueueRow:
    """One application waiting for the committee."""

    application: Application
    summary: Summary


@dataclass(frozen=True)
class CandidateSummary:
    """Everything the committee's summary page shows of one application."""

    application: Application
    loop: Loop
    rubrics: dict[str, Rubric]
    summary: Summary
    scorecards: list[Scorecard]  # submitted, in loop order
    offsets: dict[tuple[str, int], Offset]  # by (stage, interviewer), where fitted

    @property
    def calibration_fit(self) -> Offset | None:
        """Return an offset of the panel's, whose window and time are the fit's; None if none."""
        return next(iter(self.offsets.values()), None)


def panels(application_ids: Iterable[int]) -> dict[int, list[PanelScorecard]]:
    """Return the submitted scorecards of these applications as plain data, in one query."""
    ids = list(application_ids)
    rows = db.session.execute(
        sa.select(Interview.application_id, Scorecard.interview_id, Interview.stage_key,
                  Scorecard.interviewer_id, Scorecard.recommendation, Rating.competency_key,
                  Rating.score)
        .join(Scorecard.interview)
        .outerjoin(Rating, Rating.scorecard_id == Scorecard.id)
        .where(Interview.application_id.in_(ids),
               Scorecard.status == ScorecardStatus.SUBMITTED)
        .order_by(Scorecard.id))
    cards: dict[tuple[int, int, int], PanelScorecard] = {}
    for application_id, interview_id, stage, interviewer_id, recommendation, key, score in rows:
        card = cards.setdefault((application_id, interview_id, interviewer_id), PanelScorecard(
            interview_id, stage, interviewer_id, Recommendation(recommendation), {}))
        if key is not None:
            card.scores[key] = score  # type: ignore[index]
    found: dict[int, list[PanelScorecard]] = defaultdict(list)
    for (application_id, *_), card in cards.items():
        found[application_id].append(card)
    return found


def calibration(pairs: Iterable[tuple[str, int]]) -> dict[tuple[str, int], Offset]:
    """Return the calibration offset of each (rubric key, interviewer) the last fit found.

    The offsets are the rater effects of the crossed model over the fitting window
    (analytics/measurement.py), read from their stored rows; a pair the fit did not reach
    (no scorecard in the window, or no fit yet) has none.
    """
    wanted = set(pairs)
    if not wanted:
        return {}
    rows = db.session.scalars(
        sa.select(RaterEffect)
        .where(RaterEffect.span == WINDOW,
               RaterEffect.interviewer_id.in_({who for _, who in wanted}),
               RaterEffect.rubric_key.in_({key for key, _ in wanted})))
    return {(row.rubric_key, row.interviewer_id): Offset(
        row.interviewer_id, row.rubric_key, row.effect, row.error, row.scorecards,
        row.period_start, row.period_end, row.computed_at)
        for row in rows if (row.rubric_key, row.interviewer_id) in wanted}


# How long a process keeps a past spread it measured itself, for a rubric the measurement fit
# has not stored yet: it moves slowly, and measuring it reads thousands of ratings.
SPREAD_SECONDS = 600


def rubric_spreads(rubrics: Iterable[Rubric]) -> dict[str, float]:
    """Return, per rubric key, the spread between panelists on its latest shared panels.

    The spreads the last measurement fit stored are read in one query. A rubric it has not
    reached yet (none has run, or the rubric is new) is measured here and kept per process
    for SPREAD_SECONDS. Rubrics without a panel of two or more are left out (the policy's
    assumed spread applies).
    """
    wanted = {rubric.key: rubric for rubric in rubrics}
    if not wanted:
        return {}
    stored = dict(db.session.execute(
        sa.select(PanelSpread.rubric_key, PanelSpread.spread)
        .where(PanelSpread.rubric_key.in_(wanted))).all())
    cache = current_app.extensions.setdefault("scorecards.spreads", {})
    now = time.monotonic()
    for key in wanted.keys() - stored.keys():
        kept = cache.get(key)
        if kept is None or kept[0] < now:
            measured = past_spread(wanted[key])
            kept = cache[key] = (now + SPREAD_SECONDS, measured[0] if measured else None)
        stored[key] = kept[1]
    return {key: spread for key, spread in stored.items() if spread is not None}


def _rubrics(loop: Loop, interviews: Iterable[Interview],
             newest: Callable[[str], Rubric | None] | None = None) -> dict[str, Rubric]:
    used = {interview.stage_key: rubric_of(interview.rubric_version) for interview in interviews}
    return stage_rubrics(loop, used, newest or newest_rubrics())


def candidate_summary(actor: User | None, application_id: int,
                      missing_ok: bool = False) -> CandidateSummary | None:
    """Return the committee's view of one application, or None if there is no such one.

    actor None is the command line, which sees everything. With missing_ok, an application
    the actor may not see is None too, instead of a 404.
    """
    application = db.session.scalar(
        sa.select(Application).where(Application.id == application_id)
        .options(joinedload(Application.candidate),
                 joinedload(Application.opening).joinedload(Opening.loop_version),
                 selectinload(Application.interviews).joinedload(Interview.rubric_version),
                 selectinload(Application.interviews).selectinload(Interview.scorecards)
                 .options(joinedload(Scorecard.interviewer), selectinload(Scorecard.ratings),
                          selectinload(Scorecard.revisions)),
                 selectinload(Application.decisions).joinedload(Decision.decided_by)))
    if application is None:
        return None
    if actor is not None:
        if missing_ok and not can(actor, Action.VIEW, application):
            return None
        require(actor, Action.VIEW, application)
    loop = loop_of(application.opening.loop_version)
    rubrics = _rubrics(loop, application.interviews)
    submitted = [s for i in application.interviews for s in i.scorecards
                 if s.status == ScorecardStatus.SUBMITTED]
    found = calibration((s.interview.rubric_version.key, s.interviewer_id) for s in submitted)
    offsets = {(s.interview.stage_key, s.interviewer_id): found[key] for s in submitted
               if (key := (s.interview.rubric_version.key, s.interviewer_id)) in found}
    summary = recommend(loop, rubrics, panels([application.id]).get(application.id, []),
                        {key: offset.effect for key, offset in offsets.items()},
                        {s.interviewer_id: s.interviewer.name for s in submitted},
                        rubric_spreads(rubrics.values()), with_flips=True)
    order = {stage.key: i for i, stage in enumerate(loop.stages)}
    submitted.sort(key=lambda s: (order.get(s.interview.stage_key, 99), s.interviewer.name))
    return CandidateSummary(application, loop, rubrics, summary, submitted, offsets)


def waiting(actor: User) -> tuple[sa.ColumnElement, ...]:
    """Return what puts an application in the actor's queue, on applications.

    Its required scorecards are all in, and the actor owes none on it.
    """
    return (Application.status.in_(QUEUE_STATUSES),
            Application.id.not_in(owed_applications(actor)))


def queue(actor: User, limit: int = 50, after: str | None = None,
          before: str | None = None) -> Page[QueueRow]:
    """Return a page of the applications whose required scorecards are in, oldest first.

    Paged by key (after continues below a page, before above it; either raises ValueError
    for a cursor this list never issued), and the engine recommends for the page's rows only.
    """
    query = (sa.select(Application).where(*waiting(actor))
             .options(joinedload(Application.candidate),
                      joinedload(Application.opening).joinedload(Opening.loop_version),
                      selectinload(Application.interviews)
                      .joinedload(Interview.rubric_version)))
    page = keyset_page(query, (Application.updated_at, Application.id), QUEUE, limit=limit,
                       after=after, before=before, descending=False,
                       fetch=lambda select: db.session.scalars(select).unique().all())
    found = panels(a.id for a in page.rows)
    newest = newest_rubrics()  # asked once per rubric, not once per application
    loops = {a.id: loop_of(a.opening.loop_version) for a in page.rows}
    rubrics = {a.id: _rubrics(loops[a.id], a.interviews, newest) for a in page.rows}
    spreads = rubric_spreads(r for used in rubrics.values() for r in used.values())  # one read
    rows = [QueueRow(a, recommend(loops[a.id], rubrics[a.id], found.get(a.id, []),
                                  history=spreads))
            for a in page.rows]
    return replace(page, rows=rows)


@dataclass(frozen=True)
class DecidedRow:
    """One decision in force, as the Decided list shows it."""

    decision_id: int
    application_id: int
    candidate: str
    opening: str
    final: FinalOutcome
    recommended: Outcome
    departed: bool  # the committee went against the recommendation
    decided_by: str
    decided_at: datetime
    changed: bool  # it supersedes an earlier decision


def decided(actor: User, limit: int, after: str | None = None,
            before: str | None = None) -> Page[DecidedRow]:
    """Return a page of the decisions in force, newest first, in one query.

    A decision is in force until a newer one supersedes it. Applications the actor still
    owes a scorecard on are left out. after continues below a page (older decisions), before
    above it (newer ones); either raises ValueError for a cursor this list never issued.
    """
    later = aliased(Decision)
    query = (
        sa.select(Decision.id, Decision.application_id, Candidate.name, Opening.title,
                  Decision.final_outcome, Decision.recommended_outcome, User.name,
                  Decision.decided_at, Decision.supersedes_id)
        .join(Decision.application).join(Application.candidate).join(Application.opening)
        .join(Decision.decided_by)
        .where(~sa.exists().where(later.supersedes_id == Decision.id),
               Decision.application_id.not_in(owed_applications(actor))))
    page = keyset_page(query, (Decision.id,), DECIDED, limit=limit, after=after, before=before)
    return replace(page, rows=[_decided_row(row) for row in page.rows])


def _decided_row(row: sa.Row) -> DecidedRow:
    (decision_id, application_id, candidate, opening, final, recommended, decided_by,
     decided_at, supersedes_id) = row
    final, recommended = FinalOutcome(final), Outcome(recommended)
    return DecidedRow(decision_id, application_id, candidate, opening, final, recommended,
                      departs(recommended, final), decided_by, decided_at,
                      supersedes_id is not None)


def record_decision(actor: User, application_id: int, final: FinalOutcome,
                    rationale: str) -> Decision:
    """Record the committee's decision beside the recommendation it was made against.

    A decision is never changed: a new one supersedes the last, and both stay on record.
    """
    found = candidate_summary(actor, application_id)
    if found is None:
        raise LookupError(application_id)
    application = found.application
    require(actor, Action.DECIDE, application)
    if application.status not in DECIDABLE_STATUSES:
        raise DecisionRefused(f"The application is {application.status}; it cannot be decided.")
    rationale = rationale.strip()
    problem = rationale_problem(found.summary.outcome, final, rationale)
    if problem:
        raise DecisionRefused(problem)
    previous = application.decisions[-1] if application.decisions else None
    decision = Decision(application=application, recommended_outcome=found.summary.outcome,
                        explanation=found.summary.to_document(), final_outcome=final,
                        rationale=rationale, decided_by=actor, supersedes=previous)
    db.session.add(decision)
    application.status = transition(application.status, ApplicationStatus.INTERVIEWING
                                    if final is FinalOutcome.HOLD else ApplicationStatus.DECIDED)
    db.session.flush()
    audit.record(actor, "decision.recorded", application, decision_id=decision.id,
                 final=final.value, recommended=found.summary.outcome.value,
                 supersedes=previous.id if previous else None)
    db.session.commit()
    return decision
