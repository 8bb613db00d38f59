"""Anonymous selection counts and score sums: what the fairness reports add up.

Counting a loop's year of applications step by step took seconds per report, so the counts
are kept (``selection_counts``): per question, opening, month of application (UTC), step and
answer, how many applications reached the step and how many passed it. The aggregates job
counts them again from the applications (the "fairness" summary, nightly or when asked for),
and a report adds up the months it covers, saying when they were counted. Score sums
(``score_sums``) are kept alike, for comparing the scores groups were given: per competency
(each application's mean over its panel) and per interviewer (each scorecard's mean rating).

The steps, as reports.py describes them: screening (reached a first interview), each stage
(judged there, and passed by most of its panel, as the funnel counts), overall (decided hire).

When a candidate's answers go (erased with them, or past their own retention) what their
applications contributed is first added to kept rows, which no count touches again, and
their applications until then are left out of the live count (``Candidate.counted_at``):
reports of past periods add up as before, and no row says who anyone was.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import product

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from ..core.vocabulary import FinalOutcome, ScorecardStatus
from ..extensions import db
from ..models import (
    Application,
    Candidate,
    Decision,
    Interview,
    LoopScoreSum,
    LoopSelectionCount,
    LoopVersion,
    Opening,
    Rating,
    Scorecard,
    ScoreSum,
    SelectionCount,
    SelfIdentification,
    StageFigures,
    utcnow,
)
from .questionnaire import Questionnaire, configured

UNANSWERED = "unanswered"
SCREENING = "screening"
OVERALL = "overall"

class month_of(FunctionElement):  # noqa: N801 - used as a SQL function
    """The "YYYY-MM" of a timestamp, in UTC."""

    type = sa.String()
    inherit_cache = True
    name = "month_of"


@compiles(month_of, "sqlite")
def _month_on_sqlite(element, compiler, **kw) -> str:
    return f"strftime('%Y-%m', {compiler.process(element.clauses, **kw)})"


@compiles(month_of, "postgresql")
def _month_on_postgresql(element, compiler, **kw) -> str:
    return f"to_char({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC', 'YYYY-MM')"


def month_start(month: str) -> datetime:
    """Return the first moment (UTC) of a "YYYY-MM" month."""
    return datetime.strptime(month, "%Y-%m").replace(tzinfo=UTC)


def shift_month(month: str, by: int) -> str:
    """Return the "YYYY-MM" `by` months after this one (before it if by is negative)."""
    year, number = divmod(int(month[:4]) * 12 + int(month[5:7]) - 1 + by, 12)
    return f"{year}-{number + 1:02d}"


def _counted(item: str, *where: sa.ColumnElement[bool]):
    """Return the counted applications that match where, with their month and answer."""
    answer = sa.func.coalesce(SelfIdentification.answer, UNANSWERED)
    return (
        sa.select(Application.id, Application.opening_id,
                  month_of(Application.applied_at).label("month"), answer.label("answer"))
        .join(Candidate, Candidate.id == Application.candidate_id)
        .outerjoin(SelfIdentification, sa.and_(
            SelfIdentification.candidate_id == Application.candidate_id,
            SelfIdentification.item == item))
        .where(sa.or_(Candidate.counted_at.is_(None),
                      Application.applied_at > Candidate.counted_at), *where)
        .subquery())


def selection_rows(item: str, *where: sa.ColumnElement[bool]) -> sa.Select:
    """Return the live selection counts of one question for the applications that match where."""
    applications = _counted(item, *where)
    later = aliased(Decision)
    hired = sa.exists().where(Decision.application_id == applications.c.id,
                              Decision.final_outcome == FinalOutcome.HIRE,
                              ~sa.exists().where(later.supersedes_id == Decision.id))
    interviewed = sa.exists().where(StageFigures.application_id == applications.c.id)
    fixed = (sa.literal(item, SelectionCount.item.type), applications.c.opening_id,
             applications.c.month)
    tail = (applications.c.answer, sa.literal(False, SelectionCount.kept.type))
    now = sa.literal(utcnow(), SelectionCount.computed_at.type)
    grouping = (applications.c.opening_id, applications.c.month, applications.c.answer)

    def passing(step: str, passed: sa.ColumnElement[bool]) -> sa.Select:
        return (sa.select(*fixed, sa.literal(step, SelectionCount.step.type), *tail,
                          sa.func.count(), sa.func.sum(sa.case((passed, 1), else_=0)), now)
                .group_by(*grouping))

    stages = (
        sa.select(*fixed, StageFigures.stage_key, *tail, sa.func.count(),
                  sa.func.sum(sa.case((StageFigures.hires * 2 > StageFigures.submitted, 1),
                                      else_=0)), now)
        .join(applications, applications.c.id == StageFigures.application_id)
        .where(StageFigures.submitted > 0)
        .group_by(*grouping, StageFigures.stage_key))
    return sa.union_all(passing(SCREENING, interviewed), stages, passing(OVERALL, hired))


def score_rows(item: str, *where: sa.ColumnElement[bool]) -> sa.Select:
    """Return the live score sums of one question for the applications that match where.

    Submitted scorecards of interviews not cancelled; a competency marked not assessed has no
    score and counts for nothing.
    """
    applications = _counted(item, *where)
    scored = (sa.select(applications.c.opening_id, applications.c.month,
                        applications.c.answer, Interview.stage_key)
              .join(Interview, Interview.application_id == applications.c.id)
              .join(Scorecard, Scorecard.interview_id == Interview.id)
              .join(Rating, Rating.scorecard_id == Scorecard.id)
              .where(Interview.cancelled_at.is_(None),
                     Scorecard.status == ScorecardStatus.SUBMITTED, Rating.score.is_not(None)))
    mean = sa.cast(sa.func.avg(Rating.score), sa.Float).label("mean")
    grouping = (applications.c.opening_id, applications.c.month, applications.c.answer,
                Interview.stage_key)
    # Each application's mean over its panel, per competency; each scorecard's mean rating.
    panels = (scored.add_columns(Rating.competency_key, mean)
              .group_by(applications.c.id, *grouping, Rating.competency_key).subquery())
    cards = (scored.add_columns(Scorecard.interviewer_id, mean)
             .group_by(Scorecard.id, *grouping, Scorecard.interviewer_id).subquery())
    now = sa.literal(utcnow(), ScoreSum.computed_at.type)

    def sums(rows, competency, interviewer) -> sa.Select:
        keys = (rows.c.opening_id, rows.c.month, rows.c.stage_key, competency, interviewer,
                rows.c.answer)
        return (sa.select(sa.literal(item, ScoreSum.item.type), *keys,
                          sa.literal(False, ScoreSum.kept.type), sa.func.count(),
                          sa.func.sum(rows.c.mean), sa.func.sum(rows.c.mean * rows.c.mean), now)
                .group_by(*keys))

    return sa.union_all(
        sums(panels, panels.c.competency_key, sa.literal(0, ScoreSum.interviewer_id.type)),
        sums(cards, sa.literal("", ScoreSum.competency.type), cards.c.interviewer_id))


@dataclass(frozen=True)
class Kind:
    """One kind of kept figures: its tables, the rows it counts, which columns add up.

    table holds them per opening, live and kept apart; loop_table per loop, both added up, so
    that a loop's report does not add up each of its openings' rows again.
    """

    table: type[db.Model]
    loop_table: type[db.Model]
    rows: Callable[..., sa.Select]
    keys: tuple[str, ...]  # item, opening_id, month, then what else tells rows apart
    measures: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        """Return the columns its rows give, in order."""
        return (*self.keys, "kept", *self.measures, "computed_at")

    def loop_rows(self, *where: sa.ColumnElement[bool]) -> sa.Select:
        """Return the loop rows added up from the opening rows that match where."""
        rest = [getattr(self.table, key) for key in self.keys[3:]]
        live = sa.case((self.table.kept.is_(False), self.table.computed_at))
        grouping = (self.table.item, LoopVersion.key, self.table.month, *rest)
        return (sa.select(*grouping,
                          *(sa.func.sum(getattr(self.table, name)) for name in self.measures),
                          sa.func.coalesce(sa.func.min(live), sa.func.max(self.table.computed_at)))
                .join(Opening, Opening.id == self.table.opening_id)
                .join(LoopVersion, LoopVersion.id == Opening.loop_version_id)
                .where(*where).group_by(*grouping))

    @property
    def loop_columns(self) -> tuple[str, ...]:
        """Return the columns of loop_rows, in order."""
        return ("item", "loop", "month", *self.keys[3:], *self.measures, "computed_at")


SELECTIONS, SCORES = KINDS = (
    Kind(SelectionCount, LoopSelectionCount, selection_rows,
         ("item", "opening_id", "month", "step", "answer"), ("reached", "passed")),
    Kind(ScoreSum, LoopScoreSum, score_rows,
         ("item", "opening_id", "month", "stage", "competency", "interviewer_id", "answer"),
         ("n", "total", "squares")),
)


def scoped(kind: Kind, loop: str | None, openings: list[int]):
    """Return where a report of a loop (or else of these openings) reads a kind of figures.

    That is (table, the condition on its rows, the time of the oldest live count it reads).
    """
    if loop is not None:
        table = kind.loop_table
        return table, table.loop == loop, sa.func.min(table.computed_at)
    table = kind.table
    live = sa.case((table.kept.is_(False), table.computed_at))
    return table, table.opening_id.in_(openings), sa.func.min(live)


def rebuild() -> int:
    """Count every question's live figures again from the applications; return the rows kept."""
    questionnaire = configured()
    rows = 0
    for kind in KINDS:
        if db.session.get_bind().dialect.name == "postgresql":
            # An erasure saved meanwhile must not be counted from a snapshot before it.
            db.session.execute(sa.text(
                f"LOCK TABLE {kind.table.__tablename__} IN EXCLUSIVE MODE"))
        db.session.execute(sa.delete(kind.table).where(kind.table.kept.is_(False)))
        for question in questionnaire.items:
            db.session.execute(sa.insert(kind.table).from_select(kind.columns,
                                                                 kind.rows(question.key)))
        db.session.execute(sa.delete(kind.loop_table))
        db.session.execute(sa.insert(kind.loop_table).from_select(kind.loop_columns,
                                                                  kind.loop_rows()))
        rows += db.session.scalar(sa.select(sa.func.count()).select_from(kind.table))
    return rows


def recount(questionnaire: Questionnaire, months: Iterable[tuple[int, str]]) -> None:
    """Count the live figures of these (opening, month) pairs again, and their loops' sums.

    Each statement names the question too, which leads every table's key.
    """
    months = sorted(set(months))
    for opening_id, month in months:
        within = (Application.opening_id == opening_id,
                  Application.applied_at >= month_start(month),
                  Application.applied_at < month_start(shift_month(month, 1)))
        for kind, question in product(KINDS, questionnaire.items):
            db.session.execute(sa.delete(kind.table).where(
                kind.table.item == question.key, kind.table.opening_id == opening_id,
                kind.table.month == month, kind.table.kept.is_(False)))
            db.session.execute(sa.insert(kind.table).from_select(
                kind.columns, kind.rows(question.key, *within)))
    loop_of = dict(db.session.execute(
        sa.select(Opening.id, LoopVersion.key)
        .join(LoopVersion, LoopVersion.id == Opening.loop_version_id)
        .where(Opening.id.in_(sorted({opening_id for opening_id, _ in months})))).all())
    for loop, month in sorted({(loop_of[opening_id], month) for opening_id, month in months}):
        for kind, question in product(KINDS, questionnaire.items):
            db.session.execute(sa.delete(kind.loop_table).where(
                kind.loop_table.item == question.key, kind.loop_table.loop == loop,
                kind.loop_table.month == month))
            db.session.execute(sa.insert(kind.loop_table).from_select(
                kind.loop_columns, kind.loop_rows(kind.table.item == question.key,
                                                  LoopVersion.key == loop,
                                                  kind.table.month == month)))


def keep(questionnaire: Questionnaire, candidate_ids: list[int]) -> None:
    """Move what these candidates' applications count from the live figures to the kept ones.

    Call it before their answers go: afterwards their applications until now are counted in
    the kept rows only, whatever happens to their answers.
    """
    if not candidate_ids:
        return
    mine = Application.candidate_id.in_(candidate_ids)
    now = utcnow()
    touched = set()
    for kind in KINDS:
        added: dict[tuple, list] = {}
        width = len(kind.keys)
        for question in questionnaire.items:
            for row in db.session.execute(kind.rows(question.key, mine)):
                sums = added.setdefault(tuple(row[:width]), [0] * len(kind.measures))
                for index, value in enumerate(row[width + 1:width + 1 + len(kind.measures)]):
                    sums[index] += value or 0
        _add_kept(kind, [{**dict(zip(kind.keys, key, strict=True)), "kept": True,
                          **dict(zip(kind.measures, sums, strict=True)), "computed_at": now}
                         for key, sums in sorted(added.items())])
        touched |= {(key[1], key[2]) for key in added}
    db.session.execute(sa.update(Candidate).where(Candidate.id.in_(candidate_ids))
                       .values(counted_at=now).execution_options(synchronize_session=False))
    recount(questionnaire, touched)


def _add_kept(kind: Kind, rows: list[dict]) -> None:
    """Add these figures to the kept rows, creating them at zero."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(kind.table)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=[*kind.keys, "kept"],
        set_={**{name: getattr(kind.table, name) + getattr(statement.excluded, name)
                 for name in kind.measures},
              "computed_at": statement.excluded.computed_at}), rows)
