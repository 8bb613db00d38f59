"""Read the statistics of the analytics pages from their summary tables, and refresh them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from ..authz import Action, Area, require
from ..core.agreement import PanelAgreement
from ..core.vocabulary import JobStatus
from ..extensions import db
from ..jobs import services as jobs
from ..models import AgreementResult, Job, RubricVersion, User

REFRESH_KIND = "aggregates"


@dataclass(frozen=True)
class RubricAgreement:
    """How far the panels that scored with one rubric agree, as last computed."""

    key: str
    title: str  # the title of the rubric's newest version
    agreement: PanelAgreement | None  # None until the agreement is first computed
    computed_at: datetime | None


@dataclass(frozen=True)
class AgreementReport:
    """Every stored rubric's agreement, and when it was computed (None if never)."""

    rubrics: list[RubricAgreement]
    computed_at: datetime | None


def agreement_by_rubric() -> AgreementReport:
    """Return the panel agreement of every stored rubric, ordered by title, as last computed.

    All versions of a rubric are pooled (see summaries.py). The figures are those of the
    last refresh; a rubric stored since then has none until the next one.
    """
    stored = {row.rubric_key: row for row in db.session.scalars(sa.select(AgreementResult))}
    rubrics = [RubricAgreement(key, title, _agreement(stored.get(key)),
                               stored[key].computed_at if key in stored else None)
               for key, title in _latest_titles()]
    times = [row.computed_at for row in stored.values()]
    return AgreementReport(rubrics, min(times) if times else None)


def _agreement(row: AgreementResult | None) -> PanelAgreement | None:
    if row is None:
        return None
    return PanelAgreement(row.icc2_1, row.alpha, row.panels, row.units, row.ratings)


def _latest_titles() -> list[tuple[str, str]]:
    """Return (key, title) of the newest version of each rubric, ordered by title."""
    newest = (sa.select(RubricVersion.key, sa.func.max(RubricVersion.version).label("version"))
              .group_by(RubricVersion.key).subquery())
    return [(key, title) for key, title in db.session.execute(
        sa.select(RubricVersion.key, RubricVersion.title)
        .join(newest, sa.and_(RubricVersion.key == newest.c.key,
                              RubricVersion.version == newest.c.version))
        .order_by(RubricVersion.title, RubricVersion.key))]


def refresh_under_way() -> Job | None:
    """Return a refresh job that is queued or running and has not outrun its time, if any."""
    for job in db.session.scalars(
            sa.select(Job).where(Job.kind == REFRESH_KIND,
                                 Job.status.in_((JobStatus.QUEUED, JobStatus.RUNNING)))
            .order_by(Job.id.desc())):
        if jobs.state(job) in (JobStatus.QUEUED, JobStatus.RUNNING):
            return job
    return None


def request_refresh(actor: User) -> Job:
    """Start recomputing panel agreement in the background; return the job.

    A refresh already under way is returned instead of a second one: it will reach every
    scorecard submitted before it reads them.
    """
    require(actor, Action.VIEW, Area.ANALYTICS)
    return refresh_under_way() or jobs.start(actor, REFRESH_KIND, "Panel agreement refresh",
                                            {"summaries": ["agreement"]})
