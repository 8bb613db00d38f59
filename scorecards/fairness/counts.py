"""Anonymous selection counts: what the adverse-impact report adds up.

Counting a loop's year of applications step by step took seconds per report, so the counts
are kept (``selection_counts``): per question, opening, month of application (UTC), step and
answer, how many applications reached the step and how many passed it. The aggregates job
counts them again from the applications (the "fairness" summary, nightly or when asked for),
and a report adds up the months it covers, saying when they were counted.

The steps, as reports.py describes them: screening (reached a first interview), each stage
(judged there, and passed by most of its panel, as the funnel counts), overall (decided hire).

When a candidate's answers go (erased with them, or past their own retention) what their
applications contributed is first added to kept rows, which no count touches again, and
their applications until then are left out of the live count (``Candidate.counted_at``):
reports of past periods add up as before, and no row says who anyone was.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.orm import aliased
from sqlalchemy.sql.functions import FunctionElement

from ..core.vocabulary import FinalOutcome
from ..extensions import db
from ..models import (
    Application,
    Candidate,
    Decision,
    SelectionCount,
    SelfIdentification,
    StageFigures,
    utcnow,
)
from .questionnaire import Questionnaire, configured

UNANSWERED = "unanswered"
SCREENING = "screening"
OVERALL = "overall"

_COLUMNS = ("item", "opening_id", "month", "step", "answer", "kept", "reached", "passed",
            "computed_at")


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


def count_rows(item: str, *where: sa.ColumnElement[bool]) -> sa.Select:
    """Return the live rows of one question for the counted applications that match where."""
    answer = sa.func.coalesce(SelfIdentification.answer, UNANSWERED)
    applications = (
        sa.select(Application.id, Application.opening_id,
                  month_of(Application.applied_at).label("month"), answer.label("answer"))
        .join(Candidate, Candidate.id == Application.candidate_id)
        .outerjoin(SelfIdentification, sa.and_(
            SelfIdentification.candidate_id == Application.candidate_id,
            SelfIdentification.item == item))
        .where(sa.or_(Candidate.counted_at.is_(None),
                      Application.applied_at > Candidate.counted_at), *where)
        .subquery())
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


def rebuild() -> int:
    """Count every question's live rows again from the applications; return the rows kept."""
    questionnaire = configured()
    if db.session.get_bind().dialect.name == "postgresql":
        # An erasure saved meanwhile must not be counted from a snapshot before it.
        db.session.execute(sa.text("LOCK TABLE selection_counts IN EXCLUSIVE MODE"))
    db.session.execute(sa.delete(SelectionCount).where(SelectionCount.kept.is_(False)))
    for question in questionnaire.items:
        db.session.execute(sa.insert(SelectionCount).from_select(_COLUMNS,
                                                                 count_rows(question.key)))
    return db.session.scalar(sa.select(sa.func.count()).select_from(SelectionCount))


def recount(questionnaire: Questionnaire, months: Iterable[tuple[int, str]]) -> None:
    """Count the live rows of these (opening, month) pairs again."""
    for opening_id, month in sorted(set(months)):
        db.session.execute(sa.delete(SelectionCount).where(
            SelectionCount.kept.is_(False), SelectionCount.opening_id == opening_id,
            SelectionCount.month == month))
        within = (Application.opening_id == opening_id,
                  Application.applied_at >= month_start(month),
                  Application.applied_at < month_start(shift_month(month, 1)))
        for question in questionnaire.items:
            db.session.execute(sa.insert(SelectionCount).from_select(
                _COLUMNS, count_rows(question.key, *within)))


def keep(questionnaire: Questionnaire, candidate_ids: list[int]) -> None:
    """Move what these candidates' applications count from the live rows to the kept ones.

    Call it before their answers go: afterwards their applications until now are counted in
    the kept rows only, whatever happens to their answers.
    """
    if not candidate_ids:
        return
    mine = Application.candidate_id.in_(candidate_ids)
    now = utcnow()
    added: dict[tuple, list[int]] = {}
    for question in questionnaire.items:
        for item, opening_id, month, step, answer, _, reached, passed, _ in db.session.execute(
                count_rows(question.key, mine)):
            found = added.setdefault((item, opening_id, month, step, answer), [0, 0])
            found[0] += reached
            found[1] += int(passed or 0)
    _add_kept([{"item": item, "opening_id": opening_id, "month": month, "step": step,
                "answer": answer, "kept": True, "reached": reached, "passed": passed,
                "computed_at": now}
               for (item, opening_id, month, step, answer), (reached, passed)
               in sorted(added.items())])
    db.session.execute(sa.update(Candidate).where(Candidate.id.in_(candidate_ids))
                       .values(counted_at=now).execution_options(synchronize_session=False))
    recount(questionnaire, {(opening_id, month)
                            for _, opening_id, month, *_ in added})


def _add_kept(rows: list[dict]) -> None:
    """Add these counts to the kept rows, creating them at zero."""
    if not rows:
        return
    if db.session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:
        from sqlalchemy.dialects.sqlite import insert
    statement = insert(SelectionCount)
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["item", "opening_id", "month", "step", "answer", "kept"],
        set_={"reached": SelectionCount.reached + statement.excluded.reached,
              "passed": SelectionCount.passed + statement.excluded.passed,
              "computed_at": statement.excluded.computed_at}), rows)
