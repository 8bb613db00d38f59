"""Use cases of interviewers: list my interviews, save, submit and amend a scorecard.

Every save names the version of the scorecard it started from. A save from an older version
is refused with StaleScorecard, so that two tabs or devices never overwrite each other
silently; the caller hands the user's text back. A scorecard is submitted once its interview
has started (SCORECARD_SUBMIT_EARLY_MINUTES before at the earliest); drafts are saved at any
time.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import contains_eager, defer, joinedload, selectinload
from sqlalchemy.orm.exc import StaleDataError

from .. import audit
from ..authz import Action, require
from ..catalog.services import loop_of, rubric_of
from ..core.errors import Conflict
from ..core.pipeline import status_from_scoring, transition
from ..core.rubric import Rubric
from ..core.scorecard import (
    Answers,
    Problem,
    RatingAnswer,
    Review,
    TooEarly,
    display_status,
    review_submission,
    too_early_to_submit,
)
from ..core.vocabulary import ApplicationStatus, Recommendation, ScorecardStatus
from ..extensions import db
from ..models import (
    Application,
    Candidate,
    Interview,
    LoopVersion,
    Opening,
    Rating,
    Scorecard,
    ScorecardRevision,
    User,
    utcnow,
)
from ..notifications import outbox
from ..paging import Page, keyset_page

# Statuses that scorecards move an application between; later ones belong to people.
_SCORING_STATUSES = {ApplicationStatus.APPLIED, ApplicationStatus.INTERVIEWING,
                     ApplicationStatus.COMMITTEE}


class StaleScorecard(Conflict):
    """Raised when a save starts from an older version than the one stored."""

    def __init__(self, current: Scorecard):
        super().__init__(f"scorecard {current.id} is at version {current.version}")
        self.current = current


class ScorecardClosed(Conflict):
    """Raised when a draft is saved to a scorecard that is already submitted."""


class SubmissionNotOpen(Conflict):
    """Raised when a scorecard is submitted before its interview starts.

    The answers sent are kept as a draft; version is the scorecard's version after that.
    """

    def __init__(self, too_early: TooEarly, version: int):
        super().__init__(too_early.message)
        self.too_early = too_early
        self.version = version


@dataclass(frozen=True)
class Saved:
    """Where a draft save left the scorecard."""

    version: int
    saved_at: datetime


@dataclass(frozen=True)
class Submission:
    """What came of an attempt to submit or amend."""

    review: Review
    done: bool = False
    repeated: bool = False  # the same content was submitted before: nothing new happened


@dataclass(frozen=True)
class InterviewRow:
    """One line of an interviewer's list."""

    scorecard_id: int
    interview_id: int
    candidate: str
    opening: str
    stage: str
    scheduled_at: datetime
    state: str  # not_started, draft, submitted, overdue, withdrawn or cancelled


@dataclass(frozen=True)
class MyInterviews:
    """An interviewer's list: the next interviews, and a page of the past ones."""

    upcoming: list[InterviewRow]  # soonest first, at most the page's size
    more_upcoming: bool  # more are scheduled after the last one shown
    past: Page[InterviewRow]  # newest first


PAST = "mine"  # the kind of the past interviews' cursors


def my_interviews(user: User, now: datetime, overdue_after: timedelta, limit: int, *,
                  after: str | None = None, before: str | None = None) -> MyInterviews:
    """Return the user's next interviews and a page of past ones, in a fixed number of queries.

    Past interviews come newest first, paged by key (after continues below a page, before
    above it; either raises ValueError for a cursor this list never issued). Cancelled
    interviews and withdrawn drafts stay in the list, marked as such, so that a panelist
    sees what became of them.
    """
    # The user's own scorecards are read first, each with its interview's time asked for on
    # its own: a thousand rows of the year's half million, where a join tempts the planner to
    # walk every interview by time looking for the user's.
    when = (sa.select(Interview.scheduled_at).where(Interview.id == Scorecard.interview_id)
            .scalar_subquery())
    mine = (sa.select(Scorecard.id.label("scorecard_id"), Scorecard.status,
                      Scorecard.interview_id, when.label("scheduled_at"))
            .where(Scorecard.interviewer_id == user.id).cte("mine").prefix_with("MATERIALIZED"))
    key = (mine.c.scheduled_at, mine.c.interview_id)

    def with_names(query: sa.Select) -> list[sa.Row]:
        page = query.subquery()  # the rest is joined to the page's rows only
        found = db.session.execute(
            sa.select(page.c.scorecard_id, page.c.status, page.c.interview_id,
                      Interview.stage_key, page.c.scheduled_at, Candidate.name, Opening.title,
                      Opening.loop_version_id, Interview.cancelled_at)
            .join(Interview, Interview.id == page.c.interview_id).join(Interview.application)
            .join(Application.candidate).join(Application.opening)).all()
        return sorted(found, key=lambda row: (row.scheduled_at, row.interview_id))

    upcoming = with_names(sa.select(mine).where(mine.c.scheduled_at > now)
                          .order_by(*key).limit(limit + 1))
    past = keyset_page(sa.select(mine).where(mine.c.scheduled_at <= now), key, PAST,
                       limit=limit, after=after, before=before, fetch=with_names,
                       key_of=lambda row: (row.scheduled_at, row.interview_id))
    titles = _stage_titles({row[7] for row in (*upcoming, *past.rows)})

    def row(found) -> InterviewRow:
        (scorecard_id, status, interview_id, stage_key, when, candidate, opening, loop_id,
         cancelled_at) = found
        return InterviewRow(scorecard_id, interview_id, candidate, opening,
                            titles.get((loop_id, stage_key), stage_key), when,
                            display_status(ScorecardStatus(status), when, now, overdue_after,
                                           cancelled=cancelled_at is not None))

    return MyInterviews([row(r) for r in upcoming[:limit]], len(upcoming) > limit,
                        replace(past, rows=[row(r) for r in past.rows]))


def _stage_titles(loop_version_ids: set[int]) -> dict[tuple[int, str], str]:
    versions = db.session.scalars(sa.select(LoopVersion)
                                  .where(LoopVersion.id.in_(loop_version_ids))).all()
    return {(version.id, stage.key): stage.title
            for version in versions for stage in loop_of(version).stages}


# Built once: composing these options and their cache key costs more than running the query.
# Reading a scorecard takes the candidate's name, not the application: read as a column, it
# spares building two more objects on every view of the busiest page.
_SCORECARD = (
    sa.select(Scorecard, Candidate.name)
    .join(Scorecard.interview).join(Interview.rubric_version)
    .join(Interview.application).join(Application.candidate)
    .outerjoin(Scorecard.ratings)
    .where(Scorecard.id == sa.bindparam("scorecard_id"))
    .options(contains_eager(Scorecard.interview).contains_eager(Interview.rubric_version),
             contains_eager(Scorecard.ratings))
)
# A save overwrites the notes without reading them; joined to each rating, they would come
# once per rating.
_SCORECARD_FOR_SAVING = (
    sa.select(Scorecard).where(Scorecard.id == sa.bindparam("scorecard_id"))
    .options(defer(Scorecard.takeaways), defer(Scorecard.private_note),
             joinedload(Scorecard.interview).joinedload(Interview.rubric_version),
             joinedload(Scorecard.ratings))
)


def load_page(scorecard_id: int) -> tuple[Scorecard, str] | None:
    """Return a scorecard as its pages read it, and the candidate's name, in one query."""
    row = db.session.execute(_SCORECARD, {"scorecard_id": scorecard_id}).unique().first()
    return None if row is None else (row[0], row[1])


def load_scorecard(scorecard_id: int) -> Scorecard | None:
    """Return a scorecard with its notes, interview, rubric version and ratings, in one query."""
    page = load_page(scorecard_id)
    return None if page is None else page[0]


def load_for_saving(scorecard_id: int) -> Scorecard | None:
    """Return a scorecard with what saving reads (no candidate, no notes), in one query."""
    return db.session.execute(
        _SCORECARD_FOR_SAVING, {"scorecard_id": scorecard_id}).unique().scalar_one_or_none()


def load_interview(interview_id: int) -> Interview | None:
    """Return an interview with its panel's scorecards and ratings."""
    return db.session.scalar(
        sa.select(Interview).where(Interview.id == interview_id)
        .options(joinedload(Interview.rubric_version),
                 joinedload(Interview.application).joinedload(Application.candidate),
                 joinedload(Interview.application).joinedload(Application.opening),
                 selectinload(Interview.scorecards).selectinload(Scorecard.ratings),
                 selectinload(Interview.scorecards).joinedload(Scorecard.interviewer))
    )


def rubric_for(scorecard: Scorecard) -> Rubric:
    """Return the rubric version the scorecard is scored with."""
    return rubric_of(scorecard.interview.rubric_version)


def answers_of(scorecard: Scorecard) -> Answers:
    """Return what is stored on a scorecard as plain answers."""
    return Answers(
        ratings={r.competency_key: RatingAnswer(r.score, r.not_assessed, r.evidence)
                 for r in scorecard.ratings},
        recommendation=Recommendation(scorecard.recommendation)
        if scorecard.recommendation else None,
        takeaways=scorecard.takeaways,
        private_note=scorecard.private_note,
    )


# Drafts are saved many times a minute while people type, so answers are written with these
# statements on the tables rather than through the unit of work, which costs several times
# more; submitting and amending write them the same way. The version check is the one the
# ORM makes: the UPDATE only matches the version loaded.
_scorecards, _ratings = Scorecard.__table__, Rating.__table__
_STORE_ANSWERS = (
    sa.update(_scorecards)
    .where(_scorecards.c.id == sa.bindparam("scorecard_id"),
           _scorecards.c.version == sa.bindparam("loaded_version"))
    .values(status=sa.bindparam("status"), submitted_at=sa.bindparam("submitted_at"),
            recommendation=sa.bindparam("recommendation"),
            takeaways=sa.bindparam("takeaways"), private_note=sa.bindparam("private_note"),
            version=sa.bindparam("new_version"), updated_at=sa.bindparam("updated_at"))
)
_ADD_RATINGS = sa.insert(_ratings)
_CHANGE_RATINGS = (
    sa.update(_ratings)
    .where(_ratings.c.scorecard_id == sa.bindparam("row_scorecard_id"),
           _ratings.c.competency_key == sa.bindparam("row_competency_key"))
    .values(score=sa.bindparam("score"), not_assessed=sa.bindparam("not_assessed"),
            evidence=sa.bindparam("evidence"))
)
_REMOVE_RATINGS = (
    sa.delete(_ratings)
    .where(_ratings.c.scorecard_id == sa.bindparam("scorecard_id"),
           _ratings.c.competency_key.in_(sa.bindparam("keys", expanding=True)))
)


def save_draft(actor: User, scorecard: Scorecard, answers: Answers, version: int) -> Saved:
    """Store the answers as the scorecard's draft; partial answers are welcome.

    The commit expires the session's copies, so they reload what was written.
    """
    require(actor, Action.EDIT, scorecard)
    if scorecard.status == ScorecardStatus.SUBMITTED:
        raise ScorecardClosed(f"scorecard {scorecard.id} is submitted")
    with _versioned(scorecard):
        return _store(scorecard, answers, version, ScorecardStatus.DRAFT)


def save_notes(actor: User, scorecard: Scorecard, notes: Mapping[str, str],
               version: int) -> Saved:
    """Store notes as the evidence of their competencies in the draft, keeping the rest as is.

    The interview kit's notes: scores, the recommendation and the other boxes stay as stored
    at the version the kit started from, so a save from an older version is refused as any
    draft save is.
    """
    stored = answers_of(scorecard)
    ratings = dict(stored.ratings)
    for key, evidence in notes.items():
        ratings[key] = replace(stored.rating(key), evidence=evidence)
    return save_draft(actor, scorecard, replace(stored, ratings=ratings), version)


def minutes_per_competency(rubric: Rubric, interview_minutes: int) -> int:
    """Return the minutes to suggest for each competency: the interview split evenly."""
    return max(1, interview_minutes // len(rubric.competencies))


def submit(actor: User, scorecard: Scorecard, answers: Answers, version: int,
           confirmed: bool = False) -> Submission:
    """Submit the scorecard if the answers pass review; otherwise keep them as a draft.

    Warnings hold the submission back until the user confirms. Submitting the same answers
    again (a double click, a retried request) changes nothing and reports success. Before
    the interview starts, SubmissionNotOpen is raised, with answers that differ from the
    stored ones saved as a draft first.
    """
    require(actor, Action.EDIT, scorecard)
    if scorecard.status == ScorecardStatus.SUBMITTED:
        return _resubmission(scorecard, answers)
    too_early = submission_not_open(scorecard, utcnow())
    if too_early is not None:
        current = scorecard.version
        if answers_of(scorecard).to_document() != answers.to_document():
            current = save_draft(actor, scorecard, answers, version).version
        raise SubmissionNotOpen(too_early, current)
    review = review_submission(rubric_for(scorecard), answers)
    if not review.ok or (review.warnings and not confirmed):
        save_draft(actor, scorecard, answers, version)
        return Submission(review)
    try:
        with _versioned(scorecard):
            saved = _store(scorecard, answers, version, ScorecardStatus.SUBMITTED,
                           submitted_at=utcnow())
            db.session.add(ScorecardRevision(scorecard_id=scorecard.id, number=1,
                                             content=answers.to_document(), author=actor,
                                             created_at=saved.saved_at))
            audit.record(actor, "scorecard.submitted", scorecard,
                         recommendation=answers.recommendation.value)
            _advance(scorecard.interview.application)
    except StaleScorecard as stale:
        if stale.current.status == ScorecardStatus.SUBMITTED:
            return _resubmission(stale.current, answers)
        raise
    return Submission(review, done=True)


def submission_not_open(scorecard: Scorecard, now: datetime) -> TooEarly | None:
    """Return why the scorecard cannot be submitted at this time, or None if it can."""
    early = timedelta(minutes=current_app.config["SCORECARD_SUBMIT_EARLY_MINUTES"])
    return too_early_to_submit(scorecard.interview.scheduled_at, now, early)


def _resubmission(scorecard: Scorecard, answers: Answers) -> Submission:
    if answers_of(scorecard).to_document() == answers.to_document():
        return Submission(Review(), done=True, repeated=True)
    raise StaleScorecard(scorecard)


def amend(actor: User, scorecard: Scorecard, answers: Answers, version: int, reason: str,
          confirmed: bool = False) -> Submission:
    """Replace a submitted scorecard's answers, keeping the earlier ones as a revision."""
    require(actor, Action.AMEND, scorecard)
    review = review_submission(rubric_for(scorecard), answers)
    if answers_of(scorecard).to_document() == answers.to_document():
        review = Review((*review.problems, Problem(
            ("reason",), "Nothing changed: the scorecard already says this.")), review.warnings)
    if not review.ok or (review.warnings and not confirmed):
        return Submission(review)
    before, number = answers_of(scorecard), len(scorecard.revisions) + 1
    with _versioned(scorecard):
        saved = _store(scorecard, answers, version, ScorecardStatus.SUBMITTED,
                       submitted_at=scorecard.submitted_at)
        db.session.add(ScorecardRevision(scorecard_id=scorecard.id, number=number,
                                         content=answers.to_document(), reason=reason.strip(),
                                         author=actor, created_at=saved.saved_at))
        audit.record(actor, "scorecard.amended", scorecard, revision=number,
                     changed=_changed_fields(before, answers))  # the reason is the revision's
    return Submission(review, done=True)


def _changed_fields(before: Answers, after: Answers) -> list[str]:
    """Return the names of what an amendment changed, without the text itself."""
    old, new = before.to_document(), after.to_document()
    changed = [name for name in ("recommendation", "takeaways", "private_note")
               if old[name] != new[name]]
    keys = sorted(set(old["ratings"]) | set(new["ratings"]))
    return changed + [f"ratings.{key}" for key in keys
                      if old["ratings"].get(key) != new["ratings"].get(key)]


@dataclass(frozen=True)
class _RatingChanges:
    """How the stored ratings must change to hold new answers, by competency key."""

    added: dict[str, RatingAnswer]
    changed: dict[str, RatingAnswer]
    removed: list[str]


def _rating_changes(scorecard: Scorecard, answers: Answers) -> _RatingChanges:
    """Compare the answers with the stored ratings; blank answers remove a rating."""
    existing = {rating.competency_key: rating for rating in scorecard.ratings}
    changes = _RatingChanges({}, {}, [])
    for competency in rubric_for(scorecard).competencies:
        key = competency.key
        answer, row = answers.rating(key), existing.get(key)
        if row is None:
            if not answer.is_blank:
                changes.added[key] = answer
        elif answer.is_blank:
            changes.removed.append(key)
        elif RatingAnswer(row.score, row.not_assessed, row.evidence) != answer:
            changes.changed[key] = answer
    return changes


def _values(answer: RatingAnswer) -> dict:
    """Return the columns of a rating row that hold an answer."""
    return {"score": answer.score, "not_assessed": answer.not_assessed,
            "evidence": answer.evidence}


def _store(scorecard: Scorecard, answers: Answers, version: int, status: ScorecardStatus,
           submitted_at: datetime | None = None) -> Saved:
    """Write the answers if the scorecard is still at the version the user started from.

    One versioned UPDATE of the scorecard, then at most one batch each of new, changed and
    removed ratings. The session's copy of the scorecard is left as it was loaded.
    """
    if scorecard.version != version:
        raise StaleScorecard(scorecard)
    saved = Saved(version + 1, utcnow())
    changes = _rating_changes(scorecard, answers)
    updated = db.session.execute(_STORE_ANSWERS, {
        "scorecard_id": scorecard.id, "loaded_version": version, "status": status,
        "submitted_at": submitted_at, "new_version": saved.version,
        "updated_at": saved.saved_at,
        "recommendation": answers.recommendation.value if answers.recommendation else None,
        "takeaways": answers.takeaways, "private_note": answers.private_note,
    })
    if updated.rowcount != 1:
        raise StaleScorecard(scorecard)
    if changes.added:
        db.session.execute(_ADD_RATINGS, [
            {"scorecard_id": scorecard.id, "competency_key": key, **_values(answer)}
            for key, answer in changes.added.items()])
    if changes.changed:
        db.session.execute(_CHANGE_RATINGS, [
            {"row_scorecard_id": scorecard.id, "row_competency_key": key, **_values(answer)}
            for key, answer in changes.changed.items()])
    if changes.removed:
        db.session.execute(_REMOVE_RATINGS, {"scorecard_id": scorecard.id,
                                             "keys": changes.removed})
    return saved


@contextmanager
def _versioned(scorecard: Scorecard) -> Iterator[None]:
    """Commit the changes made in the block, or raise StaleScorecard if another writer won.

    The database refuses an UPDATE of a version that has moved on since it was loaded.
    """
    scorecard_id = scorecard.id
    try:
        yield
        db.session.commit()
    except (StaleDataError, StaleScorecard):
        db.session.rollback()
        raise StaleScorecard(load_scorecard(scorecard_id)) from None
    except Exception:
        db.session.rollback()  # nothing half-written stays in the session
        raise


def _advance(application: Application) -> None:
    """Move the application along the pipeline once a stage's scorecards are in."""
    if application.status not in _SCORING_STATUSES:
        return
    db.session.flush()
    counts = db.session.execute(
        sa.select(Interview.stage_key, sa.func.count())
        .join(Interview.scorecards)
        .where(Interview.application_id == application.id,
               Scorecard.status == ScorecardStatus.SUBMITTED)
        .group_by(Interview.stage_key)).all()
    loop = loop_of(application.opening.loop_version)
    before = application.status
    application.status = transition(application.status,
                                    status_from_scoring(loop, Counter(dict(counts)), True))
    if application.status == ApplicationStatus.COMMITTEE != before:
        outbox.application_ready(application)
