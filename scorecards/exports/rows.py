"""The rows of each export, read in one streaming query and rendered where it is cheapest.

A workbook needs typed values (numbers, times); a CSV or JSON-lines file needs text. For text
the database writes each number and time as the file shows it, and a JSON string with its
escapes, so that Python only joins the fields (writers.rendered_csv_chunks checks and
neutralises free text a batch at a time). Every row reaches the writer in the same order and
with the same values either way: a test compares the two.

The applications' scores and recommended outcome are the decision engine's, as on the
committee's summary before calibration: stored per application as its panel changes
(analytics/outcomes.py) and joined here, so that an export is one query.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa

from ..analytics import outcomes
from ..catalog.services import loop_of
from ..core.rubric import Loop
from ..core.vocabulary import ApplicationStatus, FinalOutcome, Outcome, ScorecardStatus, Source
from ..extensions import db
from ..models import (
    Application,
    ApplicationOutcome,
    Candidate,
    Decision,
    Interview,
    LoopVersion,
    Opening,
    Rating,
    RubricVersion,
    Scorecard,
    User,
)
from . import copying
from .copying import NUMBER, TEXT, TIME, Words, is_text

ROWS_PER_FETCH = 5000  # rows a streaming query hands over at a time
RFC3339 = "%Y-%m-%dT%H:%M:%SZ"  # SQLite's strftime
ENDINGS = {"csv": b"\r\n", "jsonl": b"\n"}
RATING_COLUMNS = (("application_id", NUMBER), ("candidate", TEXT), ("opening", TEXT),
                  ("stage", TEXT), ("interviewer", TEXT), ("competency", TEXT),
                  ("score", NUMBER), ("rubric", TEXT), ("rubric_version", NUMBER),
                  ("submitted_at", TIME))


@dataclass(frozen=True)
class Filter:
    """What the rows are restricted to: the checked filter of an export."""

    opening_id: int | None
    status: str | None
    since: datetime | None  # on or after
    before: datetime | None  # strictly before
    hidden: sa.Select | None  # application ids left out


def window(since, until) -> tuple[datetime | None, datetime | None]:
    """Return the UTC bounds of whole days since..until, ends included."""
    return (since and datetime.combine(since, time(), UTC),
            until and datetime.combine(until + timedelta(days=1), time(), UTC))


@dataclass(frozen=True)
class Rows:
    """An export's columns, which of them hold free text, and its rows.

    lines: the rows come as (count, bytes) blocks of the file's lines (PostgreSQL's COPY).
    """

    columns: tuple[str, ...]
    texts: tuple[bool, ...]
    rows: Iterator
    lines: bool = False


def applications_where(where: Filter) -> list:
    """Return conditions on Application for the filter, leaving out the hidden ids."""
    conditions = []
    if where.opening_id is not None:
        conditions.append(Application.opening_id == where.opening_id)
    if where.status is not None:
        conditions.append(Application.status == where.status)
    if where.hidden is not None:
        conditions.append(Application.id.not_in(where.hidden))
    return conditions


def between(column, where: Filter) -> list:
    """Return conditions keeping column within the filter's times."""
    conditions = []
    if where.since is not None:
        conditions.append(column >= where.since)
    if where.before is not None:
        conditions.append(column < where.before)
    return conditions


def _render(expression, kind, fmt: str):
    """Return the expression as the file writes it: typed for a workbook, else as text."""
    if fmt == "xlsx":
        return expression
    if is_text(kind):
        kind = TEXT
    csv = fmt == "csv"
    if kind == TIME:
        text = sa.func.strftime(RFC3339, expression)
        if not csv:
            text = sa.literal('"').op("||")(text).op("||")(sa.literal('"'))
    elif kind == NUMBER:
        text = sa.cast(expression, sa.Text)
    elif csv:
        text = expression
    else:  # a JSON string, escaped as Python's json module escapes it (a test compares them)
        text = sa.func.json_quote(expression)
    return sa.type_coerce(sa.func.coalesce(text, "" if csv else "null"), sa.Text)


def _copying(fmt: str) -> bool:
    return fmt != "xlsx" and _dialect() == "postgresql"


def _dialect() -> str:
    return db.session.get_bind().dialect.name


def _stream(query: sa.Select) -> Iterator[list]:
    """Yield the query's rows a fetch at a time, closing its cursor if abandoned."""
    if _dialect() == "postgresql":
        # Every row is read: plan for the whole result, not for the first rows of a cursor.
        db.session.execute(sa.text("SET LOCAL cursor_tuple_fraction = 1"))
    result = db.session.execute(query.execution_options(yield_per=ROWS_PER_FETCH))
    try:
        yield from result.partitions()
    finally:
        result.close()  # an abandoned download frees its server-side cursor


# Ratings.


def _rating_values() -> list[tuple[str, object, str]]:
    values = (Interview.application_id, Candidate.name, Opening.key, Interview.stage_key,
              User.email, Rating.competency_key, Rating.score, RubricVersion.key,
              RubricVersion.version, Scorecard.submitted_at)
    return [(name, value, kind)
            for value, (name, kind) in zip(values, RATING_COLUMNS, strict=True)]


def ratings_query(where: Filter, fmt: str = "xlsx") -> sa.Select:
    """Return the query of the submitted ratings, as the format writes them (not COPY's)."""
    return _ratings_of(sa.select(*(_render(value, kind, fmt)
                                   for _, value, kind in _rating_values())), where)


def _ratings_of(query: sa.Select, where: Filter) -> sa.Select:
    return (
        query.select_from(Rating)
        .join(Scorecard, Rating.scorecard_id == Scorecard.id)
        .join(Interview, Scorecard.interview_id == Interview.id)
        .join(Application, Interview.application_id == Application.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .join(Opening, Application.opening_id == Opening.id)
        .join(User, Scorecard.interviewer_id == User.id)
        .join(RubricVersion, Interview.rubric_version_id == RubricVersion.id)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED, *applications_where(where),
               *between(Scorecard.submitted_at, where))
        .order_by(*_RATINGS_ORDER))


_RATINGS_ORDER = (Interview.application_id, Interview.scheduled_at, Interview.id, Scorecard.id,
                  Rating.competency_key)


def ratings(where: Filter, fmt: str) -> Rows:
    """Return the rows of a ratings export in this format."""
    columns = tuple(name for name, _ in RATING_COLUMNS)
    texts = tuple(is_text(kind) for _, kind in RATING_COLUMNS)
    if _copying(fmt):
        query = _ratings_of(sa.select(copying.line(fmt, _rating_values())), where)
        return Rows(columns, texts, copying.blocks(query, ENDINGS[fmt], ROWS_PER_FETCH),
                    lines=True)
    rows = (tuple(row) for batch in _stream(ratings_query(where, fmt)) for row in batch)
    return Rows(columns, texts, rows)


# Applications.


APPLICATION_COLUMNS = (("application_id", NUMBER), ("candidate", TEXT), ("opening", TEXT),
                       ("source", Words(tuple(Source))), ("referrer", TEXT),
                       ("status", Words(tuple(ApplicationStatus))))
RECOMMENDED = ("recommended_outcome", Words(tuple(Outcome)))
DECISION_COLUMNS = (("final_outcome", Words(tuple(FinalOutcome))), ("applied_at", TIME),
                    ("first_interview_at", TIME), ("decided_at", TIME))


def applications_query(where: Filter, fmt: str = "xlsx") -> sa.Select:
    """Return the applications' query as the format writes them (not COPY's)."""
    return _applications_of(where, _loops_in_use(where.opening_id), fmt)


def applications(where: Filter, fmt: str) -> Rows:
    """Return the rows of an applications export in this format.

    The engine's results the rows need and the database lacks are computed first (and
    committed), so that the rows themselves are one query.
    """
    outcomes.fill_missing(*applications_where(where), *between(Application.applied_at, where))
    loops = _loops_in_use(where.opening_id)
    columns = tuple(name for name, _ in _application_columns(loops))
    texts = tuple(is_text(kind) for _, kind in _application_columns(loops))
    if _copying(fmt):
        query = _applications_of(where, loops, fmt, line=True)
        return Rows(columns, texts, copying.blocks(query, ENDINGS[fmt], ROWS_PER_FETCH),
                    lines=True)
    rows = (tuple(row) for batch in _stream(_applications_of(where, loops, fmt))
            for row in batch)
    return Rows(columns, texts, rows)


def _application_columns(loops: dict[int, Loop]) -> list[tuple[str, object]]:
    """Return the (name, kind) of the columns: the stages are those of the loops in use."""
    return [*APPLICATION_COLUMNS, *((name, NUMBER) for name in _score_names(loops)),
            RECOMMENDED, *DECISION_COLUMNS]


def _score_names(loops: dict[int, Loop]) -> list[str]:
    """Return the names of the scores: each stage's, then the overall score."""
    return [*(outcomes.score_column(stage) for stage in stage_keys(loops)), outcomes.OVERALL]


def _applications_of(where: Filter, loops: dict[int, Loop], fmt: str,
                     line: bool = False) -> sa.Select:
    """Return the query of the applications as the format writes them.

    Each row: the application, its engine's result, first interview and last decision, as a
    column each, or (line) as one line of the file, for COPY.
    """
    seen = (sa.select(Interview.application_id,
                      sa.func.min(sa.case((Interview.cancelled_at.is_(None),
                                           Interview.scheduled_at))).label("first_at"))
            .group_by(Interview.application_id).subquery("seen"))
    ranked = (sa.select(Decision.application_id, Decision.final_outcome, Decision.decided_at,
                        sa.func.row_number().over(
                            partition_by=Decision.application_id,
                            order_by=(Decision.decided_at.desc(), Decision.id.desc()),
                        ).label("newest"))
              .subquery("ranked"))
    stored = ApplicationOutcome.scores
    scores = [stored[name].as_float() if fmt == "xlsx" else stored[name].as_string()
              for name in _score_names(loops)]
    # An application never interviewed has no stored result: its loop's for no panel.
    empty = {loop_id: outcome
             for loop_id, (_, outcome) in outcomes.Scoring().empty(loops).items()}
    recommended = sa.func.coalesce(ApplicationOutcome.outcome, sa.case(
        empty, value=Opening.loop_version_id)) if empty else ApplicationOutcome.outcome
    values = (Application.id, Candidate.name, Opening.key, Application.source,
              Application.referrer, Application.status, *scores, recommended,
              ranked.c.final_outcome, Application.applied_at,
              sa.type_coerce(seen.c.first_at, Interview.scheduled_at.type),
              sa.type_coerce(ranked.c.decided_at, Decision.decided_at.type))
    columns = [(name, value, kind) for value, (name, kind)
               in zip(values, _application_columns(loops), strict=True)]
    scored = slice(len(APPLICATION_COLUMNS), len(APPLICATION_COLUMNS) + len(scores))
    shown = [_line(fmt, columns, scored)] if line else \
        [_render(value, kind, fmt) for _, value, kind in columns]
    return (
        sa.select(*shown)
        .select_from(Application)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .join(Opening, Application.opening_id == Opening.id)
        .outerjoin(ApplicationOutcome, ApplicationOutcome.application_id == Application.id)
        .outerjoin(seen, seen.c.application_id == Application.id)
        .outerjoin(ranked, sa.and_(ranked.c.application_id == Application.id,
                                   ranked.c.newest == 1))
        .where(*applications_where(where), *between(Application.applied_at, where))
        .order_by(Application.id))


def _line(fmt: str, columns: list[tuple[str, object, object]],
          scored: slice) -> sa.ColumnElement[str]:
    """Return the SQL of an application's line; scored are the positions of its scores.

    Nine in ten applications were never interviewed and have no stored scores: their scores
    are written as one constant, not field by field.
    """
    scores = columns[scored]
    none = [(name, sa.null(), kind) for name, _, kind in scores]
    middle = sa.case((ApplicationOutcome.application_id.is_(None), copying.fields(fmt, none)),
                     else_=copying.fields(fmt, scores))
    return copying.line_of(fmt, [copying.fields(fmt, columns[:scored.start]), middle,
                                 copying.fields(fmt, columns[scored.stop:])])


def _loops_in_use(opening_id: int | None) -> dict[int, Loop]:
    """Return the loop versions the openings use (the opening's alone if given), in order."""
    in_use = sa.select(Opening.loop_version_id)
    if opening_id is not None:
        in_use = in_use.where(Opening.id == opening_id)
    query = sa.select(LoopVersion).where(LoopVersion.id.in_(in_use)) \
        .order_by(LoopVersion.key, LoopVersion.version)
    return {version.id: loop_of(version) for version in db.session.scalars(query)}


def stage_keys(loops: dict[int, Loop]) -> list[str]:
    """Return the stages of these loops, each once, in loop order."""
    keys: dict[str, None] = {}
    for loop in loops.values():
        keys.update(dict.fromkeys(stage.key for stage in loop.stages))
    return list(keys)
