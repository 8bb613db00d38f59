"""Summary tables: what the pages count, kept so that no request counts the year again.

Four summaries are kept current as changes are saved (analytics/upkeep.py), each cheap to
redo for what one change touches:

- ``application_counts``: applications per opening, status and source, moved by deltas;
- ``stage_figures``: one row per application and stage, recomputed for the applications a
  change touches; an opening's funnel and stage counts add up a few hundred of them;
- ``calibration_shares``: what each interview adds to each panelist's offset, recomputed for
  the interviews a change touches; an offset adds up its interviewer's rows;
- ``application_outcomes``: the decision engine's result per interviewed application, run
  again for the applications a change touches (outcomes.py); exports join it.

Panel agreement cannot be updated piecemeal (its statistics read every panel of a rubric at
once), so it is computed by a job, on a schedule or when asked for, and shows its time.

Each summary is defined once, below as a SELECT over the stored records (the engine's
results by outcomes.Scoring); a rebuild stores everything it gives, an upkeep the part a
change touched, so the two never differ.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from itertools import groupby
from operator import itemgetter

import sqlalchemy as sa

from ..core.agreement import panel_agreement
from ..core.panel import PanelRating
from ..core.vocabulary import Recommendation, ScorecardStatus, Source
from ..extensions import db
from ..models import (
    AgreementResult,
    Application,
    ApplicationCount,
    CalibrationShare,
    Interview,
    Rating,
    RubricVersion,
    Scorecard,
    StageFigures,
    utcnow,
)
from . import outcomes

PASSING = (Recommendation.HIRE, Recommendation.STRONG_HIRE)
# What pipelines and reports count: interviews not cancelled, and the scorecards of their
# panels (a withdrawn draft is its author's alone).
LIVE_INTERVIEW = Interview.cancelled_at.is_(None)
PANEL_SEAT = sa.and_(Scorecard.interview_id == Interview.id,
                     Scorecard.status != ScorecardStatus.WITHDRAWN)
# Ratings fetched at a time while agreement is computed: millions never sit in memory as rows.
_BATCH = 2_000
SUMMARIES = ("counts", "stages", "calibration", "outcomes", "agreement")


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


def calibration_share_rows(*where: sa.ColumnElement[bool]) -> sa.Select:
    """Return the calibration_shares rows of the interviews that match where.

    Every submitted score sits beside the sum and count of its panel's scores of the same
    competency, so that the co-panelists' mean is (total - own) / (count - 1).
    """
    partition = {"partition_by": (Scorecard.interview_id, Rating.competency_key)}
    scores = (
        sa.select(Scorecard.interviewer_id, Scorecard.interview_id, Rating.score,
                  sa.func.sum(Rating.score).over(**partition).label("total"),
                  sa.func.count(Rating.score).over(**partition).label("raters"))
        .join(Rating, Rating.scorecard_id == Scorecard.id)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED, Rating.score.is_not(None),
               *where)
        .subquery())
    deviation = scores.c.score - sa.cast(scores.c.total - scores.c.score, sa.Float) / (
        scores.c.raters - 1)
    return (sa.select(scores.c.interview_id, scores.c.interviewer_id, sa.func.sum(deviation),
                      sa.func.count(), sa.literal(utcnow(), CalibrationShare.computed_at.type))
            .where(scores.c.raters > 1)
            .group_by(scores.c.interview_id, scores.c.interviewer_id))


_COUNT_COLUMNS = ("opening_id", "status", "source", "applications", "computed_at")
_STAGE_COLUMNS = ("application_id", "stage_key", "opening_id", "referral", "scorecards",
                  "submitted", "hires", "computed_at")
_SHARE_COLUMNS = ("interview_id", "interviewer_id", "deviation", "ratings", "computed_at")


def recompute_stage_figures(connection: sa.Connection, application_ids: Iterable[int]) -> None:
    """Replace the stage_figures rows of these applications with freshly counted ones."""
    ids = sorted(set(application_ids))
    if ids:
        connection.execute(sa.delete(StageFigures).where(StageFigures.application_id.in_(ids)))
        connection.execute(sa.insert(StageFigures).from_select(
            _STAGE_COLUMNS, stage_figure_rows(Interview.application_id.in_(ids))))


def recompute_calibration_shares(connection: sa.Connection, interview_ids: Iterable[int]) -> None:
    """Replace the calibration_shares rows of these interviews with freshly computed ones."""
    ids = sorted(set(interview_ids))
    if ids:
        connection.execute(sa.delete(CalibrationShare)
                           .where(CalibrationShare.interview_id.in_(ids)))
        connection.execute(sa.insert(CalibrationShare).from_select(
            _SHARE_COLUMNS, calibration_share_rows(Scorecard.interview_id.in_(ids))))


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
    a hand-made fix); panel agreement needs it to move at all.
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


def _rebuild_agreement() -> int:
    """Compute every rubric's panel agreement, one rubric's scores in memory at a time."""
    keys = db.session.scalars(sa.select(RubricVersion.key).distinct()).all()
    computed = dict(_agreement_by_key())
    now = utcnow()
    db.session.execute(sa.delete(AgreementResult))
    empty = panel_agreement(())
    for key in keys:
        found = computed.get(key, empty)
        db.session.add(AgreementResult(rubric_key=key, icc2_1=found.icc2_1, alpha=found.alpha,
                                       panels=found.panels, units=found.units,
                                       ratings=found.ratings, computed_at=now))
    return len(keys)


def _agreement_by_key():
    """Yield each rubric key with the agreement of its submitted scores, read as a stream.

    Only scores a co-panelist also gave are read: the statistics leave every other unit
    out, and most interviews (an HR screen) have one interviewer. Rows come sorted by
    rubric key, so each rubric's scores are handed to the statistics as they arrive and let
    go once its figures are made: memory holds one rubric's shared units at a time.
    """
    scores = (
        sa.select(RubricVersion.key, Interview.id.label("interview_id"), Interview.stage_key,
                  Scorecard.interviewer_id, Rating.competency_key, Rating.score,
                  sa.func.count(Rating.score).over(
                      partition_by=(Scorecard.interview_id, Rating.competency_key)
                  ).label("raters"))
        .select_from(Rating)
        .join(Rating.scorecard).join(Scorecard.interview).join(Interview.rubric_version)
        # Not-assessed scores are NULL and count toward no statistic: leave them in the database.
        .where(Scorecard.status == ScorecardStatus.SUBMITTED, Rating.score.is_not(None))
        .subquery())
    rows = db.session.execute(
        sa.select(scores.c.key, scores.c.interview_id, scores.c.stage_key,
                  scores.c.interviewer_id, scores.c.competency_key, scores.c.score)
        .where(scores.c.raters > 1)
        .order_by(scores.c.key)
        .execution_options(yield_per=_BATCH))
    for key, group in groupby(rows, key=itemgetter(0)):
        yield key, panel_agreement(
            PanelRating(interview_id, stage, interviewer_id, competency, score)
            for _, interview_id, stage, interviewer_id, competency, score in group)


_REBUILDS: dict[str, Callable[[], int]] = {
    "counts": lambda: _rebuild(ApplicationCount, _COUNT_COLUMNS, application_count_rows()),
    "stages": lambda: _rebuild(StageFigures, _STAGE_COLUMNS, stage_figure_rows()),
    "calibration": lambda: _rebuild(CalibrationShare, _SHARE_COLUMNS, calibration_share_rows()),
    "outcomes": outcomes.rebuild,
    "agreement": _rebuild_agreement,
}
