"""What the home page shows each role: one query a card, bounded rows, counted by the database.

Each card's figure and its first rows come from one statement: the rows are LIMITed and the
figure is a scalar subquery of the same conditions (a window count over an interviewer's few
owed scorecards). A figure over the whole company stops at COUNT_CAP ("100+"): counting a
year's 40,000 applications not yet interviewed, or its 4,000 overdue scorecards across three
tables, exactly would cost the page more than the figure tells.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from ..authz import Action, Area, require
from ..catalog.services import loop_of
from ..committee import services as committee
from ..core.vocabulary import OWED_STATUSES, ApplicationStatus, JobStatus, Role, ScorecardStatus
from ..extensions import db
from ..hr.services.candidates import CLOSING_STATUSES
from ..hr.services.openings import stage_title
from ..hr.services.reminders import overdue_conditions
from ..models import (
    Application,
    Candidate,
    Interview,
    Job,
    LoopVersion,
    Opening,
    OpeningContacts,
    Scorecard,
    User,
)

SHOWN = 5  # rows a card lists before its link to the full list
COUNT_CAP = 100  # a card counts this far, and says "100+" beyond
NEW_DAYS = 7  # how far back an application counts as new
JOBS_FAILED_WITHIN = timedelta(days=1)

OVERDUE, DUE, UPCOMING = "overdue", "due", "upcoming"


@dataclass(frozen=True)
class Bucket:
    """A count and the first rows of a card's list."""

    count: int  # at most COUNT_CAP + 1, for a capped count
    rows: list

    @property
    def figure(self) -> str:
        """Return the count as the card shows it ("100+" past the cap)."""
        return f"{COUNT_CAP}+" if self.count > COUNT_CAP else str(self.count)


def _capped(query: sa.Select) -> sa.ScalarSelect:
    """Return a scalar subquery counting query's rows up to COUNT_CAP + 1."""
    return (sa.select(sa.func.count()).select_from(query.limit(COUNT_CAP + 1).subquery())
            .correlate(None).scalar_subquery())


@dataclass(frozen=True)
class OwedRow:
    """A scorecard the interviewer owes, or the interview it belongs to if still to come."""

    scorecard_id: int
    interview_id: int
    candidate: str
    opening: str
    stage: str
    scheduled_at: datetime
    status: ScorecardStatus
    overdue_by: timedelta | None  # how long past the overdue window, when it is


@dataclass(frozen=True)
class Owed:
    """What an interviewer owes: overdue and due scorecards, and their next interviews."""

    overdue: Bucket
    due: Bucket
    upcoming: Bucket

    @property
    def nothing(self) -> bool:
        """Tell whether the interviewer owes nothing and has nothing coming."""
        return not (self.overdue.count or self.due.count or self.upcoming.count)


@dataclass(frozen=True)
class ApplicationRow:
    """An application as a card lists it."""

    application_id: int
    candidate: str
    opening: str
    since: datetime  # when it arrived, or last moved


@dataclass(frozen=True)
class OverdueRow:
    """A scorecard overdue on an opening HR answers for."""

    scorecard_id: int
    interview_id: int
    interviewer: str
    candidate: str
    opening: str
    stage: str
    overdue_by: timedelta


@dataclass(frozen=True)
class UserCounts:
    """How many accounts are in use, invited and not yet taken up, and deactivated."""

    active: int
    invited: int
    deactivated: int


@dataclass(frozen=True)
class JobCounts:
    """Background jobs waiting, running, and failed within the last day."""

    waiting: int
    running: int
    failed: int


def owed(user: User, now: datetime, overdue_after: timedelta) -> Owed:
    """Return the user's owed scorecards, overdue and due, and their next interviews, in one query.

    Only scorecards still owed count: an interview of a closed application or a cancelled
    one owes nothing. Overdue is the rule of the HR overdue list and the metrics, applied to
    the same rows; due is an interview held but not yet overdue; upcoming is still to come.
    """
    overdue = sa.and_(*overdue_conditions(now, overdue_after))
    bucket = sa.case((overdue, OVERDUE), (Scorecard.interview_at <= now, DUE), else_=UPCOMING)
    # The user's owed scorecards are a handful of the year's (ix_scorecards_interviewer_id_
    # status): numbered and counted per bucket over just them.
    mine = (
        sa.select(Scorecard.id.label("scorecard_id"), Scorecard.interview_id, Scorecard.status,
                  Scorecard.interview_at, bucket.label("bucket"),
                  sa.func.row_number().over(partition_by=bucket, order_by=(
                      Scorecard.interview_at, Scorecard.id)).label("place"),
                  sa.func.count().over(partition_by=bucket).label("total"))
        .join(Scorecard.interview).join(Interview.application)
        .where(Scorecard.interviewer_id == user.id, Scorecard.status.in_(OWED_STATUSES),
               Interview.cancelled_at.is_(None), Application.status.not_in(CLOSING_STATUSES))
        .subquery())
    found = db.session.execute(
        sa.select(mine.c.scorecard_id, mine.c.interview_id, mine.c.status, mine.c.interview_at,
                  mine.c.bucket, mine.c.total, Interview.stage_key, Candidate.name,
                  Opening.title, LoopVersion)
        .join(Interview, Interview.id == mine.c.interview_id).join(Interview.application)
        .join(Application.candidate).join(Application.opening).join(Opening.loop_version)
        .where(mine.c.place <= SHOWN)
        .order_by(mine.c.interview_at, mine.c.scorecard_id)).all()
    buckets: dict[str, tuple[int, list[OwedRow]]] = {}
    for (scorecard_id, interview_id, status, when, kind, total, stage_key, candidate, opening,
         loop_version) in found:
        late = now - when - overdue_after
        buckets.setdefault(kind, (total, []))[1].append(OwedRow(
            scorecard_id, interview_id, candidate, opening,
            stage_title(loop_of(loop_version), stage_key), when, ScorecardStatus(status),
            late if kind == OVERDUE else None))
    # Longest overdue first; due and upcoming soonest first.
    overdue_rows = buckets.get(OVERDUE, (0, []))
    return Owed(Bucket(overdue_rows[0], overdue_rows[1]), Bucket(*buckets.get(DUE, (0, []))),
                Bucket(*buckets.get(UPCOMING, (0, []))))


def awaiting_decision(actor: User) -> Bucket:
    """Return how many applications wait for the committee, and the longest waiting, in one query.

    The queue's own rule (committee.services.waiting): ready for the committee, and not on
    a panel where the actor still owes a scorecard.
    """
    require(actor, Action.VIEW, Area.COMMITTEE)
    rule = committee.waiting(actor)
    total = _capped(sa.select(Application.id).where(*rule))
    found = db.session.execute(
        sa.select(Application.id, Candidate.name, Opening.title, Application.updated_at, total)
        .join(Application.candidate).join(Application.opening).where(*rule)
        .order_by(Application.updated_at, Application.id).limit(SHOWN)).all()
    return Bucket(found[0][-1] if found else 0,
                  [ApplicationRow(*row[:-1]) for row in found])


def recent_decisions(actor: User, limit: int = 10) -> list[committee.DecidedRow]:
    """Return the newest decisions in force, as the Decided list shows them, in one query."""
    require(actor, Action.VIEW, Area.COMMITTEE)
    return committee.decided(actor, limit).rows


def hr_openings(actor: User) -> list[int] | None:
    """Return the ids of the openings the actor is the HR contact of; None for all openings.

    HR who answer for no opening (and admins, who usually do not) see every opening.
    """
    require(actor, Action.VIEW, Area.PIPELINE)
    ids = list(db.session.scalars(sa.select(OpeningContacts.opening_id)
                                  .where(OpeningContacts.hr_contact_id == actor.id)))
    return ids or None


def _on(openings: list[int] | None) -> tuple[sa.ColumnElement, ...]:
    return () if openings is None else (Application.opening_id.in_(openings),)


def overdue_on(openings: list[int] | None, now: datetime, overdue_after: timedelta) -> Bucket:
    """Return how many scorecards are overdue on the openings, and the longest overdue."""
    rule = (*overdue_conditions(now, overdue_after), *_on(openings))
    # One walk of the overdue list's partial index of owed scorecards, in its order, up to
    # the cap: counted and numbered over that walk, names joined to the first rows only. A
    # count of its own would be planned apart, hashing a year's interviews or starting a
    # parallel worker that costs more than the walk.
    walk = (sa.select(Scorecard.id, Scorecard.interview_id, Scorecard.interviewer_id,
                      Scorecard.interview_at)
            .join(Scorecard.interview).join(Interview.application).where(*rule)
            .order_by(Scorecard.interview_at, Scorecard.id).limit(COUNT_CAP + 1).subquery())
    numbered = sa.select(walk, sa.func.row_number().over(
        order_by=(walk.c.interview_at, walk.c.id)).label("place"),
        sa.func.count().over().label("total")).subquery()
    found = db.session.execute(
        sa.select(numbered.c.id, Interview.id, User.name, Candidate.name, Opening.title,
                  Interview.stage_key, numbered.c.interview_at, LoopVersion, numbered.c.total)
        .join(Interview, Interview.id == numbered.c.interview_id).join(Interview.application)
        .join(Application.candidate).join(Application.opening).join(Opening.loop_version)
        .join(User, User.id == numbered.c.interviewer_id)
        .where(numbered.c.place <= SHOWN).order_by(numbered.c.place)).all()
    rows = [OverdueRow(scorecard_id, interview_id, name, candidate, opening,
                       stage_title(loop_of(loop_version), stage_key),
                       now - when - overdue_after)
            for (scorecard_id, interview_id, name, candidate, opening, stage_key, when,
                 loop_version, _) in found]
    return Bucket(found[0][-1] if found else 0, rows)


def to_schedule(openings: list[int] | None) -> Bucket:
    """Return how many applications wait for their first interview, longest waiting first.

    An application is applied until its first interview is scheduled, and back to applied
    when every interview it had is cancelled (hr/services/scheduling.py), so the status is
    the rule, read from ix_applications_status_updated_at_id in the list's order.
    """
    rule = (Application.status == ApplicationStatus.APPLIED, *_on(openings))
    return _applications(rule, Application.updated_at, newest=False)


def new_applications(openings: list[int] | None, now: datetime) -> Bucket:
    """Return how many applications arrived in the last NEW_DAYS days, and the newest."""
    rule = (Application.applied_at >= now - timedelta(days=NEW_DAYS), *_on(openings))
    return _applications(rule, Application.applied_at, newest=True)


def _applications(rule: tuple, since: sa.ColumnElement, *, newest: bool) -> Bucket:
    total = _capped(sa.select(Application.id).where(*rule))
    # The first rows are picked on applications alone; names are joined to those only.
    order = (since.desc(), Application.id.desc()) if newest else (since, Application.id)
    first = (sa.select(Application.id, since.label("since")).where(*rule).order_by(*order)
             .limit(SHOWN).subquery())
    found = db.session.execute(
        sa.select(first.c.id, Candidate.name, Opening.title, first.c.since, total)
        .join(Application, Application.id == first.c.id).join(Application.candidate)
        .join(Application.opening)).all()
    found.sort(key=lambda row: (row[3], row[0]), reverse=newest)
    return Bucket(found[0][-1] if found else 0, [ApplicationRow(*row[:-1]) for row in found])


def user_counts(actor: User) -> UserCounts:
    """Return how many users are active, invited and not yet signed in, and deactivated.

    Invited and not yet taken up: an active account with neither a password nor a single
    sign-on identity yet.
    """
    require(actor, Action.VIEW, Area.USERS)
    invited = sa.and_(User.active, User.password_hash.is_(None), User.sso_subject.is_(None))
    active, waiting, deactivated = db.session.execute(sa.select(
        sa.func.count(sa.case((sa.and_(User.active, sa.not_(invited)), 1))),
        sa.func.count(sa.case((invited, 1))),
        sa.func.count(sa.case((sa.not_(User.active), 1))))).one()
    return UserCounts(active, waiting, deactivated)


def job_counts(actor: User, now: datetime) -> JobCounts:
    """Return how many background jobs wait, run, and failed within the last day."""
    require(actor, Action.VIEW, Area.USERS)
    # The jobs table stays small (forget_old_jobs), so one pass over it counts all three.
    waiting, running, failed = db.session.execute(sa.select(
        sa.func.count(sa.case((Job.status == JobStatus.QUEUED, 1))),
        sa.func.count(sa.case((Job.status == JobStatus.RUNNING, 1))),
        sa.func.count(sa.case((sa.and_(Job.status == JobStatus.FAILED,
                                       Job.finished_at >= now - JOBS_FAILED_WITHIN), 1))))
        .where(sa.or_(Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)),
                      sa.and_(Job.status == JobStatus.FAILED,
                              Job.finished_at >= now - JOBS_FAILED_WITHIN)))).one()
    return JobCounts(waiting, running, failed)


def blocks_of(user: User) -> list[Role]:
    """Return the roles whose cards the user's home shows, the interviewer's first."""
    order = (Role.INTERVIEWER, Role.COMMITTEE, Role.HR, Role.ADMIN)
    return [role for role in order if user.has_role(role)]

