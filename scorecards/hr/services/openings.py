"""Openings and their pipelines: creating an opening, and what its pages count.

Each use case checks authorization, runs in one transaction and records an audit event;
the counts are read from the summary tables (analytics/summaries.py), kept current as
applications move, or made by the database for a page's worth of applications.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, replace

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from ... import audit
from ...analytics.summaries import LIVE_INTERVIEW, PANEL_SEAT
from ...authz import Action, Area, require
from ...catalog.services import latest_loop_version, loop_of
from ...core.rubric import Loop
from ...core.vocabulary import ApplicationStatus, ScorecardStatus
from ...extensions import db
from ...models import (
    Application,
    ApplicationCount,
    Interview,
    LoopVersion,
    Opening,
    OpeningContacts,
    Scorecard,
    StageFigures,
    User,
)
from ...paging import Page, keyset_page
from .fields import PipelineError, optional, required

OPENING_KEY = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
PIPELINE = "pipeline"  # the kind of the pipeline's cursors, followed by the opening's id
OPENINGS = "openings"  # the kind of HR home's cursors


@dataclass(frozen=True)
class StageCount:
    """How many applications of an opening have an interview of one stage."""

    key: str
    title: str
    applications: int  # with at least one interview of the stage
    scorecards: int  # of the stage's panels, in any state but withdrawn
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


def create_opening(actor: User, key: str, title: str, loop_key: str,
                   team: str | None = None, *, hiring_manager: str | None = None,
                   hr_contact: str | None = None) -> Opening:
    """Open a job requisition interviewed with the newest version of a loop.

    hiring_manager and hr_contact are the emails of users, copied on reminders of
    scorecards long overdue.
    """
    require(actor, Action.VIEW, Area.PIPELINE)
    key, title, team = (key or "").strip(), required(title, "title", 200), optional(team, 200)
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
    manager, contact = (_user_named(hiring_manager, "hiring_manager"),
                        _user_named(hr_contact, "hr_contact"))
    if manager or contact:
        opening.contacts = OpeningContacts(hiring_manager=manager, hr_contact=contact)
    db.session.add(opening)
    db.session.flush()
    audit.record(actor, "opening.created", opening, key=key,
                 loop=f"{loop_version.key}:v{loop_version.version}")
    db.session.commit()
    return opening


def set_contacts(actor: User, opening: Opening, *, hiring_manager: str | None,
                 hr_contact: str | None) -> Opening:
    """Name (or, given nothing, clear) the hiring manager and HR contact of an opening."""
    require(actor, Action.VIEW, Area.PIPELINE)
    manager, contact = (_user_named(hiring_manager, "hiring_manager"),
                        _user_named(hr_contact, "hr_contact"))
    if opening.contacts is None:
        opening.contacts = OpeningContacts()
    opening.contacts.hiring_manager, opening.contacts.hr_contact = manager, contact
    audit.record(actor, "opening.contacts_changed", opening,
                 hiring_manager=manager.id if manager else None,
                 hr_contact=contact.id if contact else None)
    db.session.commit()
    return opening


def contact_problems(hiring_manager: str | None, hr_contact: str | None) -> dict[str, str]:
    """Return, by field, what keeps each email named from being a contact of an opening."""
    problems = {}
    for field, email in (("hiring_manager", hiring_manager), ("hr_contact", hr_contact)):
        try:
            _user_named(email, field)
        except PipelineError as error:
            problems[field] = str(error)
    return problems


def _user_named(email: str | None, field: str) -> User | None:
    """Return the active user with this email, None for none given; refuse an unknown one."""
    email = (email or "").strip().lower()
    if not email:
        return None
    user = db.session.scalar(sa.select(User).where(User.email == email))
    if user is None or not user.active:
        raise PipelineError(f"{email} is not an active user.", field)
    return user


def loop_keys() -> list[str]:
    """Return the keys of the stored loops."""
    return list(loop_choices())


def loop_choices() -> dict[str, str]:
    """Return key -> title of every stored loop, as its newest version names it."""
    rows = db.session.execute(sa.select(LoopVersion.key, LoopVersion.title)
                              .order_by(LoopVersion.key, LoopVersion.version))
    return dict(rows.all())


def opening_rows(*, limit: int = 50, after: str | None = None,
                 before: str | None = None) -> Page[OpeningRow]:
    """Return a page of the openings, newest first, with their applications counted by status.

    The counts are read from application_counts, kept current as applications move, for the
    page's openings only. after continues below a page, before above it; either raises
    ValueError for a cursor this list never issued.
    """
    page = keyset_page(sa.select(Opening).options(joinedload(Opening.loop_version)),
                       (Opening.created_at, Opening.id), OPENINGS, limit=limit, after=after,
                       before=before, fetch=lambda select: db.session.scalars(select).all())
    counts: dict[int, dict[ApplicationStatus, int]] = defaultdict(_zero_statuses)
    for opening_id, status, count in db.session.execute(
            sa.select(ApplicationCount.opening_id, ApplicationCount.status,
                      sa.func.sum(ApplicationCount.applications))
            .where(ApplicationCount.opening_id.in_([o.id for o in page.rows]))
            .group_by(ApplicationCount.opening_id, ApplicationCount.status)):
        counts[opening_id][ApplicationStatus(status)] = int(count)
    return replace(page, rows=[OpeningRow(o, o.loop_version.title, sum(counts[o.id].values()),
                                          counts[o.id]) for o in page.rows])


def opening_by_key(key: str) -> Opening | None:
    """Return the opening with this key, with its loop version."""
    return db.session.scalar(sa.select(Opening).where(Opening.key == key)
                             .options(joinedload(Opening.loop_version)))


def pipeline(opening: Opening) -> Pipeline:
    """Return the opening's applications counted by status and by stage, from the summaries."""
    by_status = _zero_statuses()
    for status, count in db.session.execute(
            sa.select(ApplicationCount.status, sa.func.sum(ApplicationCount.applications))
            .where(ApplicationCount.opening_id == opening.id)
            .group_by(ApplicationCount.status)):
        by_status[ApplicationStatus(status)] = int(count)
    stages = {key: (applications, int(scorecards), int(done))
              for key, applications, scorecards, done in db.session.execute(
                  sa.select(StageFigures.stage_key, sa.func.count(),
                            sa.func.sum(StageFigures.scorecards),
                            sa.func.sum(StageFigures.submitted))
                  .where(StageFigures.opening_id == opening.id)
                  .group_by(StageFigures.stage_key))}
    loop = loop_of(opening.loop_version)
    by_stage = [StageCount(s.key, s.title, *stages.get(s.key, (0, 0, 0))) for s in loop.stages]
    by_stage += [StageCount(key, key, *counts) for key, counts in stages.items()
                 if key not in {s.key for s in loop.stages}]
    return Pipeline(sum(by_status.values()), by_status, by_stage)


def applications(opening: Opening, *, status: ApplicationStatus | None = None,
                 limit: int = 50, after: str | None = None,
                 before: str | None = None) -> Page[ApplicationRow]:
    """Return a page of the opening's applications, newest first, with their stage progress.

    Paged by key, so any page costs what the first does: after continues below a page (older
    applications), before above it; either raises ValueError for a cursor this opening's
    list never issued.
    """
    query = (sa.select(Application).where(Application.opening_id == opening.id)
             .options(joinedload(Application.candidate)))
    if status is not None:
        query = query.where(Application.status == status)
    page = keyset_page(query, (Application.applied_at, Application.id),
                       f"{PIPELINE}{opening.id}:", limit=limit, after=after, before=before,
                       fetch=lambda select: db.session.scalars(select).all())
    progress = _progress(opening, (a.id for a in page.rows))
    return replace(page, rows=[ApplicationRow(a, progress.get(a.id, [])) for a in page.rows])


def _progress(opening: Opening, application_ids: Iterable[int]) -> dict[int, list[StageProgress]]:
    ids = list(application_ids)
    if not ids:
        return {}
    submitted = sa.case((Scorecard.status == ScorecardStatus.SUBMITTED, 1), else_=0)
    counts = {(application_id, stage): (done or 0, total)
              for application_id, stage, done, total in db.session.execute(
                  sa.select(Interview.application_id, Interview.stage_key,
                            sa.func.sum(submitted), sa.func.count(Scorecard.id))
                  .outerjoin(Scorecard, PANEL_SEAT)
                  .where(Interview.application_id.in_(ids), LIVE_INTERVIEW)
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


def stage_title(loop: Loop, stage_key: str) -> str:
    """Return the title of a stage of the loop, or its key if the loop has no such stage."""
    try:
        return loop.stage(stage_key).title
    except KeyError:
        return stage_key


def _zero_statuses() -> dict[ApplicationStatus, int]:
    return dict.fromkeys(ApplicationStatus, 0)
