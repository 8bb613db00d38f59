"""Summary tables: what the pages count, kept so that no request counts the year again.

Three summaries are kept current as changes are saved (analytics/upkeep.py), each cheap to
redo for what one change touches:

- ``application_counts``: applications per opening, status and source, moved by deltas;
- ``stage_figures``: one row per application and stage, recomputed for the applications a
  change touches; an opening's funnel and stage counts add up a few hundred of them;
- ``application_outcomes``: the decision engine's result per interviewed application, run
  again for the applications a change touches (outcomes.py); exports join it.

The measurement models (agreement, interviewers' leniency and habits: measurement.py) cannot
be updated piecemeal (each reads every scorecard of a window at once), so they are fitted by a
job, on a schedule or when asked for, and the pages show the time. So are the anonymous
selection counts the adverse-impact report adds up (fairness/counts.py), which an erasure
also recounts for the months it touches.

Each summary is defined once, below as a SELECT over the stored records (the engine's
results by outcomes.Scoring); a rebuild stores everything it gives, an upkeep the part a
change touched, so the two never differ.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from ..authz import Area
from ..core.vocabulary import Recommendation, ScorecardStatus, Source
from ..extensions import db
from ..fairness import counts
from ..models import (
    Application,
    ApplicationCount,
    Interview,
    Scorecard,
    StageFigures,
    utcnow,
)
from . import measurement, outcomes

PASSING = (Recommendation.HIRE, Recommendation.STRONG_HIRE)
# What pipelines and reports count: interviews not cancelled, and the scorecards of their
# panels (a withdrawn draft is its author's alone).
LIVE_INTERVIEW = Interview.cancelled_at.is_(None)
PANEL_SEAT = sa.and_(Scorecard.interview_id == Interview.id,
                     Scorecard.status != ScorecardStatus.WITHDRAWN)
SUMMARIES = ("counts", "stages", "outcomes", "measurement", "fairness")
# Who may ask for a summary's refresh, where it is not analytics' (HR and admins).
AREAS = {"fairness": Area.FAIRNESS}


def application_count_rows() -> sa.Select:
    """Return (opening, status, source, applications, computed_at) over every application."""
    return (sa.select(Application.opening_id, Application.status, Application.source,
                      sa.func.count(), sa.literal(utcnow(), ApplicationCount.computed_at.type))
            .group_by(Application.opening_id, Application.status, Application.source))


def stage_figure_rows(*where: sa.ColumnElement[bool]) -> sa.Select:
    """Return the stage_figures rows of the applications that match where."""
    submitted = Scorecard.status == ScorecardStatus.SUBMITTED
    return (
        sa.select(Interview.application_id, Interview.stage_key, Application.opening_id,
                  Application.source == Source.REFERRAL,
                  sa.func.count(Scorecard.id),
                  sa.func.coalesce(sa.func.sum(sa.case((submitted, 1), else_=0)), 0),
                  sa.func.coalesce(sa.func.sum(sa.case(
                      (sa.and_(submitted, Scorecard.recommendation.in_(PASSING)), 1),
                      else_=0)), 0),
                  sa.literal(utcnow(), StageFigures.computed_at.type))
        .select_from(Interview).join(Interview.application).outerjoin(Scorecard, PANEL_SEAT)
        .where(LIVE_INTERVIEW, *where)
        .group_by(Interview.application_id, Interview.stage_key, Application.opening_id,
                  Application.source))


_COUNT_COLUMNS = ("opening_id", "status", "source", "applications", "computed_at")
_STAGE_COLUMNS = ("application_id", "stage_key", "opening_id", "referral", "scorecards",
                  "submitted", "hires", "computed_at")


def recompute_stage_figures(connection: sa.Connection, application_ids: Iterable[int]) -> None:
    """Replace the stage_figures rows of these applications with freshly counted ones."""
    ids = sorted(set(application_ids))
    if ids:
        connection.execute(sa.delete(StageFigures).where(StageFigures.application_id.in_(ids)))
        connection.execute(sa.insert(StageFigures).from_select(
            _STAGE_COLUMNS, stage_figure_rows(Interview.application_id.in_(ids))))


def shift_counts(connection: sa.Connection, deltas: dict[tuple[int, str, str], int]) -> None:
    """Add each delta to the count of its (opening, status, source), creating it at zero."""
    now = utcnow()
    changed = [{"opening_id": opening_id, "status": status, "source": source,
                "applications": delta, "computed_at": now}
               for (opening_id, status, source), delta in sorted(deltas.items()) if delta]
    if not changed:
        return
    dialect = connection.dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(ApplicationCount)
    connection.execute(statement.on_conflict_do_update(
        index_elements=["opening_id", "status", "source"],
        set_={"applications": ApplicationCount.applications + statement.excluded.applications,
              "computed_at": statement.excluded.computed_at}), changed)
    # An emptied status leaves no row, as a recount would not.
    connection.execute(sa.delete(ApplicationCount).where(
        ApplicationCount.applications == 0,
        ApplicationCount.opening_id.in_({opening_id for opening_id, *_ in deltas})))


@dataclass(frozen=True)
class Refreshed:
    """What one summary's refresh did: its name, the rows it holds now, the seconds it took."""

    summary: str
    rows: int
    seconds: float


def refresh(summaries: Iterable[str] = SUMMARIES,
            progress: Callable[[Refreshed], None] | None = None) -> list[Refreshed]:
    """Recompute the named summaries from the stored records, each in its own transaction.

    The kept summaries need this only after rows were written around the app (a bulk load,
    a hand-made fix); the measurement models need it to move at all.
    """
    wanted = list(dict.fromkeys(summaries))
    unknown = sorted(set(wanted) - set(SUMMARIES))
    if unknown:
        raise ValueError(f"no summary named {', '.join(unknown)}; "
                         f"the summaries are {', '.join(SUMMARIES)}")
    done = []
    for name in wanted:
        started = time.perf_counter()
        rows = _REBUILDS[name]()
        db.session.commit()
        done.append(Refreshed(name, rows, time.perf_counter() - started))
        if progress is not None:
            progress(done[-1])
    return done


def _rebuild(table: type[db.Model], columns: tuple[str, ...], rows: sa.Select) -> int:
    """Replace a kept summary's every row, holding its writers off until this commits."""
    if db.session.get_bind().dialect.name == "postgresql":
        # A change saved meanwhile would be counted from a snapshot this rebuild cannot see:
        # wait for those in flight and keep new ones waiting (readers go on).
        db.session.execute(sa.text(f"LOCK TABLE {table.__tablename__} IN EXCLUSIVE MODE"))
    db.session.execute(sa.delete(table))
    db.session.execute(sa.insert(table).from_select(columns, rows))
    return db.session.scalar(sa.select(sa.func.count()).select_from(table))


_REBUILDS: dict[str, Callable[[], int]] = {
    "counts": lambda: _rebuild(ApplicationCount, _COUNT_COLUMNS, application_count_rows()),
    "stages": lambda: _rebuild(StageFigures, _STAGE_COLUMNS, stage_figure_rows()),
    "outcomes": outcomes.rebuild,
    "measurement": measurement.refit,
    "fairness": counts.rebuild,
}
