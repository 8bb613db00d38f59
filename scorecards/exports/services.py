"""Exports of applications and ratings for HR: validated, authorized, audited, streamed.

Rows come from the database a batch at a time (applications) or through one streaming
query (ratings), and go out through a writer a chunk at a time, so an export of a year of
hiring takes as little memory as one of a week.

Independent scoring outranks role: an export leaves out, in SQL, every application on which
the person exporting still owes a scorecard (authz.owed_applications), rows and all, until
they have submitted it. The command line has no user and exports everything.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa

from .. import audit
from ..authz import Action, Area, owed_applications, require
from ..catalog.services import loop_of, newest_rubrics, rubric_of
from ..committee.services import panels
from ..core.decision import recommend
from ..core.panel import PanelScorecard
from ..core.rubric import Loop, Rubric, stage_rubrics
from ..core.scale import rounded
from ..core.vocabulary import ApplicationStatus, ScorecardStatus
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
from .writers import WRITERS, Row

KINDS = ("applications", "ratings")
FORMATS = tuple(WRITERS)
APPLICATIONS_PER_BATCH = 500
RATINGS_PER_FETCH = 2000
ROWS_PER_REPORT = 1000  # how often an export tells its progress
RATING_COLUMNS = ("application_id", "candidate", "opening", "stage", "interviewer",
                  "competency", "score", "rubric", "rubric_version", "submitted_at")


class ExportError(ValueError):
    """Raised for an export that cannot be made as asked; the message says what is wrong."""


# Dates a filter may name: wide enough for any record, narrow enough that the day after the
# last one, which bounds the query, is still a date every database and Python can hold.
EARLIEST_DAY, LATEST_DAY = date(1900, 1, 1), date(2999, 12, 31)


@dataclass(frozen=True)
class ExportFilter:
    """Which rows an export holds; None means no restriction."""

    opening: str | None = None  # opening key
    since: date | None = None  # applied (applications) or submitted (ratings) on or after
    until: date | None = None  # ... on or before
    status: str | None = None  # application status


@dataclass(frozen=True)
class Export:
    """A file being exported: its name, its type and its bytes, as a stream."""

    filename: str
    mimetype: str
    chunks: Iterator[bytes]


def parse_filter(opening: str | None = None, since: str | None = None,
                 until: str | None = None, status: str | None = None) -> ExportFilter:
    """Return the filter that these texts (from a form or the command line) describe.

    Blank values mean no restriction; a date that is not YYYY-MM-DD raises ExportError.
    """
    return ExportFilter(opening=(opening or "").strip() or None,
                        since=_date("start", since), until=_date("end", until),
                        status=(status or "").strip() or None)


def _date(which: str, text: str | None) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        day = date.fromisoformat(text)
    except ValueError:
        raise ExportError(f"The {which} date '{text}' is not a date; write it as "
                          "YYYY-MM-DD.") from None
    if not EARLIEST_DAY <= day <= LATEST_DAY:
        raise ExportError(f"The {which} date {day.isoformat()} is out of range; give one "
                          f"between {EARLIEST_DAY.isoformat()} and {LATEST_DAY.isoformat()}.")
    return day


def owed_count(actor: User) -> int:
    """Return how many applications the actor's exports leave out, owing a scorecard on them."""
    return db.session.scalar(sa.select(sa.func.count()).select_from(Application)
                             .where(Application.id.in_(owed_applications(actor))))


def openings() -> list[tuple[str, str]]:
    """Return the key and title of every opening, by title, for choosing one to export."""
    return [(key, title) for key, title in db.session.execute(
        sa.select(Opening.key, Opening.title).order_by(Opening.title, Opening.key))]


def check(kind: str, fmt: str, filters: ExportFilter) -> int | None:
    """Raise ExportError unless such an export can be made; return the opening's id, if any."""
    if kind not in KINDS:
        raise ExportError(f"There is no export of '{kind}'; choose {_either(KINDS)}.")
    if fmt not in WRITERS:
        raise ExportError(f"There is no format '{fmt}'; choose {_either(FORMATS)}.")
    if filters.status is not None and filters.status not in set(ApplicationStatus):
        raise ExportError(f"There is no application status '{filters.status}'; choose "
                          f"{_either(tuple(ApplicationStatus))}.")
    if filters.since and filters.until and filters.since > filters.until:
        raise ExportError(f"The start date {filters.since.isoformat()} is after the end date "
                          f"{filters.until.isoformat()}.")
    if filters.opening is None:
        return None
    opening_id = db.session.scalar(sa.select(Opening.id).where(Opening.key == filters.opening))
    if opening_id is None:
        raise ExportError(f"There is no opening '{filters.opening}'.")
    return opening_id


def export(actor: User | None, kind: str, fmt: str, filters: ExportFilter,
           progress: Callable[[int, int], None] | None = None) -> Export:
    """Check and record an export of applications or ratings, and return its stream.

    actor None is the command line. The audit event is committed before the first byte, so
    an export that is started is on record even if the download breaks off. Applications
    the actor owes a scorecard on are left out. progress, if given, hears (rows written,
    rows expected) as the stream is read, after a count of the rows first.
    """
    if actor is not None:
        require(actor, Action.VIEW, Area.EXPORTS)
    opening_id = check(kind, fmt, filters)
    audit.record(actor, "export.created", None, kind=kind, format=fmt,
                 filters={name: value.isoformat() if isinstance(value, date) else value
                          for name, value in asdict(filters).items() if value is not None})
    db.session.commit()
    hidden = None if actor is None else owed_applications(actor)
    make = _applications if kind == "applications" else _ratings
    columns, rows = make(filters, opening_id, hidden)
    if progress is not None:
        rows = _reported(rows, _count(kind, filters, opening_id, hidden), progress)
    write, mimetype = WRITERS[fmt]
    return Export(filename=_filename(kind, fmt, filters), mimetype=mimetype,
                  chunks=write(columns, rows))


def _either(choices: tuple[str, ...]) -> str:
    return ", ".join(choices[:-1]) + " or " + choices[-1]


def _filename(kind: str, fmt: str, filters: ExportFilter) -> str:
    opening = filters.opening and re.sub(r"[^A-Za-z0-9_.-]+", "_", filters.opening)
    parts = [kind, opening, filters.status,
             filters.since and f"from-{filters.since.isoformat()}",
             filters.until and f"to-{filters.until.isoformat()}"]
    return "-".join(part for part in parts if part) + "." + fmt


def _window(column, filters: ExportFilter) -> list:
    """Return conditions keeping column within the filter's days (UTC), ends included."""
    conditions = []
    if filters.since:
        conditions.append(column >= datetime.combine(filters.since, time(), UTC))
    if filters.until:
        conditions.append(column < datetime.combine(filters.until + timedelta(days=1), time(),
                                                    UTC))
    return conditions


def _application_conditions(filters: ExportFilter, opening_id: int | None,
                            hidden: sa.Select | None) -> list:
    """Return conditions on Application for the filter, leaving out the hidden ids."""
    conditions = []
    if opening_id is not None:
        conditions.append(Application.opening_id == opening_id)
    if filters.status is not None:
        conditions.append(Application.status == filters.status)
    if hidden is not None:
        conditions.append(Application.id.not_in(hidden))
    return conditions


# Ratings: one streaming query.


def _ratings(filters: ExportFilter, opening_id: int | None,
             hidden: sa.Select | None) -> tuple[tuple[str, ...], Iterator[Row]]:
    return RATING_COLUMNS, _stream(_ratings_query(filters, opening_id, hidden))


def _ratings_query(filters: ExportFilter, opening_id: int | None,
                   hidden: sa.Select | None) -> sa.Select:
    return (
        sa.select(Interview.application_id, Candidate.name, Opening.key, Interview.stage_key,
                  User.email, Rating.competency_key, Rating.score, RubricVersion.key,
                  RubricVersion.version, Scorecard.submitted_at)
        .select_from(Rating)
        .join(Scorecard, Rating.scorecard_id == Scorecard.id)
        .join(Interview, Scorecard.interview_id == Interview.id)
        .join(Application, Interview.application_id == Application.id)
        .join(Candidate, Application.candidate_id == Candidate.id)
        .join(Opening, Application.opening_id == Opening.id)
        .join(User, Scorecard.interviewer_id == User.id)
        .join(RubricVersion, Interview.rubric_version_id == RubricVersion.id)
        .where(Scorecard.status == ScorecardStatus.SUBMITTED,
               *_application_conditions(filters, opening_id, hidden),
               *_window(Scorecard.submitted_at, filters))
        .order_by(Interview.application_id, Interview.scheduled_at, Interview.id,
                  Scorecard.id, Rating.competency_key)
        .execution_options(yield_per=RATINGS_PER_FETCH))


def _stream(query: sa.Select) -> Iterator[Row]:
    result = db.session.execute(query)
    try:
        yield from (tuple(row) for row in result)
    finally:
        result.close()  # an abandoned download frees its server-side cursor


# Applications: in batches, each scored by the core like the committee's summary.


def _applications(filters: ExportFilter, opening_id: int | None,
                  hidden: sa.Select | None) -> tuple[tuple[str, ...], Iterator[Row]]:
    stages = _stage_keys(opening_id)
    columns = ("application_id", "candidate", "opening", "source", "referrer", "status",
               *(f"score_{stage}" for stage in stages), "overall", "recommended_outcome",
               "final_outcome", "applied_at", "first_interview_at", "decided_at")
    return columns, _application_rows(filters, opening_id, hidden, stages)


def _stage_keys(opening_id: int | None) -> list[str]:
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


@dataclass(frozen=True)
class _Scored:
    """What an application row shows of the engine's recommendation."""

    stages: dict[str, float | None]
    overall: float | None
    outcome: str


class _Scoring:
    """Scores applications, loading and parsing each loop and rubric version once."""

    def __init__(self) -> None:
        self.loops: dict[int, Loop] = {}
        self.rubrics: dict[int, Rubric] = {}
        self.newest = newest_rubrics()
        self.unscored: dict[tuple, _Scored] = {}

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

    def score(self, loop_id: int, used: dict[str, int],
              panel: list[PanelScorecard] | None) -> _Scored:
        """Return the scores and recommended outcome of one application.

        Most applications never reach an interview, and every empty panel of a loop scores
        the same: that result is computed once.
        """
        if not panel:
            key = (loop_id, tuple(sorted(used.items())))
            if key not in self.unscored:
                self.unscored[key] = self._score(loop_id, used, [])
            return self.unscored[key]
        return self._score(loop_id, used, panel)

    def _score(self, loop_id: int, used: dict[str, int],
               panel: list[PanelScorecard]) -> _Scored:
        loop = self.loops[loop_id]
        summary = recommend(loop, self.rubrics_of(loop, used), panel)
        return _Scored({stage.key: rounded(stage.score) for stage in summary.raw.stages},
                       rounded(summary.raw.overall), summary.outcome.value)

    def rubrics_of(self, loop: Loop, used: dict[str, int]) -> dict[str, Rubric]:
        """Return each stage's rubric: the version its interview used, else the newest."""
        return stage_rubrics(loop, {stage: self.rubrics[version_id]
                                    for stage, version_id in used.items()}, self.newest)


def _application_rows(filters: ExportFilter, opening_id: int | None,
                      hidden: sa.Select | None, stages: list[str]) -> Iterator[Row]:
    scoring, after = _Scoring(), 0
    query = (sa.select(Application.id, Candidate.name.label("candidate"),
                       Opening.key.label("opening"), Opening.loop_version_id,
                       Application.source, Application.referrer, Application.status,
                       Application.applied_at)
             .join(Candidate, Application.candidate_id == Candidate.id)
             .join(Opening, Application.opening_id == Opening.id)
             .where(*_application_conditions(filters, opening_id, hidden),
                    *_window(Application.applied_at, filters))
             .order_by(Application.id).limit(APPLICATIONS_PER_BATCH))
    while batch := db.session.execute(query.where(Application.id > after)).all():
        after = batch[-1].id
        yield from _score_batch(batch, scoring, stages)


def _score_batch(batch: list, scoring: _Scoring, stages: list[str]) -> Iterator[Row]:
    ids = [row.id for row in batch]
    used: dict[int, dict[str, int]] = {}
    first: dict[int, datetime] = {}
    # Later interviews of a stage win, as on the committee's summary.
    for application_id, stage, rubric_id, when, cancelled_at in db.session.execute(
            sa.select(Interview.application_id, Interview.stage_key,
                      Interview.rubric_version_id, Interview.scheduled_at, Interview.cancelled_at)
            .where(Interview.application_id.in_(ids))
            .order_by(Interview.scheduled_at, Interview.id)):
        used.setdefault(application_id, {})[stage] = rubric_id
        if cancelled_at is None:  # the first interview held, or to be held
            first.setdefault(application_id, when)
    latest: dict[int, tuple[str, datetime]] = {}
    for application_id, outcome, decided_at in db.session.execute(
            sa.select(Decision.application_id, Decision.final_outcome, Decision.decided_at)
            .where(Decision.application_id.in_(ids))
            .order_by(Decision.decided_at, Decision.id)):
        latest[application_id] = (outcome, decided_at)
    scoring.load({row.loop_version_id for row in batch},
                 {rubric for stages_used in used.values() for rubric in stages_used.values()})
    found = panels(ids)
    for row in batch:
        scored = scoring.score(row.loop_version_id, used.get(row.id, {}), found.get(row.id))
        outcome, decided_at = latest.get(row.id, (None, None))
        yield (row.id, row.candidate, row.opening, row.source, row.referrer, row.status,
               *(scored.stages.get(stage) for stage in stages), scored.overall,
               scored.outcome, outcome, row.applied_at, first.get(row.id), decided_at)


# Progress, for the command line.


def _count(kind: str, filters: ExportFilter, opening_id: int | None,
           hidden: sa.Select | None) -> int:
    """Return how many rows the export will hold, as of now."""
    if kind == "ratings":
        rows = _ratings_query(filters, opening_id, hidden).order_by(None).subquery()
    else:  # the joins to the candidate and the opening keep every application
        rows = sa.select(Application.id).where(
            *_application_conditions(filters, opening_id, hidden),
            *_window(Application.applied_at, filters)).subquery()
    return db.session.scalar(sa.select(sa.func.count()).select_from(rows))


def _reported(rows: Iterator[Row], total: int,
              progress: Callable[[int, int], None]) -> Iterator[Row]:
    """Pass the rows on, telling progress every ROWS_PER_REPORT rows and at the end."""
    done = 0
    progress(done, total)
    for done, row in enumerate(rows, start=1):
        yield row
        if done % ROWS_PER_REPORT == 0:
            progress(done, total)
    progress(done, total)
