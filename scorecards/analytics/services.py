"""Read the measurement the last fit stored (agreement, leniency, habits), and ask for a new fit."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime

import sqlalchemy as sa

from ..authz import Action, Area, NotVisible, can, require
from ..catalog.services import newest_rubrics
from ..core.vocabulary import JobStatus
from ..extensions import db
from ..jobs import services as jobs
from ..models import AgreementFit, InterviewerHabits, Job, RaterEffect, RubricVersion, User
from ..paging import Page, keyset_page
from .measurement import QUARTER, QUARTERS

REFRESH_KIND = "aggregates"
INTERVIEWERS = "iv"  # the kind of the interviewer list's cursors
# Bands of a reliability for one rater (Cicchetti 1994, "Guidelines, criteria, and rules of
# thumb for evaluating normed and standardized assessment instruments in psychology",
# Psychological Assessment 6): what the page says a competency does.
BANDS = ((0.75, "excellent"), (0.60, "good"), (0.40, "fair"), (float("-inf"), "poor"))


def band(value: float | None) -> str | None:
    """Return Cicchetti's word for a reliability, None for no figure."""
    if value is None:
        return None
    return next(word for bound, word in BANDS if value >= bound)


@dataclass(frozen=True)
class RubricAgreement:
    """One rubric's agreement as last fitted: the stage score and each competency."""

    key: str
    title: str  # the title of the rubric's newest version
    stage: AgreementFit | None  # None until the first fit after the rubric was stored
    competencies: list[tuple[str, AgreementFit]]  # (title, fit) in the rubric's order


@dataclass(frozen=True)
class AgreementReport:
    """Every stored rubric's agreement, and the window and time of the fit (None if never)."""

    rubrics: list[RubricAgreement]
    window_start: datetime | None
    window_end: datetime | None
    computed_at: datetime | None


def agreement_report(actor: User, rubric_key: str | None = None,
                     competency_key: str | None = None) -> AgreementReport:
    """Return the stored agreement of every rubric (or of one), ordered by title.

    A rubric or competency key that names nothing stored raises LookupError.
    """
    require(actor, Action.VIEW, Area.ANALYTICS)
    query = sa.select(AgreementFit)
    if rubric_key is not None:
        query = query.where(AgreementFit.rubric_key == rubric_key)
    stored: dict[str, dict[str, AgreementFit]] = {}
    for row in db.session.scalars(query):
        stored.setdefault(row.rubric_key, {})[row.competency_key] = row
    titles = _latest_titles()
    if rubric_key is not None and rubric_key not in dict(titles):
        raise LookupError(f"no rubric {rubric_key!r}")
    newest = newest_rubrics()
    rubrics = []
    for key, title in titles:
        if rubric_key is not None and key != rubric_key:
            continue
        fits = stored.get(key, {})
        rubric = newest(key)
        names = {c.key: c.title for c in rubric.competencies} if rubric else {}
        order = list(names) + sorted(set(fits) - set(names) - {""})
        if competency_key is not None:
            if competency_key not in names and competency_key not in fits:
                raise LookupError(f"no competency {competency_key!r} in rubric {key!r}")
            order = [competency_key]
        rubrics.append(RubricAgreement(
            key, title, fits.get(""),
            [(names.get(c, c), fits[c]) for c in order if c in fits]))
    rows = [fit for fits in stored.values() for fit in fits.values()]
    first = rows[0] if rows else None
    return AgreementReport(rubrics, first and first.window_start, first and first.window_end,
                           first and first.computed_at)


def _latest_titles() -> list[tuple[str, str]]:
    """Return (key, title) of the newest version of each rubric, ordered by title."""
    newest = (sa.select(RubricVersion.key, sa.func.max(RubricVersion.version).label("version"))
              .group_by(RubricVersion.key).subquery())
    return [(key, title) for key, title in db.session.execute(
        sa.select(RubricVersion.key, RubricVersion.title)
        .join(newest, sa.and_(RubricVersion.key == newest.c.key,
                              RubricVersion.version == newest.c.version))
        .order_by(RubricVersion.title, RubricVersion.key))]


@dataclass(frozen=True)
class Period:
    """An interviewer's leniency with a rubric over one quarter of the window."""

    start: datetime
    end: datetime
    effect: float
    error: float
    scorecards: int
    index: int  # which quarter of the window, 0 the oldest


@dataclass(frozen=True)
class RubricHabits:
    """How an interviewer scores with one rubric: habits, leniency, drift by quarter."""

    key: str
    title: str
    scorecards: int
    flags: int
    figures: dict  # habit -> {value, low, high, norm, scorecards, flagged}
    drift: list[Period]


@dataclass(frozen=True)
class InterviewerReport:
    """One interviewer's measurement with each rubric they scored in the window."""

    interviewer: User
    rubrics: list[RubricHabits]
    window_start: datetime | None
    window_end: datetime | None
    computed_at: datetime | None

    @property
    def quarters(self) -> list[datetime]:
        """Return when each quarter of the window starts, oldest first."""
        if self.window_start is None or self.window_end is None:
            return []
        step = (self.window_end - self.window_start) / QUARTERS
        return [self.window_start + step * number for number in range(QUARTERS)]


def interviewer_report(actor: User, interviewer_id: int) -> InterviewerReport:
    """Return an interviewer's report: HR and admins see anyone's, an interviewer their own.

    An id that is no user, or not the actor's to see, raises NotVisible (a 404).
    """
    if interviewer_id != actor.id:
        require(actor, Action.VIEW, Area.ANALYTICS)
    person = db.session.get(User, interviewer_id)
    if person is None:
        raise NotVisible("There is no such interviewer.")
    habits = db.session.scalars(sa.select(InterviewerHabits)
                                .where(InterviewerHabits.interviewer_id == interviewer_id)).all()
    first = habits[0] if habits else None
    quarters: dict[str, list[Period]] = {}
    for row in db.session.scalars(
            sa.select(RaterEffect)
            .where(RaterEffect.interviewer_id == interviewer_id, RaterEffect.span == QUARTER)
            .order_by(RaterEffect.period_start)):
        index = round((row.period_start - first.window_start)
                      / (first.window_end - first.window_start) * QUARTERS) if first else 0
        quarters.setdefault(row.rubric_key, []).append(
            Period(row.period_start, row.period_end, row.effect, row.error, row.scorecards,
                   index))
    titles = dict(_latest_titles())
    rubrics = sorted((RubricHabits(row.rubric_key, titles.get(row.rubric_key, row.rubric_key),
                                   row.scorecards, row.flags, row.figures,
                                   quarters.get(row.rubric_key, []))
                      for row in habits), key=lambda found: (-found.scorecards, found.title))
    return InterviewerReport(person, rubrics, first and first.window_start,
                             first and first.window_end, first and first.computed_at)


@dataclass(frozen=True)
class InterviewerRow:
    """One interviewer in the list: scorecards of the window and habits flagged, all rubrics."""

    id: int
    name: str
    email: str
    scorecards: int
    flags: int


def interviewers(actor: User, limit: int = 50, after: str | None = None,
                 before: str | None = None, flagged_only: bool = False) -> Page[InterviewerRow]:
    """Return a page of the interviewers measured in the window, by name.

    Paged by key (after continues below a page, before above it; either raises ValueError
    for a cursor this list never issued).
    """
    require(actor, Action.VIEW, Area.ANALYTICS)
    totals = (sa.select(InterviewerHabits.interviewer_id.label("id"),
                        sa.func.sum(InterviewerHabits.scorecards).label("scorecards"),
                        sa.func.sum(InterviewerHabits.flags).label("flags"))
              .group_by(InterviewerHabits.interviewer_id).subquery())
    query = (sa.select(User.id, User.name, User.email, totals.c.scorecards, totals.c.flags)
             .join(totals, totals.c.id == User.id))
    if flagged_only:
        query = query.where(totals.c.flags > 0)
    page = keyset_page(query, (User.name, User.id), INTERVIEWERS, limit=limit, after=after,
                       before=before, descending=False)
    return replace(page, rows=[InterviewerRow(id, name, email, int(scorecards), int(flags))
                               for id, name, email, scorecards, flags in page.rows])


def can_see_everyone(actor: User) -> bool:
    """Tell whether the actor sees every interviewer's report (HR and admins)."""
    return can(actor, Action.VIEW, Area.ANALYTICS)


def refresh_under_way(summaries: tuple[str, ...] = ("measurement",)) -> Job | None:
    """Return a refresh of these summaries that is queued or running and in time, if any."""
    for job in db.session.scalars(
            sa.select(Job).where(Job.kind == REFRESH_KIND,
                                 Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
            .order_by(Job.id.desc())):
        if (tuple(job.params.get("summaries", ["measurement"])) == summaries
                and jobs.state(job) in (JobStatus.QUEUED, JobStatus.RUNNING)):
            return job
    return None


def request_refresh(actor: User) -> Job:
    """Start fitting the measurement models in the background; return the job.

    A fit already under way is returned instead of a second one: it will reach every
    scorecard submitted before it reads them.
    """
    require(actor, Action.VIEW, Area.ANALYTICS)
    return refresh_under_way() or jobs.start(actor, REFRESH_KIND, "Measurement fit",
                                            {"summaries": ["measurement"]})
