"""The rows of each export, read in one streaming query and rendered where it is cheapest.

A workbook needs typed values (numbers, times); a CSV or JSON-lines file needs text. For text
the database writes each number and time as the file shows it, and a JSON string with its
escapes, so that Python only joins the fields (writers.rendered_csv_chunks checks and
neutralises free text a batch at a time). Every row reaches the writer in the same order and
with the same values either way: a test compares the two.

The applications' scores and recommended outcome come from the decision engine, as on the
committee's summary. It runs once per distinct panel: most applications never reach an
interview (one result per loop), and many panels of one screening call score alike.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from hashlib import blake2b

import sqlalchemy as sa

from ..catalog.services import loop_of, newest_rubrics, rubric_of
from ..committee.services import panels
from ..core.decision import recommend
from ..core.panel import PanelScorecard
from ..core.rubric import Loop, Rubric, stage_rubrics
from ..core.scale import rounded
from ..core.vocabulary import ScorecardStatus
from ..extensions import db
from ..models import (
    Application,
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
from .copying import NUMBER, TEXT, TIME

ROWS_PER_FETCH = 5000  # rows a streaming query hands over at a time
SCORED_KEPT = 20_000  # distinct panels whose scores are kept while an export runs
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


def _render(expression, kind: str, fmt: str):
    """Return the expression as the file writes it: typed for a workbook, else as text."""
    if fmt == "xlsx":
        return expression
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
    texts = tuple(kind == TEXT for _, kind in RATING_COLUMNS)
    if _copying(fmt):
        query = _ratings_of(sa.select(copying.line(fmt, _rating_values())), where)
        return Rows(columns, texts, copying.blocks(query, ENDINGS[fmt], ROWS_PER_FETCH),
                    lines=True)
    rows = (tuple(row) for batch in _stream(ratings_query(where, fmt)) for row in batch)
    return Rows(columns, texts, rows)


# Applications.


APPLICATION_COLUMNS = (("application_id", NUMBER), ("candidate", TEXT), ("opening", TEXT),
                       ("source", TEXT), ("referrer", TEXT), ("status", TEXT))
DECISION_COLUMNS = (("final_outcome", TEXT), ("applied_at", TIME),
                    ("first_interview_at", TIME), ("decided_at", TIME))


def _applications_of(where: Filter) -> tuple[sa.Select, list, list]:
    """Return the query of the applications with their first interview and last decision.

    Its last two columns are for the engine: the loop version, and how many interviews the
    application has had (None for none). Also return the (name, value, kind) of the columns
    before the scores and of those after.
    """
    seen = (sa.select(Interview.application_id,
                      sa.func.min(sa.case((Interview.cancelled_at.is_(None),
                                           Interview.scheduled_at))).label("first_at"),
                      sa.func.count().label("interviews"))
            .group_by(Interview.application_id).subquery("seen"))
    ranked = (sa.select(Decision.application_id, Decision.final_outcome, Decision.decided_at,
                        sa.func.row_number().over(
                            partition_by=Decision.application_id,
                            order_by=(Decision.decided_at.desc(), Decision.id.desc()),
                        ).label("newest"))
              .subquery("ranked"))
    before = [(name, value, kind) for value, (name, kind) in zip(
        (Application.id, Candidate.name, Opening.key, Application.source, Application.referrer,
         Application.status), APPLICATION_COLUMNS, strict=True)]
    after = [(name, value, kind) for value, (name, kind) in zip(
        (ranked.c.final_outcome, Application.applied_at,
         sa.type_coerce(seen.c.first_at, Interview.scheduled_at.type),
         sa.type_coerce(ranked.c.decided_at, Decision.decided_at.type)),
        DECISION_COLUMNS, strict=True)]
    query = (
        sa.select(Opening.loop_version_id, seen.c.interviews, Application.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .join(Opening, Application.opening_id == Opening.id)
        .outerjoin(seen, seen.c.application_id == Application.id)
        .outerjoin(ranked, sa.and_(ranked.c.application_id == Application.id,
                                   ranked.c.newest == 1))
        .where(*applications_where(where), *between(Application.applied_at, where))
        .order_by(Application.id))
    return query, before, after


def applications_query(where: Filter, fmt: str = "xlsx") -> sa.Select:
    """Return the applications' query as the format writes them (not COPY's).

    Its columns: those before the scores, those after, the loop version, the interviews.
    """
    query, before, after = _applications_of(where)
    shown = [_render(value, kind, fmt) for _, value, kind in before + after]
    return query.with_only_columns(*shown, *query.selected_columns[:2])


def applications(where: Filter, fmt: str) -> Rows:
    """Return the rows of an applications export in this format."""
    stages = stage_keys(where.opening_id)
    scores = [*(f"score_{stage}" for stage in stages), "overall", "recommended_outcome"]
    columns = (*(name for name, _ in APPLICATION_COLUMNS), *scores,
               *(name for name, _ in DECISION_COLUMNS))
    texts = (False, *[True] * 5, *[False] * (len(stages) + 1), *[True] * 2, *[False] * 3)
    if not _copying(fmt):
        scoring = _Scoring(stages, _SHOWN[fmt])
        return Rows(columns, texts, _application_rows(applications_query(where, fmt), scoring))
    query, before, after = _applications_of(where)
    query = query.with_only_columns(copying.line(fmt, before, last=False),
                                    copying.line(fmt, after, first=False),
                                    *query.selected_columns)
    scoring = _Scoring(stages, _joined(fmt, scores))
    return Rows(columns, texts, _copied_application_lines(query, scoring, ENDINGS[fmt]),
                lines=True)


def _joined(fmt: str, names: list[str]):
    """Return how the scores are written between a line's first and last columns."""
    if fmt == "csv":
        return lambda values: ",".join(_SHOWN["csv"](values)).encode()
    keys = [json.dumps(name, ensure_ascii=False) + ": " for name in names]
    return lambda values: ", ".join(key + value for key, value in zip(
        keys, _SHOWN["jsonl"](values), strict=True)).encode()


_SHOWN = {
    "xlsx": tuple,
    "csv": lambda values: tuple("" if value is None else str(value) for value in values),
    "jsonl": lambda values: tuple(json.dumps(value) for value in values),
}


def stage_keys(opening_id: int | None) -> list[str]:
    """Return the stages of the loops the openings use, each once, in loop order."""
    in_use = sa.select(Opening.loop_version_id)
    if opening_id is not None:
        in_use = in_use.where(Opening.id == opening_id)
    query = sa.select(LoopVersion).where(LoopVersion.id.in_(in_use)) \
        .order_by(LoopVersion.key, LoopVersion.version)
    keys: dict[str, None] = {}
    for version in db.session.scalars(query):
        keys.update(dict.fromkeys(stage.key for stage in loop_of(version).stages))
    return list(keys)


def _application_rows(query: sa.Select, scoring: _Scoring) -> Iterator[tuple]:
    for batch in _stream(query):
        used, found = scoring.panels_of([row[0] for row in batch if row[-1]])
        scoring.load({row[-2] for row in batch},
                     {version for stages in used.values() for version in stages.values()})
        for row in batch:
            application_id = int(row[0])
            yield (*row[:6], *scoring.score(row[-2], used.get(application_id, {}),
                                            found.get(application_id)), *row[6:10])


def _copied_application_lines(query: sa.Select, scoring: _Scoring,
                              ending: bytes) -> Iterator[tuple[int, bytes]]:
    """Yield blocks of the applications' lines, from COPY, with their scores put in."""
    batch: list[list[bytes]] = []
    for data in copying.copied(query):
        batch.append(bytes(data[:-1]).split(b"\t"))
        if len(batch) == ROWS_PER_FETCH:
            yield len(batch), _scored_lines(batch, scoring, ending)
            batch = []
    if batch:
        yield len(batch), _scored_lines(batch, scoring, ending)


def _scored_lines(batch: list[list[bytes]], scoring: _Scoring, ending: bytes) -> bytes:
    used, found = scoring.panels_of([row[4] for row in batch if row[3] != copying.NULL])
    scoring.load({int(row[2]) for row in batch},
                 {version for stages in used.values() for version in stages.values()})
    lines = []
    for first, last, loop_id, _, application_id in batch:
        number = int(application_id)
        lines += (first, scoring.score(int(loop_id), used.get(number, {}), found.get(number)),
                  last, ending)
    return copying.unescape(b"".join(lines))


class _Scoring:
    """Scores applications as the file shows them, parsing each loop and rubric version once.

    The engine's result depends only on the panel's content (its scores, recommendations,
    stages, and which scorecards share an interviewer or an interview), so a panel that
    reads the same as one met before, its ids apart, takes that one's result.
    """

    def __init__(self, stages: list[str], shown) -> None:
        self.stages, self.shown = stages, shown
        self.loops: dict[int, Loop] = {}
        self.rubrics: dict[int, Rubric] = {}
        self.newest = newest_rubrics()
        self.scored: OrderedDict[bytes, object] = OrderedDict()  # newest used last

    def panels_of(self, application_ids: list) -> tuple[dict[int, dict[str, int]],
                                                         dict[int, list[PanelScorecard]]]:
        """Return each stage's rubric version and the submitted panel of these applications."""
        ids = [int(application_id) for application_id in application_ids]
        if not ids:
            return {}, {}
        used: dict[int, dict[str, int]] = {}
        # Later interviews of a stage win, as on the committee's summary.
        for application_id, stage, rubric_id in db.session.execute(
                sa.select(Interview.application_id, Interview.stage_key,
                          Interview.rubric_version_id)
                .where(Interview.application_id.in_(ids))
                .order_by(Interview.scheduled_at, Interview.id)):
            used.setdefault(application_id, {})[stage] = rubric_id
        return used, panels(ids)

    def load(self, loop_ids: set[int], rubric_ids: set[int]) -> None:
        """Parse the versions of these ids not met yet."""
        if missing := loop_ids - self.loops.keys():
            for version in db.session.scalars(sa.select(LoopVersion)
                                              .where(LoopVersion.id.in_(missing))):
                self.loops[version.id] = loop_of(version)
        if missing := rubric_ids - self.rubrics.keys():
            for version in db.session.scalars(sa.select(RubricVersion)
                                              .where(RubricVersion.id.in_(missing))):
                self.rubrics[version.id] = rubric_of(version)

    def score(self, loop_id: int, used: dict[str, int], panel: list[PanelScorecard] | None):
        """Return the stage scores, overall score and recommended outcome, as written."""
        # The panel's digest, not the panel: a loop's full panel is kilobytes of tuples.
        key = blake2b(repr((loop_id, sorted(used.items()), _shape(panel or []))).encode(),
                      digest_size=16).digest()
        found = self.scored.get(key)
        if found is None:
            if len(self.scored) >= SCORED_KEPT:  # memory stays flat at any size
                self.scored.popitem(last=False)
            found = self.scored[key] = self._score(loop_id, used, panel or [])
        else:
            self.scored.move_to_end(key)
        return found

    def _score(self, loop_id: int, used: dict[str, int], panel: list[PanelScorecard]):
        loop = self.loops[loop_id]
        rubrics = stage_rubrics(loop, {stage: self.rubrics[version_id]
                                       for stage, version_id in used.items()}, self.newest)
        summary = recommend(loop, rubrics, panel)
        stages = {stage.key: rounded(stage.score) for stage in summary.raw.stages}
        return self.shown((*(stages.get(stage) for stage in self.stages),
                           rounded(summary.raw.overall), summary.outcome.value))


def _shape(panel: list[PanelScorecard]) -> tuple:
    """Return the panel's content with its interviewers and interviews numbered in order."""
    if not panel:
        return ()
    people = {who: n for n, who in enumerate(sorted({card.interviewer_id for card in panel}))}
    held = {which: n for n, which in enumerate(sorted({card.interview_id for card in panel}))}
    return tuple(sorted((card.stage, held[card.interview_id], people[card.interviewer_id],
                         card.recommendation.value, tuple(sorted(card.scores.items(),
                                                                 key=_by_key)))
                        for card in panel))


def _by_key(item: tuple[str, int | None]) -> str:
    return item[0]
